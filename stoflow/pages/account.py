"""/account: profile, password, devices, "download my data" and deleting the account.

Profile and devices go through state events (nothing secret in them). The password
forms are posted by assets/auth.js to /api/account/* and never travel through a state
event; so is the download, which needs the HttpOnly cookies.
"""

from __future__ import annotations

import uuid
from typing import Any

import reflex as rx

from stoflow.accounts import self_service
from stoflow.accounts import service as accounts
from stoflow.accounts.schemas import COUNTRIES, FieldErrors
from stoflow.components import browser_auth
from stoflow.components.auth_form import (
    FORM_ERROR,
    AuthFormState,
    country_select,
    error_of,
    field_error,
    form_error,
    labelled_input,
    post_form,
    strength_meter,
)
from stoflow.components.shell import app_page, page_title, sign_out
from stoflow.db.engine import db_session
from stoflow.i18n import ERROR_CODES, t, t_code, tr
from stoflow.pages import routes
from stoflow.state.language import LanguageState
from stoflow.state.session import SessionState

PASSWORD_FORM = "password-form"
DELETE_FORM = "delete-form"


def _device(user_agent: str) -> str:
    """A short name for a browser's User-Agent: "Chrome on Linux" and the like."""
    agent = user_agent.lower()
    browser = next(
        (name for key, name in (("edg/", "Edge"), ("firefox", "Firefox"), ("chrom", "Chrome"), ("safari", "Safari"))
         if key in agent),
        "",
    )  # fmt: skip
    system = next(
        (name for key, name in (("android", "Android"), ("iphone", "iPhone"), ("ipad", "iPad"), ("windows", "Windows"),
                                ("mac os", "macOS"), ("linux", "Linux")) if key in agent),
        "",
    )  # fmt: skip
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or (user_agent[:40] if user_agent else "?")


class AccountState(rx.State):
    """The account page. Every handler re-checks the session; ids come from the identity."""

    display_name: str = ""
    language: str = "en"
    country: str = ""
    profile_errors: dict[str, str] = {}
    sessions: list[dict[str, str]] = []
    loaded: bool = False

    async def _who(self) -> tuple[Any, str]:
        session = await self.get_state(SessionState)
        language = (await self.get_state(LanguageState)).lang
        return session._identity(), language

    def _load_sessions(self, user_id: int, current: str) -> None:
        with db_session() as db:
            views = self_service.list_sessions(db, user_id, current=uuid.UUID(current))
        self.sessions = [
            {
                "id": view.id,
                "device": _device(view.user_agent),
                "ip": view.ip,
                "last_seen": view.last_seen_at.strftime("%Y-%m-%d %H:%M"),
                "created": view.created_at.strftime("%Y-%m-%d"),
                "current": "1" if view.current else "",
            }
            for view in views
        ]

    async def _refresh(self) -> rx.event.EventSpec | None:
        identity, _ = await self._who()
        if identity is None:
            return rx.redirect(routes.sign_in(next_path=routes.ACCOUNT))
        with db_session() as db:
            user = accounts.get_user(db, identity.user_id)
            if user is None:
                return rx.redirect(routes.SIGN_IN)
            self.display_name, self.language, self.country = user.display_name, user.language, user.country
        self.profile_errors = {}
        self._load_sessions(identity.user_id, identity.session_id)
        self.loaded = True
        return None

    @rx.event
    async def load(self) -> rx.event.EventSpec | None:
        return await self._refresh()

    @rx.event
    async def save_profile(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        identity, _ = await self._who()
        if identity is None:
            return rx.redirect(routes.sign_in(next_path=routes.ACCOUNT))
        session = await self.get_state(SessionState)
        try:
            with db_session() as db:
                user = self_service.update_profile(
                    db,
                    identity.user_id,
                    display_name=str(form.get("display_name", ""))[:1024],
                    language=str(form.get("language", "")),
                    country=str(form.get("country", "")),
                    context=session._context(),
                )
                self.display_name, self.language, self.country = user.display_name, user.language, user.country
        except FieldErrors as error:
            self.profile_errors = {k: v if v in ERROR_CODES else "invalid_request" for k, v in error.errors.items()}
            return None
        self.profile_errors = {}
        session.display_name = self.display_name
        choice = await self.get_state(LanguageState)
        choice.chosen = self.language
        return rx.toast.success(tr(self.language, "account.profile_saved"))

    @rx.event
    async def revoke(self, session_id: str) -> rx.event.EventSpec | None:
        identity, language = await self._who()
        if identity is None:
            return rx.redirect(routes.sign_in(next_path=routes.ACCOUNT))
        if str(session_id) == identity.session_id:
            return sign_out()  # this device: the normal sign-out, which also clears the cookies
        session = await self.get_state(SessionState)
        with db_session() as db:
            done = self_service.revoke_session(db, identity.user_id, str(session_id), context=session._context())
        self._load_sessions(identity.user_id, identity.session_id)
        if not done:
            return rx.toast.error(tr(language, "account.session_not_found"))
        return rx.toast.success(tr(language, "account.session_revoked"))

    @rx.event
    async def sign_out_everywhere(self) -> rx.event.EventSpec | None:
        identity, _ = await self._who()
        if identity is None:
            return rx.redirect(routes.SIGN_IN)
        session = await self.get_state(SessionState)
        with db_session() as db:
            self_service.sign_out_everywhere(db, identity.user_id, context=session._context())
        return sign_out()  # clears this browser's cookies and loads the sign-in page


class PasswordFormState(AuthFormState, rx.State):
    def _fields(self) -> tuple[str, ...]:
        return ("current_password", "new_password")

    @rx.event
    async def finished(self, result: dict[str, Any]) -> rx.event.EventSpec | None:
        self._apply(result)
        if self.succeeded:
            language = (await self.get_state(LanguageState)).lang
            account = await self.get_state(AccountState)
            await account._refresh()
            return rx.toast.success(tr(language, "account.password_changed"))
        return None


class DeleteFormState(AuthFormState, rx.State):
    def _fields(self) -> tuple[str, ...]:
        return ("password",)


class ExportState(rx.State):
    downloading: bool = False

    @rx.event
    def start(self) -> rx.event.EventSpec:
        self.downloading = True
        return rx.call_script(
            f"window.stoflowAuth.download({browser_auth.api_base()!r}, {browser_auth.EXPORT_PATH!r})",
            callback=ExportState.done,
        )

    @rx.event
    async def done(self, result: dict[str, Any]) -> rx.event.EventSpec | None:
        self.downloading = False
        if isinstance(result, dict) and result.get("ok"):
            return None
        language = (await self.get_state(LanguageState)).lang
        return rx.toast.error(tr(language, "account.export_failed"))


def _card(title_key: str, text_key: str, *children: rx.Component, **props: Any) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t(title_key), size="4"),
            rx.text(t(text_key), size="2", color=rx.color("gray", 11)),
            *children,
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        **props,
    )


