"""End to end: a seller adds photos to a product (several at once), orders them, flags the
care label, deletes one, and a file that is not a photo is refused and leaves nothing behind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from stoflow.storage import get_storage, user_prefix
from tests.e2e.helpers import ON_PRODUCT, UPLOAD_INPUT, jpeg_file, stored_photos, tile_ids
from tests.e2e.test_shell import ON_DASHBOARD, Shoot, sign_in

pytestmark = pytest.mark.e2e


def test_upload_order_label_delete_and_refuse_a_fake_photo(  # type: ignore[no-untyped-def]
    page: Page, app_server: str, make_seller, tmp_path: Path, shoot: Shoot
) -> None:
    seller = make_seller(display_name="Lea Friperie")
    # Each test run starts a fresh database, so user ids repeat: forget files an earlier run left.
    storage = get_storage()
    storage.delete_prefix(user_prefix(seller.id))
    sign_in(page, app_server, seller.email)
    page.wait_for_url(ON_DASHBOARD)

    page.goto(f"{app_server}/products/new")
    expect(page.locator("#product-save")).to_be_enabled()
    expect(page.locator("#photos-save-first")).to_have_text("Save the product first to add photos.")
    page.fill("#title", "Linen shirt, sky blue")
    page.click("#product-save")
    page.wait_for_url(ON_PRODUCT)
    product_id = int(ON_PRODUCT.search(page.url).group(1))  # type: ignore[union-attr]
    page.goto(f"{app_server}/products/{product_id}")  # the editor as it opens (not mid-redirect)
    expect(page.get_by_text("No photos yet")).to_be_visible()
    expect(page.get_by_text("never published and never sent to the AI", exact=False)).to_be_visible()

    # Three photos at once.
    files = [
        jpeg_file(tmp_path, f"shirt-{n}.jpg", colour)
        for n, colour in enumerate([(200, 40, 40), (40, 200, 40), (40, 40, 200)])
    ]
    page.set_input_files(UPLOAD_INPUT, [str(path) for path in files])
    expect(page.locator(".photo-tile")).to_have_count(3)
    expect(page.get_by_text("Photos added: 3")).to_be_visible()
    first, second, third = (row[0] for row in stored_photos(seller.id, product_id))
    assert tile_ids(page) == [first, second, third]
    expect(page.locator(".photo-tile").first.locator(".photo-badge-cover")).to_be_visible()
    expect(page.locator(".photo-tile").first.locator(".photo-left")).to_be_disabled()

    # The third to the front, with the keyboard-reachable arrows.
    page.locator(".photo-tile").nth(2).locator(".photo-left").click()
    expect(page.locator(".photo-tile").nth(1)).to_have_attribute("data-photo-id", str(third))
    page.locator(".photo-tile").nth(1).locator(".photo-left").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".photo-tile").first).to_have_attribute("data-photo-id", str(third))
    assert tile_ids(page) == [third, first, second]

    # The first upload becomes the care-label photo.
    page.locator(".photo-tile").nth(1).locator(".photo-label").click()
    expect(page.locator(".photo-tile").nth(1)).to_have_attribute("data-label", "1")
    expect(page.locator(".photo-tile").nth(1).locator(".photo-badge-label")).to_have_text("Label")
    expect(page.locator(".photo-tile").nth(1).locator(".photo-label")).to_have_attribute("aria-label", "Not the label")

    # Delete the last one, after confirming.
    page.locator(".photo-tile").nth(2).locator(".photo-delete").click()
    page.click("#photo-delete-confirm")
    expect(page.locator(".photo-tile")).to_have_count(2)
    expect(page.get_by_text("Photo deleted.")).to_be_visible()
    shoot(page, "product-photos-desktop")

    stored = stored_photos(seller.id, product_id)
    assert [(photo_id, is_label) for photo_id, is_label, _, _ in stored] == [(third, False), (first, True)]

    # The thumbnails load through their signed links; a changed link is refused.
    sources = page.locator(".photo-tile img").evaluate_all("images => images.map(i => i.getAttribute('src'))")
    assert len(sources) == 2
    for source in sources:
        assert source.startswith("/api/media/u")
        answer = page.request.get(f"{app_server}{source}")
        assert answer.status == 200 and answer.headers["content-type"] == "image/webp"
    tampered = re.sub(r"sig=([0-9a-f])", lambda m: "sig=" + ("0" if m.group(1) != "0" else "1"), sources[0])
    assert page.request.get(f"{app_server}{tampered}").status == 403
    other_file = sources[0].replace("thumb.webp", "full.jpg")  # the signature names one file only
    assert page.request.get(f"{app_server}{other_file}").status == 403

    # A PDF named like a photo is refused by its content; nothing is stored.
    fake = tmp_path / "x.jpg"
    fake.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    page.set_input_files(UPLOAD_INPUT, str(fake))
    expect(page.get_by_text("x.jpg: This file is not an image.")).to_be_visible()
    expect(page.locator(".photo-tile")).to_have_count(2)
    assert stored_photos(seller.id, product_id) == stored
    gif = tmp_path / "scarf.gif"
    Image.new("RGB", (40, 40), (90, 90, 90)).save(gif, "GIF")
    page.set_input_files(UPLOAD_INPUT, str(gif))  # refused by the drop zone itself: never sent
    expect(page.get_by_text("scarf.gif: Only JPEG, PNG, WebP and HEIC photos are accepted.")).to_be_visible()
    kept = sorted(key for _, _, full_key, thumb_key in stored for key in (full_key, thumb_key))
    assert storage.list(user_prefix(seller.id)) == kept

    # Dragging a photo onto another puts it in that place.
    page.locator(".photo-tile").nth(1).drag_to(page.locator(".photo-tile").first)
    expect(page.locator(".photo-tile").first).to_have_attribute("data-photo-id", str(first))
    assert [photo_id for photo_id, _, _, _ in stored_photos(seller.id, product_id)] == [first, third]
    # The label is never the cover: the first photo that is not the label is.
    expect(page.locator(".photo-tile").nth(1).locator(".photo-badge-cover")).to_be_visible()
    expect(page.locator(".photo-tile").first.locator(".photo-badge-cover")).to_have_count(0)
