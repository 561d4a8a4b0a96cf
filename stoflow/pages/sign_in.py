"""/login: sign in with e-mail and password (posted by assets/auth.js, see auth_form)."""

from __future__ import annotations

from typing import Any

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
from stoflow.components.browser_auth import RESEND_PATH, SIGN_IN_PATH, post_email
from stoflow.components.shell import app_page
from stoflow.i18n import t
from stoflow.pages import routes

FORM_ID = "sign-in-form"


class SignInState(AuthFormState, rx.State):
    """The sign-in form: busy flag and error codes (never the e-mail or password)."""

    resent: bool = False

    def _fields(self) -> tuple[str, ...]:
        return ("email", "password")

    @rx.event
    def clear(self) -> None:
        self._reset()
        self.resent = False

    @rx.var
    def needs_verification(self) -> bool:
        return self.errors.get(FORM_ERROR, "") == "email_not_verified"

    @rx.var
    def notice(self) -> str:
        """A message brought by the link that led here (?reset=done, ?verified=1)."""
        params = self.router.url.query_parameters
        if params.get("reset") == "done":
            return "reset_done"
        if params.get("verified") == "1":
            return "verified"
        if params.get("deleted") == "1":
            return "deleted"
        return ""

    @rx.event
    def resend(self) -> rx.event.EventSpec:
        self.resent = False
        return post_email("email", RESEND_PATH, SignInState.resend_done)

    @rx.event
    def resend_done(self, result: dict[str, Any]) -> None:
        if isinstance(result, dict) and result.get("ok"):
            self.resent = True
        else:
            self.resent = False
            self.errors = {FORM_ERROR: "rate_limited" if "rate_limited" in str(result) else "network_error"}


def verification_needed() -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.text(t("auth.sign_in.not_verified")),
            rx.cond(
                SignInState.resent,
                rx.text(t("auth.sign_in.resent"), weight="medium", id="resent"),
                rx.button(
                    t("auth.sign_in.resend"),
                    size="1",
                    variant="soft",
                    type="button",
                    on_click=SignInState.resend,
                    id="resend-verification",
                ),
            ),
            spacing="2",
            align="start",
        ),
        icon="mail-warning",
        color_scheme="amber",
        width="100%",
        id="not-verified",
    )


def notice() -> rx.Component:
    return rx.match(
        SignInState.notice,
        ("reset_done", rx.callout(t("auth.reset.done"), icon="circle-check", color_scheme="green", width="100%")),
        ("verified", rx.callout(t("auth.verify.done"), icon="circle-check", color_scheme="green", width="100%")),
        ("deleted", rx.callout(t("auth.sign_in.deleted"), icon="circle-check", color_scheme="gray", width="100%")),
        rx.fragment(),
    )


def sign_in_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            notice(),
            rx.cond(
                SignInState.needs_verification, verification_needed(), form_error(error_of(SignInState, FORM_ERROR))
            ),
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
            rx.link(t("auth.sign_in.forgot"), href=routes.FORGOT_PASSWORD, size="2", id="to-forgot"),
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


@app_page(routes.SIGN_IN, "auth.sign_in.title", access="guest", on_load=SignInState.clear)
def sign_in_page() -> rx.Component:
    return auth_card(
        "auth.sign_in.title",
        "auth.sign_in.subtitle",
        sign_in_form(),
        switch_link("auth.sign_in.no_account", "auth.sign_in.create", routes.REGISTER, "to-register"),
    )
