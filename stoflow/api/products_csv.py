"""/api/products/export.csv: the seller's products as a CSV download (a file, so not a state event).

The seller is the one of the live access token, as for /api/account; the query only
filters within that seller's schema.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from stoflow.api.account import signed_in_identity
from stoflow.catalog import csv_io
from stoflow.catalog.products import ProductQuery
from stoflow.db.tenancy import tenant_session
from stoflow.models.base import utcnow
from stoflow.models.tenant.products import ProductStatus

router = APIRouter(prefix="/api/products")

EXPORT_PATH = "/api/products/export.csv"
STATUSES = {status.value for status in ProductStatus} | {"trash"}


@router.get("/export.csv")
def export_csv(
    request: Request,
    status: str | None = Query(default=None, max_length=16),
    search: str = Query(default="", max_length=200),
) -> Response:
    """Every product matching `status` (a status or "trash"; none: all live ones) and `search`."""
    identity = signed_in_identity(request)
    if isinstance(identity, JSONResponse):
        return identity
    query = ProductQuery(search=search, status=status if status in STATUSES else None)
    user_id = identity.user_id

    def lines() -> Iterator[bytes]:
        with tenant_session(user_id) as db:
            for line in csv_io.export_csv(db, query):
                yield line.encode("utf-8")

    filename = f"stoflow-products-{utcnow():%Y-%m-%d}.csv"
    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
