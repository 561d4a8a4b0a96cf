"""The database engine and plain (public schema) sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, create_engine
from sqlmodel import Session

from stoflow.config import ConfigError, get_settings


def database_url() -> str:
    url = get_settings().database_url
    if not url:
        raise ConfigError(
            "DATABASE_URL is not set. Start StoFlow with `make run` (it starts an embedded "
            "PostgreSQL) or set DATABASE_URL=postgresql://user:password@host:5432/stoflow."
        )
    return url


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """The process-wide engine (one pool per process)."""
    return create_engine(
        database_url(),
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        pool_recycle=1800,
    )


@contextmanager
def db_session() -> Iterator[Session]:
    """A session on the shared schemas; commits on success, rolls back on error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
