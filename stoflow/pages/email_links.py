"""Pages reached from e-mailed links, and the "forgot password" form that sends one.

/verify-email?token=… confirms the address; /forgot-password asks for a reset link;
/reset-password?token=… sets a new password (posted by assets/auth.js, never through a
state event).
"""

from __future__ import annotations

import reflex as rx

from stoflow.accounts import email_links, self_service
from stoflow.accounts.email_links import LinkRefused
from stoflow.audit.service import RequestContext
from stoflow.components.auth_form import (
    FORM_ERROR,
    AuthFormState,
    auth_card,
    error_of,
    form_error,
    labelled_input,
    post_form,
    strength_meter,
    submit_button,
    switch_link,
)
from stoflow.components.browser_auth import FORGOT_PATH, RESET_PATH
from stoflow.components.shell import app_page
from stoflow.db.engine import db_session
from stoflow.i18n import t, t_code
from stoflow.models.public import EmailTokenPurpose
from stoflow.pages import routes

FORGOT_FORM = "forgot-form"
RESET_FORM = "reset-form"


def _back_to_sign_in() -> rx.Component:
    return switch_link("auth.forgot.remembered", "auth.register.sign_in", routes.SIGN_IN, "to-sign-in")


# --- /verify-email --------------------------------------------------------------------


class VerifyEmailState(rx.State):
    """The outcome of following a verification link: "" while checking, "ok", or an error code."""

    outcome: str = ""

    @rx.event
    def verify(self) -> None:
        token = str(self.router.url.query_parameters.get("token", ""))
        context = RequestContext(ip=self.router.session.client_ip, user_agent=self.router.headers.user_agent)
        try:
            with db_session() as db:
                self_service.verify_email(db, token, context=context)
        except LinkRefused as refused:
            self.outcome = refused.code
            return
        self.outcome = "ok"


@app_page(routes.VERIFY_EMAIL, "auth.verify.title", access="guest", on_load=VerifyEmailState.verify)
def verify_email_page() -> rx.Component:
    result = rx.match(
        VerifyEmailState.outcome,
        ("", rx.center(rx.spinner(size="3"), width="100%", padding="16px")),
        (
            "ok",
            rx.vstack(
                rx.callout(t("auth.verify.done"), icon="circle-check", color_scheme="green", width="100%"),
                rx.link(
                    rx.button(t("auth.sign_in.submit"), size="3", width="100%"),
                    href=f"{routes.SIGN_IN}?verified=1",
                    width="100%",
                    id="verified-sign-in",
                ),
                spacing="4",
                width="100%",
                id="verify-ok",
            ),
        ),
        rx.vstack(
            rx.callout(t_code(VerifyEmailState.outcome), icon="circle-alert", color_scheme="red", width="100%"),
            rx.text(t("auth.verify.failed_help"), size="2", color=rx.color("gray", 11)),
            spacing="3",
            width="100%",
            id="verify-failed",
        ),
    )
    return auth_card("auth.verify.title", "auth.verify.subtitle", result, _back_to_sign_in())


# --- /forgot-password ---------------------------------------------------------------------


class ForgotState(AuthFormState, rx.State):
    def _fields(self) -> tuple[str, ...]:
        return ("email",)


def forgot_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(error_of(ForgotState, FORM_ERROR)),
            labelled_input(
                "auth.email",
                "email",
                error_of(ForgotState, "email"),
                type_="email",
                auto_complete="username",
                required=True,
                auto_focus=True,
            ),
            submit_button("auth.forgot.submit", ForgotState, "forgot-submit"),
            spacing="4",
            width="100%",
        ),
        id=FORGOT_FORM,
        on_submit=post_form(FORGOT_FORM, FORGOT_PATH, ForgotState, stay=True),
        reset_on_submit=False,
        method="post",
        no_validate=True,
        width="100%",
    )


@app_page(routes.FORGOT_PASSWORD, "auth.forgot.title", access="guest", on_load=ForgotState.clear)
def forgot_password_page() -> rx.Component:
    sent = rx.callout(t("auth.forgot.sent"), icon="mail-check", color_scheme="green", width="100%", id="forgot-sent")
    return auth_card(
        "auth.forgot.title",
        "auth.forgot.subtitle",
        rx.cond(ForgotState.succeeded, sent, forgot_form()),
        _back_to_sign_in(),
    )


# --- /reset-password -----------------------------------------------------------------------


class ResetState(AuthFormState, rx.State):
    """The reset form; `link_problem` says why the link cannot be used (checked on load)."""

    token: str = ""
    link_problem: str = ""
    checked: bool = False

    def _fields(self) -> tuple[str, ...]:
        return ("password",)

    @rx.event
    def check_link(self) -> None:
        self._reset()
        self.token = str(self.router.url.query_parameters.get("token", ""))[: email_links.MAX_TOKEN_LENGTH]
        try:
            with db_session() as db:
                email_links.check(db, self.token, EmailTokenPurpose.reset_password)
            self.link_problem = ""
        except LinkRefused as refused:
            self.link_problem = refused.code
        self.checked = True


def reset_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(error_of(ResetState, FORM_ERROR)),
            rx.el.input(type="hidden", name="token", value=ResetState.token),
            labelled_input(
                "auth.reset.new_password",
                "password",
                error_of(ResetState, "password"),
                type_="password",
                hint_key="auth.password_hint",
                auto_complete="new-password",
                required=True,
                auto_focus=True,
                custom_attrs={"data-strength-meter": "reset-strength"},
            ),
            strength_meter("reset-strength"),
            submit_button("auth.reset.submit", ResetState, "reset-submit"),
            spacing="4",
            width="100%",
        ),
        id=RESET_FORM,
        on_submit=post_form(RESET_FORM, RESET_PATH, ResetState, next_path=f"{routes.SIGN_IN}?reset=done"),
        reset_on_submit=False,
        method="post",
        no_validate=True,
        width="100%",
    )


@app_page(routes.RESET_PASSWORD, "auth.reset.title", access="guest", on_load=ResetState.check_link)
def reset_password_page() -> rx.Component:
    refused = rx.vstack(
        rx.callout(t_code(ResetState.link_problem), icon="circle-alert", color_scheme="red", width="100%"),
        rx.link(t("auth.reset.ask_again"), href=routes.FORGOT_PASSWORD, size="2"),
        spacing="3",
        width="100%",
        id="reset-refused",
    )
    body = rx.cond(
        ResetState.checked,
        rx.cond(ResetState.link_problem == "", reset_form(), refused),
        rx.center(rx.spinner(size="3"), width="100%", padding="16px"),
    )
    return auth_card("auth.reset.title", "auth.reset.subtitle", body, _back_to_sign_in())
