"""What the admin's Platform page shows: accounts and the state of seller schemas."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, text
from sqlmodel import Session, select

from stoflow.accounts.permissions import HasRole, Permission, require
from stoflow.db.migrations import tenant_head
from stoflow.db.tenancy import VERSION_TABLE, list_tenant_schemas
from stoflow.models import Tenant, User


@dataclass(frozen=True)
class PlatformOverview:
    users_by_role: dict[str, int]
    tenants_registered: int
    schemas_present: int
    schemas_at_head: int
    tenant_head: str


def platform_overview(db: Session, *, reader: HasRole | None) -> PlatformOverview:
    """Counts for the admin: users by role, seller schemas registered, present, migrated."""
    require(reader, Permission.platform_read)
    by_role = dict(db.exec(select(User.role, func.count()).group_by(User.role)).all())
    registered = db.exec(select(func.count()).select_from(Tenant)).one()
    connection = db.connection()
    schemas = list_tenant_schemas(connection)  # names validated: user_{int} only
    head = tenant_head()
    at_head = 0
    if schemas:
        union = " UNION ALL ".join(f'SELECT version_num FROM "{schema}".{VERSION_TABLE}' for schema in schemas)
        at_head = connection.execute(
            text(f"SELECT count(*) FROM ({union}) v WHERE version_num = :head"), {"head": head}
        ).scalar_one()
    return PlatformOverview(
        users_by_role={role: by_role.get(role, 0) for role in ("admin", "support", "user")},
        tenants_registered=registered,
        schemas_present=len(schemas),
        schemas_at_head=at_head,
        tenant_head=head,
    )
