"""The sidebar's entries, as data: later features add a line here."""

from __future__ import annotations

from dataclasses import dataclass

from stoflow.pages import routes


@dataclass(frozen=True)
class NavEntry:
    route: str
    icon: str
    label_key: str
    staff_only: bool = False


NAV_ENTRIES: tuple[NavEntry, ...] = (
    NavEntry(routes.DASHBOARD, "layout-dashboard", "nav.dashboard"),
    NavEntry(routes.PRODUCTS, "package", "nav.products"),
    NavEntry(routes.ACCOUNT, "circle-user-round", "nav.account"),
    NavEntry(routes.SETTINGS, "settings", "nav.settings"),
    NavEntry(routes.ADMIN, "shield-check", "nav.admin", staff_only=True),
    NavEntry(routes.ADMIN_USERS, "users", "nav.users", staff_only=True),
    NavEntry(routes.AUDIT_LOG, "scroll-text", "nav.audit", staff_only=True),
    NavEntry(routes.OUTBOX, "inbox", "nav.outbox", staff_only=True),
)
