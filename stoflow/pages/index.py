"""/ : to the dashboard when signed in, else to the sign-in page."""

from __future__ import annotations

import reflex as rx

from stoflow.components.shell import loading
from stoflow.pages import routes
from stoflow.state.session import SessionState


class HomeState(rx.State):
    @rx.event
    async def route(self) -> rx.event.EventSpec:
        session = await self.get_state(SessionState)
        return rx.redirect(routes.DASHBOARD if session._identity() is not None else routes.SIGN_IN)


@rx.page(route=routes.HOME, title="StoFlow", on_load=HomeState.route)
def home() -> rx.Component:
    return loading()
