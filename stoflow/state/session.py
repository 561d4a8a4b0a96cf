"""The signed-in session, as the Reflex state sees it.

The access and refresh tokens live in HttpOnly cookies set by /api/auth/*. Page
JavaScript never sees them; the state reads them server-side from the websocket
handshake headers and checks them against the database on every call to `_identity()`:
a revoked or expired session is refused at the next event, not only at the next page
load. When the handshake's access token expires, the state renews its own server-side
(stoflow.accounts.web_session), so a long-open page keeps working unnoticed.
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from http.cookies import CookieError, SimpleCookie

import reflex as rx
from reflex.event import EventSpec

from stoflow.accounts import service as accounts
from stoflow.accounts.service import Identity
from stoflow.accounts.web_session import ACCESS_COOKIE, REFRESH_COOKIE, identity_for_state
from stoflow.audit.service import RequestContext
from stoflow.db.engine import db_session
from stoflow.pages import routes

log = logging.getLogger(__name__)


CHECK_REUSE_S = 1.0
# (client token, identity, when) of the last check in this event's context.
_event_check: ContextVar[tuple[str, Identity | None, float] | None] = ContextVar("stoflow_event_check", default=None)


def forget_event_check() -> None:
    """Start an event with no earlier answer (the middleware calls this first)."""
    _event_check.set(None)


class SessionState(rx.State):
    """Who is signed in. Vars here are display copies; decisions use `_identity()`."""

    signed_in: bool = False
    email: str = ""
    display_name: str = ""
    role: str = ""
    # The access token this state renewed for itself: server-side only (a backend var).
    _renewed_access: str = ""

    def _cookie(self, name: str) -> str | None:
        raw = self.router.headers.cookie
        if not raw:
            return None
        try:
            cookie = SimpleCookie(raw)
        except CookieError:
            return None
        morsel = cookie.get(name)
        return morsel.value if morsel is not None else None

    def _identity(self) -> Identity | None:
        """The live identity of this browser, checked against the database now.

        Within one event the session middleware has just checked it: that answer is
        reused for this browser for at most CHECK_REUSE_S, never longer (a background
        task started by the event checks again on its next round).
        """
        checked = _event_check.get()
        token = self.router.session.client_token
        if checked is not None and checked[0] == token and time.monotonic() - checked[2] < CHECK_REUSE_S:
            self._show(checked[1])
            return checked[1]
        with db_session() as db:
            found = identity_for_state(
                db,
                handshake_access=self._cookie(ACCESS_COOKIE),
                handshake_refresh=self._cookie(REFRESH_COOKIE),
                renewed_access=self._renewed_access or None,
            )
        identity = found.identity if found else None
        self._renewed_access = found.access if found else ""
        self._show(identity)
        _event_check.set((token, identity, time.monotonic()))
        return identity

    def _context(self) -> RequestContext:
        return RequestContext(ip=self.router.session.client_ip, user_agent=self.router.headers.user_agent)

    def _show(self, identity: Identity | None) -> None:
        self.signed_in = identity is not None
        self.email = identity.email if identity else ""
        self.display_name = identity.display_name if identity else ""
        self.role = identity.role if identity else ""

    def _save_language(self, language: str) -> None:
        identity = self._identity()
        if identity is not None:
            with db_session() as db:
                accounts.set_language(db, user_id=identity.user_id, language=language, context=self._context())

    @rx.var
    def is_staff(self) -> bool:
        return self.role in ("admin", "support")

    @rx.var
    def initials(self) -> str:
        name = self.display_name or self.email
        return name[:1].upper() if name else "?"

    @rx.event
    def require_user(self) -> EventSpec | None:
        """on_load guard of signed-in pages: send strangers to the sign-in page."""
        if self._identity() is None:
            return rx.redirect(routes.sign_in(next_path=self.router.url.path))
        return None

    @rx.event
    def require_staff(self) -> EventSpec | None:
        """on_load guard of admin pages: refused (not only hidden) for sellers."""
        identity = self._identity()
        if identity is None:
            return rx.redirect(routes.sign_in(next_path=self.router.url.path))
        if not identity.is_staff:
            return rx.redirect(routes.DASHBOARD)
        return None

    @rx.event
    def redirect_if_signed_in(self) -> EventSpec | None:
        """on_load of the sign-in and register pages: a signed-in user goes to the app."""
        if self._identity() is not None:
            return rx.redirect(routes.DASHBOARD)
        return None
