"""End to end: a seller imports a CSV with a ZIP of photos and photo links, sees the preview,
adds a forgotten ZIP, imports, and follows the photos being added until a summary lists the
one that could not be."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlmodel import select

from stoflow.catalog.photos import photos_of
from stoflow.db.tenancy import tenant_session
from stoflow.models.tenant import Product
from stoflow.storage import get_storage, user_prefix
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_shell import ON_DASHBOARD, Shoot, sign_in
from tests.photo_server import Route, photo_site

pytestmark = pytest.mark.e2e

UPLOAD_INPUT = "#product-csv input[type=file]"
ZIP_INPUT = "#product-photos-zip input[type=file]"


def _image(colour: str, size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _files(folder: Path, photo_link: str) -> tuple[Path, Path]:
    csv_path, zip_path = folder / "stock.csv", folder / "photos.zip"
    csv_path.write_text(
        "sku,title,price,photos\n"
        "IMP-DRESS,Imported red dress,25,dress-front.jpg|dress-back.jpg\n"
        f"IMP-JACKET,Imported green jacket,40,{photo_link}\n"
        "IMP-BAG,Imported bag,15,receipt.jpg\n",
        encoding="utf-8",
    )
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.writestr("dress-front.jpg", _image("red", (1200, 1600)))
        archive.writestr("dress-back.jpg", _image("darkred", (1200, 1600)))
        archive.writestr("receipt.jpg", b"%PDF-1.4 a receipt, not a photo")
    return csv_path, zip_path


def _gallery(user_id: int, sku: str) -> list[tuple[int, int]]:
    with tenant_session(user_id) as db:
        product = db.exec(select(Product).where(Product.sku == sku)).one()
        return [(photo.width, photo.height) for photo in photos_of(db, product.id or 0)]


def test_import_a_csv_with_a_zip_and_links_then_follow_the_photos(  # type: ignore[no-untyped-def]
    page: Page, app_server: str, worker: None, make_seller, tmp_path: Path, shoot: Shoot
) -> None:
    seller = make_seller(display_name="Import Friperie")
    get_storage().delete_prefix(user_prefix(seller.id))  # user ids repeat across test runs
    sign_in(page, app_server, seller.email)
    page.wait_for_url(ON_DASHBOARD)

    with photo_site({"/jacket.jpg": Route(body=_image("green", (1000, 1000)))}) as site:
        csv_path, zip_path = _files(tmp_path, site.url("/jacket.jpg"))
        page.goto(f"{app_server}/products/import")

        # The CSV alone: rows naming photo files ask for their ZIP.
        page.set_input_files(UPLOAD_INPUT, str(csv_path))
        expect(page.locator(".import-row")).to_have_count(3)
        expect(page.locator("#import-invalid")).to_have_text("With errors: 2")
        expect(page.get_by_text("This row names photo files: add the ZIP that holds them.").first).to_be_visible()
        expect(page.locator("#import-all")).to_be_disabled()
        shoot(page, "import-needs-zip")

        # The ZIP added to the same preview: every row is valid, the photos are counted.
        page.set_input_files(ZIP_INPUT, str(zip_path))
        expect(page.locator("#import-invalid")).to_have_text("With errors: 0")
        expect(page.locator("#import-zip-name")).to_have_text("photos.zip")
        expect(page.locator("#import-photos")).to_have_text("Photos to add: 4 (links: 1 · from the ZIP: 3)")
        assert site.requests == []  # nothing is downloaded before the import
        shoot(page, "import-preview")
        page.set_viewport_size(PHONE)
        expect(page.locator("#import-all")).to_be_visible()
        shoot(page, "import-preview-phone")
        page.set_viewport_size(DESKTOP)

        page.click("#import-all")
        expect(page.get_by_text("Products imported: 3").first).to_be_visible()
        expect(page.locator("#photo-summary")).to_have_text("Photos added: 3 · Photos not added: 1", timeout=60_000)
        failure = page.locator(".photo-failure")
        expect(failure).to_have_count(1)
        expect(failure).to_contain_text("IMP-BAG")
        expect(failure).to_contain_text("receipt.jpg")
        expect(failure).to_contain_text("This file is not an image.")
        shoot(page, "import-photos-done")
        assert site.requests == ["/jacket.jpg"]

    assert _gallery(seller.id, "IMP-DRESS") == [(1200, 1600), (1200, 1600)]  # in the CSV's order
    assert _gallery(seller.id, "IMP-JACKET") == [(1000, 1000)]
    assert _gallery(seller.id, "IMP-BAG") == []
    # The ZIP is not kept once its photos are in.
    assert not [key for key in get_storage().list(user_prefix(seller.id)) if "/imports/" in key]

    # The imported products, with their covers, are in the catalogue.
    page.goto(f"{app_server}/products")
    expect(page.get_by_text("Imported red dress")).to_be_visible()
    expect(page.get_by_text("Imported green jacket")).to_be_visible()

    # The dashboard's activity names the job in words, with its outcome.
    page.goto(f"{app_server}/dashboard")
    expect(page.locator("#activity")).to_contain_text("Photos of a CSV import")
    expect(page.locator("#activity")).to_contain_text("Photos added: 3 · Photos not added: 1")
    shoot(page, "dashboard-after-import")
