"""Named permissions and what each role holds. Services check them; pages only hide.

`support` is a read-only admin: it holds every `*.read` permission and nothing else.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from stoflow.models.public import Role


class Permission(StrEnum):
    platform_read = "platform.read"
    users_read = "users.read"
    users_write = "users.write"
    attributes_write = "attributes.write"
    audit_read = "audit.read"
    stats_read = "stats.read"
    # The development outbox holds other people's sign-in links: admins only, never support.
    outbox_view = "outbox.view"


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    Role.support: frozenset(p for p in Permission if p.value.endswith(".read")),  # not outbox.view
    Role.user: frozenset(),
}


class PermissionDenied(Exception):
    """The signed-in user may not do this. `code` is an i18n key."""

    def __init__(self, permission: Permission) -> None:
        super().__init__(f"missing permission {permission.value}")
        self.permission = permission
        self.code = "permission_denied"


class HasRole(Protocol):
    @property
    def role(self) -> str: ...


def can(who: HasRole | None, permission: Permission) -> bool:
    return who is not None and permission in ROLE_PERMISSIONS.get(who.role, frozenset())


def require(who: HasRole | None, permission: Permission) -> None:
    """Raise PermissionDenied unless `who` holds `permission`."""
    if not can(who, permission):
        raise PermissionDenied(permission)
