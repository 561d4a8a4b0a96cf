"""Every tenant table has a factory, and its rows carry the seller's marker wherever they can."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, String, Text, select
from sqlalchemy.dialects.postgresql import JSONB

from stoflow.db.tenancy import tenant_session, tenant_tables
from tests.isolation.factories import CONSTRAINED_COLUMNS, FACTORIES


def test_every_tenant_table_has_a_factory() -> None:
    missing = [table.name for table in tenant_tables() if table.name not in FACTORIES]
    assert not missing, "\n".join(f"add a factory for {name} in tests/isolation/factories.py" for name in missing)


def test_factories_name_only_tenant_tables() -> None:
    stale = sorted(set(FACTORIES) - {table.name for table in tenant_tables()})
    assert not stale, f"factories for tables that are not tenant tables: {stale}"


def test_constrained_columns_exist() -> None:
    columns = {f"{table.name}.{column.name}" for table in tenant_tables() for column in table.columns}
    stale = sorted(set(CONSTRAINED_COLUMNS) - columns)
    assert not stale, f"CONSTRAINED_COLUMNS names columns that do not exist: {stale}"


def _is_free_text(column: Any) -> bool:
    return isinstance(column.type, String | Text | JSON | JSONB)


def test_factory_rows_insert_and_carry_the_marker_in_every_text_column(make_seller: Callable[..., Any]) -> None:
    seller = make_seller()
    problems: list[str] = []
    with tenant_session(seller.id) as tenant:
        for table in tenant_tables():
            factory = FACTORIES.get(table.name)
            if factory is None:
                continue  # reported by test_every_tenant_table_has_a_factory
            marker = uuid.uuid4().hex
            row = factory(tenant, marker)
            assert row.__table__.name == table.name, f"the factory of {table.name} made a {row.__table__.name} row"  # type: ignore[attr-defined]
            stored = tenant.execute(select(table).where(*(c == getattr(row, c.name) for c in table.primary_key))).one()
            values = stored._mapping
            for column in table.columns:
                name = f"{table.name}.{column.name}"
                value = values[column.name]
                if not _is_free_text(column) or name in CONSTRAINED_COLUMNS:
                    continue
                if value is None or marker not in str(value):
                    # The leak search finds a row by its markers: a text column without one
                    # could be shown to another seller unnoticed.
                    problems.append(f"{name} does not carry the marker (or list it in CONSTRAINED_COLUMNS)")
    assert not problems, "\n".join(problems)
