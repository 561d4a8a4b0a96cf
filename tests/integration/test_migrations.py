"""`alembic upgrade head` migrates the shared schemas, the template and every seller schema."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import select

from stoflow.config import PROJECT_ROOT
from stoflow.db.engine import db_session, get_engine
from stoflow.db.migrations import current_tenant_revision, tenant_head, upgrade_tenants
from stoflow.db.tenancy import TEMPLATE_SCHEMA, schema_for, tenant_metadata, tenant_session
from stoflow.models import Job


def _rewind(schema: str) -> None:
    """Put a seller schema back to before the first tenant migration (as if it were old)."""
    with get_engine().begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')


def _break(schema: str) -> None:
    """Make the first tenant migration fail in this schema: `jobs` exists but is wrong."""
    _rewind(schema)
    with get_engine().begin() as connection:
        connection.exec_driver_sql(f'CREATE TABLE "{schema}".jobs (nonsense integer)')


def test_migrating_several_tenants_where_one_fails_names_it_and_migrates_the_others(make_seller) -> None:  # type: ignore[no-untyped-def]
    sellers = [make_seller() for _ in range(4)]
    schemas = [schema_for(seller.id) for seller in sellers]
    for schema in schemas:
        _rewind(schema)
    broken = schemas[1]
    _break(broken)

    report = upgrade_tenants()

    assert list(report.failed) == [broken]
    assert "jobs" in report.failed[broken]
    for schema in schemas:
        if schema != broken:
            assert schema in report.migrated
    with get_engine().connect() as connection:
        for schema in schemas:
            revision = current_tenant_revision(connection, schema) if schema != broken else None
            assert revision == (tenant_head() if schema != broken else None)
        # The failed tenant was rolled back whole: its broken table is as it was, nothing added.
        columns = connection.execute(
            text("SELECT column_name FROM information_schema.columns WHERE table_schema = :s AND table_name = 'jobs'"),
            {"s": broken},
        ).scalars()
        assert list(columns) == ["nonsense"]
    # Migrated sellers work again.
    with tenant_session(sellers[0].id) as session:
        session.add(Job(kind="after-migration"))
    with tenant_session(sellers[0].id) as session:
        assert [job.kind for job in session.exec(select(Job))] == ["after-migration"]

    # Repair the broken one so that other tests see a clean database.
    _rewind(broken)
    assert not upgrade_tenants(schemas=[broken]).failed


def test_alembic_command_exits_non_zero_and_names_the_failing_tenant(make_seller, database_url: str) -> None:  # type: ignore[no-untyped-def]
    good, bad = make_seller(), make_seller()
    _rewind(schema_for(good.id))
    _break(schema_for(bad.id))
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert schema_for(bad.id) in result.stderr
    with get_engine().connect() as connection:
        assert current_tenant_revision(connection, schema_for(good.id)) == tenant_head()
    _rewind(schema_for(bad.id))
    assert not upgrade_tenants(schemas=[schema_for(bad.id)]).failed


def test_a_second_upgrade_changes_nothing(make_seller) -> None:  # type: ignore[no-untyped-def]
    make_seller()
    report = upgrade_tenants()
    assert not report.failed
    assert TEMPLATE_SCHEMA in report.migrated


@pytest.mark.parametrize("built_by", ["migrations", "provisioning"])
def test_tenant_schema_matches_the_models(make_seller, built_by: str) -> None:  # type: ignore[no-untyped-def]
    """No drift: a schema built by migrations (or by provisioning) is what the models describe."""
    seller = make_seller()
    schema = schema_for(seller.id)
    if built_by == "migrations":
        _rewind(schema)
        assert not upgrade_tenants(schemas=[schema]).failed
    with get_engine().connect() as connection, connection.begin():
        connection.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": lambda obj, name, type_, *_: not (type_ == "table" and name == "alembic_version"),
            },
        )
        differences = compare_metadata(context, tenant_metadata())
    assert differences == []


def test_shared_tables_have_the_columns_the_models_describe(database_url: str) -> None:
    from sqlmodel import SQLModel

    with get_engine().connect() as connection:
        rows = connection.execute(
            text(
                "SELECT table_name, column_name, is_nullable = 'YES' FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name <> 'alembic_version'"
            )
        ).all()
    in_database = {(table, column, nullable) for table, column, nullable in rows}
    in_models = {
        (table.name, column.name, bool(column.nullable))
        for table in SQLModel.metadata.sorted_tables
        if table.schema == "public"
        for column in table.columns
    }
    assert in_database == in_models


def test_template_tenant_is_migrated(database_url: str) -> None:
    with db_session() as db:
        assert current_tenant_revision(db.connection(), TEMPLATE_SCHEMA) == tenant_head()


def test_addresses_stored_before_the_canonical_form_are_rewritten_and_found(make_seller) -> None:  # type: ignore[no-untyped-def]
    """An account registered with a Unicode domain before 0007 is found again by its address."""
    import importlib.util

    from stoflow.accounts import service as accounts

    path = PROJECT_ROOT / "alembic" / "versions" / "20261202_0007_canonical_emails.py"
    spec = importlib.util.spec_from_file_location("migration_0007", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)

    old_style, clash, twin = make_seller(), make_seller(), make_seller()
    suffix = old_style.id
    with get_engine().begin() as connection:
        for user_id, stored in (
            (old_style.id, f"léa.{suffix}@café-fripes.fr"),  # stored lower-cased, domain in Unicode
            (clash.id, f"marc.{suffix}@ｂoutique.fr"),  # full-width b: becomes the twin's address
            (twin.id, f"marc.{suffix}@boutique.fr"),
        ):
            connection.execute(text("UPDATE public.users SET email = :e WHERE id = :i"), {"e": stored, "i": user_id})
        changed = migration.rewrite_addresses(connection)

    assert (old_style.id, f"léa.{suffix}@café-fripes.fr", f"léa.{suffix}@xn--caf-fripes-d7a.fr") in changed
    assert all(user_id != clash.id for user_id, _, _ in changed)  # left for a person to decide
    with db_session() as db:
        found = accounts.user_by_email(db, f"Léa.{suffix}@Café-Fripes.fr")
        assert found is not None and found.id == old_style.id
