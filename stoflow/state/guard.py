"""Every event is bound to the session of the websocket (or upload) that sent it.

Reflex keeps a page's state under its client token, a value that lives in the tab's
sessionStorage and in websocket URLs: it is no secret. So before any other middleware
or handler sees an event (a page load's hydrate event sends the whole state), this one:
1. reads the Cookie header of the connection the event came on (held out of the router
   data by stoflow.api.socket_cookies), checks it against the database
   (stoflow.accounts.web_session.identity_for_socket), and makes sure no Cookie header
   is left in the router data the state stores (the state lives in Redis);
2. compares the seller it proves with the seller the state belongs to
   (`SessionState._owner`). When they differ (another browser replaying the token, a
   device signed out or revoked, an expired session), every state of the page is reset
   to its defaults before anything is sent, and the state is bound to the new identity;
3. refuses the event itself (and sends the page to sign-in) when a page that belonged to
   a seller has lost its session; a page load goes on, cleared, and its guard decides.

Uploads arrive over HTTP with no router data: `stoflow.api.upload_guard` checks their
request's cookies and the state's owner at the door, so here they keep the bound family,
which is checked to be live.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx
from reflex.istate.data import HeaderData
from reflex.istate.delta import _resolve_delta
from reflex.middleware import Middleware
from reflex.state import BaseState, StateUpdate
from reflex_base import constants
from reflex_base.constants import CompileVars
from reflex_base.event import Event, get_event
from reflex_base.event.context import EventContext

from stoflow.accounts.service import Identity
from stoflow.accounts.web_session import (
    ACCESS_COOKIE,
    REFRESH_COOKIE,
    identity_for_socket,
    identity_of_family,
    parse_cookies,
)
from stoflow.api.socket_cookies import socket_cookie
from stoflow.db.engine import db_session
from stoflow.pages import routes
from stoflow.state.language import LanguageState
from stoflow.state.session import SessionState, forget_event_check, note_event_check

if TYPE_CHECKING:
    from reflex.app import App

# States that hold nothing of a seller: kept when a page changes hands.
PUBLIC_STATES: tuple[type[BaseState], ...] = (LanguageState,)


def _connection_cookie(app: App) -> tuple[bool, str | None]:
    """Whether this event came on a websocket, and that socket's Cookie header.

    In the running app the header is held out of the router data by
    stoflow.api.socket_cookies and read from the socket's environ; a connection not
    behind it (the isolation suite's) still carries it in the router data's headers.
    An upload carries no router data at all.
    """
    try:
        router_data = EventContext.get().router_data or {}
    except LookupError:
        return False, None
    headers = router_data.get(constants.RouteVar.HEADERS)
    if not isinstance(headers, dict):
        return False, None
    if "cookie" in headers:
        return True, headers["cookie"]
    sid, sio, namespace = router_data.get(constants.RouteVar.SESSION_ID), app.sio, app.event_namespace
    if not sid or sio is None or namespace is None:
        return True, None
    return True, socket_cookie(sio.get_environ(sid, namespace.namespace))


def scrub_cookie(state: BaseState) -> None:
    """Drop the Cookie header from what the state stores (router data and router vars)."""
    headers = state.router_data.get(constants.RouteVar.HEADERS)
    if isinstance(headers, dict) and "cookie" in headers:
        state.router_data = {
            **state.router_data,
            constants.RouteVar.HEADERS: {k: v for k, v in headers.items() if k != "cookie"},
        }
    router_headers = state.rx_router_headers
    if router_headers.cookie or "cookie" in router_headers.raw_headers:
        state.rx_router_headers = HeaderData.from_router_data(state.router_data)


async def forget_private_state(root: BaseState) -> None:
    """Reset every StoFlow state of the page but the public ones, loading those not loaded yet.

    Reflex's own states (hydration flags, the router) hold nothing of a seller.
    """
    stack: list[type[BaseState]] = list(type(root).get_substates())
    while stack:
        cls = stack.pop()
        stack.extend(cls.get_substates())
        if cls in PUBLIC_STATES or not cls.__module__.startswith("stoflow."):
            continue
        substate = await root.get_state(cls)
        for name, field in cls.__fields__.items():
            if field._owner is cls:
                setattr(substate, name, field.default_value())


def _page_loads(state: BaseState) -> set[str]:
    return {get_event(state, CompileVars.HYDRATE), get_event(state, CompileVars.HYDRATE_AND_LOAD)}


def _check(session: SessionState, on_socket: bool, cookie: str | None) -> Identity | None:
    with db_session() as db:
        if not on_socket:  # an upload, checked at the door: the bound family must still be live
            family = session._bound_family()
            return identity_of_family(db, family, user_id=session._owner) if family and session._owner else None
        cookies = parse_cookies(cookie)
        return identity_for_socket(
            db,
            access=cookies.get(ACCESS_COOKIE),
            refresh=cookies.get(REFRESH_COOKIE),
            bound_family=session._bound_family(),
        )


class SessionMiddleware(Middleware):
    async def preprocess(self, app: App, state: BaseState, event: Event) -> StateUpdate | None:
        forget_event_check()  # each event checks afresh
        on_socket, cookie = _connection_cookie(app)
        scrub_cookie(state)
        session = await state.get_state(SessionState)
        identity = _check(session, on_socket, cookie)
        note_event_check(session.router.session.client_token, identity)
        owner = identity.user_id if identity else 0
        lost = session._owner != 0 and session._owner != owner
        if lost:
            # The page belonged to someone this connection cannot prove to be: clear it
            # before anything (hydrate included) is sent.
            await forget_private_state(state)
        session._bind(identity)
        if not lost or event.name in _page_loads(state):
            return None
        # The page's session died (or another browser holds its token): refuse the event.
        delta = await _resolve_delta(state.get_delta())
        state._clean()
        return StateUpdate(
            delta=delta,
            events=Event.from_event_type(rx.redirect(routes.SIGN_IN), router_data=event.router_data),
        )
