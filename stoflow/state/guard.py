"""Every event of a signed-in page re-checks its session before any handler runs.

Handlers that read or change data check the identity themselves; this middleware is the
net under them: a browser whose session was revoked, expired or signed out elsewhere
gets no event through (not even one whose handler checks nothing) and is sent to the
sign-in page. Strangers' events (the sign-in and register pages) pass: they hold nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx
from reflex.istate.delta import _resolve_delta
from reflex.middleware import Middleware
from reflex.state import BaseState, StateUpdate
from reflex_base.event import Event, get_hydrate_event

from stoflow.pages import routes
from stoflow.state.session import SessionState, forget_event_check

if TYPE_CHECKING:
    from reflex.app import App


class SessionMiddleware(Middleware):
    async def preprocess(self, app: App, state: BaseState, event: Event) -> StateUpdate | None:
        forget_event_check()  # each event checks afresh
        if event.name == get_hydrate_event(state):
            return None  # a page load: its guard (on_load) decides
        session = await state.get_state(SessionState)
        if not session.signed_in or session._identity() is not None:
            return None
        # The session died since the last event: refuse this one, show the page as signed out.
        delta = await _resolve_delta(state.get_delta())
        state._clean()
        return StateUpdate(
            delta=delta,
            events=Event.from_event_type(rx.redirect(routes.SIGN_IN), router_data=event.router_data),
        )
