"""The signed-in session, as the Reflex state sees it.

The access and refresh tokens live in HttpOnly cookies set by /api/auth/*. Page
JavaScript never sees them. Before every event, `stoflow.state.guard` reads the cookies
of the websocket (or upload request) that sent it, checks them against the database
and binds the page state to the seller they prove; handlers then ask `_identity()`,
which answers from that check. Nothing secret is kept in the state: the raw Cookie
header is removed from the stored router data, and the state only remembers which
seller and which signed-in device (family id) it belongs to.
"""

from __future__ import annotations

import logging
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import reflex as rx
from reflex.event import EventSpec
from reflex.istate.manager.token import BaseStateToken

from stoflow.accounts import service as accounts
from stoflow.accounts.service import Identity
from stoflow.accounts.web_session import identity_of_family
from stoflow.audit.service import RequestContext
from stoflow.db.engine import db_session
from stoflow.pages import routes

log = logging.getLogger(__name__)


CHECK_REUSE_S = 1.0


@dataclass(frozen=True)
class _Check:
    token: str  # the Reflex client token of the page checked
    identity: Identity | None
    at: float  # time.monotonic()


# The last check in this event's context (set by the guard before the handler runs).
_event_check: ContextVar[_Check | None] = ContextVar("stoflow_event_check", default=None)


def forget_event_check() -> None:
    """Start an event with no earlier answer (the guard calls this first)."""
    _event_check.set(None)


def note_event_check(token: str, identity: Identity | None) -> None:
    """What the guard found for this event, for the handlers of the same event."""
    _event_check.set(_Check(token, identity, time.monotonic()))


class SessionState(rx.State):
    """Who is signed in. Vars here are display copies; decisions use `_identity()`."""

    signed_in: bool = False
    email: str = ""
    display_name: str = ""
    role: str = ""
    # The seller whose data this page state may hold (0: nobody), and the signed-in
    # device (family) that proved it: server-side only (backend vars).
    _owner: int = 0
    _family: str = ""

    def _identity(self) -> Identity | None:
        """The live identity of this page, as the guard checked it for this event.

        The guard's answer is reused for at most CHECK_REUSE_S; after that (a long
        handler, a background task's later rounds) the bound family is checked again
        in the database, so a device signed out meanwhile is refused at once.
        """
        checked = _event_check.get()
        token = self.router.session.client_token
        if (
            checked is not None
            and checked.token == token
            and time.monotonic() - checked.at < CHECK_REUSE_S
            and (checked.identity.user_id if checked.identity else 0) == self._owner  # not re-bound since
        ):
            return checked.identity
        identity = None
        if self._family and self._owner:
            with db_session() as db:
                identity = identity_of_family(db, uuid.UUID(self._family), user_id=self._owner)
        self._show(identity)
        note_event_check(token, identity)
        return identity

    def _bound_family(self) -> uuid.UUID | None:
        return uuid.UUID(self._family) if self._family else None

    def _bind(self, identity: Identity | None) -> None:
        """Belong to `identity` (None: to nobody) and show who is signed in."""
        owner, family = (identity.user_id, identity.session_id) if identity else (0, "")
        if (self._owner, self._family) != (owner, family):
            self._owner, self._family = owner, family
        self._show(identity)

    def _context(self) -> RequestContext:
        return RequestContext(ip=self.router.session.client_ip, user_agent=self.router.headers.user_agent)

    def _show(self, identity: Identity | None) -> None:
        shown = {
            "signed_in": identity is not None,
            "email": identity.email if identity else "",
            "display_name": identity.display_name if identity else "",
            "role": identity.role if identity else "",
        }
        for name, value in shown.items():
            if getattr(self, name) != value:  # assigning marks the var dirty: it would be re-sent
                setattr(self, name, value)

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


async def page_owner(state_manager: Any, token: str) -> int:
    """The seller the page state named by client token `token` belongs to (0: nobody, no such page)."""
    state = await state_manager.get_state(BaseStateToken(ident=token, cls=SessionState))
    session = await state.get_state(SessionState)
    return int(session._owner or 0)