def _profile_error(field: str) -> Any:
    return t_code(AccountState.profile_errors.get(field, ""))


def profile_card() -> rx.Component:
    return _card(
        "account.profile",
        "account.profile_help",
        rx.form(
            rx.vstack(
                labelled_input(
                    "account.display_name",
                    "display_name",
                    _profile_error("display_name"),
                    default_value=AccountState.display_name,
                    max_length=120,
                    key=AccountState.display_name,
                ),
                rx.vstack(
                    rx.el.label(rx.text(t("auth.language"), size="2", weight="medium"), html_for="profile-language"),
                    rx.el.select(
                        rx.el.option(t("lang.en"), value="en"),
                        rx.el.option(t("lang.fr"), value="fr"),
                        id="profile-language",
                        name="language",
                        class_name="native-select",
                        default_value=AccountState.language,
                        key=AccountState.language,
                    ),
                    field_error("language", _profile_error("language")),
                    spacing="1",
                    width="100%",
                ),
                country_select(_profile_error("country"), value=AccountState.country),
                rx.button(t("account.save"), type="submit", id="profile-save", disabled=~rx.State.is_hydrated),
                spacing="4",
                width="100%",
                max_width="420px",
            ),
            on_submit=AccountState.save_profile,
            reset_on_submit=False,
            width="100%",
        ),
    )


def password_card() -> rx.Component:
    return _card(
        "account.password",
        "account.password_help",
        rx.form(
            rx.vstack(
                form_error(error_of(PasswordFormState, FORM_ERROR)),
                labelled_input(
                    "account.current_password",
                    "current_password",
                    error_of(PasswordFormState, "current_password"),
                    type_="password",
                    auto_complete="current-password",
                ),
                labelled_input(
                    "account.new_password",
                    "new_password",
                    error_of(PasswordFormState, "new_password"),
                    type_="password",
                    hint_key="auth.password_hint",
                    auto_complete="new-password",
                    custom_attrs={"data-strength-meter": "account-strength"},
                ),
                strength_meter("account-strength", email=SessionState.email),
                rx.button(
                    t("account.change_password"),
                    type="submit",
                    loading=PasswordFormState.submitting,
                    disabled=~rx.State.is_hydrated,
                    id="password-submit",
                ),
                spacing="4",
                width="100%",
                max_width="420px",
            ),
            id=PASSWORD_FORM,
            on_submit=[
                PasswordFormState.start,
                browser_auth.submit_form(
                    PASSWORD_FORM, browser_auth.CHANGE_PASSWORD_PATH, PasswordFormState.finished, stay=True
                ),
            ],
            reset_on_submit=False,
            method="post",
            no_validate=True,
            width="100%",
        ),
    )


