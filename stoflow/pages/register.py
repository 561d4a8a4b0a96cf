"""/register: create a seller account and its workspace (posted by assets/auth.js)."""

from __future__ import annotations

import reflex as rx

from stoflow.components.auth_form import (
    FORM_ERROR,
    AuthFormState,
    auth_card,
    country_select,
    error_of,
    form_error,
    labelled_input,
    post_form,
    strength_meter,
    submit_button,
    switch_link,
)
from stoflow.components.browser_auth import REGISTER_PATH
from stoflow.components.shell import app_page
from stoflow.i18n import t
from stoflow.pages import routes
from stoflow.state.language import LanguageState

FORM_ID = "register-form"


class RegisterState(AuthFormState, rx.State):
    """The registration form: busy flag and error codes (never what was typed)."""

    def _fields(self) -> tuple[str, ...]:
        return ("email", "display_name", "password", "country")


def check_inbox() -> rx.Component:
    """After registering: the same words whether the address was new (a link is on its
    way) or already had an account (its owner gets a notice): nothing tells them apart."""
    return rx.vstack(
        rx.callout(t("auth.register.check_email"), icon="mail-check", color_scheme="green", width="100%"),
        rx.text(t("auth.register.check_email_help"), size="2", color=rx.color("gray", 11)),
        rx.link(rx.button(t("auth.sign_in.submit"), size="3", width="100%"), href=routes.SIGN_IN, width="100%"),
        id="register-done",
        spacing="4",
        width="100%",
    )


def register_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(error_of(RegisterState, FORM_ERROR)),
            labelled_input(
                "auth.email",
                "email",
                error_of(RegisterState, "email"),
                type_="email",
                auto_complete="email",
                required=True,
                auto_focus=True,
            ),
            labelled_input(
                "auth.display_name",
                "display_name",
                error_of(RegisterState, "display_name"),
                auto_complete="name",
                placeholder=t("auth.optional"),
                max_length=120,
            ),
            labelled_input(
                "auth.password",
                "password",
                error_of(RegisterState, "password"),
                type_="password",
                hint_key="auth.password_hint",
                auto_complete="new-password",
                required=True,
                custom_attrs={"data-strength-meter": "register-strength"},
            ),
            strength_meter("register-strength"),
            country_select(error_of(RegisterState, "country")),
            # The account's language is the one the page is shown in (switch above the card).
            rx.el.input(type="hidden", name="language", value=LanguageState.lang),
            submit_button("auth.register.submit", RegisterState, "register-submit"),
            spacing="4",
            width="100%",
        ),
        id=FORM_ID,
        on_submit=post_form(FORM_ID, REGISTER_PATH, RegisterState, stay=True),
        reset_on_submit=False,
        method="post",  # should the browser ever submit it natively: never a GET with the password
        no_validate=True,  # the server checks every field and answers in the user's language
        width="100%",
    )


@app_page(routes.REGISTER, "auth.register.title", access="guest", on_load=RegisterState.clear)
def register_page() -> rx.Component:
    return auth_card(
        "auth.register.title",
        "auth.register.subtitle",
        rx.cond(RegisterState.succeeded, check_inbox(), register_form()),
        switch_link("auth.register.have_account", "auth.register.sign_in", routes.SIGN_IN, "to-sign-in"),
    )
