"""Calls into assets/auth.js: sign in, register and sign out are posted by the page.

The password never travels through a Reflex state event, and the HttpOnly session cookie
is set by the /api/auth response itself. Only the JSON error codes come back to a state.
"""

from __future__ import annotations

import json

import reflex as rx
from reflex.event import EventHandler, EventSpec

from stoflow.pages import routes

SCRIPT = "auth.js"  # in assets/; loaded on every page by stoflow.stoflow

SIGN_IN_PATH = "/api/auth/login"
REGISTER_PATH = "/api/auth/register"
SIGN_OUT_PATH = "/api/auth/logout"
RESEND_PATH = "/api/auth/resend-verification"
FORGOT_PATH = "/api/auth/forgot-password"
RESET_PATH = "/api/auth/reset-password"
CHANGE_PASSWORD_PATH = "/api/account/password"
DELETE_ACCOUNT_PATH = "/api/account/delete"
EXPORT_PATH = "/api/account/export"


def api_base() -> str:
    """Where the browser reaches /api, decided when the pages are compiled.

    One port (production, `--single-port`): the page's own origin, so relative URLs.
    Two ports (`reflex run --env dev`): Reflex's backend URL (`api_url`, which follows
    `--backend-port`).
    """
    config = rx.config.get_config()
    if config.frontend_port == config.backend_port:
        return ""
    return config.api_url.rstrip("/")


def _call(function: str, *args: str | bool) -> str:
    return f"window.stoflowAuth.{function}({', '.join(json.dumps(arg) for arg in args)})"


def submit_form(
    form_id: str, path: str, callback: EventHandler, *, next_path: str = routes.DASHBOARD, stay: bool = False
) -> EventSpec:
    """Post the form `form_id` to `path`; `callback` receives {ok, errors} (codes only).

    On success the page loads `?next=` or `next_path`; with `stay` it stays and the
    callback gets {ok: true, stayed: true}.
    """
    return rx.call_script(_call("submit", form_id, api_base(), path, next_path, stay), callback=callback)


def post_email(input_id: str, path: str, callback: EventHandler) -> EventSpec:
    """Post {email: <value of input_id>} to `path` (resend a link); `callback` gets {ok, errors}."""
    return rx.call_script(_call("postEmail", input_id, api_base(), path), callback=callback)


def export_url() -> str:
    return f"{api_base()}{EXPORT_PATH}"


def sign_out(callback: EventHandler) -> EventSpec:
    """End the session on the server, then load the sign-in page; `callback` hears of a failure."""
    return rx.call_script(_call("signOut", api_base(), SIGN_OUT_PATH, routes.SIGN_IN), callback=callback)
