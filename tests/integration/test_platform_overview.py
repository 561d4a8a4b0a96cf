"""The admin's platform figures: right counts for staff, refused to sellers."""

from __future__ import annotations

import pytest
from sqlmodel import select

from stoflow.accounts.permissions import PermissionDenied
from stoflow.admin.service import platform_overview
from stoflow.db.engine import db_session, get_engine
from stoflow.db.migrations import tenant_head
from stoflow.db.tenancy import schema_for
from stoflow.models import Tenant, User
from tests.conftest import unique_email


def test_staff_see_schemas_registered_present_and_migrated(make_seller) -> None:  # type: ignore[no-untyped-def]
    sellers = [make_seller(), make_seller()]
    # One workspace left behind by an old migration: present, registered, not at head.
    with get_engine().begin() as connection:
        connection.exec_driver_sql(f"UPDATE \"{schema_for(sellers[1].id)}\".alembic_version SET version_num = 'old'")
    with db_session() as db:
        support = User(email=unique_email("support"), password_hash="x", role="support")
        db.add(support)
        db.flush()
        overview = platform_overview(db, reader=support)
        registered = len(db.exec(select(Tenant)).all())
        users = len(db.exec(select(User).where(User.role == "user")).all())
    assert overview.tenants_registered == registered
    assert overview.users_by_role["user"] == users and overview.users_by_role["support"] >= 1
    assert overview.schemas_present >= 2
    assert overview.schemas_at_head == overview.schemas_present - 1
    assert overview.tenant_head == tenant_head()
    with get_engine().begin() as connection:  # put it back for the other tests
        connection.exec_driver_sql(
            f"UPDATE \"{schema_for(sellers[1].id)}\".alembic_version SET version_num = '{tenant_head()}'"
        )


def test_sellers_are_refused_the_platform_figures(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    with pytest.raises(PermissionDenied), db_session() as db:
        platform_overview(db, reader=seller)
