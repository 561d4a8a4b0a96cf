"""GET /api/health: 200 when StoFlow can serve, 503 (degraded) when a service is down."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from stoflow.system.health import current_health

router = APIRouter()


@router.get("/api/health")
async def health() -> JSONResponse:
    status = await current_health()
    return JSONResponse(status.as_dict(), status_code=200 if status.healthy else 503)
