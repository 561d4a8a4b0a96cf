"""Helpers the catalogue's end-to-end tests share: signing a seller in, photos to upload,
and what the editor's gallery shows."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page

from stoflow.catalog.photos import photos_of
from stoflow.db.tenancy import tenant_session
from stoflow.models.tenant import Product
from tests.e2e.test_shell import ON_DASHBOARD, sign_in

ON_PRODUCT = re.compile(r"/products/(\d+)/?$")
UPLOAD_INPUT = "#photo-upload input[type=file]"


def signed_in(page: Page, app_server: str, make_seller) -> int:  # type: ignore[no-untyped-def]
    """A new seller, signed in on the dashboard; their user id."""
    seller = make_seller(display_name="Nina Vintage")
    sign_in(page, app_server, seller.email)
    page.wait_for_url(ON_DASHBOARD)
    return seller.id


def jpeg_file(folder: Path, name: str, colour: tuple[int, int, int], size: tuple[int, int] = (900, 1200)) -> Path:
    """A real JPEG of one colour, written to `folder`."""
    path = folder / name
    Image.new("RGB", size, colour).save(path, "JPEG", quality=90)
    return path


def tile_ids(page: Page) -> list[int]:
    """The photo ids of the gallery's tiles, in the order shown."""
    return [
        int(value) for value in page.locator(".photo-tile").evaluate_all("tiles => tiles.map(t => t.dataset.photoId)")
    ]


def stored_photos(user_id: int, product_id: int) -> list[tuple[int, bool, str, str]]:
    """The product's photos in the database, in order: (id, is_label, full_key, thumb_key)."""
    with tenant_session(user_id) as db:
        return [(p.id or 0, p.is_label, p.full_key, p.thumb_key) for p in photos_of(db, product_id)]


def draft_products(user_id: int, count: int, *, sku_prefix: str, title: str) -> None:
    """`count` draft products of the seller at 10.00, titled "`title` <n>" (n from 0)."""
    with tenant_session(user_id) as db:
        for number in range(count):
            db.add(Product(sku=f"{sku_prefix}-{number:04d}", title=f"{title} {number}", price=Decimal("10.00")))
