"""End to end: staff read the audit log; sellers are refused it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import unique_email
from tests.e2e.test_shell import ON_DASHBOARD, Shoot, make_admin, register_and_sign_in, sign_in

pytestmark = pytest.mark.e2e


def test_admin_finds_a_failed_sign_in_in_the_audit_log(page: Page, app_server: str, shoot: Shoot) -> None:
    target = unique_email("target")
    sign_in(page, app_server, target, "a guessed password")  # unknown account: still logged
    expect(page.locator("#form-error")).to_be_visible()

    sign_in(page, app_server, make_admin())
    page.wait_for_url(ON_DASHBOARD)
    page.click("#nav-admin-audit")
    page.wait_for_url(re.compile(r"/admin/audit/?$"))
    expect(page.locator(".audit-row").first).to_contain_text("Signed in")

    page.fill("#audit-email", target)
    page.press("#audit-email", "Enter")
    rows = page.locator(".audit-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sign-in failed")
    expect(rows.first).to_contain_text(target)
    expect(page.locator("#audit-pager")).to_contain_text("Events: 1")
    shoot(page, "audit-log-desktop")


def test_a_seller_is_refused_the_audit_log(page: Page, app_server: str) -> None:
    register_and_sign_in(page, app_server, unique_email(), "Seller")
    expect(page.locator("#nav-admin-audit")).to_have_count(0)
    page.goto(f"{app_server}/admin/audit")
    page.wait_for_url(ON_DASHBOARD)
