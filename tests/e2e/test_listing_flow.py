"""End to end, the catalogue in one journey (issue 4): in one browser page, a seller goes from
three photos to a complete, saved listing with the AI's help (the Gemini simulator answers),
finds it by search, raises its price in bulk and exports the catalogue as CSV.

The seller's time from opening /products/new to the saved listing is printed, not asserted
(no timed assertions): run with `-s` to see it.
"""

from __future__ import annotations

import csv
import io
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlmodel import select

from stoflow.db.tenancy import tenant_session
from stoflow.models.tenant import Product
from stoflow.storage import get_storage, user_prefix
from tests.e2e.helpers import ON_PRODUCT, UPLOAD_INPUT, jpeg_file, signed_in, stored_photos, tile_ids
from tests.e2e.test_shell import Shoot

pytestmark = pytest.mark.e2e

# Three phone photos: a colour each (what tells them apart on screen), and a size each.
PHOTOS = {
    "red": ((200, 40, 40), (900, 1200)),
    "green": ((40, 170, 60), (1200, 900)),
    "blue": ((40, 60, 200), (1000, 1000)),
}
OTHER_TITLE = "Porcelain teapot with a gold rim"  # already in the catalogue: the search leaves it out


def _colour_of(image: Image.Image) -> str:
    """The name of the dominant channel of an image's average colour."""
    red, green, blue = image.convert("RGB").resize((1, 1)).getpixel((0, 0))  # type: ignore[misc]
    return max((red, "red"), (green, "green"), (blue, "blue"))[1]


def _thumbnail_colours(page: Page, base: str) -> list[str]:
    """The colours of the gallery's thumbnails, in the order shown (fetched as the browser does)."""
    sources = page.locator(".photo-tile img").evaluate_all("images => images.map(i => i.getAttribute('src'))")
    colours = []
    for source in sources:
        answer = page.request.get(source if source.startswith("http") else f"{base}{source}")
        assert answer.ok, source
        colours.append(_colour_of(Image.open(io.BytesIO(answer.body()))))
    return colours


def _search_word(title: str) -> str:
    """A word of the title someone would type, which no word of the other product starts with."""
    others = [word.lower() for word in re.findall(r"\w+", OTHER_TITLE)]
    words = [w for w in re.findall(r"[^\W\d_]{4,}", title) if not any(o.startswith(w.lower()) for o in others)]
    assert words, f"no word to search for in {title!r}"
    return max(words, key=len)


