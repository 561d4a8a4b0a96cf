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


def _call(function: str, *args: str) -> str:
    return f"window.stoflowAuth.{function}({', '.join(json.dumps(arg) for arg in args)})"


def submit_form(form_id: str, path: str, callback: EventHandler) -> EventSpec:
    """Post the form `form_id` to `path`; `callback` receives {ok, errors} (codes only)."""
    return rx.call_script(_call("submit", form_id, api_base(), path, routes.DASHBOARD), callback=callback)


def sign_out(callback: EventHandler) -> EventSpec:
    """End the session on the server, then load the sign-in page; `callback` hears of a failure."""
    return rx.call_script(_call("signOut", api_base(), SIGN_OUT_PATH, routes.SIGN_IN), callback=callback)
