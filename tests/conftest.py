"""Shared fixtures: a fresh, migrated PostgreSQL database and a Redis for the test run.

They use the servers named by DATABASE_URL / REDIS_URL (what `make test` starts), or
start embedded ones when those are unset. The test database is created for this run and
dropped afterwards, so tests never touch a developer's data.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator

import psycopg
import pytest
import redis
from sqlalchemy.engine import make_url

from stoflow.config import get_settings

# Tests sign in and register far more often than a person would, all from one address:
# relax the rate limits for the whole run (test_rate_limits sets tight ones itself).
for _rule in (
    "RATE_LIMIT_SIGN_IN_IP",
    "RATE_LIMIT_SIGN_IN_EMAIL",
    "RATE_LIMIT_REGISTER_IP",
    "RATE_LIMIT_REGISTER_EMAIL",
    "RATE_LIMIT_EMAIL_LINK_IP",
    "RATE_LIMIT_EMAIL_LINK_EMAIL",
    "RATE_LIMIT_PASSWORD_CHECK",
    "RATE_LIMIT_SIGN_IN_FAILURES_IP",
    "RATE_LIMIT_SIGN_IN_FAILURES_EMAIL",
    "RATE_LIMIT_PASSWORD_CHECK_FAILURES",
):
    os.environ.setdefault(_rule, "10000/minute")

# Media files and generated secrets of this run only (`make test` names a directory of the
# run; a bare `pytest` gets a temporary one): never those of `make run` in .stoflow/.
if not os.environ.get("STOFLOW_DATA_DIR"):
    os.environ["STOFLOW_DATA_DIR"] = tempfile.mkdtemp(prefix="stoflow-test-data-")
    atexit.register(shutil.rmtree, os.environ["STOFLOW_DATA_DIR"], True)


def clear_caches() -> None:
    """Forget settings and engines, so the next use reads the environment again."""
    from stoflow.db.engine import get_engine
    from stoflow.db.tenancy import _tenant_engine

    if get_engine.cache_info().currsize:
        get_engine().dispose()
    _tenant_engine.cache_clear()
    get_engine.cache_clear()
    get_settings.cache_clear()


def _server_urls(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, object]:
    database, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    handles: object = None
    if not database or not redis_url:
        from stoflow.launcher.embedded import EmbeddedServices

        handles = EmbeddedServices(tmp_path_factory.mktemp("services"))
        handles.start(database=not database, redis=not redis_url)
        database = database or handles.database_url
        redis_url = redis_url or handles.redis_url
    return database, redis_url, handles


def _psycopg_url(sqlalchemy_url: str, database: str) -> str:
    url = make_url(sqlalchemy_url).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    database, redis_url, handles = _server_urls(tmp_path_factory)
    yield database, redis_url
    if handles is not None:
        handles.stop()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def database_url(_services: tuple[str, str]) -> Iterator[str]:
    """A fresh database for this test run, migrated to head (shared schemas and template), reference data seeded."""
    server_url = _services[0]
    name = f"stoflow_test_{uuid.uuid4().hex[:10]}"
    admin = _psycopg_url(server_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server_url).set(database=name)
    if not url.drivername.endswith("+psycopg"):
        url = url.set(drivername="postgresql+psycopg")
    test_url = url.render_as_string(hide_password=False)
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = test_url
    clear_caches()
    from stoflow.db.engine import get_engine
    from stoflow.db.migrations import upgrade_all
    from stoflow.reference.seed import seed_reference

    upgrade_all()
    seed_reference(get_engine())
    yield test_url
    clear_caches()
    if previous is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = previous
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _with_db(url: str, index: int) -> str:
    """The same Redis server, database `index`."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{index}", parts.query, ""))


RUN_CLAIM_KEY = "stoflow-test-run"  # in each Redis database a test run uses: who uses it
RUN_CLAIM_TTL_S = 12 * 3600  # a killed run's claim expires on its own
TEST_DATABASES = range(15, 0, -1)  # 0 is left to the developer's own use


def claim_redis_database(server_url: str) -> tuple[str, str]:
    """A Redis database of `server_url` no other test run is using: (its URL, our claim).

    Runs that share one Redis server (REDIS_URL set for both) must not share a database:
    Celery's queues, Reflex's states and the rate limits all live there. Each run claims
    one with SET NX and empties it but for the claim.
    """
    claim = f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex}"
    for index in TEST_DATABASES:
        url = _with_db(server_url, index)
        client = redis.Redis.from_url(url)
        try:
            if client.set(RUN_CLAIM_KEY, claim, nx=True, ex=RUN_CLAIM_TTL_S):
                for key in client.scan_iter(count=1000):
                    if key != RUN_CLAIM_KEY.encode():
                        client.delete(key)
                return url, claim
        finally:
            client.close()
    raise RuntimeError(f"Every Redis database of {server_url} is claimed by another test run ({RUN_CLAIM_KEY}).")


def release_redis_database(url: str, claim: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        if client.get(RUN_CLAIM_KEY) == claim.encode():
            client.delete(RUN_CLAIM_KEY)
    finally:
        client.close()


@pytest.fixture(scope="session")
def redis_url(_services: tuple[str, str]) -> Iterator[str]:
    """A Redis database of this test run only (see claim_redis_database), emptied first."""
    test_url, claim = claim_redis_database(_services[1])
    previous = os.environ.get("REDIS_URL")
    os.environ["REDIS_URL"] = test_url
    get_settings.cache_clear()
    yield test_url
    release_redis_database(test_url, claim)
    if previous is not None:
        os.environ["REDIS_URL"] = previous
    get_settings.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def delete_output_dir() -> None:
    """Replaces pytest-playwright's fixture of that name, which deletes test-results/ at
    the start of every run: another run may be writing its screenshots there."""


@pytest.fixture
def db(database_url: str) -> Iterator[object]:
    """A session on the shared schemas (commits at the end of the test)."""
    from stoflow.db.engine import db_session

    with db_session() as session:
        yield session


def unique_email(prefix: str = "seller") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"


STRONG_PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_seller(database_url: str):  # type: ignore[no-untyped-def]
    """Register a seller (with its schema) and return the user; verified unless told otherwise."""
    from stoflow.accounts import service as accounts
    from stoflow.db.engine import db_session
    from stoflow.models.base import utcnow

    def make(  # type: ignore[no-untyped-def]
        email: str | None = None, password: str = STRONG_PASSWORD, *, verified: bool = True, **fields: str
    ):
        fields.setdefault("country", "FR")
        with db_session() as session:
            user = accounts.register(session, email=email or unique_email(), password=password, **fields)
            if verified:
                user.email_verified_at = utcnow()
                session.add(user)
                session.flush()
            return user

    return make
