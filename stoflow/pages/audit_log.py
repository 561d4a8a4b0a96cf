"""/admin/audit: the audit log for staff (admin and support), filtered and paged."""

from __future__ import annotations

import reflex as rx

from stoflow.accounts.permissions import PermissionDenied
from stoflow.audit.service import AuditAction, search
from stoflow.components.pager import paged_card
from stoflow.components.shell import app_page, page_title
from stoflow.db.engine import db_session
from stoflow.i18n import t
from stoflow.pages import routes
from stoflow.state.session import SessionState

ALL = "all"


def _details(before: dict | None, after: dict | None) -> str:
    keys = sorted(set(before or {}) | set(after or {}))
    parts = []
    for key in keys:
        old, new = (before or {}).get(key), (after or {}).get(key)
        parts.append(f"{key}: {old} → {new}" if before and key in before else f"{key}: {new}")
    return ", ".join(parts)


class AuditLogState(rx.State):
    """One page of the log at a time: never the whole table in state."""

    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    action: str = ALL
    email: str = ""
    loaded: bool = False

    async def _load(self) -> rx.event.EventSpec | None:
        session = await self.get_state(SessionState)
        identity = session._identity()
        if identity is None:
            return rx.redirect(routes.sign_in(next_path=routes.AUDIT_LOG))
        try:
            with db_session() as db:
                result = search(
                    db,
                    reader=identity,
                    action=None if self.action == ALL else self.action,
                    email=self.email or None,
                    page=self.page,
                )
        except PermissionDenied:
            return rx.redirect(routes.DASHBOARD)
        self.rows = [
            {
                "at": event.at.strftime("%Y-%m-%d %H:%M:%S"),
                "action": event.action,
                "actor": event.actor_email or "",
                "target": event.target_email or "",
                "ip": event.ip or "",
                "details": _details(event.before, event.after),
            }
            for event in result.events
        ]
        self.total, self.page, self.pages = result.total, result.page, result.pages
        self.loaded = True
        return None

    @rx.event
    async def load(self) -> rx.event.EventSpec | None:
        return await self._load()

    @rx.event
    async def filter_action(self, action: str) -> rx.event.EventSpec | None:
        self.action = action if action in {ALL, *(a.value for a in AuditAction)} else ALL
        self.page = 1
        return await self._load()

    @rx.event
    async def filter_email(self, form: dict[str, str]) -> rx.event.EventSpec | None:
        self.email = str(form.get("email", ""))[:320].strip()
        self.page = 1
        return await self._load()

    @rx.event
    async def go_to(self, page: int) -> rx.event.EventSpec | None:
        self.page = max(1, min(int(page), self.pages))
        return await self._load()


def _action_label(action: rx.Var) -> rx.Component:
    cases = [(a.value, t(f"action.{a.value}")) for a in AuditAction]
    return rx.match(action, *cases, action)


def filters() -> rx.Component:
    return rx.flex(
        rx.select.root(
            rx.select.trigger(min_width="220px", id="audit-action"),
            rx.select.content(
                rx.select.item(t("audit.all_actions"), value=ALL),
                *[rx.select.item(t(f"action.{a.value}"), value=a.value) for a in AuditAction],
            ),
            value=AuditLogState.action,
            on_change=AuditLogState.filter_action,
        ),
        rx.form(
            rx.hstack(
                rx.input(
                    name="email", placeholder=t("audit.filter_email"), type="search", id="audit-email", width="260px"
                ),
                rx.button(rx.icon("search", size=14), t("audit.search"), type="submit", variant="soft"),
            ),
            on_submit=AuditLogState.filter_email,
            reset_on_submit=False,
            width="auto",
        ),
        spacing="3",
        wrap="wrap",
        width="100%",
    )


def events_table() -> rx.Component:
    header = [
        rx.table.column_header_cell(t(key))
        for key in ("audit.when", "audit.action", "audit.actor", "audit.target", "audit.ip", "audit.details")
    ]
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*header)),
            rx.table.body(
                rx.foreach(
                    AuditLogState.rows,
                    lambda row: rx.table.row(
                        rx.table.cell(row["at"], white_space="nowrap"),
                        rx.table.cell(rx.badge(_action_label(row["action"]), variant="soft")),
                        rx.table.cell(rx.cond(row["actor"] != "", row["actor"], "—")),
                        rx.table.cell(row["target"]),
                        rx.table.cell(rx.code(row["ip"])),
                        rx.table.cell(rx.text(row["details"], size="1", color=rx.color("gray", 11))),
                        class_name="audit-row",
                    ),
                )
            ),
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )


@app_page(routes.AUDIT_LOG, "audit.title", access="staff", on_load=AuditLogState.load)
def audit_log_page() -> rx.Component:
    return rx.vstack(
        page_title("audit.title", "audit.intro"),
        paged_card(
            AuditLogState,
            filters=filters(),
            table=events_table(),
            count_key="audit.events",
            pager_id="audit-pager",
            empty=("scroll-text", "audit.empty_title", "audit.empty"),
        ),
        width="100%",
        spacing="2",
    )
