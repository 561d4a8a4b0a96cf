"""/settings: the account, the interface language, signing out."""

from __future__ import annotations

import reflex as rx

from stoflow.accounts import service as accounts
from stoflow.components.shell import app_page, page_title, sign_out
from stoflow.db.engine import db_session
from stoflow.i18n import t, tr
from stoflow.pages import routes
from stoflow.state.language import LanguageState
from stoflow.state.session import SessionState


class SettingsState(rx.State):
    member_since: str = ""

    @rx.event
    async def load(self) -> rx.event.EventSpec | None:
        session = await self.get_state(SessionState)
        identity = session._identity()
        if identity is None:
            return rx.redirect(routes.sign_in(next_path=routes.SETTINGS))
        with db_session() as db:
            user = accounts.get_user(db, identity.user_id)
        self.member_since = user.created_at.strftime("%Y-%m-%d") if user else ""
        return None

    @rx.event
    async def choose_language(self, language: str | list[str]) -> rx.event.EventSpec | None:
        """Switch the interface language and confirm that the account keeps it."""
        choice = await self.get_state(LanguageState)
        if not isinstance(language, str) or not await choice._choose(language):
            return None
        return rx.toast.success(tr(language, "settings.language_saved"))


def _row(label_key: str, value: rx.Component) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(t(label_key)), rx.data_list.value(value))


def account_card() -> rx.Component:
    role = rx.match(SessionState.role, ("admin", t("role.admin")), ("support", t("role.support")), t("role.user"))
    return rx.card(
        rx.vstack(
            rx.heading(t("settings.account"), size="4"),
            rx.data_list.root(
                _row("settings.email", rx.text(SessionState.email, id="settings-email")),
                _row("settings.name", rx.text(SessionState.display_name)),
                _row("settings.role", rx.badge(role, variant="soft")),
                _row("settings.member_since", rx.text(SettingsState.member_since)),
                orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
            ),
            spacing="4",
        ),
        size="3",
        width="100%",
    )


def language_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("settings.language"), size="4"),
            rx.text(t("settings.language_help"), color=rx.color("gray", 11), size="2"),
            rx.radio_group.root(
                rx.radio_group.item(t("lang.en"), value="en"),
                rx.radio_group.item(t("lang.fr"), value="fr"),
                value=LanguageState.lang,
                on_change=SettingsState.choose_language,
                direction="row",
                spacing="5",
                id="settings-language",
            ),
            spacing="3",
        ),
        size="3",
        width="100%",
    )


def session_card() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.heading(t("settings.session"), size="4"),
                rx.text(t("settings.session_help"), color=rx.color("gray", 11), size="2"),
                spacing="1",
            ),
            rx.spacer(),
            rx.button(
                rx.icon("log-out", size=16),
                t("shell.sign_out"),
                variant="soft",
                color_scheme="red",
                on_click=sign_out(),
            ),
            align="center",
            wrap="wrap",
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


@app_page(routes.SETTINGS, "settings.title", on_load=SettingsState.load)
def settings_page() -> rx.Component:
    return rx.vstack(
        page_title("settings.title"),
        account_card(),
        language_card(),
        session_card(),
        spacing="5",
        width="100%",
    )
