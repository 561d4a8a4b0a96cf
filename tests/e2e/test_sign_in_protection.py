"""End to end: a locked account says so, in the user's language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_shell import sign_in

pytestmark = pytest.mark.e2e


def test_five_wrong_passwords_show_the_lockout_in_french(page: Page, app_server: str, make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    page.goto(f"{app_server}/login")
    expect(page.locator("#sign-in-submit")).to_be_enabled()  # live: the switch works now
    page.click("#language-switch >> text=FR")
    expect(page.locator("#sign-in-submit")).to_have_text("Se connecter")
    for attempt in range(5):
        sign_in(page, app_server, seller.email, f"wrong password {attempt}")
        expect(page.locator("#form-error")).to_be_visible()
    expect(page.locator("#form-error")).to_contain_text("verrouillé pendant 30 minutes")
    sign_in(page, app_server, seller.email)  # the right password, still refused
    expect(page.locator("#form-error")).to_contain_text("verrouillé")


def test_the_form_cannot_be_submitted_before_the_page_is_live(page: Page, app_server: str) -> None:
    """Before hydration a native submit would put the password in the URL: it is disabled."""
    page.route_web_socket(re.compile(r"/_event"), lambda socket: socket.close())  # never connects
    page.goto(f"{app_server}/login")
    page.fill("#email", "someone@example.com")
    page.fill("#password", "a secret passphrase")
    page.press("#password", "Enter")
    page.wait_for_timeout(1000)
    expect(page.locator("#sign-in-submit")).to_be_disabled()
    assert "passphrase" not in page.url and "password" not in page.url
