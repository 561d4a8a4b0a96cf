"""End to end, in Chromium, against a production build: sign-up, sign-in, the shell."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func
from sqlmodel import select

from stoflow.accounts import service as accounts
from stoflow.db.engine import db_session
from stoflow.models import User
from tests.conftest import STRONG_PASSWORD, unique_email

pytestmark = pytest.mark.e2e


def register(page: Page, base: str, email: str, name: str) -> None:
    page.goto(f"{base}/register")
    page.fill("#email", email)
    page.fill("#display_name", name)
    page.fill("#password", STRONG_PASSWORD)
    page.click("#register-submit")


def sign_in(page: Page, base: str, email: str, password: str = STRONG_PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.press("#password", "Enter")  # the keyboard submits too


def sign_out(page: Page) -> None:
    page.click("#user-menu")
    page.click("#sign-out")
    page.wait_for_url(re.compile(r"/login/?$"))


def test_seller_registers_signs_out_and_signs_in_again(page: Page, app_server: str, shoot) -> None:  # type: ignore[no-untyped-def]
    sent: list[str] = []
    page.on("websocket", lambda socket: socket.on("framesent", lambda frame: sent.append(str(frame))))
    email = unique_email("anna")

    register(page, app_server, email, "Anna Vintage")
    page.wait_for_url(re.compile(r"/dashboard/?$"))
    expect(page.locator("#greeting-name")).to_have_text("Anna Vintage")
    expect(page.locator("#activity")).to_contain_text("Nothing has run yet")
    expect(page.locator("#nav-admin")).to_have_count(0)
    shoot(page, "dashboard-desktop")

    # The session token is HttpOnly: the browser holds it, page JavaScript cannot read it.
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert cookies["stoflow_session"]["httpOnly"] is True
    assert "stoflow_session" not in page.evaluate("document.cookie")
    # The password went to /api/auth only, never through the websocket.
    assert sent and not any(STRONG_PASSWORD in frame for frame in sent)

    # A seller is refused the admin page, not only not shown the link.
    page.goto(f"{app_server}/admin")
    page.wait_for_url(re.compile(r"/dashboard/?$"))

    sign_out(page)
    page.goto(f"{app_server}/dashboard")
    page.wait_for_url(re.compile(r"/login"))
    expect(page.locator("#page-loading")).to_have_count(0)

    sign_in(page, app_server, email, "not the password")
    expect(page.locator("#form-error")).to_contain_text("Wrong e-mail or password")
    shoot(page, "sign-in-error")

    sign_in(page, app_server, email)
    page.wait_for_url(re.compile(r"/dashboard/?$"))
    expect(page.locator("#greeting-name")).to_have_text("Anna Vintage")


def test_next_page_after_sign_in_is_the_one_asked_for(page: Page, app_server: str) -> None:
    email = unique_email()
    register(page, app_server, email, "Ben")
    page.wait_for_url(re.compile(r"/dashboard/?$"))
    sign_out(page)
    page.goto(f"{app_server}/settings")
    page.wait_for_url(re.compile(r"/login/?\?next=%2Fsettings"))
    page.fill("#email", email)
    page.fill("#password", STRONG_PASSWORD)
    page.click("#sign-in-submit")
    page.wait_for_url(re.compile(r"/settings/?$"))
    expect(page.locator("#settings-email")).to_have_text(email)


def test_admin_sees_the_admin_entry_and_the_platform_page(page: Page, app_server: str, shoot) -> None:  # type: ignore[no-untyped-def]
    email = unique_email("admin")
    with db_session() as db:
        accounts.ensure_admin(db, email=email, password=STRONG_PASSWORD)
    sign_in(page, app_server, email)
    page.wait_for_url(re.compile(r"/dashboard/?$"))
    page.click("#nav-admin")
    page.wait_for_url(re.compile(r"/admin/?$"))
    expect(page.locator("#health-database")).to_contain_text("Up")
    expect(page.locator("#health-redis")).to_contain_text("Up")
    shoot(page, "admin-desktop")


def test_registering_a_taken_email_shows_a_french_error_and_creates_nothing(page: Page, app_server: str) -> None:
    email = unique_email()
    with db_session() as db:
        accounts.register(db, email=email, password=STRONG_PASSWORD)
        before = db.exec(select(func.count()).select_from(User)).one()
    page.goto(f"{app_server}/register")
    page.click("#language-switch >> text=FR")
    expect(page.locator("#register-submit")).to_have_text("Créer mon compte")
    page.fill("#email", email.upper())
    page.fill("#password", STRONG_PASSWORD)
    page.click("#register-submit")
    expect(page.locator(".field-error")).to_have_text("Un compte existe déjà avec cette adresse e-mail.")
    with db_session() as db:
        assert db.exec(select(func.count()).select_from(User)).one() == before


def test_weak_password_is_refused_with_a_field_error(page: Page, app_server: str) -> None:
    page.goto(f"{app_server}/register")
    page.fill("#email", unique_email())
    page.fill("#password", "short")
    page.click("#register-submit")
    expect(page.locator(".field-error")).to_have_text("Use at least 12 characters.")
    assert re.search(r"/register/?$", page.url)


def test_phone_layout_has_a_menu_drawer_and_french_follows_the_account(page: Page, app_server: str, shoot) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 390, "height": 844})
    email = unique_email()
    page.goto(f"{app_server}/register")
    page.click("#language-switch >> text=FR")
    page.fill("#email", email)
    page.fill("#password", STRONG_PASSWORD)
    page.click("#register-submit")
    page.wait_for_url(re.compile(r"/dashboard/?$"))
    expect(page.locator("#activity")).to_contain_text("Activité récente")
    shoot(page, "dashboard-phone-fr")
    page.click("#mobile-menu")
    expect(page.get_by_role("link", name="Paramètres")).to_be_visible()
    page.wait_for_timeout(600)  # let the drawer finish sliding in before the picture
    shoot(page, "menu-phone-fr")
    with db_session() as db:
        user = db.exec(select(User).where(User.email == email)).one()
    assert user.language == "fr"
