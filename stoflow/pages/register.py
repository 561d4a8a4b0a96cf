"""/register: create a seller account (and its workspace)."""

from __future__ import annotations

import reflex as rx

from stoflow.components.auth_form import AuthFormState, auth_card, form_error, labelled_input, submit_script
from stoflow.components.shell import app_page
from stoflow.i18n import t, t_code
from stoflow.pages import routes
from stoflow.state.language import LanguageState

FORM_ID = "register-form"


class RegisterState(AuthFormState, rx.State):
    """The registration form."""


def register_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(t_code(RegisterState.errors.get("form", ""))),
            labelled_input(
                "auth.email",
                "email",
                t_code(RegisterState.errors.get("email", "")),
                type_="email",
                auto_complete="email",
                required=True,
                auto_focus=True,
            ),
            labelled_input(
                "auth.display_name",
                "display_name",
                t_code(RegisterState.errors.get("display_name", "")),
                auto_complete="name",
                placeholder=t("auth.optional"),
                max_length=120,
            ),
            labelled_input(
                "auth.password",
                "password",
                t_code(RegisterState.errors.get("password", "")),
                type_="password",
                hint_key="auth.password_hint",
                auto_complete="new-password",
                required=True,
            ),
            rx.el.input(type="hidden", name="language", value=LanguageState.lang),
            rx.button(
                t("auth.register.submit"),
                type="submit",
                size="3",
                width="100%",
                loading=RegisterState.submitting,
                id="register-submit",
            ),
            spacing="4",
            width="100%",
        ),
        id=FORM_ID,
        on_submit=[
            RegisterState.start,
            rx.call_script(submit_script(FORM_ID, "/api/auth/register"), callback=RegisterState.finish),
        ],
        reset_on_submit=False,
        width="100%",
    )


@app_page(routes.REGISTER, "auth.register.title", access="guest")
def register_page() -> rx.Component:
    return auth_card(
        "auth.register.title",
        "auth.register.subtitle",
        register_form(),
        rx.hstack(
            rx.text(t("auth.register.have_account"), size="2", color=rx.color("gray", 11)),
            rx.link(t("auth.register.sign_in"), href=routes.SIGN_IN, size="2", id="to-sign-in"),
            spacing="1",
        ),
    )
