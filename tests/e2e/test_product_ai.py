"""End to end, with the Gemini simulator: a seller fills a product in from its photo, has
its eBay title written, accepts the proposals and saves; a blocked call says so and keeps
the seller's text."""

from __future__ import annotations

import io
import json
from typing import Any

import httpx
import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from stoflow.catalog.photos import add_photo
from stoflow.db.engine import db_session
from stoflow.db.tenancy import tenant_session
from stoflow.models import AiUsage
from stoflow.models.tenant import Product
from stoflow.reference import service as reference
from stoflow.storage import get_storage
from tests.e2e.helpers import ON_PRODUCT
from tests.e2e.test_shell import ON_DASHBOARD, Shoot, sign_in
from tests.integration.gemini_sim import RunningSimulator

pytestmark = pytest.mark.e2e

BLOCKED = "The AI declined these photos or this text."


def _jpeg() -> bytes:
    image = Image.new("RGB", (640, 480), (32, 64, 128))
    draw = ImageDraw.Draw(image)
    draw.rectangle((200, 100, 440, 420), fill=(20, 40, 90))
    draw.ellipse((280, 150, 360, 230), fill=(220, 200, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _what_the_simulator_answered(simulator: RunningSimulator) -> dict[str, Any]:
    """The last "fill from photos" answer: the simulator is deterministic, so ask it again."""
    request = next(r for r in reversed(simulator.requests) if '"inlineData"' in json.dumps(r["json"]))
    answer = httpx.post(
        f"{simulator.base_url}{request['path']}",
        json=request["json"],
        headers={"x-goog-api-key": simulator.api_key},
        timeout=30,
    ).json()
    return json.loads(answer["candidates"][0]["content"]["parts"][0]["text"])  # type: ignore[no-any-return]


def _usage(user_id: int) -> list[tuple[str, str]]:
    with db_session() as db:
        rows = db.exec(select(AiUsage).where(AiUsage.user_id == user_id).order_by(col(AiUsage.id))).all()
        return [(row.feature, row.outcome) for row in rows]


def test_fill_from_photos_and_write_the_ebay_title(  # type: ignore[no-untyped-def]
    page: Page, app_server: str, gemini_simulator: RunningSimulator, make_seller, shoot: Shoot
) -> None:
    seller = make_seller(display_name="Nina Vintage")
    sign_in(page, app_server, seller.email)
    page.wait_for_url(ON_DASHBOARD)
    page.goto(f"{app_server}/products/new")
    expect(page.locator("#product-save")).to_be_enabled()
    expect(page.locator("#ai-fill")).to_be_disabled()  # no photo yet
    page.fill("#title", "Denim jacket")
    page.fill("#price", "30")
    page.click("#product-save")
    page.wait_for_url(ON_PRODUCT)
    product_id = int(ON_PRODUCT.search(page.url).group(1))  # type: ignore[union-attr]
    with tenant_session(seller.id) as db:
        add_photo(db, get_storage(), user_id=seller.id, product_id=product_id, data=_jpeg(), filename="jacket.jpg")

    page.goto(f"{app_server}/products/{product_id}")
    expect(page.locator("#title")).to_have_value("Denim jacket")
    expect(page.locator("#ai-fill")).to_be_enabled()
    credits = int(page.locator("#ai-credits").inner_text())
    page.fill("#notes", "Bought in Lyon")  # an unsaved edit the AI must not lose

    page.click("#ai-fill")
    expect(page.locator("#ai-review")).to_be_visible()
    expect(page.locator("#ai-proposal-category")).to_be_visible()
    expect(page.locator("#ai-proposal-colors")).to_be_visible()
    expect(page.locator("#ai-credits")).to_have_text(str(credits - 1))
    shoot(page, "product-ai-proposals-desktop")
    answer = _what_the_simulator_answered(gemini_simulator)
    category, colors = answer["category"], answer["colours"][:3]

    page.click("#ai-accept-all")
    expect(page.locator("#ai-accepted")).to_be_visible()
    expect(page.locator("#category")).to_have_value(category)
    expect(page.locator("select[name=color_0]")).to_have_value(colors[0])
    expect(page.locator("#notes")).to_have_value("Bought in Lyon")
    expect(page.locator("#price")).to_have_value("30.00")
    assert page.evaluate("window.stoflowEditor.isDirty()") is True
    with tenant_session(seller.id) as db:  # nothing saved yet
        assert db.get(Product, product_id).category is None  # type: ignore[union-attr]

    page.click("#product-save")
    expect(page.get_by_text("Product saved.")).to_be_visible()
    with tenant_session(seller.id) as db:
        product = db.get(Product, product_id)
        assert product is not None
        assert (product.category, product.colors, product.notes) == (category, colors, "Bought in Lyon")
    with db_session() as db:
        assert reference.is_valid(db, "category", category)
        assert all(reference.is_valid(db, "color", color) for color in colors)

    # The eBay title: written by the AI, within eBay's 80 characters, accepted into the title field.
    page.select_option("#ai-marketplace", "ebay")
    page.click("#ai-write")
    expect(page.locator("#ai-proposal-title")).to_be_visible()
    proposed = page.locator("#ai-proposal-title .ai-proposed").inner_text()
    assert 0 < len(proposed) <= 80 and proposed != "Denim jacket"
    page.click("#ai-accept-title")
    expect(page.locator("#title")).to_have_value(proposed)
    assert _usage(seller.id) == [("fill_from_photos", "ok"), ("write_listing", "ok")]
    expect(page.locator("#ai-credits")).to_have_text(str(credits - 2))

    # The template: always there, no AI, no credit.
    page.click("#ai-template")
    expect(page.locator("#ai-proposal-description")).to_be_visible()
    expect(page.locator("#ai-proposal-description .ai-proposed")).to_contain_text("Dispatched quickly")  # eBay's
    expect(page.locator("#ai-credits")).to_have_text(str(credits - 2))

    # Blocked: a clear message, and the seller's title as they typed it.
    title = "Denim jacket SIM_BLOCK"
    page.fill("#title", title)
    expect(page.locator("#title-count-ebay")).to_contain_text(f"{len(title)}/80")  # the server has it
    page.click("#ai-write")
    expect(page.locator("#ai-error")).to_contain_text(BLOCKED)
    expect(page.locator("#title")).to_have_value(title)
    shoot(page, "product-ai-blocked-desktop")
    assert _usage(seller.id)[-1] == ("write_listing", "ai_blocked")  # it spent tokens: charged
