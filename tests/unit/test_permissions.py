"""Roles and named permissions: support reads, admin also writes, sellers neither."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from stoflow.accounts.permissions import Permission, PermissionDenied, can, require


@dataclass
class Someone:
    role: str


def test_admin_holds_every_permission() -> None:
    assert all(can(Someone("admin"), permission) for permission in Permission)


def test_support_can_read_everything_and_change_nothing() -> None:
    support = Someone("support")
    for permission in Permission:
        assert can(support, permission) == permission.value.endswith(".read"), permission
    with pytest.raises(PermissionDenied):
        require(support, Permission.users_write)


@pytest.mark.parametrize("who", [Someone("user"), Someone("unknown-role"), None])
def test_sellers_strangers_and_unknown_roles_hold_nothing(who: Someone | None) -> None:
    for permission in Permission:
        assert not can(who, permission)
    with pytest.raises(PermissionDenied) as denied:
        require(who, Permission.audit_read)
    assert denied.value.code == "permission_denied"
