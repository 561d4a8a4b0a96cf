"""End to end, in Chromium, against a production build: another site cannot frame StoFlow,
and the app still works under its Content-Security-Policy (no violation anywhere)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import ON_PRODUCT, UPLOAD_INPUT, jpeg_file, signed_in
from tests.photo_server import Route, photo_site

pytestmark = pytest.mark.e2e

SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")
# Collects every CSP violation of every document the page loads.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def csp_violations(page: Page) -> Iterator[list[str]]:
    found: list[str] = []
    page.expose_function("reportCspViolation", lambda report: found.append(str(report)))
    page.add_init_script(REPORT_VIOLATIONS)
    yield found


def test_another_site_cannot_frame_the_signed_in_account_page(page: Page, app_server: str, make_seller) -> None:  # type: ignore[no-untyped-def]
    signed_in(page, app_server, make_seller)
    page.goto(f"{app_server}/account")
    expect(page.locator("#display_name")).to_have_value("Nina Vintage")  # what a framing site would show

    # Another origin on the same host (another port): the seller's cookies go with its frames.
    framing_page = f"""<!DOCTYPE html><html><body><h1>Win a prize</h1>
    <iframe id="victim" src="{app_server}/account" width="800" height="600"
            onload="document.body.dataset.framed = 'loaded'"></iframe></body></html>"""
    with photo_site({"/prize.html": Route(body=framing_page.encode(), headers={"Content-Type": "text/html"})}) as site:
        page.goto(site.url("/prize.html").replace("127.0.0.1", "localhost"))
        expect(page.locator("body")).to_have_attribute("data-framed", "loaded")

        frame = page.frame_locator("#victim")
        assert page.locator("#victim").element_handle().content_frame().url.startswith("chrome-error://")  # type: ignore[union-attr]
        expect(frame.locator("#display_name")).to_have_count(0)
        expect(frame.get_by_text("Nina Vintage")).to_have_count(0)


def test_the_app_works_under_its_policy_without_a_single_violation(  # type: ignore[no-untyped-def]
    page: Page, app_server: str, make_seller, csp_violations: list[str], tmp_path: Path
) -> None:
    signed_in(page, app_server, make_seller)  # the sign-in form posts through eval'd call_script
    products = page.goto(f"{app_server}/products")
    assert products is not None and "frame-ancestors 'none'" in products.headers["content-security-policy"]
    expect(page.locator("#products-search")).to_be_visible()

    page.goto(f"{app_server}/products/new")
    expect(page.locator("#product-save")).to_be_enabled()
    page.fill("#title", "Wool coat, camel")
    page.click("#product-save")
    page.wait_for_url(ON_PRODUCT)
    page.goto(page.url)  # the editor as it opens (not mid-redirect)
    expect(page.get_by_text("No photos yet")).to_be_visible()
    page.set_input_files(UPLOAD_INPUT, str(jpeg_file(tmp_path, "coat.jpg", (180, 140, 90))))
    thumbnail = page.locator(".photo-tile img").first
    expect(thumbnail).to_be_visible()
    page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=thumbnail.element_handle())

    assert csp_violations == []


def test_pages_api_errors_and_uploads_answer_with_the_security_headers(page: Page, app_server: str) -> None:
    answers = {
        "page": page.request.get(f"{app_server}/login"),
        "api": page.request.get(f"{app_server}/api/health"),
        "api error": page.request.get(f"{app_server}/api/auth/me"),
        "missing page": page.request.get(f"{app_server}/no/such/page"),
        "upload": page.request.post(f"{app_server}/_upload", multipart={"files": "x"}),
    }

    assert answers["page"].status == 200 and answers["api error"].status == 401
    for name, answer in answers.items():
        missing = [header for header in SECURITY_HEADERS if header not in answer.headers]
        assert missing == [], f"{name} ({answer.status}) lacks {missing}"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"], name
        assert answer.headers["x-frame-options"] == "DENY", name
    page_policy = answers["page"].headers["content-security-policy"]
    assert "'sha256-" in page_policy and "'unsafe-inline'" not in page_policy.split("script-src", 1)[1].split(";")[0]
    assert "strict-transport-security" not in answers["page"].headers  # STOFLOW_ENV=test is http
