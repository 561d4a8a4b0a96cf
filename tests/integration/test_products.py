"""Products in a seller's schema: create, edit with a version check, status, Trash,
duplicate, search and keyset paging."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from stoflow.accounts.schemas import FieldErrors
from stoflow.catalog import products as catalog
from stoflow.catalog.rules import parse_input
from stoflow.db.tenancy import tenant_session
from stoflow.models.base import utcnow
from stoflow.models.tenant import Product, ProductPhoto


@pytest.fixture
def seller(make_seller):  # type: ignore[no-untyped-def]
    return make_seller()


def _new(user_id: int, **fields: object) -> Product:
    with tenant_session(user_id) as db:
        product = catalog.create_product(db, parse_input({"title": "Jeans", "price": "20", **fields}))
        db.refresh(product)
        db.expunge(product)
        return product


def _add_photo(user_id: int, product_id: int, *, is_label: bool = False) -> None:
    with tenant_session(user_id) as db:
        db.add(
            ProductPhoto(
                product_id=product_id,
                is_label=is_label,
                full_key=f"u{user_id}/p{product_id}/x/full.jpg",
                thumb_key=f"u{user_id}/p{product_id}/x/thumb.webp",
                content_type="image/jpeg",
                width=10,
                height=10,
                size_bytes=10,
                sha256="0" * 64,
            )
        )


def test_skus_are_generated_unique_and_editable(seller) -> None:  # type: ignore[no-untyped-def]
    first, second = _new(seller.id), _new(seller.id)
    assert first.sku != second.sku and first.sku.startswith("SF-")
    with pytest.raises(FieldErrors) as taken, tenant_session(seller.id) as db:
        catalog.update_product(db, second.id, parse_input({"title": "x", "sku": first.sku}), version=second.version)  # type: ignore[arg-type]
    assert taken.value.errors == {"sku": "sku_taken"}
    custom = _new(seller.id, sku="MY-SKU-1")
    assert custom.sku == "MY-SKU-1"


def test_a_stale_save_is_refused_and_changes_nothing(seller) -> None:  # type: ignore[no-untyped-def]
    product = _new(seller.id)
    with tenant_session(seller.id) as db:
        saved = catalog.update_product(db, product.id, parse_input({"title": "First tab"}), version=product.version)  # type: ignore[arg-type]
        assert saved.version == product.version + 1
    with pytest.raises(catalog.ProductError) as stale, tenant_session(seller.id) as db:
        catalog.update_product(db, product.id, parse_input({"title": "Second tab"}), version=product.version)  # type: ignore[arg-type]
    assert stale.value.code == "product_changed_elsewhere"
    with tenant_session(seller.id) as db:
        assert catalog.get_product(db, product.id).title == "First tab"  # type: ignore[arg-type]


def test_publishing_needs_a_complete_listing_with_a_photo_that_is_not_the_label(seller) -> None:  # type: ignore[no-untyped-def]
    product = _new(seller.id, description="Blue", category="jeans", condition="8")
    _add_photo(seller.id, product.id, is_label=True)  # type: ignore[arg-type]
    with pytest.raises(catalog.ProductError) as refused, tenant_session(seller.id) as db:
        catalog.change_status(db, product.id, "published")  # type: ignore[arg-type]
    assert refused.value.code == "publish_incomplete" and refused.value.problems == ["publish_needs_photo"]
    _add_photo(seller.id, product.id)  # type: ignore[arg-type]
    with tenant_session(seller.id) as db:
        assert catalog.change_status(db, product.id, "published").status == "published"  # type: ignore[arg-type]
        assert catalog.change_status(db, product.id, "sold").sold_at is not None  # type: ignore[arg-type]
    with pytest.raises(catalog.ProductError) as locked, tenant_session(seller.id) as db:
        catalog.update_product(db, product.id, parse_input({"title": "edit"}), version=99)  # type: ignore[arg-type]
    assert locked.value.code == "product_sold_locked"
    with pytest.raises(catalog.ProductError) as back, tenant_session(seller.id) as db:
        catalog.change_status(db, product.id, "draft")  # type: ignore[arg-type]
    assert back.value.code == "status_not_allowed"


def test_trash_restore_and_purge_after_thirty_days(seller) -> None:  # type: ignore[no-untyped-def]
    kept, old = _new(seller.id), _new(seller.id)
    with tenant_session(seller.id) as db:
        assert catalog.trash(db, [kept.id, old.id]) == 2  # type: ignore[list-item]
        db.exec(update(Product).where(col(Product.id) == old.id).values(deleted_at=utcnow() - timedelta(days=31)))
    with tenant_session(seller.id) as db:
        assert catalog.status_counts(db)["trash"] == 2
        with pytest.raises(catalog.ProductError):
            catalog.get_product(db, kept.id)  # type: ignore[arg-type]
        assert catalog.trashed_to_purge(db) == [old.id]
        assert catalog.restore(db, [kept.id]) == 1  # type: ignore[list-item]
        assert catalog.get_product(db, kept.id).id == kept.id  # type: ignore[arg-type]


def test_duplicate_is_a_draft_with_a_new_sku(seller) -> None:  # type: ignore[no-untyped-def]
    source = _new(seller.id, brand="Levi's", colors=["blue"])
    with tenant_session(seller.id) as db:
        copy = catalog.duplicate(db, source.id)  # type: ignore[arg-type]
        assert (copy.title, copy.brand, copy.colors, copy.status) == ("Jeans", "Levi's", ["blue"], "draft")
        assert copy.sku != source.sku and copy.id != source.id


def test_search_filters_and_keyset_pages(seller) -> None:  # type: ignore[no-untyped-def]
    for number in range(7):
        _new(seller.id, title=f"Levi's 501 jeans {number}", brand="Levi's", price=str(10 + number))
    for number in range(5):
        _new(seller.id, title=f"Wool jumper {number}", description="cosy knit", price="30")
    with tenant_session(seller.id) as db:
        found = catalog.list_products(db, catalog.ProductQuery(search="lev jea"))
        assert found.total == 7 and all("Levi" in row.title for row in found.rows)
        assert catalog.list_products(db, catalog.ProductQuery(search="knit")).total == 5
        assert catalog.list_products(db, catalog.ProductQuery(search=found.rows[0].sku)).total == 1
        for jumper in catalog.list_products(db, catalog.ProductQuery(search="wool")).rows[:2]:
            jumper.size = "M"
            db.add(jumper)
        db.flush()
        assert catalog.sizes_in_use(db) == ["M"]
        assert catalog.list_products(db, catalog.ProductQuery(size="M")).total == 2
        cheap = catalog.list_products(db, catalog.ProductQuery(price_max=Decimal("12")))
        assert {row.price for row in cheap.rows} == {Decimal("10.00"), Decimal("11.00"), Decimal("12.00")}

        # Keyset pages: every product exactly once, in order, whatever the sort.
        for sort in ("newest", "oldest", "price_asc", "price_desc", "title"):
            seen: list[int] = []
            cursor = None
            while True:
                page = catalog.list_products(db, catalog.ProductQuery(sort=sort, page_size=25, after=cursor))
                seen += [row.id for row in page.rows]  # type: ignore[misc]
                cursor = page.next_cursor
                if cursor is None:
                    break
            assert len(seen) == len(set(seen)) == page.total == 12, sort

        small = catalog.list_products(db, catalog.ProductQuery(sort="price_asc", page_size=999))
        assert len(small.rows) == 12  # an unknown page size falls back to 25
        prices = [row.price for row in small.rows]
        assert prices == sorted(prices)


def test_a_garbage_cursor_is_ignored(seller) -> None:  # type: ignore[no-untyped-def]
    _new(seller.id)
    with tenant_session(seller.id) as db:
        assert catalog.list_products(db, catalog.ProductQuery(after="%%%not-base64")).total == 1


def test_status_counts(seller) -> None:  # type: ignore[no-untyped-def]
    product = _new(seller.id)
    _new(seller.id)
    with tenant_session(seller.id) as db:
        catalog.change_status(db, product.id, "archived")  # type: ignore[arg-type]
        counts = catalog.status_counts(db)
    assert counts == {"draft": 1, "published": 0, "sold": 0, "archived": 1, "trash": 0}


def test_another_sellers_product_id_does_not_exist_here(make_seller) -> None:  # type: ignore[no-untyped-def]
    owner, other = make_seller(), make_seller()
    product = _new(owner.id)
    with pytest.raises(catalog.ProductError) as missing, tenant_session(other.id) as db:
        catalog.get_product(db, product.id)  # type: ignore[arg-type]
    assert missing.value.code == "product_not_found"
    with tenant_session(other.id) as db:
        assert db.exec(select(Product)).all() == []


@pytest.mark.parametrize(
    "typed", ["1e999999999", "99999999999", "1000000.01", "-5", "NaN", "sNaN", "Infinity", "12.5x", "9" * 40]
)
def test_a_price_filter_that_is_no_price_is_refused_with_a_message_not_a_database_error(seller, typed: str) -> None:  # type: ignore[no-untyped-def]
    _new(seller.id, price="20")
    with pytest.raises(catalog.ProductError) as refused:
        catalog.price_bound(typed)
    assert refused.value.code == "price_filter_invalid"
    try:
        bound = Decimal(typed)
    except ArithmeticError:
        return  # not even a number: only the page's parsing sees it
    with tenant_session(seller.id) as db, pytest.raises(catalog.ProductError) as refused:
        catalog.list_products(db, catalog.ProductQuery(price_min=bound))
    assert refused.value.code == "price_filter_invalid"


def test_a_price_filter_reads_what_sellers_type(seller) -> None:  # type: ignore[no-untyped-def]
    _new(seller.id, price="12.50")
    assert catalog.price_bound("") is None
    assert catalog.price_bound(" 12,5 ") == Decimal("12.5")
    assert catalog.price_bound("1 000 000") == Decimal("1000000")
    with tenant_session(seller.id) as db:
        assert catalog.list_products(db, catalog.ProductQuery(price_min=catalog.price_bound("12,50"))).total == 1
        assert catalog.list_products(db, catalog.ProductQuery(price_min=catalog.price_bound("12,51"))).total == 0


@pytest.mark.parametrize("field", ["price", "cost_price", "quantity", "weight_g", "length_cm"])
def test_the_editor_and_the_csv_import_refuse_numbers_beyond_their_columns(field: str) -> None:
    """Both go through parse_input: a number too large for its column is a field error, never a crash."""
    for typed in ("1e999999999", "9" * 40, "NaN"):
        with pytest.raises(FieldErrors) as refused:
            parse_input({"title": "Jeans", field: typed})
        assert field in refused.value.errors
