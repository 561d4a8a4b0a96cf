"""End to end, in Chromium, against a production build: sign-up, sign-in, the shell."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func
from sqlmodel import col, select

from stoflow.accounts import service as accounts
from stoflow.db.engine import db_session
from stoflow.models import OutboxMessage, User
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e

Shoot = Callable[[Page, str], None]
ON_DASHBOARD = re.compile(r"/dashboard/?$")
ON_SIGN_IN = re.compile(r"/login/?(\?.*)?$")


def record_websocket(page: Page) -> list[str]:
    """Every websocket frame the page sends or receives, as text."""
    frames: list[str] = []

    def watch(socket) -> None:  # type: ignore[no-untyped-def]
        socket.on("framesent", lambda payload: frames.append(str(payload)))
        socket.on("framereceived", lambda payload: frames.append(str(payload)))

    page.on("websocket", watch)
    return frames


def register(page: Page, base: str, email: str, name: str = "", password: str = STRONG_PASSWORD) -> None:
    """Fill in and send the registration form (in the page's current language)."""
    page.goto(f"{base}/register")
    expect(page.locator("#register-submit")).to_be_enabled()  # enabled once the page is live
    page.fill("#email", email)
    if name:
        page.fill("#display_name", name)
    page.fill("#password", password)
    page.select_option("#country", "FR")
    page.click("#register-submit")


def link_sent_to(email: str, path: str, *, timeout_s: float = 60) -> str:
    """The newest link to `path` in the development outbox for `email`.

    The mail is sent after the answer (a background task), so it may take a moment.
    """
    pattern = re.compile(rf"https?://\S+{re.escape(path)}\?token=[\w-]+")
    deadline = time.monotonic() + timeout_s
    while True:
        with db_session() as db:
            bodies = db.exec(
                select(OutboxMessage.body_text)
                .where(OutboxMessage.to_address == email)
                .order_by(col(OutboxMessage.id).desc())
            ).all()
        match = next((found for body in bodies if (found := pattern.search(body))), None)
        if match:
            return match.group(0)
        assert time.monotonic() < deadline, f"no link to {path} sent to {email}"
        time.sleep(0.2)  # a poll interval: the loop waits for the message


def register_and_sign_in(page: Page, base: str, email: str, name: str = "") -> None:
    """Register, follow the e-mailed link, sign in: the dashboard is shown."""
    register(page, base, email, name)
    expect(page.locator("#register-done")).to_be_visible()
    page.goto(link_sent_to(email, "/verify-email"))
    expect(page.locator("#verify-ok")).to_be_visible()
    sign_in(page, base, email)
    page.wait_for_url(ON_DASHBOARD)


def sign_in(page: Page, base: str, email: str, password: str = STRONG_PASSWORD) -> None:
    page.goto(f"{base}/login")
    expect(page.locator("#sign-in-submit")).to_be_enabled()  # enabled once the page is live
    page.fill("#email", email)
    page.fill("#password", password)
    page.press("#password", "Enter")  # the keyboard submits the form


def sign_out(page: Page) -> None:
    page.click("#user-menu")
    page.click("#sign-out")
    page.wait_for_url(ON_SIGN_IN)


def make_admin() -> str:
    email = unique_email("admin")
    with db_session() as db:
        accounts.ensure_admin(db, email=email, password=STRONG_PASSWORD)
    return email


def count_users() -> int:
    with db_session() as db:
        return db.exec(select(func.count()).select_from(User)).one()


def test_seller_then_admin_journey(page: Page, app_server: str, shoot: Shoot) -> None:
    frames = record_websocket(page)
    email = unique_email("anna")

    page.goto(app_server)  # "/" sends a stranger to the sign-in page
    page.wait_for_url(ON_SIGN_IN)
    shoot(page, "login-desktop")

    register(page, app_server, email, "Anna Vintage")
    expect(page.locator("#register-done")).to_be_visible()
    shoot(page, "register-done-desktop")
    sign_in(page, app_server, email)  # not before the address is confirmed
    expect(page.locator("#not-verified")).to_be_visible()
    page.goto(link_sent_to(email, "/verify-email"))
    expect(page.locator("#verify-ok")).to_be_visible()
    page.click("#verified-sign-in")
    page.wait_for_url(ON_SIGN_IN)
    sign_in(page, app_server, email)
    page.wait_for_url(ON_DASHBOARD)
    expect(page.locator("#greeting-name")).to_have_text("Anna Vintage")
    expect(page.locator("#activity")).to_contain_text("Publishing and sync jobs will appear here")
    expect(page.locator("#nav-dashboard")).to_have_attribute("aria-current", "page")
    shoot(page, "dashboard-desktop")

    # The tokens are HttpOnly: the browser holds them, page JavaScript cannot read them.
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    for name in ("stoflow_access", "stoflow_refresh"):
        assert cookies[name]["httpOnly"] is True
        assert cookies[name]["value"] not in page.evaluate("document.cookie")
        assert name not in page.evaluate("document.cookie")

    sign_out(page)
    page.goto(f"{app_server}/dashboard")  # signed out for real: the guard sends us back
    page.wait_for_url(ON_SIGN_IN)

    sign_in(page, app_server, email)
    page.wait_for_url(ON_DASHBOARD)
    expect(page.locator("#greeting-name")).to_have_text("Anna Vintage")
    expect(page.locator("#nav-settings")).to_be_visible()
    expect(page.locator("#nav-admin")).to_have_count(0)
    # A seller is refused the admin page, not only not shown the link.
    page.goto(f"{app_server}/admin")
    page.wait_for_url(ON_DASHBOARD)
    expect(page.locator("#health-card")).to_have_count(0)
    sign_out(page)

    sign_in(page, app_server, make_admin())
    page.wait_for_url(ON_DASHBOARD)
    expect(page.locator("#greeting-name")).to_have_text("Admin")  # not the previous user's state
    page.click("#nav-admin")
    page.wait_for_url(re.compile(r"/admin/?$"))
    expect(page.locator("#health-card")).to_be_visible()
    expect(page.locator("#health-database")).to_contain_text("Up")
    expect(page.locator("#health-redis")).to_contain_text("Up")
    expect(page.locator("#count-registered")).not_to_have_text("0")
    shoot(page, "admin-desktop")

    # The passwords went to /api/auth only: never through the websocket, either way.
    assert frames
    assert not any(STRONG_PASSWORD in frame for frame in frames)


def test_wrong_password_shows_the_form_error(page: Page, app_server: str, make_seller, shoot: Shoot) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    sign_in(page, app_server, seller.email, "not the password at all")
    expect(page.locator("#form-error")).to_contain_text("Wrong e-mail or password.")
    expect(page.locator("#sign-in-submit")).to_be_enabled()
    assert ON_SIGN_IN.search(page.url)
    shoot(page, "login-error-desktop")


def test_registering_a_taken_email_says_check_your_e_mail_in_french_and_creates_nothing(
    page: Page, app_server: str, make_seller
) -> None:  # type: ignore[no-untyped-def]
    """The same answer as for a new address (the owner gets a notice): no enumeration."""
    seller = make_seller()
    before = count_users()
    page.goto(f"{app_server}/register")
    expect(page.locator("#register-submit")).to_have_text("Create my account")
    page.click("#language-switch >> text=FR")
    expect(page.locator("#register-submit")).to_have_text("Créer mon compte")
    expect(page.locator("label[for=password]")).to_have_text("Mot de passe")
    page.fill("#email", seller.email.upper())
    page.fill("#password", STRONG_PASSWORD)
    page.select_option("#country", "FR")
    page.click("#register-submit")
    expect(page.locator("#register-done")).to_contain_text("Consultez vos e-mails")
    expect(page.locator("#email-error")).to_have_count(0)
    assert count_users() == before


def test_field_errors_come_from_the_server_in_the_page_language(page: Page, app_server: str, shoot: Shoot) -> None:
    before = count_users()
    page.goto(f"{app_server}/register")
    page.fill("#email", "not an address")
    page.fill("#password", "short")
    page.press("#password", "Enter")
    expect(page.locator("#email-error")).to_have_text("This is not a valid e-mail address.")
    page.fill("#email", unique_email())
    page.click("#register-submit")
    expect(page.locator("#password-error")).to_have_text("Use at least 12 characters.")
    expect(page.locator("#email-error")).to_have_count(0)
    shoot(page, "register-error-desktop")
    assert re.search(r"/register/?$", page.url)
    assert count_users() == before


def test_sign_in_returns_to_the_page_asked_for_and_only_to_this_site(page: Page, app_server: str, make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    page.goto(f"{app_server}/settings")
    page.wait_for_url(re.compile(r"/login/?\?next=%2Fsettings$"))
    page.fill("#email", seller.email)
    page.fill("#password", STRONG_PASSWORD)
    page.click("#sign-in-submit")
    page.wait_for_url(re.compile(r"/settings/?$"))
    expect(page.locator("#settings-email")).to_have_text(seller.email)
    sign_out(page)

    for elsewhere in ("//example.org/x", "/%5Cexample.org", "https://example.org/"):
        page.goto(f"{app_server}/login?next={elsewhere}")
        page.fill("#email", seller.email)
        page.fill("#password", STRONG_PASSWORD)
        page.click("#sign-in-submit")
        page.wait_for_url(ON_DASHBOARD)
        assert page.url.startswith(app_server)
        sign_out(page)


def test_settings_change_the_language_of_the_interface_and_the_account(
    page: Page, app_server: str, make_seller
) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller(display_name="Chloé")
    sign_in(page, app_server, seller.email)
    page.wait_for_url(ON_DASHBOARD)
    page.click("#nav-settings")
    page.wait_for_url(re.compile(r"/settings/?$"))
    expect(page.locator("#settings-email")).to_have_text(seller.email)
    page.get_by_role("radio", name="French").click()
    expect(page.get_by_text("Langue enregistrée.")).to_be_visible()  # the toast
    expect(page.locator("#nav-settings")).to_have_text("Paramètres")
    expect(page.locator("#nav-dashboard")).to_have_text("Tableau de bord")
    with db_session() as db:
        assert accounts.get_user(db, seller.id).language == "fr"  # type: ignore[union-attr]
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(ON_SIGN_IN)
    expect(page.locator("#sign-in-submit")).to_have_text("Se connecter")  # the language stays


def test_phone_layout(page: Page, app_server: str, shoot: Shoot) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{app_server}/login")
    shoot(page, "login-phone")

    email = unique_email()
    page.goto(f"{app_server}/register")
    page.click("#language-switch >> text=FR")
    expect(page.locator("#register-submit")).to_have_text("Créer mon compte")
    register_and_sign_in(page, app_server, email, "Lucie Brocante")
    expect(page.locator("#activity")).to_contain_text("Activité récente")
    expect(page.locator("#nav-dashboard")).to_be_hidden()  # the sidebar is folded away
    shoot(page, "dashboard-phone-fr")
    with db_session() as db:
        assert db.exec(select(User).where(User.email == email)).one().language == "fr"

    page.click("#mobile-menu")
    drawer = page.locator("#mobile-drawer")
    expect(drawer.get_by_role("link", name="Paramètres")).to_be_visible()
    shoot(page, "menu-phone-fr")
    drawer.get_by_role("link", name="Paramètres").click()
    page.wait_for_url(re.compile(r"/settings/?$"))
    expect(page.locator("#mobile-drawer")).to_have_count(0)  # the drawer closed on the way
    page.click("#user-menu")
    page.click("#sign-out")
    page.wait_for_url(ON_SIGN_IN)

    page.click("#language-switch >> text=EN")
    sign_in(page, app_server, make_admin())
    page.wait_for_url(ON_DASHBOARD)
    page.goto(f"{app_server}/admin")
    expect(page.locator("#health-database")).to_contain_text("Up")
    shoot(page, "admin-phone")
