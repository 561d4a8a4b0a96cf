"""End to end: a seller creates a product in the editor, finds it, edits it, and works on
the catalogue in bulk."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from stoflow.db.tenancy import tenant_session
from stoflow.models.tenant import Product
from tests.e2e.helpers import ON_PRODUCT, draft_products, signed_in
from tests.e2e.test_shell import Shoot

pytestmark = pytest.mark.e2e


def test_create_find_edit_and_bulk_change(page: Page, app_server: str, make_seller, shoot: Shoot) -> None:  # type: ignore[no-untyped-def]
    user_id = signed_in(page, app_server, make_seller)
    page.click("#nav-products")
    page.wait_for_url(re.compile(r"/products/?$"))
    expect(page.get_by_text("No products here yet")).to_be_visible()

    page.click("#new-product")
    page.wait_for_url(re.compile(r"/products/new/?$"))
    expect(page.locator("#product-save")).to_be_enabled()
    page.fill("#title", "Levi's 501 vintage jeans, straight fit, dark indigo wash, W32 L34, made in the USA, 1990s")
    expect(page.locator("#title-count-ebay")).to_contain_text("89/80")  # over eBay's limit: shown
    expect(page.locator("#title-count-ebay")).to_have_attribute("data-accent-color", "red")
    expect(page.locator("#title-count-vinted")).to_have_attribute("data-accent-color", "gray")
    page.fill("#title", "Levi's 501 vintage jeans W32")
    page.fill("#description", "Classic straight fit, barely worn.")
    page.select_option("#category", index=1)
    page.fill("#price", "-5")
    page.click("#product-save")
    expect(page.locator("#price-error")).to_have_text("A price cannot be negative.")
    page.fill("#price", "34.90")
    page.fill("#brand", "Levi")
    page.click("#product-save")
    page.wait_for_url(ON_PRODUCT)
    expect(page.get_by_text("Product saved.")).to_be_visible()
    product_id = int(ON_PRODUCT.search(page.url).group(1))  # type: ignore[union-attr]
    expect(page.locator("#product-sku")).to_contain_text("SF-")
    shoot(page, "product-editor-desktop")

    # Publishing needs what is missing: the editor says what.
    page.click("#to-published")
    expect(page.get_by_text("Complete the listing before publishing it.", exact=False)).to_be_visible()

    with tenant_session(user_id) as db:
        product = db.exec(select(Product).where(Product.id == product_id)).one()
        assert (product.title, str(product.price), product.status) == ("Levi's 501 vintage jeans W32", "34.90", "draft")

    # A second product, then search, then a bulk status change.
    page.goto(f"{app_server}/products/new")
    expect(page.locator("#product-save")).to_be_enabled()
    page.fill("#title", "Wool jumper")
    page.fill("#price", "20")
    page.click("#product-save")
    page.wait_for_url(ON_PRODUCT)
    with tenant_session(user_id) as db:
        jumper = db.exec(select(Product).where(Product.title == "Wool jumper")).one()
        jumper.size = "M"
        db.add(jumper)

    page.goto(f"{app_server}/products")
    expect(page.locator(".product-row")).to_have_count(2)
    page.fill("#products-search", "levi jea")
    page.press("#products-search", "Enter")
    expect(page.locator(".product-row")).to_have_count(1)
    expect(page.locator(".product-title")).to_have_text("Levi's 501 vintage jeans W32")
    shoot(page, "products-desktop")

    page.fill("#products-search", "")
    page.select_option("#products-category", index=1)  # the category the jeans have
    page.click("#products-apply")
    expect(page.locator(".product-row")).to_have_count(1)
    page.click("#view-grid")
    expect(page.locator(".product-card")).to_have_count(1)
    shoot(page, "products-grid-desktop")
    page.click("#view-table")
    page.select_option("#products-category", index=0)
    page.select_option("#products-size", "M")  # the sizes the seller's products carry
    page.click("#products-apply")
    expect(page.locator(".product-row")).to_have_count(1)
    expect(page.locator(".product-title")).to_have_text("Wool jumper")
    page.select_option("#products-size", "")
    page.click("#products-apply")
    expect(page.locator(".product-row")).to_have_count(2)

    # A price filter that is no amount: a message, and the list stays as it was.
    page.fill("#products-price-min", "1e999999999")
    page.click("#products-apply")
    expect(page.locator("#products-filter-error")).to_have_text(
        "Filter prices are amounts from 0 to 1,000,000, such as 24.90."
    )
    expect(page.locator(".product-row")).to_have_count(2)
    page.fill("#products-price-min", "25")
    page.click("#products-apply")
    expect(page.locator("#products-filter-error")).to_have_count(0)
    expect(page.locator(".product-row")).to_have_count(1)
    page.fill("#products-price-min", "")
    page.click("#products-apply")
    expect(page.locator(".product-row")).to_have_count(2)
    page.click("#select-page")
    page.click("#bulk-status")
    page.get_by_role("menuitem", name="Archived").click()
    expect(page.get_by_text("Changed: 2")).to_be_visible()
    expect(page.locator("#tab-archived")).to_contain_text("2")

    # A price change by percentage: 34.90 and 20.00 go up by 10 %.
    page.click("#tab-archived")
    expect(page.locator(".product-row")).to_have_count(2)
    page.click("#select-page")
    page.click("#bulk-edit")
    page.fill("#bulk-value", "10")
    page.click("#bulk-apply")
    expect(page.locator(".product-row").filter(has_text="38.39 EUR")).to_have_count(1)
    expect(page.locator(".product-row").filter(has_text="22.00 EUR")).to_have_count(1)
    with tenant_session(user_id) as db:
        prices = sorted(str(p.price) for p in db.exec(select(Product)).all())
    assert prices == ["22.00", "38.39"]

    page.click("#select-page")
    page.click("#bulk-trash")
    page.click("#confirm-trash")
    expect(page.locator(".product-row")).to_have_count(0)
    page.click("#tab-trash")
    expect(page.locator(".product-row")).to_have_count(2)


def test_a_save_over_someone_elses_is_refused(page: Page, app_server: str, make_seller) -> None:  # type: ignore[no-untyped-def]
    user_id = signed_in(page, app_server, make_seller)
    page.goto(f"{app_server}/products/new")
    expect(page.locator("#product-save")).to_be_enabled()
    page.fill("#title", "First title")
    page.click("#product-save")
    page.wait_for_url(ON_PRODUCT)
    expect(page.get_by_text("Product saved.")).to_be_visible()
    product_id = int(ON_PRODUCT.search(page.url).group(1))  # type: ignore[union-attr]
    page.goto(f"{app_server}/products/{product_id}")  # the editor as it opens: version 1
    expect(page.locator("#product-status")).to_be_visible()
    expect(page.locator("#title")).to_have_value("First title")

    with tenant_session(user_id) as db:  # another tab saved meanwhile
        product = db.get(Product, product_id)
        assert product is not None
        product.title, product.version = "Saved elsewhere", product.version + 1
        db.add(product)

    page.fill("#title", "My late edit")
    page.click("#product-save")
    expect(page.get_by_text("This product was changed elsewhere. Reload it to see the latest version.")).to_be_visible()
    with tenant_session(user_id) as db:
        assert db.get(Product, product_id).title == "Saved elsewhere"  # type: ignore[union-attr]


def test_another_sellers_product_page_shows_nothing(page: Page, app_server: str, make_seller) -> None:  # type: ignore[no-untyped-def]
    owner = make_seller()
    with tenant_session(owner.id) as db:
        secret = Product(sku="OWNER-1", title="Owner's secret jacket")
        db.add(secret)
        db.flush()
        secret_id = secret.id
    signed_in(page, app_server, make_seller)
    page.goto(f"{app_server}/products/{secret_id}")
    expect(page.locator("#product-missing")).to_be_visible()
    assert "secret jacket" not in page.content()


def test_a_bulk_change_of_hundreds_runs_as_a_job_with_its_progress(  # type: ignore[no-untyped-def]
    page: Page, app_server: str, worker: None, make_seller, shoot: Shoot
) -> None:
    """Beyond 200 products the change is a Celery job: the bar moves, then the summary shows."""
    user_id = signed_in(page, app_server, make_seller)
    draft_products(user_id, 250, sku_prefix="JOB", title="Tee-shirt")

    page.goto(f"{app_server}/products")
    expect(page.locator("#tab-draft")).to_contain_text("250")
    page.click("#select-page")
    page.click("#select-all-matching")
    expect(page.locator("#selection")).to_contain_text("250")
    page.click("#bulk-edit")
    page.fill("#bulk-value", "10")
    page.click("#bulk-apply")
    expect(page.locator("#bulk-job-progress")).to_be_visible()
    shoot(page, "products-bulk-job")
    expect(page.get_by_text("Bulk change finished: Changed: 250")).to_be_visible(timeout=60_000)
    expect(page.locator("#bulk-job-progress")).to_have_count(0)
    expect(page.locator(".product-row").first).to_contain_text("11.00 EUR")
    with tenant_session(user_id) as db:
        assert {product.price for product in db.exec(select(Product)).all()} == {Decimal("11.00")}