def _session_row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.icon("monitor-smartphone", size=16),
                rx.text(row["device"]),
                rx.cond(row["current"] != "", rx.badge(t("account.this_device"), color_scheme="green")),
                align="center",
                spacing="2",
            )
        ),
        rx.table.cell(rx.code(row["ip"])),
        rx.table.cell(row["last_seen"], white_space="nowrap"),
        rx.table.cell(
            rx.button(
                t("shell.sign_out"),
                size="1",
                variant="soft",
                color_scheme="gray",
                on_click=AccountState.revoke(row["id"]),
                class_name="session-sign-out",
            ),
            text_align="right",
        ),
        class_name="session-row",
    )


def _confirm(trigger: rx.Component, title_key: str, text_key: str, action: rx.Component) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t(title_key)),
            rx.alert_dialog.description(t(text_key), size="2"),
            action,
            max_width="440px",
        ),
    )


def sessions_card() -> rx.Component:
    everywhere = _confirm(
        rx.button(t("account.sign_out_everywhere"), color_scheme="red", variant="soft", id="sign-out-everywhere"),
        "account.sign_out_everywhere",
        "account.sign_out_everywhere_confirm",
        rx.flex(
            rx.alert_dialog.cancel(rx.button(t("account.cancel"), variant="soft", color_scheme="gray")),
            rx.alert_dialog.action(
                rx.button(
                    t("account.sign_out_everywhere"),
                    color_scheme="red",
                    on_click=AccountState.sign_out_everywhere,
                    id="confirm-sign-out-everywhere",
                )
            ),
            spacing="3",
            justify="end",
            margin_top="16px",
        ),
    )
    return _card(
        "account.sessions",
        "account.sessions_help",
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(t("account.device")),
                        rx.table.column_header_cell(t("audit.ip")),
                        rx.table.column_header_cell(t("account.last_seen")),
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(AccountState.sessions, _session_row)),
                size="1",
                width="100%",
            ),
            overflow_x="auto",
            width="100%",
        ),
        rx.box(everywhere),
    )


def data_card() -> rx.Component:
    return _card(
        "account.data",
        "account.data_help",
        rx.box(
            rx.button(
                rx.icon("download", size=16),
                t("account.download"),
                variant="soft",
                loading=ExportState.downloading,
                on_click=ExportState.start,
                id="download-data",
            )
        ),
    )


def delete_card() -> rx.Component:
    form = rx.form(
        rx.vstack(
            form_error(error_of(DeleteFormState, FORM_ERROR)),
            labelled_input(
                "auth.password",
                "password",
                error_of(DeleteFormState, "password"),
                type_="password",
                auto_complete="current-password",
            ),
            rx.flex(
                rx.alert_dialog.cancel(rx.button(t("account.cancel"), variant="soft", color_scheme="gray")),
                rx.button(
                    t("account.delete_confirm_button"),
                    type="submit",
                    color_scheme="red",
                    loading=DeleteFormState.submitting,
                    id="delete-submit",
                ),
                spacing="3",
                justify="end",
                width="100%",
            ),
            spacing="4",
            width="100%",
            margin_top="16px",
        ),
        id=DELETE_FORM,
        on_submit=post_form(
            DELETE_FORM, browser_auth.DELETE_ACCOUNT_PATH, DeleteFormState, next_path=f"{routes.SIGN_IN}?deleted=1"
        ),
        reset_on_submit=False,
        method="post",
        no_validate=True,
        width="100%",
    )
    return _card(
        "account.delete",
        "account.delete_help",
        rx.box(
            _confirm(
                rx.button(t("account.delete"), color_scheme="red", id="delete-account"),
                "account.delete",
                "account.delete_confirm",
                form,
            )
        ),
        border=f"1px solid {rx.color('red', 6)}",
    )


@app_page(routes.ACCOUNT, "account.title", on_load=AccountState.load)
def account_page() -> rx.Component:
    return rx.vstack(
        page_title("account.title", "account.intro"),
        rx.cond(
            AccountState.loaded,
            rx.vstack(profile_card(), password_card(), sessions_card(), data_card(), delete_card(), spacing="5"),
            rx.center(rx.spinner(size="3"), width="100%", padding="48px"),
        ),
        spacing="5",
        width="100%",
        max_width="860px",
    )


assert set(COUNTRIES)  # the profile's country list is the registration's
