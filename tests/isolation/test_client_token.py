"""A Reflex client token is no key: replaying a seller's token from another connection.

The client token names a page's state on the server; it sits in the tab's sessionStorage
and in websocket URLs, so it must be treated as public. These tests keep one page state
in a real Redis state manager (as production does) and send it events from several
connections with different cookies, through Reflex's own event processor and the app's
middleware: a connection gets a seller's data only with that seller's live session.
"""

from __future__ import annotations

import asyncio
import contextvars
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
import redis.asyncio as aioredis
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken
from reflex.state import State
from reflex_base.event import Event
from reflex_base.event.processor import BaseStateEventProcessor
from reflex_base.utils.format import format_event_handler

from stoflow.accounts.tokens import revoke_family, verify_access
from stoflow.accounts.web_session import ACCESS_COOKIE
from stoflow.db.engine import db_session
from stoflow.pages.products import ProductsState
from stoflow.state.session import SessionState
from tests.isolation import harness
from tests.isolation.conftest import Sellers, reflex_router_data, signed_in_cookies

T = TypeVar("T")
PRODUCTS = "/products"
EVENT_TIMEOUT_S = 30.0


def _run(scenario: Callable[[], Awaitable[T]]) -> T:
    """Run an async scenario on a thread of its own (Playwright may own this thread's loop)."""
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(context.run, asyncio.run, scenario()).result()


class Page:
    """One page state on the server (a client token), reached over connections with given cookies."""

    def __init__(self, processor: BaseStateEventProcessor, browser: Any, manager: StateManagerRedis) -> None:
        self.token = str(uuid.uuid4())
        self.processor, self.browser, self.manager = processor, browser, manager

    async def send(self, name: str, cookies: dict[str, str], *, path: str = PRODUCTS) -> str:
        """Send event `name` from a connection holding `cookies`; what that connection received, as text."""
        self.browser.updates.clear()
        router_data = reflex_router_data(cookies, token=self.token, path=path)
        future = await self.processor.enqueue(self.token, Event(name=name, router_data=router_data))
        await asyncio.wait_for(future.wait_all(), EVENT_TIMEOUT_S)
        await self.processor.join(timeout=EVENT_TIMEOUT_S)
        return harness.EventOutcome(event_name=name, payload={}, updates=list(self.browser.updates)).visible_text()

    async def load(self, cookies: dict[str, str]) -> str:
        """A page load: Reflex's hydrate, then the products page's on_load."""
        hydrated = await self.send(HYDRATE, cookies)
        return hydrated + await self.send(LOAD, cookies)

    async def stored(self) -> str:
        """The whole state as the server keeps it for this token."""
        root = await self.manager.get_state(BaseStateToken(ident=self.token, cls=State))
        return harness._state_text(root)

    async def stored_bytes(self) -> bytes:
        """Every value Redis holds for this token, raw."""
        found = b""
        async for key in self.manager.redis.scan_iter(match=f"{self.token}*"):
            value = await self.manager.redis.get(key)
            found += key + b"=" + (value or b"") + b"\n"
        return found


HYDRATE = format_event_handler(State.event_handlers["hydrate"])
LOAD = format_event_handler(ProductsState.event_handlers["load"])
REQUIRE_USER = format_event_handler(SessionState.event_handlers["require_user"])


def _on_one_page(redis_url: str, scenario: Callable[[Page], Awaitable[T]]) -> T:
    async def run() -> T:
        manager = StateManagerRedis(redis=aioredis.Redis.from_url(redis_url))
        browser = harness._Browser()
        errors: list[Exception] = []
        processor = BaseStateEventProcessor(middleware=harness.load_app(), backend_exception_handler=errors.append)
        processor.configure(state_manager=manager, event_namespace=browser)  # type: ignore[arg-type]
        try:
            async with processor:
                result = await scenario(Page(processor, browser, manager))
        finally:
            await manager.close()
        assert errors == [], f"handlers raised: {errors!r}"
        return result

    return _run(run)


def _titles(seller: Any) -> list[str]:
    return [row.title for row in seller.rows["products"]]


def test_the_sellers_own_page_shows_the_sellers_products(sellers: Sellers, redis_url: str) -> None:
    """The baseline the attacks below depend on: A's page does hold A's data."""
    seen = _on_one_page(redis_url, lambda page: page.load(signed_in_cookies(sellers.a.user_id)))
    assert all(title in seen for title in _titles(sellers.a))


@pytest.mark.parametrize("intruder", ["no cookie", "seller B"])
def test_a_replayed_client_token_gets_nothing_of_the_seller(sellers: Sellers, redis_url: str, intruder: str) -> None:
    victim = signed_in_cookies(sellers.a.user_id)
    stranger = {} if intruder == "no cookie" else signed_in_cookies(sellers.b.user_id)

    async def scenario(page: Page) -> tuple[str, str, str, str]:
        own = await page.load(victim)  # the seller's tab, then another connection with its token
        replayed = await page.load(stranger)
        stored = await page.stored()
        afterwards = await page.load(victim)  # the seller's own tab goes on working
        return own, replayed, stored, afterwards

    own, replayed, stored, afterwards = _on_one_page(redis_url, scenario)
    assert all(title in own for title in _titles(sellers.a))
    assert harness.leaked(replayed, sellers.a.secrets) == []
    assert harness.leaked(stored, sellers.a.secrets) == [], "the replay left the seller's data in the state"
    if intruder == "seller B":
        assert sellers.b.email in replayed  # B sees B's own session, nothing else
    assert all(title in afterwards for title in _titles(sellers.a))


def test_an_event_replayed_without_the_session_is_refused_and_shows_nothing(sellers: Sellers, redis_url: str) -> None:
    """Not a page load: an event of an open page, sent from a connection without the cookies."""
    victim = signed_in_cookies(sellers.a.user_id)

    async def scenario(page: Page) -> str:
        await page.load(victim)
        return await page.send(LOAD, {})

    replayed = _on_one_page(redis_url, scenario)
    assert harness.leaked(replayed, sellers.a.secrets) == []
    assert '"path": "/login"' in replayed  # sent to sign in


def test_a_page_whose_session_ended_is_cleared_before_anything_is_sent(sellers: Sellers, redis_url: str) -> None:
    cookies = signed_in_cookies(sellers.a.user_id)

    async def scenario(page: Page) -> tuple[str, str]:
        await page.load(cookies)
        with db_session() as db:
            revoke_family(db, verify_access(cookies[ACCESS_COOKIE]).session_id)
        reloaded = await page.send(HYDRATE, cookies)  # the same browser reloads its page
        return reloaded, await page.stored()

    reloaded, stored = _on_one_page(redis_url, scenario)
    assert harness.leaked(reloaded, sellers.a.secrets) == []
    assert harness.leaked(stored, sellers.a.secrets) == []


def test_the_stored_state_keeps_no_cookie(sellers: Sellers, redis_url: str) -> None:
    """Redis holds page states: the session tokens of the Cookie header must not be among them."""
    cookies = signed_in_cookies(sellers.a.user_id)

    async def scenario(page: Page) -> bytes:
        await page.load(cookies)
        await page.send(REQUIRE_USER, cookies)
        return await page.stored_bytes()

    stored = _on_one_page(redis_url, scenario)
    assert _titles(sellers.a)[0].encode() in stored  # the state is there...
    for name, value in cookies.items():
        assert value.encode() not in stored, f"{name} is kept in Redis"
    assert b"stoflow_refresh" not in stored and b"stoflow_access" not in stored
