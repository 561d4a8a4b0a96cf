"""Health of the services StoFlow needs: database, Redis, at least one Celery worker."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass

import redis
from sqlalchemy import text

from stoflow.config import get_settings
from stoflow.db.engine import get_engine

log = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class Health:
    database: str
    redis: str
    worker: str

    @property
    def healthy(self) -> bool:
        return self.database == self.redis == self.worker == "ok"

    def as_dict(self) -> dict[str, str]:
        return {"status": "ok" if self.healthy else "degraded", **asdict(self)}


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


async def current_health() -> Health:
    """Probe the three services at once (each within CHECK_TIMEOUT_S)."""
    database, redis_state, worker = await asyncio.gather(
        _probe("database", check_database), _probe("redis", check_redis), _probe("worker", check_worker)
    )
    return Health(database=database, redis=redis_state, worker=worker)
