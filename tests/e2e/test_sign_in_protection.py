"""End to end: where `?next=` may lead, waits instead of lockouts, and registration that
says nothing about the address."""

from __future__ import annotations

import re
import time
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from stoflow.accounts.schemas import normalise_email
from stoflow.security import throttle
from stoflow.security.throttle import Throttle
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.e2e.test_shell import ON_DASHBOARD, register, sign_in, sign_out
from tests.unit.test_next_path import OPEN_REDIRECTS

pytestmark = pytest.mark.e2e
ON_ACCOUNT = re.compile(r"/account/?$")


def test_next_never_leads_off_the_site(browser: Browser, app_server: str, make_seller) -> None:  # type: ignore[no-untyped-def]
    """Every variant of tests/unit/test_next_path.py, in Chromium: after signing in the
    page goes to the dashboard, and no request ever leaves for another host."""
    seller = make_seller()
    foreign: list[str] = []

    def refuse_foreign(route: Route) -> None:
        foreign.append(route.request.url)
        route.abort()

    for wanted, lands_on in [*((variant, ON_DASHBOARD) for variant in OPEN_REDIRECTS), ("/account", ON_ACCOUNT)]:
        context = browser.new_context()
        context.route(lambda url: not url.startswith(app_server), refuse_foreign)
        page = context.new_page()
        try:
            page.goto(f"{app_server}/login?next={quote(wanted, safe='')}")
            expect(page.locator("#sign-in-submit")).to_be_enabled()
            page.fill("#email", seller.email)
            page.fill("#password", STRONG_PASSWORD)
            page.click("#sign-in-submit")
            page.wait_for_url(lands_on)
        finally:
            context.close()
        assert not foreign, f"next={wanted!r} led to {foreign}"


def _slow_down(email: str, seconds: int) -> None:
    """As if strangers had failed many times on this address: it must wait `seconds`."""
    key = throttle._redis_key(Throttle.sign_in_failures_email, normalise_email(email))
    throttle._redis().hset(key, mapping={"count": 50, "until": time.time() + seconds})
    throttle._redis().expire(key, seconds + 60)


def test_strangers_failures_slow_down_new_browsers_never_the_sellers_own(
    page: Page, browser: Browser, app_server: str, make_seller
) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    sign_in(page, app_server, seller.email)  # the seller's browser: known from now on
    page.wait_for_url(ON_DASHBOARD)
    sign_out(page)
    _slow_down(seller.email, 600)

    stranger = browser.new_context().new_page()
    stranger.goto(f"{app_server}/login")
    expect(stranger.locator("#sign-in-submit")).to_be_enabled()
    stranger.click("#language-switch >> text=FR")
    expect(stranger.locator("#sign-in-submit")).to_have_text("Se connecter")
    sign_in(stranger, app_server, seller.email)  # even the right password waits there
    expect(stranger.locator("#form-error")).to_contain_text("Trop de tentatives")
    stranger.context.close()

    sign_in(page, app_server, seller.email)
    page.wait_for_url(ON_DASHBOARD)


def test_registering_a_taken_address_looks_like_registering_a_new_one(page: Page, app_server: str, make_seller) -> None:  # type: ignore[no-untyped-def]
    taken = make_seller().email
    for email in (unique_email("new"), taken):
        register(page, app_server, email, "Someone")
        expect(page.locator("#register-done")).to_contain_text("Check your e-mail")
        expect(page.locator("#email-error")).to_have_count(0)


def test_the_form_cannot_be_submitted_before_the_page_is_live(page: Page, app_server: str) -> None:
    """Before hydration a native submit would put the password in the URL: it is disabled."""
    page.route_web_socket(re.compile(r"/_event"), lambda socket: socket.close())  # never connects
    page.goto(f"{app_server}/login")
    page.fill("#email", "someone@example.com")
    page.fill("#password", "a secret passphrase")
    page.evaluate(
        "() => { window.enterDone = false;"
        " document.addEventListener('keyup', e => { if (e.key === 'Enter') window.enterDone = true; }, true); }"
    )
    page.press("#password", "Enter")
    # The key has gone through whole (keydown and its default action, a native submit, then
    # keyup): had it submitted the form, the page would be gone with its flag.
    page.wait_for_function("() => window.enterDone === true")
    expect(page.locator("#sign-in-submit")).to_be_disabled()
    assert "passphrase" not in page.url and "password" not in page.url
