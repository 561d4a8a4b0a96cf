"""/login: sign in with e-mail and password."""

from __future__ import annotations

import reflex as rx

from stoflow.components.auth_form import AuthFormState, auth_card, form_error, labelled_input, submit_script
from stoflow.components.shell import app_page
from stoflow.i18n import t, t_code
from stoflow.pages import routes

FORM_ID = "sign-in-form"


class SignInState(AuthFormState, rx.State):
    """The sign-in form."""


def sign_in_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(t_code(SignInState.errors.get("form", ""))),
            labelled_input(
                "auth.email",
                "email",
                t_code(SignInState.errors.get("email", "")),
                type_="email",
                auto_complete="username",
                required=True,
                auto_focus=True,
            ),
            labelled_input(
                "auth.password",
                "password",
                t_code(SignInState.errors.get("password", "")),
                type_="password",
                auto_complete="current-password",
                required=True,
            ),
            rx.button(
                t("auth.sign_in.submit"),
                type="submit",
                size="3",
                width="100%",
                loading=SignInState.submitting,
                id="sign-in-submit",
            ),
            spacing="4",
            width="100%",
        ),
        id=FORM_ID,
        on_submit=[
            SignInState.start,
            rx.call_script(submit_script(FORM_ID, "/api/auth/login"), callback=SignInState.finish),
        ],
        reset_on_submit=False,
        width="100%",
    )


@app_page(routes.SIGN_IN, "auth.sign_in.title", access="guest")
def sign_in_page() -> rx.Component:
    return auth_card(
        "auth.sign_in.title",
        "auth.sign_in.subtitle",
        sign_in_form(),
        rx.hstack(
            rx.text(t("auth.sign_in.no_account"), size="2", color=rx.color("gray", 11)),
            rx.link(t("auth.sign_in.create"), href=routes.REGISTER, size="2", id="to-register"),
            spacing="1",
        ),
    )
