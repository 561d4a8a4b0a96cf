"""Sign-in and registration forms: fields, errors, and the card around them.

The form is posted by assets/auth.js (see stoflow.components.browser_auth): the inputs'
values never go through a Reflex state event. Form `on_submit` triggers only
`AuthFormState.start` (no arguments: Reflex sends form data only to a handler that takes
it) and the script; the script hands back error codes alone.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from stoflow.accounts.schemas import COUNTRIES
from stoflow.components.browser_auth import api_base, submit_form
from stoflow.components.shell import language_switch, logo
from stoflow.i18n import ERROR_CODES, t, t_code
from stoflow.pages import routes

FORM_ERROR = "form"


class AuthFormState(rx.State, mixin=True):
    """A form posted by assets/auth.js: busy while posting, then the error codes."""

    submitting: bool = False
    succeeded: bool = False  # a form that stays on the page after success (see post_form)
    errors: dict[str, str] = {}

    def _fields(self) -> tuple[str, ...]:
        """The fields that show their own error; others are shown with the form error."""
        return ()

    def _reset(self) -> None:
        self.submitting, self.succeeded, self.errors = False, False, {}

    @rx.event
    def clear(self) -> None:
        """on_load: a page (re)loaded starts clean, not with the last attempt's errors."""
        self._reset()

    @rx.event
    def start(self) -> None:
        self.submitting = True
        self.succeeded = False
        self.errors = {}

    @rx.event
    def finish(self, result: dict[str, Any]) -> None:
        """The outcome of the post: error codes only (never what was typed)."""
        self._apply(result)

    def _apply(self, result: dict[str, Any]) -> None:
        if not isinstance(result, dict):
            result = {}
        if result.get("ok") and result.get("stayed"):
            self.submitting, self.succeeded, self.errors = False, True, {}
            return
        if result.get("ok") or result.get("pending"):
            return  # navigating away, or an earlier post still running
        self.submitting = False
        errors: dict[str, str] = {}
        raw = result.get("errors")
        for field, code in (raw if isinstance(raw, dict) else {}).items():
            field, code = str(field), str(code)
            if field not in self._fields():
                errors.setdefault(FORM_ERROR, code if code in ERROR_CODES else "internal_error")
            else:
                errors[field] = code if code in ERROR_CODES else "invalid_request"
        self.errors = errors or {FORM_ERROR: "internal_error"}


def post_form(
    form_id: str, path: str, state: type[AuthFormState], *, next_path: str = routes.DASHBOARD, stay: bool = False
) -> list[Any]:
    """The `on_submit` chain of an auth form: mark it busy, post it from the page."""
    return [state.start, submit_form(form_id, path, state.finish, next_path=next_path, stay=stay)]


STRENGTH_LEVELS = ("refused", "0", "1", "2", "3", "4")


def strength_meter(meter_id: str, *, email: Any = "") -> rx.Component:
    """The bar and word under a new password; assets/auth.js sets its `data-score`."""
    return rx.box(
        rx.box(rx.box(class_name="strength-fill"), class_name="strength-track"),
        *[
            rx.text(t(f"auth.strength.{level}"), size="1", class_name=f"strength-label strength-{level}")
            for level in STRENGTH_LEVELS
        ],
        id=meter_id,
        class_name="strength-meter",
        custom_attrs={"data-api": api_base(), "data-email": email, "aria-live": "polite"},
        width="100%",
    )


def country_select(error: Any, *, value: Any = None) -> rx.Component:
    """The country list (native select: posted with the form by assets/auth.js too)."""
    return rx.vstack(
        rx.el.label(rx.text(t("auth.country"), size="2", weight="medium"), html_for="country"),
        rx.el.select(
            rx.el.option(t("auth.country_choose"), value="", disabled=True),
            *[rx.el.option(t(f"country.{code}"), value=code) for code in COUNTRIES],
            id="country",
            name="country",
            class_name="native-select",
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby="country-error",
            default_value=value if value is not None else "",
            **({"key": value} if value is not None else {}),
        ),
        field_error("country", error),
        spacing="1",
        width="100%",
    )


def field_error(name: str, message: Any) -> rx.Component:
    return rx.cond(
        message != "",
        rx.text(message, color=rx.color("red", 11), size="1", class_name="field-error", id=f"{name}-error"),
    )


def labelled_input(
    label_key: str,
    name: str,
    error: Any,
    *,
    type_: str = "text",
    hint_key: str | None = None,
    **props: Any,
) -> rx.Component:
    """A label tied to its input (by id), an optional hint, and the field's error."""
    # The rule is shown until the field has an error (which then says the same, precisely).
    hint = (
        [rx.cond(error == "", rx.text(t(hint_key), size="1", color=rx.color("gray", 10), id=f"{name}-hint"))]
        if hint_key
        else []
    )
    return rx.vstack(
        rx.el.label(rx.text(t(label_key), size="2", weight="medium"), html_for=name),
        rx.input(
            id=name,
            name=name,
            type=type_,
            size="3",
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=f"{name}-hint {name}-error" if hint_key else f"{name}-error",
            **props,
        ),
        *hint,
        field_error(name, error),
        spacing="1",
        width="100%",
    )


def form_error(message: Any) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="circle-alert", color_scheme="red", role="alert", width="100%", id="form-error"),
    )


def error_of(state: type[AuthFormState], field: str) -> Any:
    """The translated error of `field` (or of the whole form), "" when there is none."""
    return t_code(state.errors.get(field, ""))


def submit_button(label_key: str, state: type[AuthFormState], button_id: str) -> rx.Component:
    """Disabled until the page is live: before that, the browser itself would submit the
    form (a plain GET putting the password in the URL); with the default button disabled,
    neither a click nor Enter submits anything."""
    return rx.button(
        t(label_key),
        type="submit",
        size="3",
        width="100%",
        loading=state.submitting,
        disabled=~rx.State.is_hydrated,
        id=button_id,
    )


def switch_link(text_key: str, link_key: str, href: str, link_id: str) -> rx.Component:
    """The line under the card: "No account yet? Create one" and the like."""
    return rx.hstack(
        rx.text(t(text_key), size="2", color=rx.color("gray", 11)),
        rx.link(t(link_key), href=href, size="2", id=link_id),
        spacing="1",
    )


def auth_card(title_key: str, subtitle_key: str, form: rx.Component, footer: rx.Component) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.hstack(logo(), rx.spacer(), language_switch(), width="100%", align="center"),
            rx.card(
                rx.vstack(
                    rx.heading(t(title_key), size="6", as_="h1"),
                    rx.text(t(subtitle_key), color=rx.color("gray", 11), size="2"),
                    rx.box(height="0.5em"),
                    form,
                    spacing="2",
                    width="100%",
                ),
                size=rx.breakpoints(initial="3", sm="4"),
                width="100%",
            ),
            footer,
            spacing="5",
            width="100%",
            max_width="420px",
            align="center",
        ),
        min_height="100vh",
        padding="24px 16px",
        bg=rx.color("gray", 2),
    )
