"""The Reflex app: theme, pages, and the /api routes."""

from __future__ import annotations

import logging
import sys

import reflex as rx

from stoflow.config import ConfigError, get_settings

try:
    settings = get_settings()
except ConfigError as error:  # a clear message, not a traceback
    sys.exit(f"StoFlow cannot start: {error}")

logging.basicConfig(level=settings.stoflow_log_level, format="%(levelname)s [%(name)s] %(message)s")
logging.getLogger("alembic").setLevel(logging.WARNING)

from stoflow.api import create_api  # noqa: E402
from stoflow.api.socket_cookies import hold_socket_cookies  # noqa: E402
from stoflow.api.upload_guard import guard_uploads  # noqa: E402
from stoflow.components import browser_auth  # noqa: E402
from stoflow.components.errors import on_backend_error  # noqa: E402
from stoflow.pages import (  # noqa: E402,F401  (registers them)
    account,
    admin,
    admin_users,
    audit_log,
    dashboard,
    email_links,
    index,
    outbox,
    product_editor,
    product_import,
    products,
    register,
    settings,
    sign_in,
)
from stoflow.security.headers import with_security_headers  # noqa: E402
from stoflow.state.guard import SessionMiddleware  # noqa: E402
from stoflow.state.session import page_owner  # noqa: E402

app = rx.App(
    # /api routes first; then the upload door wraps everything (stoflow.api.upload_guard);
    # the security headers go around it all, the door's refusals included.
    api_transformer=[
        create_api(),
        guard_uploads(lambda token: page_owner(app.state_manager, token)),
        hold_socket_cookies,  # the websocket's cookies never enter the router data
        with_security_headers,  # every HTTP answer (stoflow.security.headers)
    ],
    stylesheets=["/stoflow.css"],
    backend_exception_handler=on_backend_error,
    head_components=[
        rx.el.meta(name="viewport", content="width=device-width, initial-scale=1"),
        # Sign in, register and sign out post from the page (see assets/auth.js).
        rx.el.script(src=rx.asset(browser_auth.SCRIPT), defer=True),
        # The product editor's unsaved-changes warning.
        rx.el.script(src=rx.asset("editor.js"), defer=True),
    ],
)
# First, before any handler runs (a page load's hydrate sends the whole state): see stoflow.state.guard.
app.add_middleware(SessionMiddleware(), index=0)
