"""The websocket's Cookie header, kept out of Reflex's router data.

Reflex copies every header of the websocket handshake into each event's router data,
which the page state stores (in Redis) and compares from one event to the next. The
session cookies have no business there. This ASGI middleware moves the Cookie header of
requests to Reflex's event endpoint into the connection's ASGI scope; the socket's
environ keeps that scope, and stoflow.state.guard reads the cookie from it for every
event of that socket (`socket_cookie`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

EVENT_PATH = "/_event"  # Reflex's websocket endpoint (constants.Endpoint.EVENT)
SCOPE_KEY = "stoflow.cookie"


class HoldSocketCookies:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] in ("websocket", "http") and (path == EVENT_PATH or path.startswith(EVENT_PATH + "/")):
            headers = scope.get("headers", [])
            cookies = [value for name, value in headers if name.lower() == b"cookie"]
            scope = {
                **scope,
                "headers": [(name, value) for name, value in headers if name.lower() != b"cookie"],
                SCOPE_KEY: b"; ".join(cookies).decode("latin-1") if cookies else None,
            }
        await self.app(scope, receive, send)


def hold_socket_cookies(app: ASGIApp) -> ASGIApp:
    """The api_transformer step."""
    return HoldSocketCookies(app)


def socket_cookie(environ: Mapping[str, Any] | None) -> str | None:
    """The Cookie header of the websocket whose environ this is (None: none, or not held here)."""
    scope = (environ or {}).get("asgi.scope") or {}
    value = scope.get(SCOPE_KEY)
    return value if isinstance(value, str) else None
