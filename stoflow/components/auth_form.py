"""Sign-in and registration forms.

The form posts itself to /api/auth/* with `fetch` from the page: the password never goes
through a Reflex state event, and the HttpOnly session cookie is set by that response.
On success the page navigates (a full load, so the websocket carries the new cookie);
on failure only the JSON error codes come back to the state, through the callback.
"""

from __future__ import annotations

import json
from typing import Any

import reflex as rx

from stoflow.components.shell import logo
from stoflow.i18n import t
from stoflow.pages import routes
from stoflow.state.language import LanguageState

# The script is evaluated in the page. `form_id` and `path` are our own constants.
_SUBMIT_JS = """(async () => {
  const form = document.getElementById(%(form_id)s);
  const body = Object.fromEntries(new FormData(form).entries());
  const wanted = new URLSearchParams(window.location.search).get("next") || "";
  const next = wanted.startsWith("/") && !wanted.startsWith("//") ? wanted : %(default_next)s;
  try {
    const response = await fetch(%(path)s, {
      method: "POST",
      credentials: "include",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(body),
    });
    if (response.ok) { window.location.assign(next); return {ok: true, errors: {}}; }
    let data = {};
    try { data = await response.json(); } catch (error) {}
    return {ok: false, errors: data.errors || {form: data.error || "internal_error"}};
  } catch (error) {
    return {ok: false, errors: {form: "network_error"}};
  }
})()"""


class AuthFormState(rx.State, mixin=True):
    """A form posted by `submit_script`: busy while posting, then the error codes."""

    submitting: bool = False
    errors: dict[str, str] = {}

    @rx.event
    def start(self) -> None:
        self.submitting = True
        self.errors = {}

    @rx.event
    def finish(self, result: dict[str, Any]) -> None:
        if isinstance(result, dict) and result.get("ok"):
            return  # the page is navigating away
        self.submitting = False
        errors = result.get("errors") if isinstance(result, dict) else None
        self.errors = {str(k): str(v) for k, v in (errors or {"form": "internal_error"}).items()}


def submit_script(form_id: str, path: str) -> str:
    return _SUBMIT_JS % {
        "form_id": json.dumps(form_id),
        "path": json.dumps(path),
        "default_next": json.dumps(routes.DASHBOARD),
    }


def field_error(message: rx.Var) -> rx.Component:
    return rx.cond(
        message != "",
        rx.text(message, color=rx.color("red", 11), size="1", class_name="field-error"),
    )


def labelled_input(
    label_key: str, name: str, error: rx.Var, *, type_: str = "text", hint_key: str | None = None, **props: object
) -> rx.Component:
    hint = [rx.text(t(hint_key), size="1", color=rx.color("gray", 10))] if hint_key else []
    return rx.vstack(
        rx.el.label(rx.text(t(label_key), size="2", weight="medium"), html_for=name),
        rx.input(id=name, name=name, type=type_, size="3", width="100%", **props),
        *hint,
        field_error(error),
        spacing="1",
        width="100%",
    )


def form_error(message: rx.Var) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="circle-alert", color_scheme="red", role="alert", width="100%", id="form-error"),
    )


def auth_card(title_key: str, subtitle_key: str, form: rx.Component, footer: rx.Component) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.hstack(
                logo(),
                rx.spacer(),
                rx.segmented_control.root(
                    rx.segmented_control.item("EN", value="en"),
                    rx.segmented_control.item("FR", value="fr"),
                    value=LanguageState.lang,
                    on_change=LanguageState.set_language,
                    size="1",
                    id="language-switch",
                ),
                width="100%",
                align="center",
            ),
            rx.card(
                rx.vstack(
                    rx.heading(t(title_key), size="6"),
                    rx.text(t(subtitle_key), color=rx.color("gray", 11), size="2"),
                    rx.box(height="0.5em"),
                    form,
                    spacing="2",
                    width="100%",
                ),
                size="4",
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
