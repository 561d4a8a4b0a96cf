"""GET /api/health: is StoFlow able to serve? (database, Redis, at least one worker)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import redis
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from stoflow.config import get_settings
from stoflow.db.engine import get_engine

router = APIRouter()
log = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 2.0


def check_database() -> None:
    with get_engine().connect() as connection:
        connection.execute(text("SELECT 1"))


def check_redis() -> None:
    client = redis.Redis.from_url(get_settings().require("REDIS_URL"), socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


def check_worker() -> None:
    from stoflow.tasks import app as celery_app

    if not celery_app.control.ping(timeout=1.0, limit=1):
        raise RuntimeError("no worker answered")


async def _probe(name: str, check: Callable[[], None]) -> str:
    try:
        await asyncio.wait_for(asyncio.to_thread(check), timeout=CHECK_TIMEOUT_S)
        return "ok"
    except Exception as error:  # any failure means "down"; the reason is logged only
        log.warning("Health check %s failed: %s", name, error)
        return "down"


@router.get("/api/health")
async def health() -> JSONResponse:
    names = ("database", "redis", "worker")
    results = await asyncio.gather(
        _probe("database", check_database), _probe("redis", check_redis), _probe("worker", check_worker)
    )
    body = dict(zip(names, results, strict=True))
    healthy = all(result == "ok" for result in results)
    return JSONResponse({"status": "ok" if healthy else "degraded", **body}, status_code=200 if healthy else 503)
