"""/admin/users: staff find accounts; admins verify, lock, change roles and deactivate.

Support sees the same list without the actions menu. The menu is only a convenience: every
handler re-reads the identity and the service refuses (and audits) what the role may not do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from stoflow.accounts.permissions import PermissionDenied
from stoflow.accounts.service import Identity
from stoflow.admin import users as service
from stoflow.admin.users import ROLES, STATUSES, UserAdminError, is_locked, list_users
from stoflow.audit.service import RequestContext
from stoflow.components.pager import paged_card
from stoflow.components.shell import app_page, page_title
from stoflow.db.engine import db_session
from stoflow.i18n import t, tr
from stoflow.models.base import utcnow
from stoflow.models.public import Role
from stoflow.pages import routes
from stoflow.state.language import LanguageState
from stoflow.state.session import SessionState

ALL = "all"
# Changes the admin confirms first: they cut someone off.
CONFIRMED = ("lock", "deactivate", "role")


@dataclass
class UserRow:
    """One account as the table shows it (display copy: handlers never trust it)."""

    id: int = 0
    email: str = ""
    name: str = ""
    role: str = ""
    verified: bool = False
    locked: bool = False
    active: bool = True
    created: str = ""
    last_sign_in: str = ""


class UsersState(rx.State):
    """One page of accounts at a time, and the change waiting for confirmation."""

    rows: list[UserRow] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    search: str = ""
    role_filter: str = ALL
    status_filter: str = ALL
    loaded: bool = False
    loading: bool = False
    # the role dialog
    role_open: bool = False
    role_user_id: int = 0
    role_email: str = ""
    role_current: str = ""
    role_choice: str = Role.user.value
    # the confirmation of lock, deactivate, demote
    confirm_open: bool = False
    pending_action: str = ""
    pending_user_id: int = 0
    pending_email: str = ""
    pending_role: str = ""

    async def _language(self) -> str:
        return (await self.get_state(LanguageState)).lang

    async def _current_identity(self) -> Identity | None:
        session = await self.get_state(SessionState)
        return session._identity()

    def _fetch(self, identity: Identity) -> None:
        with db_session() as db:
            result = list_users(
                db,
                identity,
                search=self.search,
                role=None if self.role_filter == ALL else self.role_filter,
                status=None if self.status_filter == ALL else self.status_filter,
                page=self.page,
            )
        now = utcnow()
        self.rows = [
            UserRow(
                id=user.id or 0,
                email=user.email,
                name=user.display_name,
                role=user.role,
                verified=user.email_verified_at is not None,
                locked=is_locked(user, now),
                active=user.is_active,
                created=user.created_at.strftime("%Y-%m-%d"),
                last_sign_in=user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "",
            )
            for user in result.rows
        ]
        self.total, self.page, self.pages = result.total, result.page, result.pages
        self.loaded = True

    async def _load(self) -> rx.event.EventSpec | None:
        identity = await self._current_identity()
        if identity is None:
            return rx.redirect(routes.sign_in(next_path=routes.ADMIN_USERS))
        try:
            self._fetch(identity)
        except PermissionDenied:
            return rx.redirect(routes.DASHBOARD)
        return None

    async def _reload(self) -> Any:
        """Show the loading state, then the rows of the current filters and page."""
        self.loading = True
        yield
        redirect = await self._load()
        self.loading = False
        if redirect is not None:
            yield redirect

    @rx.event
    async def load(self) -> Any:
        async for update in self._reload():
            yield update

    @rx.event
    async def search_users(self, form: dict[str, Any]) -> Any:
        self.search = str(form.get("search", ""))[:320].strip()
        self.page = 1
        async for update in self._reload():
            yield update

    @rx.event
    async def filter_role(self, role: str) -> Any:
        self.role_filter = role if role in ROLES else ALL
        self.page = 1
        async for update in self._reload():
            yield update

    @rx.event
    async def filter_status(self, status: str) -> Any:
        self.status_filter = status if status in STATUSES else ALL
        self.page = 1
        async for update in self._reload():
            yield update

    @rx.event
    async def go_to(self, page: int) -> Any:
        self.page = max(1, min(int(page), self.pages))
        async for update in self._reload():
            yield update

    # --- changes ---

    async def _apply(self, action: str, user_id: Any, role: str = "") -> rx.event.EventSpec:
        """Make one change through the service, as whoever this browser is signed in as now."""
        self.confirm_open = self.role_open = False
        language = await self._language()
        identity = await self._current_identity()  # never the vars: the session, checked now
        if identity is None:
            return rx.redirect(routes.sign_in(next_path=routes.ADMIN_USERS))
        try:
            target = int(user_id)
        except (TypeError, ValueError):
            return rx.toast.error(tr(language, "user_not_found"))
        context = RequestContext(ip=self.router.session.client_ip, user_agent=self.router.headers.user_agent)
        try:
            with db_session() as db:
                if action == "role":
                    changed = service.set_role(db, identity, target, str(role), context)
                else:
                    changed = service.ACTIONS[action](db, identity, target, context)
        except (PermissionDenied, UserAdminError) as error:
            return rx.toast.error(tr(language, error.code))
        self._fetch(identity)
        if not changed:
            return rx.toast.info(tr(language, "users.unchanged"))
        return rx.toast.success(tr(language, f"users.done.{action}"))

    @rx.event
    async def verify(self, user_id: int) -> rx.event.EventSpec:
        return await self._apply("verify", user_id)

    @rx.event
    async def lock(self, user_id: int) -> rx.event.EventSpec:
        return await self._apply("lock", user_id)

    @rx.event
    async def unlock(self, user_id: int) -> rx.event.EventSpec:
        return await self._apply("unlock", user_id)

    @rx.event
    async def deactivate(self, user_id: int) -> rx.event.EventSpec:
        return await self._apply("deactivate", user_id)

    @rx.event
    async def reactivate(self, user_id: int) -> rx.event.EventSpec:
        return await self._apply("reactivate", user_id)

    @rx.event
    async def change_role(self, user_id: int, role: str) -> rx.event.EventSpec:
        return await self._apply("role", user_id, role)

    # --- dialogs (display only: nothing changes until a handler above runs) ---

    def _row(self, user_id: Any) -> UserRow | None:
        return next((row for row in self.rows if str(row.id) == str(user_id)), None)

    @rx.event
    def ask(self, action: str, user_id: int) -> None:
        """Open the confirmation of `action` (lock, deactivate) for this account."""
        row = self._row(user_id)
        if action not in CONFIRMED or row is None:
            return
        self.pending_action, self.pending_user_id = action, row.id
        self.pending_email, self.pending_role = row.email, ""
        self.confirm_open = True

    @rx.event
    def set_confirm_open(self, is_open: bool) -> None:
        self.confirm_open = bool(is_open)

    @rx.event
    def open_role_dialog(self, user_id: int) -> None:
        row = self._row(user_id)
        if row is None:
            return
        self.role_user_id, self.role_email, self.role_current = row.id, row.email, row.role
        self.role_choice = row.role
        self.role_open = True

    @rx.event
    def set_role_open(self, is_open: bool) -> None:
        self.role_open = bool(is_open)

    @rx.event
    def pick_role(self, role: str) -> None:
        self.role_choice = role if role in ROLES else self.role_choice

    @rx.event
    async def save_role(self, user_id: int, role: str) -> rx.event.EventSpec | None:
        """Change the role, after a confirmation when it takes admin rights away."""
        if self.role_current == Role.admin and role != Role.admin:
            self.role_open = False
            self.pending_action, self.pending_user_id = "role", self.role_user_id
            self.pending_email, self.pending_role = self.role_email, role
            self.confirm_open = True
            return None
        return await self._apply("role", user_id, role)


# --- components ---


def _role_label(role: rx.Var) -> rx.Component:
    return rx.match(role, ("admin", t("role.admin")), ("support", t("role.support")), ("user", t("role.user")), role)


def role_badge(role: rx.Var) -> rx.Component:
    color = rx.match(role, ("admin", "crimson"), ("support", "amber"), "gray")
    return rx.badge(_role_label(role), color_scheme=color, variant="soft", class_name="user-role")


def _badge(key: str, color: str, status: str) -> rx.Component:
    return rx.badge(t(key), color_scheme=color, variant="soft", class_name=f"user-status user-status-{status}")


def status_badges(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.cond(
            row.verified,
            _badge("users.status.verified", "green", "verified"),
            _badge("users.status.unverified", "orange", "unverified"),
        ),
        rx.cond(row.locked, _badge("users.status.locked", "red", "locked")),
        rx.cond(~row.active, _badge("users.status.deactivated", "gray", "deactivated")),
        spacing="1",
        wrap="wrap",
    )


def _menu_item(icon: str, key: str, action: str, on_click: Any, color: str | None = None) -> rx.Component:
    return rx.dropdown_menu.item(
        rx.hstack(rx.icon(icon, size=14), rx.text(t(key)), align="center"),
        on_click=on_click,
        color_scheme=color,
        id=f"user-action-{action}",
    )


def actions_menu(row: rx.Var) -> rx.Component:
    return rx.dropdown_menu.root(
        rx.dropdown_menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis", size=16),
                variant="ghost",
                color_scheme="gray",
                aria_label=t("users.actions_label"),
                class_name="user-actions",
            )
        ),
        rx.dropdown_menu.content(
            rx.cond(
                ~row.verified,
                _menu_item("mail-check", "users.action.verify", "verify", UsersState.verify(row.id)),
            ),
            rx.cond(
                row.locked,
                _menu_item("lock-open", "users.action.unlock", "unlock", UsersState.unlock(row.id)),
                _menu_item("lock", "users.action.lock", "lock", UsersState.ask("lock", row.id), "red"),
            ),
            _menu_item("user-cog", "users.action.role", "role", UsersState.open_role_dialog(row.id)),
            rx.dropdown_menu.separator(),
            rx.cond(
                row.active,
                _menu_item(
                    "user-x", "users.action.deactivate", "deactivate", UsersState.ask("deactivate", row.id), "red"
                ),
                _menu_item("user-check", "users.action.reactivate", "reactivate", UsersState.reactivate(row.id)),
            ),
            align="end",
        ),
        # Not modal: the confirmation dialog it opens must get the focus and the pointer.
        modal=False,
    )


def filters() -> rx.Component:
    return rx.flex(
        rx.form(
            rx.hstack(
                rx.input(
                    name="search",
                    placeholder=t("users.search"),
                    type="search",
                    id="users-search",
                    width="280px",
                    max_length=320,
                ),
                rx.button(rx.icon("search", size=14), t("users.search_button"), type="submit", variant="soft"),
            ),
            on_submit=UsersState.search_users,
            reset_on_submit=False,
            width="auto",
        ),
        rx.select.root(
            rx.select.trigger(min_width="160px", id="users-role"),
            rx.select.content(
                rx.select.item(t("users.all_roles"), value=ALL),
                *[rx.select.item(t(f"role.{role}"), value=role) for role in ROLES],
            ),
            value=UsersState.role_filter,
            on_change=UsersState.filter_role,
        ),
        rx.select.root(
            rx.select.trigger(min_width="160px", id="users-status"),
            rx.select.content(
                rx.select.item(t("users.all_statuses"), value=ALL),
                *[rx.select.item(t(f"users.status.{status}"), value=status) for status in STATUSES],
            ),
            value=UsersState.status_filter,
            on_change=UsersState.filter_status,
        ),
        rx.cond(UsersState.loading, rx.spinner(size="2")),
        spacing="3",
        wrap="wrap",
        align="center",
        width="100%",
    )


def users_table() -> rx.Component:
    keys = ("users.col.email", "users.col.name", "users.col.role", "users.col.status", "users.col.created")
    header = [rx.table.column_header_cell(t(key)) for key in (*keys, "users.col.last_sign_in")]
    header.append(rx.table.column_header_cell(rx.text(t("users.actions_label"), class_name="rt-sr-only")))
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*header)),
            rx.table.body(
                rx.foreach(
                    UsersState.rows,
                    lambda row: rx.table.row(
                        rx.table.cell(rx.text(row.email, weight="medium"), class_name="user-email"),
                        rx.table.cell(rx.cond(row.name != "", row.name, "—")),
                        rx.table.cell(role_badge(row.role)),
                        rx.table.cell(status_badges(row)),
                        rx.table.cell(row.created, white_space="nowrap"),
                        rx.table.cell(
                            rx.cond(row.last_sign_in != "", row.last_sign_in, t("users.never")), white_space="nowrap"
                        ),
                        rx.table.cell(rx.cond(SessionState.role == "admin", actions_menu(row))),
                        align="center",
                        class_name="user-row",
                    ),
                )
            ),
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
        opacity=rx.cond(UsersState.loading, "0.6", "1"),
    )


def role_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("users.action.role")),
            rx.dialog.description(
                t("users.role_help"), " ", rx.text.strong(UsersState.role_email), size="2", margin_bottom="12px"
            ),
            rx.select.root(
                rx.select.trigger(width="100%", id="users-role-choice"),
                rx.select.content(*[rx.select.item(t(f"role.{role}"), value=role) for role in ROLES]),
                value=UsersState.role_choice,
                on_change=UsersState.pick_role,
            ),
            rx.flex(
                rx.dialog.close(rx.button(t("users.cancel"), variant="soft", color_scheme="gray")),
                rx.button(
                    t("users.save"),
                    on_click=UsersState.save_role(UsersState.role_user_id, UsersState.role_choice),
                    id="users-role-save",
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
            max_width="420px",
        ),
        open=UsersState.role_open,
        on_open_change=UsersState.set_role_open,
    )


def _confirm_button(key: str, on_click: Any) -> rx.Component:
    return rx.button(t(key), color_scheme="red", on_click=on_click, id="users-confirm")


def confirm_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(
                rx.match(
                    UsersState.pending_action,
                    ("lock", t("users.confirm.lock_title")),
                    ("deactivate", t("users.confirm.deactivate_title")),
                    t("users.confirm.role_title"),
                )
            ),
            rx.alert_dialog.description(
                rx.text.strong(UsersState.pending_email),
                " — ",
                rx.match(
                    UsersState.pending_action,
                    ("lock", t("users.confirm.lock")),
                    ("deactivate", t("users.confirm.deactivate")),
                    t("users.confirm.role"),
                ),
                size="2",
            ),
            rx.flex(
                rx.alert_dialog.cancel(rx.button(t("users.cancel"), variant="soft", color_scheme="gray")),
                rx.match(
                    UsersState.pending_action,
                    ("lock", _confirm_button("users.action.lock", UsersState.lock(UsersState.pending_user_id))),
                    (
                        "deactivate",
                        _confirm_button("users.action.deactivate", UsersState.deactivate(UsersState.pending_user_id)),
                    ),
                    _confirm_button(
                        "users.action.role",
                        UsersState.change_role(UsersState.pending_user_id, UsersState.pending_role),
                    ),
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
            max_width="450px",
        ),
        open=UsersState.confirm_open,
        on_open_change=UsersState.set_confirm_open,
    )


@app_page(routes.ADMIN_USERS, "users.title", access="staff", on_load=UsersState.load)
def admin_users_page() -> rx.Component:
    return rx.vstack(
        page_title("users.title", "users.intro"),
        paged_card(
            UsersState,
            filters=filters(),
            table=users_table(),
            count_key="users.count",
            pager_id="users-pager",
            empty=("users", "users.empty_title", "users.empty"),
        ),
        role_dialog(),
        confirm_dialog(),
        width="100%",
        spacing="2",
    )
