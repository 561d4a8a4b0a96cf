"""End to end: an admin locks a seller from the Users page; support only looks; sellers are refused."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update
from sqlmodel import col

from stoflow.db.engine import db_session
from stoflow.models import User
from stoflow.models.base import utcnow
from tests.e2e.test_shell import ON_DASHBOARD, Shoot, make_admin, sign_in

pytestmark = pytest.mark.e2e

ON_USERS = re.compile(r"/admin/users/?$")


def test_admin_finds_a_seller_and_locks_them_after_confirming(
    page: Page,
    app_server: str,
    make_seller,  # type: ignore[no-untyped-def]
    shoot: Shoot,
) -> None:
    seller = make_seller(display_name="Vintage Corner")
    sign_in(page, app_server, make_admin())
    page.wait_for_url(ON_DASHBOARD)
    page.click("#nav-admin-users")
    page.wait_for_url(ON_USERS)
    expect(page.locator(".user-row").first).to_be_visible()

    page.fill("#users-search", seller.email)
    page.press("#users-search", "Enter")
    rows = page.locator(".user-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(seller.email)
    expect(rows.first).to_contain_text("Vintage Corner")
    expect(rows.first.locator(".user-status-locked")).to_have_count(0)

    rows.first.locator(".user-actions").click()
    page.click("#user-action-lock")
    confirm = page.locator("#users-confirm")
    expect(confirm).to_be_visible()
    shoot(page, "admin-users-confirm-lock")
    confirm.click()

    expect(page.get_by_text("Account locked and signed out everywhere.")).to_be_visible()
    expect(confirm).to_have_count(0)
    expect(rows.first.locator(".user-status-locked")).to_have_text("Locked")
    shoot(page, "admin-users-locked")
    with db_session() as db:
        locked = db.get(User, seller.id)
        assert locked is not None and locked.locked_until is not None and locked.locked_until > utcnow()


def test_support_sees_the_users_but_no_actions(page: Page, app_server: str, make_seller) -> None:  # type: ignore[no-untyped-def]
    support = make_seller()
    with db_session() as db:
        db.exec(update(User).where(col(User.id) == support.id).values(role="support"))
    sign_in(page, app_server, support.email)
    page.wait_for_url(ON_DASHBOARD)
    page.goto(f"{app_server}/admin/users")
    page.wait_for_url(ON_USERS)
    page.fill("#users-search", support.email)
    page.press("#users-search", "Enter")
    expect(page.locator(".user-row")).to_have_count(1)
    expect(page.locator(".user-actions")).to_have_count(0)


def test_a_seller_is_sent_back_to_the_dashboard(page: Page, app_server: str, make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    sign_in(page, app_server, seller.email)
    page.wait_for_url(ON_DASHBOARD)
    expect(page.locator("#nav-admin-users")).to_have_count(0)
    page.goto(f"{app_server}/admin/users")
    page.wait_for_url(ON_DASHBOARD)
    expect(page.locator(".user-row")).to_have_count(0)
