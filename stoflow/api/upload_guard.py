"""The door of Reflex's `/_upload` route: a signed-in seller, a declared size, a known handler.

Reflex's upload route reads the whole multipart body (spooling it to disk) before the
upload's event handler runs, and it trusts the `Reflex-Client-Token` header to pick the
page state the files go to. This ASGI middleware, wrapped around the whole app, answers
before a byte of the body is read:
- 404 for anything but `POST /_upload` under that path (StoFlow never serves uploads back);
- 400 for a handler that did not declare itself with `accept_uploads` (and its limit);
- 411 without a Content-Length, 413 past the handler's limit (with a message);
- 401 without cookies proving a live session, 403 when the page state named by the token
  belongs to another seller (or to nobody).
The body is then passed on, cut off if it runs past its declared length. The event
itself is bound to the page's seller by stoflow.state.guard, which re-checks that the
family is still live.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stoflow.accounts.web_session import ACCESS_COOKIE, REFRESH_COOKIE, identity_for_socket, parse_cookies
from stoflow.db.engine import db_session
from stoflow.i18n import tr

log = logging.getLogger(__name__)

UPLOAD_PATH = "/_upload"
MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the files
LANGUAGE_COOKIE = "stoflow_lang"

# Event handler name (as the browser sends it) -> the largest request it accepts, in bytes.
_LIMITS: dict[str, int] = {}


def accept_uploads(handler: Any, *, max_bytes: int) -> None:
    """Let the upload handler `handler` (an event handler) receive requests of up to `max_bytes`."""
    from reflex_base.utils.format import format_event_handler

    _LIMITS[format_event_handler(handler)] = max_bytes + MULTIPART_OVERHEAD


def upload_limit(handler_name: str) -> int | None:
    return _LIMITS.get(handler_name)


class UploadTooLarge(Exception):
    """The body ran past its declared length."""


def _refusal(status: int, code: str, language: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": code, "message": tr(language, f"upload.{code}"), **extra}, status_code=status)


def _identity_of(cookie_header: str | None) -> int | None:
    cookies = parse_cookies(cookie_header)
    with db_session() as db:
        identity = identity_for_socket(
            db, access=cookies.get(ACCESS_COOKIE), refresh=cookies.get(REFRESH_COOKIE), bound_family=None
        )
    return identity.user_id if identity else None


class UploadGuard:
    """ASGI middleware in front of `app`.

    `owner_of_page(token)` says which seller the page state named by a client token
    belongs to (0: nobody); the app passes `stoflow.state.session.page_owner` on its
    state manager.
    """

    def __init__(self, app: ASGIApp, owner_of_page: Callable[[str], Awaitable[int]]) -> None:
        self.app = app
        self.owner_of_page = owner_of_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path != UPLOAD_PATH and not path.startswith(UPLOAD_PATH + "/"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookies = headers.get("cookie")
        language = "fr" if parse_cookies(cookies).get(LANGUAGE_COOKIE) == "fr" else "en"
        refusal = await self._refusal(scope, headers, language)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        declared = int(headers["content-length"])
        await self.app(scope, _counting(receive, declared), send)

    async def _refusal(self, scope: Scope, headers: Headers, language: str) -> JSONResponse | None:
        if scope["method"] != "POST" or scope["path"] != UPLOAD_PATH:
            return _refusal(404, "not_found", language)
        limit = upload_limit(headers.get("reflex-event-handler", ""))
        if limit is None:
            return _refusal(400, "unknown_handler", language)
        length = headers.get("content-length", "")
        if not length.isdigit():
            return _refusal(411, "length_required", language)
        if int(length) > limit:
            return _refusal(413, "too_large", language, limit_mb=round(limit / 1024 / 1024))
        user_id = await asyncio.to_thread(_identity_of, headers.get("cookie"))
        if user_id is None:
            return _refusal(401, "not_signed_in", language)
        token = headers.get("reflex-client-token", "")
        if not token or await self.owner_of_page(token) != user_id:
            log.warning("Upload refused: page %r is not seller %s's", token[:8], user_id)
            return _refusal(403, "not_your_page", language)
        return None


def _counting(receive: Receive, declared: int) -> Receive:
    """`receive`, failing once the body runs past the length it declared."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > declared:
                raise UploadTooLarge(f"body past its Content-Length ({declared} bytes)")
        return message

    return counted


def guard_uploads(owner_of_page: Callable[[str], Awaitable[int]]) -> Callable[[ASGIApp], ASGIApp]:
    """The api_transformer step that puts the guard in front of everything."""
    return lambda app: UploadGuard(app, owner_of_page)