def test_photos_to_a_saved_listing_then_search_bulk_price_and_export(  # type: ignore[no-untyped-def]
    page: Page, app_server: str, make_seller, tmp_path: Path, shoot: Shoot
) -> None:
    user_id = signed_in(page, app_server, make_seller)
    # Each test run starts a fresh database, so user ids repeat: forget files an earlier run left.
    get_storage().delete_prefix(user_prefix(user_id))
    with tenant_session(user_id) as db:
        db.add(Product(sku="TEAPOT-1", title=OTHER_TITLE, price=Decimal("18.00")))
    files = [str(jpeg_file(tmp_path, f"{name}.jpg", colour, size)) for name, (colour, size) in PHOTOS.items()]

    # 1. A new product: photos go on a saved product, so a working title and a price first.
    started = time.monotonic()
    page.goto(f"{app_server}/products/new")
    expect(page.locator("#product-save")).to_be_enabled()
    expect(page.locator("#photos-save-first")).to_have_text("Save the product first to add photos.")
    page.fill("#title", "Jacket")
    page.fill("#price", "25")
    page.click("#product-save")
    page.wait_for_url(ON_PRODUCT)
    product_id = int(ON_PRODUCT.search(page.url).group(1))  # type: ignore[union-attr]
    # The saved product's own editor (the page it was created on is replaced: wait for it).
    expect(page).to_have_title("Edit product · StoFlow")
    expect(page.get_by_text("No photos yet")).to_be_visible()
    sku = page.locator("#product-sku").inner_text()
    assert sku.startswith("SF-")

    # 2. Three photos at once.
    page.set_input_files(UPLOAD_INPUT, files)
    expect(page.locator(".photo-tile")).to_have_count(3)
    expect(page.get_by_text("Photos added: 3")).to_be_visible()
    red, green, blue = tile_ids(page)

    # 3. The blue one to the front with the keyboard, then the green one is the care label.
    page.locator(".photo-tile").nth(2).locator(".photo-left").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".photo-tile").nth(1)).to_have_attribute("data-photo-id", str(blue))
    page.locator(".photo-tile").nth(1).locator(".photo-left").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".photo-tile").first).to_have_attribute("data-photo-id", str(blue))
    assert tile_ids(page) == [blue, red, green]
    page.locator(".photo-tile").nth(2).locator(".photo-label").click()
    expect(page.locator(".photo-tile").nth(2).locator(".photo-badge-label")).to_have_text("Label")
    expect(page.locator(".photo-tile").first.locator(".photo-badge-cover")).to_have_text("Cover")

    # 4. The AI fills the product in from the photos, then writes its title and description.
    expect(page.locator("#ai-fill")).to_be_enabled()  # the assistant follows the gallery
    page.click("#ai-fill")
    expect(page.locator("#ai-review")).to_be_visible()
    category = page.locator("#ai-proposal-category .ai-proposed").inner_text()
    page.click("#ai-accept-all")
    expect(page.locator("#ai-accepted")).to_be_visible()
    expect(page.locator("#category option:checked")).to_have_text(category)
    expect(page.locator("#price")).to_have_value("25.00")  # the seller's own field stays

    page.click("#ai-write")
    expect(page.locator("#ai-proposal-title")).to_be_visible()
    title = page.locator("#ai-proposal-title .ai-proposed").inner_text()
    description = page.locator("#ai-proposal-description .ai-proposed").inner_text()
    assert title and title != "Jacket" and description
    page.click("#ai-accept-title")
    expect(page.locator("#title")).to_have_value(title)
    page.click("#ai-accept-description")
    expect(page.locator("#description")).to_have_value(description)

    expect(page.get_by_text("Product saved.")).to_have_count(0)  # the first save's message has gone
    page.click("#product-save")
    expect(page.get_by_text("Product saved.")).to_be_visible()
    elapsed = time.monotonic() - started
    print(f"\nphotos_to_saved_listing_s={elapsed:.1f}")
    shoot(page, "listing-flow-saved-desktop")

    # What was saved, as the editor shows it when opened again.
    page.reload()
    expect(page.locator("#title")).to_have_value(title)
    expect(page.locator("#description")).to_have_value(description)
    expect(page.locator("#category option:checked")).to_have_text(category)
    expect(page.locator("#price")).to_have_value("25.00")
    expect(page.locator(".photo-tile")).to_have_count(3)
    assert _thumbnail_colours(page, app_server) == ["blue", "red", "green"]
    expect(page.locator(".photo-badge-label")).to_have_count(1)
    expect(page.locator(".photo-tile").nth(2).locator(".photo-badge-label")).to_have_text("Label")
    expect(page.locator(".photo-tile").first.locator(".photo-badge-cover")).to_have_text("Cover")
    assert [(photo_id, is_label) for photo_id, is_label, _, _ in stored_photos(user_id, product_id)] == [
        (blue, False),
        (red, False),
        (green, True),
    ]
    with tenant_session(user_id) as db:
        product = db.get(Product, product_id)
        assert product is not None
        assert (product.title, product.description, product.price) == (title, description, Decimal("25.00"))
        assert product.category

    # 5. Found by a word of its title, and only it.
    page.click("#nav-products")
    page.wait_for_url(re.compile(r"/products/?$"))
    expect(page.locator(".product-row")).to_have_count(2)
    page.fill("#products-search", _search_word(title).lower())
    page.press("#products-search", "Enter")
    expect(page.locator(".product-row")).to_have_count(1)
    expect(page.locator(".product-title")).to_have_text(title)
    row = page.locator(".product-row")
    expect(row).to_contain_text(sku)
    expect(row).to_contain_text("25.00 EUR")

    # 6. Its price up by 10 % in bulk.
    page.get_by_role("checkbox", name=title).click()
    expect(page.locator("#selection")).to_contain_text("1")
    page.click("#bulk-edit")
    page.fill("#bulk-value", "10")
    page.click("#bulk-apply")
    expect(page.get_by_text("Changed: 1")).to_be_visible()
    expect(row).to_contain_text("27.50 EUR")
    with tenant_session(user_id) as db:
        prices = {p.sku: p.price for p in db.exec(select(Product)).all()}
    assert prices == {sku: Decimal("27.50"), "TEAPOT-1": Decimal("18.00")}

    # 7. The catalogue as CSV, from the import page.
    page.click("#to-import")
    page.wait_for_url(re.compile(r"/products/import/?$"))
    with page.expect_download() as download_info:
        page.click("#export-csv")
    download = download_info.value
    assert re.fullmatch(r"stoflow-products-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    lines = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    header, rows = lines[0], lines[1:]
    assert {"sku", "title", "price"} <= set(header)
    exported = [dict(zip(header, line, strict=True)) for line in rows]
    assert sorted(line["sku"] for line in exported) == sorted([sku, "TEAPOT-1"])
    mine = next(line for line in exported if line["sku"] == sku)
    assert (mine["title"], mine["price"]) == (title, "27.50")
