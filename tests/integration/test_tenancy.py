"""Each seller's rows live in its own schema and never show up for another seller."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError
from sqlmodel import select

from stoflow.db import tenancy
from stoflow.db.engine import db_session
from stoflow.db.tenancy import tenant_session
from stoflow.models import Job


def _kinds(user_id: int) -> list[str]:
    with tenant_session(user_id) as session:
        return sorted(job.kind for job in session.exec(select(Job)))


def test_two_sellers_each_see_only_their_own_rows(make_seller) -> None:  # type: ignore[no-untyped-def]
    anna, ben = make_seller(), make_seller()
    with tenant_session(anna.id) as session:
        session.add(Job(kind="anna.publish"))
    with tenant_session(ben.id) as session:
        session.add(Job(kind="ben.sync"))
        session.add(Job(kind="ben.withdraw"))

    assert _kinds(anna.id) == ["anna.publish"]
    assert _kinds(ben.id) == ["ben.sync", "ben.withdraw"]


def test_one_pooled_connection_serving_both_sellers_in_turn_does_not_leak(
    make_seller, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    anna, ben = make_seller(), make_seller()
    # A pool of exactly one connection: every session below reuses the same one.
    single = create_engine(database_url, pool_size=1, max_overflow=0)
    monkeypatch.setattr(tenancy, "get_engine", lambda: single)
    tenancy._tenant_engine.cache_clear()
    try:
        backend_pids = set()
        for owner, kind in [(anna, "a1"), (ben, "b1"), (anna, "a2"), (ben, "b2")]:
            with tenant_session(owner.id) as session:
                session.add(Job(kind=kind))
                backend_pids.add(session.exec(text("SELECT pg_backend_pid()")).one()[0])
        for _ in range(2):
            assert _kinds(anna.id) == ["a1", "a2"]
            assert _kinds(ben.id) == ["b1", "b2"]
            # Raw SQL without a schema also stays inside the seller's schema.
            with tenant_session(ben.id) as session:
                assert session.exec(text("SELECT count(*) FROM jobs")).one()[0] == 2
        assert len(backend_pids) == 1, "the test must reuse a single pooled connection"

        # After a tenant session, the connection is back on the default search path.
        with single.connect() as connection:
            assert connection.execute(text("SHOW search_path")).scalar() == '"$user", public'
            with pytest.raises(ProgrammingError):
                connection.execute(text("SELECT count(*) FROM jobs"))
    finally:
        tenancy._tenant_engine.cache_clear()
        single.dispose()


def test_a_failed_tenant_transaction_leaves_nothing_and_the_next_one_works(make_seller) -> None:  # type: ignore[no-untyped-def]
    anna = make_seller()
    with pytest.raises(RuntimeError), tenant_session(anna.id) as session:
        session.add(Job(kind="lost"))
        session.flush()
        raise RuntimeError("the seller's action failed half-way")
    assert _kinds(anna.id) == []


def test_provisioning_creates_schema_tables_and_migration_record(make_seller) -> None:  # type: ignore[no-untyped-def]
    from stoflow.db.migrations import tenant_head

    seller = make_seller()
    schema = tenancy.schema_for(seller.id)
    with db_session() as db:
        tables = set(
            db.exec(
                text("SELECT table_name FROM information_schema.tables WHERE table_schema = :s"), params={"s": schema}
            ).scalars()  # type: ignore[call-overload]
        )
        version = db.exec(text(f'SELECT version_num FROM "{schema}".alembic_version')).scalar()  # type: ignore[call-overload]
        registered = db.get(tenancy.Tenant, seller.id)
    assert {"jobs", "job_attempts", "alembic_version"} <= tables
    assert version == tenant_head()
    assert registered is not None and registered.schema_name == schema


def test_deprovisioning_drops_the_schema(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    with db_session() as db:
        tenancy.deprovision_tenant(db, seller.id)
    with db_session() as db:
        assert tenancy.schema_for(seller.id) not in tenancy.list_tenant_schemas(db.connection())
    with pytest.raises(ProgrammingError):
        _kinds(seller.id)
