"""/login: sign in with e-mail and password (posted by assets/auth.js, see auth_form)."""

from __future__ import annotations

import reflex as rx

from stoflow.components.auth_form import (
    FORM_ERROR,
    AuthFormState,
    auth_card,
    error_of,
    form_error,
    labelled_input,
    post_form,
    submit_button,
    switch_link,
)
from stoflow.components.browser_auth import SIGN_IN_PATH
from stoflow.components.shell import app_page
from stoflow.pages import routes

FORM_ID = "sign-in-form"


class SignInState(AuthFormState, rx.State):
    """The sign-in form: busy flag and error codes (never the e-mail or password)."""

    def _fields(self) -> tuple[str, ...]:
        return ("email", "password")


def sign_in_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(error_of(SignInState, FORM_ERROR)),
            labelled_input(
                "auth.email",
                "email",
                error_of(SignInState, "email"),
                type_="email",
                auto_complete="username",
                required=True,
                auto_focus=True,
            ),
            labelled_input(
                "auth.password",
                "password",
                error_of(SignInState, "password"),
                type_="password",
                auto_complete="current-password",
                required=True,
            ),
            submit_button("auth.sign_in.submit", SignInState, "sign-in-submit"),
            spacing="4",
            width="100%",
        ),
        id=FORM_ID,
        on_submit=post_form(FORM_ID, SIGN_IN_PATH, SignInState),
        reset_on_submit=False,
        method="post",  # should the browser ever submit it natively: never a GET with the password
        no_validate=True,  # the server checks every field and answers in the user's language
        width="100%",
    )


@app_page(routes.SIGN_IN, "auth.sign_in.title", access="guest")
def sign_in_page() -> rx.Component:
    return auth_card(
        "auth.sign_in.title",
        "auth.sign_in.subtitle",
        sign_in_form(),
        switch_link("auth.sign_in.no_account", "auth.sign_in.create", routes.REGISTER, "to-register"),
    )
