"""/admin: the platform page for staff: service health and seller workspaces."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import reflex as rx

from stoflow.accounts.permissions import Permission
from stoflow.accounts.service import Identity
from stoflow.admin.service import PlatformOverview, platform_overview
from stoflow.components.shell import app_page, page_title
from stoflow.db.engine import db_session
from stoflow.i18n import t, tr
from stoflow.pages import routes
from stoflow.state.language import LanguageState
from stoflow.state.session import SessionState
from stoflow.system.health import Health, current_health

log = logging.getLogger(__name__)

SERVICES = ("database", "redis", "worker")


def _overview(reader: Identity) -> PlatformOverview:
    with db_session() as db:
        return platform_overview(db, reader=reader)


class AdminState(rx.State):
    checking: bool = False
    health: dict[str, str] = {}
    counts: dict[str, int] = {}
    tenant_head: str = ""
    checked_at: str = ""

    @rx.event(background=True)
    async def refresh(self) -> rx.event.EventSpec | None:
        """Probe the services and count accounts and workspaces (staff only)."""
        async with self:
            session = await self.get_state(SessionState)
            identity = session._identity()  # checked here too: on_load guards only hide UI
            if identity is None or not identity.can(Permission.platform_read):
                return rx.redirect(routes.DASHBOARD if identity else routes.sign_in(next_path=routes.ADMIN))
            self.checking = True
            language = (await self.get_state(LanguageState)).lang
        # The slow part runs outside the state lock.
        health, overview = await asyncio.gather(
            current_health(), asyncio.to_thread(_overview, identity), return_exceptions=True
        )
        async with self:
            self.checking = False
            self.checked_at = datetime.now(UTC).strftime("%H:%M:%S UTC")
            self.health = health.as_dict() if isinstance(health, Health) else dict.fromkeys(SERVICES, "down")
            if isinstance(overview, PlatformOverview):
                self.counts = {
                    "sellers": overview.users_by_role["user"],
                    "staff": overview.users_by_role["admin"] + overview.users_by_role["support"],
                    "registered": overview.tenants_registered,
                    "present": overview.schemas_present,
                    "current": overview.schemas_at_head,
                }
                self.tenant_head = overview.tenant_head
        if isinstance(health, BaseException):
            log.error("Health probes failed", exc_info=health)
        if not isinstance(overview, PlatformOverview):
            log.error("Platform overview failed", exc_info=overview)
            return rx.toast.error(tr(language, "admin.overview_failed"))
        return None


def _service(label_key: str, name: str, icon: str) -> rx.Component:
    state = AdminState.health.get(name, "")
    badge = rx.cond(
        state == "ok",
        rx.badge(rx.icon("circle-check", size=14), t("admin.ok"), color_scheme="green", variant="soft"),
        rx.cond(
            state == "down",
            rx.badge(rx.icon("circle-x", size=14), t("admin.down"), color_scheme="red", variant="soft"),
            rx.badge(t("admin.checking"), color_scheme="gray", variant="soft"),
        ),
    )
    return rx.hstack(
        rx.icon(icon, size=16, color=rx.color("gray", 10)),
        rx.text(t(label_key)),
        rx.spacer(),
        badge,
        align="center",
        width="100%",
        id=f"health-{name}",
    )


def health_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(t("admin.health"), size="4"),
                rx.spacer(),
                rx.button(
                    rx.icon("refresh-cw", size=14),
                    t("admin.refresh"),
                    variant="soft",
                    size="2",
                    loading=AdminState.checking,
                    on_click=AdminState.refresh,
                ),
                width="100%",
                align="center",
                min_height="32px",
            ),
            _service("admin.database", "database", "database"),
            _service("admin.redis", "redis", "zap"),
            _service("admin.worker", "worker", "cpu"),
            rx.cond(
                AdminState.checked_at != "",
                rx.text(t("admin.checked_at"), " ", AdminState.checked_at, size="1", color=rx.color("gray", 10)),
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        id="health-card",
    )


def _figure(label_key: str, key: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), size="2", color=rx.color("gray", 11)),
        rx.skeleton(
            rx.heading(AdminState.counts.get(key, 0).to_string(), size="6", id=f"count-{key}"),
            loading=AdminState.tenant_head == "",
        ),
        spacing="1",
    )


def workspaces_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(rx.heading(t("admin.users"), size="4"), align="center", min_height="32px"),
            rx.grid(_figure("admin.sellers", "sellers"), _figure("admin.staff", "staff"), columns="3", spacing="4"),
            rx.separator(size="4"),
            rx.heading(t("admin.workspaces"), size="4"),
            rx.grid(
                _figure("admin.schemas_registered", "registered"),
                _figure("admin.schemas_present", "present"),
                _figure("admin.schemas_current", "current"),
                columns="3",
                spacing="4",
            ),
            rx.text(
                t("admin.migration_head"), ": ", rx.code(AdminState.tenant_head), size="1", color=rx.color("gray", 10)
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
    )


@app_page(routes.ADMIN, "admin.title", access="staff", on_load=AdminState.refresh)
def admin_page() -> rx.Component:
    return rx.vstack(
        page_title("admin.title", "admin.intro"),
        rx.grid(
            health_card(), workspaces_card(), columns=rx.breakpoints(initial="1", md="2"), spacing="5", width="100%"
        ),
        width="100%",
    )
