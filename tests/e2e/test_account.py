"""End to end: register -> verify from the outbox -> sign in -> devices -> sign out
everywhere -> reset the password; then the profile, the export and deleting the account."""

from __future__ import annotations

import re
import zipfile

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from stoflow.db.engine import db_session
from stoflow.models import User
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.e2e.test_shell import (
    ON_DASHBOARD,
    ON_SIGN_IN,
    Shoot,
    link_sent_to,
    make_admin,
    record_websocket,
    register,
    register_and_sign_in,
    sign_in,
)

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a quiet harbour at seven"
ON_ACCOUNT = re.compile(r"/account/?$")


def _link_from_the_outbox_page(browser: Browser, base: str, email: str, shoot: Shoot) -> str:
    """An admin opens the development outbox and copies the link of the newest message."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    admin = context.new_page()
    try:
        sign_in(admin, base, make_admin())
        admin.wait_for_url(ON_DASHBOARD)
        admin.goto(f"{base}/admin/outbox")
        admin.fill("#outbox-to", email)
        admin.press("#outbox-to", "Enter")
        expect(admin.locator(".outbox-row")).to_have_count(1)
        admin.locator(".outbox-row").first.click()
        link = admin.locator("#outbox-link-0")
        expect(link).to_be_visible()
        shoot(admin, "outbox-message-desktop")
        href = link.get_attribute("href")
    finally:
        context.close()
    assert href and "/verify-email?token=" in href
    return href


def test_register_verify_devices_sign_out_everywhere_and_reset(
    page: Page, browser: Browser, app_server: str, shoot: Shoot
) -> None:
    frames = record_websocket(page)
    email = unique_email("marie")
    register(page, app_server, email, "Marie Fripes")
    expect(page.locator("#register-done")).to_be_visible()

    page.goto(_link_from_the_outbox_page(browser, app_server, email, shoot))
    expect(page.locator("#verify-ok")).to_be_visible()
    sign_in(page, app_server, email)
    page.wait_for_url(ON_DASHBOARD)

    # A second device, signed in too, with its page open.
    phone_context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = phone_context.new_page()
    sign_in(phone, app_server, email)
    phone.wait_for_url(ON_DASHBOARD)
    phone.goto(f"{app_server}/account")
    expect(phone.locator("#profile-save")).to_be_enabled()

    page.click("#nav-account")
    page.wait_for_url(ON_ACCOUNT)
    expect(page.locator(".session-row")).to_have_count(2)
    expect(page.locator(".session-row").filter(has_text="This device")).to_have_count(1)
    shoot(page, "account-desktop")

    page.click("#sign-out-everywhere")
    page.click("#confirm-sign-out-everywhere")
    page.wait_for_url(ON_SIGN_IN)

    # The phone's websocket is still open: its next event is refused, even one whose
    # handler checks nothing itself (the session middleware stops it first).
    phone.click("#download-data")
    phone.wait_for_url(ON_SIGN_IN)
    phone_context.close()
    with db_session() as db:
        assert db.exec(select(User.display_name).where(User.email == email)).one() == "Marie Fripes"

    # Forgot password -> the e-mailed link -> a new password (the meter follows it).
    # The link navigates in the page: the sign-in form has an #email field too, so wait for
    # the forgot form before filling it (filling the old one sent an empty address).
    page.click("#to-forgot")
    page.wait_for_url(re.compile(r"/forgot-password/?$"))
    expect(page.locator("#forgot-submit")).to_be_enabled()
    page.fill("#email", email)
    expect(page.locator("#email")).to_have_value(email)
    page.click("#forgot-submit")
    expect(page.locator("#forgot-sent")).to_be_visible()
    page.goto(link_sent_to(email, "/reset-password"))
    expect(page.locator("#reset-submit")).to_be_enabled()
    page.fill("#password", "passwordpassword")
    expect(page.locator("#reset-strength")).to_have_attribute("data-score", "refused")
    page.fill("#password", NEW_PASSWORD)
    expect(page.locator("#reset-strength")).to_have_attribute("data-score", re.compile("[34]"))
    shoot(page, "reset-desktop")
    page.click("#reset-submit")
    page.wait_for_url(re.compile(r"/login/?\?reset=done$"))
    sign_in(page, app_server, email, STRONG_PASSWORD)
    expect(page.locator("#form-error")).to_contain_text("Wrong e-mail or password.")
    sign_in(page, app_server, email, NEW_PASSWORD)
    page.wait_for_url(ON_DASHBOARD)

    assert frames
    assert not any(secret in frame for frame in frames for secret in (STRONG_PASSWORD, NEW_PASSWORD))


def test_profile_export_and_deletion(page: Page, app_server: str, shoot: Shoot) -> None:
    email = unique_email("paul")
    register_and_sign_in(page, app_server, email, "Paul Vintage")
    page.goto(f"{app_server}/account")
    expect(page.locator("#profile-save")).to_be_enabled()

    page.fill("#display_name", "")
    page.click("#profile-save")
    expect(page.locator("#display_name-error")).to_have_text("Enter a name.")
    page.fill("#display_name", "Paul's Attic")
    page.select_option("#country", "BE")
    page.click("#profile-save")
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    with db_session() as db:
        user = db.exec(select(User).where(User.email == email)).one()
        assert (user.display_name, user.country) == ("Paul's Attic", "BE")

    with page.expect_download() as download_info:
        page.click("#download-data")
    archive = zipfile.ZipFile(download_info.value.path())
    assert email in archive.read("account.json").decode()

    page.fill("#current_password", "not my password at all")
    page.fill("#new_password", NEW_PASSWORD)
    page.click("#password-submit")
    expect(page.locator("#current_password-error")).to_have_text("Wrong password.")
    page.fill("#current_password", STRONG_PASSWORD)
    page.fill("#new_password", NEW_PASSWORD)
    page.click("#password-submit")
    expect(page.get_by_text("Password changed. Your other devices are signed out.")).to_be_visible()
    expect(page.locator("#current_password")).to_have_value("")  # the form forgets the passwords

    page.click("#delete-account")
    page.fill("#password", "not my password at all")
    page.click("#delete-submit")
    expect(page.locator("#password-error")).to_have_text("Wrong password.")
    shoot(page, "delete-desktop")
    page.fill("#password", NEW_PASSWORD)
    page.click("#delete-submit")
    page.wait_for_url(re.compile(r"/login/?\?deleted=1$"))
    with db_session() as db:
        assert db.exec(select(User).where(User.email == email)).first() is None
