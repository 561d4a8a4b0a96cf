"""Tenant schema names are built only from positive integer ids."""

from __future__ import annotations

import pytest

from stoflow.db.tenancy import check_schema_name, schema_for, tenant_tables
from stoflow.pages import routes


def test_schema_name_comes_from_the_integer_id() -> None:
    assert schema_for(42) == "user_42"


@pytest.mark.parametrize("bad", [0, -1, "42", "42; DROP SCHEMA public", 4.0, True, None])
def test_anything_but_a_positive_int_is_refused(bad: object) -> None:
    with pytest.raises(ValueError):
        schema_for(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["public", "user_", "user_0", "user_1; drop", "user_01", "USER_1", "pg_catalog"])
def test_only_tenant_schema_names_pass_the_check(bad: str) -> None:
    with pytest.raises(ValueError):
        check_schema_name(bad)


def test_tenant_tables_have_no_schema_and_public_ones_are_excluded() -> None:
    names = {table.name for table in tenant_tables()}
    assert {"jobs", "job_attempts"} <= names
    assert not names & {"users", "user_sessions", "tenants"}
    assert all(table.schema is None for table in tenant_tables())


@pytest.mark.parametrize(
    ("next_path", "expected"),
    [
        ("/settings", "/login?next=%2Fsettings"),
        ("https://evil.example/", "/login"),
        ("//evil.example/", "/login"),
        ("/login", "/login"),
        ("/register", "/login"),
        ("/\\evil.example", "/login"),
        ("/settings\x00", "/login"),
        (None, "/login"),
    ],
)
def test_sign_in_link_only_returns_to_local_pages(next_path: str | None, expected: str) -> None:
    assert routes.sign_in(next_path=next_path) == expected
