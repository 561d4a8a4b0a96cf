"""CSV export and import of products: round trip, per-row errors, all-or-nothing, the download route."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlmodel import Session, col, func, select

from stoflow.api import create_api
from stoflow.catalog import csv_io
from stoflow.catalog.csv_io import CsvError, ImportRefused
from stoflow.catalog.products import ProductQuery
from stoflow.db.tenancy import tenant_session
from stoflow.models.tenant.products import Product, ProductStatus
from tests.isolation.conftest import api_client, signed_in_cookies

HEADER = "sku,title,price,category,status\n"


def _full_product(db: Session, sku: str, **fields: object) -> Product:
    values: dict[str, object] = dict(
        sku=sku,
        status=ProductStatus.archived.value,
        title=f"Levi's 501 {sku}",
        description='Straight jeans, "vintage" wash;\nsecond line, with a comma',
        category="jeans",
        gender="men",
        brand="Levi's",
        size="W32",
        colors=["blue", "white"],
        materials=[{"key": "cotton", "percent": 98}, {"key": "elastane", "percent": 2}],
        condition=8,
        condition_details="Tiny mark on the back pocket",
        attributes={"fit": "straight", "rise": "high"},
        measurements={"waist": 41.5, "length": 102.0},
        price=Decimal("39.90"),
        currency="EUR",
        cost_price=Decimal("8.00"),
        quantity=2,
        length_cm=30,
        width_cm=20,
        height_cm=5,
        weight_g=650,
        notes="Bought at the Lille braderie",
    )
    product = Product(**{**values, **fields})
    db.add(product)
    db.flush()
    return product


def _export(db: Session, query: ProductQuery | None = None) -> bytes:
    return "".join(csv_io.export_csv(db, query or ProductQuery())).encode("utf-8")


def _count(db: Session) -> int:
    return int(db.exec(select(func.count()).select_from(Product)).one())


def _comparable(product: Product) -> dict[str, object]:
    return {name: getattr(product, name) for name in csv_io.EDITABLE_COLUMNS}


@pytest.fixture
def seller_id(make_seller) -> int:  # type: ignore[no-untyped-def]
    return make_seller().id


def test_export_then_import_into_another_seller_gives_equal_products(seller_id: int, make_seller) -> None:  # type: ignore[no-untyped-def]
    other = make_seller().id
    with tenant_session(seller_id) as db:
        originals = [
            _full_product(db, "JEANS-1"),
            _full_product(db, "JEANS-2", title='=HYPERLINK("http://evil")', cost_price=None, colors=[]),
            _full_product(db, "JEANS-3", status=ProductStatus.draft.value, materials=[], attributes={}),
        ]
        data = _export(db)
        expected = [_comparable(product) for product in originals]

    assert data.startswith("\ufeff".encode())
    assert b"'=HYPERLINK" in data  # a spreadsheet shows the formula as text
    with tenant_session(other) as db:
        preview = csv_io.preview_import(db, data)
        assert (preview.valid, preview.invalid, preview.ignored_columns) == (3, 0, [])
        result = csv_io.run_import(db, preview, valid_rows_only=False)
        imported = list(db.exec(select(Product).order_by(col(Product.id))).all())

    assert result.created == 3 and result.skipped == 0
    assert [_comparable(product) for product in imported] == expected


def test_published_rows_are_imported_as_drafts_since_photos_are_not(seller_id: int) -> None:
    data = (HEADER + "P-1,Shirt,10.00,,published\nP-2,Skirt,12.00,,sold\n").encode()
    with tenant_session(seller_id) as db:
        result = csv_io.run_import(db, csv_io.preview_import(db, data), valid_rows_only=False)
        statuses = db.exec(select(Product.sku, Product.status).order_by(col(Product.id))).all()
    assert result.unpublished == 1
    assert statuses == [("P-1", "draft"), ("P-2", "sold")]


def test_preview_lists_errors_per_row_with_their_line(seller_id: int) -> None:
    from stoflow.catalog.choices import reference_check

    data = (
        HEADER
        + "OK-1,Good shirt,12.50,,draft\n"
        + "BAD-1,Bad price,12.5x,,draft\n"
        + "BAD-2,Odd category,10,no-such-category,draft\n"
        + "BAD-3,Odd status,10,,lost\n"
    ).encode()
    with tenant_session(seller_id) as db:
        preview = csv_io.preview_import(db, data, known=reference_check())

    assert (preview.valid, preview.invalid) == (1, 3)
    assert [(row.line, row.errors) for row in preview.rows] == [
        (2, {}),
        (3, {"price": "price_invalid"}),
        (4, {"category": "category_unknown"}),
        (5, {"status": "status_unknown"}),
    ]


def test_a_file_with_an_error_imports_nothing(seller_id: int) -> None:
    data = (HEADER + "A-1,Shirt,10,,draft\nA-2,Skirt,-3,,draft\nA-3,Coat,50,,draft\n").encode()
    with tenant_session(seller_id) as db:
        preview = csv_io.preview_import(db, data)
        with pytest.raises(ImportRefused) as refused:
            csv_io.run_import(db, preview, valid_rows_only=False)
        assert [row.line for row in refused.value.errors] == [3]
        assert _count(db) == 0


def test_importing_the_valid_rows_only_skips_the_others(seller_id: int) -> None:
    data = (HEADER + "A-1,Shirt,10,,draft\nA-2,Skirt,-3,,draft\nA-3,Coat,50,,draft\n").encode()
    with tenant_session(seller_id) as db:
        result = csv_io.run_import(db, csv_io.preview_import(db, data), valid_rows_only=True)
        skus = db.exec(select(Product.sku).order_by(col(Product.id))).all()
    assert (result.created, result.skipped) == (2, 1)
    assert skus == ["A-1", "A-3"]


def test_skus_already_used_or_repeated_in_the_file_are_row_errors(seller_id: int) -> None:
    with tenant_session(seller_id) as db:
        _full_product(db, "TAKEN")
        data = (HEADER + "TAKEN,Shirt,10,,draft\nNEW-1,Skirt,10,,draft\nNEW-1,Coat,10,,draft\n,No SKU,5,,\n").encode()
        preview = csv_io.preview_import(db, data)
    assert [row.errors for row in preview.rows] == [{"sku": "sku_taken"}, {}, {"sku": "sku_taken"}, {}]


def test_a_sku_taken_between_preview_and_import_refuses_the_whole_file(seller_id: int) -> None:
    data = (HEADER + "LATE-1,Shirt,10,,draft\nLATE-2,Skirt,10,,draft\n").encode()
    with tenant_session(seller_id) as db:
        preview = csv_io.preview_import(db, data)
        _full_product(db, "LATE-2")  # saved meanwhile, in another tab
        with pytest.raises(ImportRefused) as refused:
            csv_io.run_import(db, preview, valid_rows_only=False)
        assert refused.value.errors[0].errors == {"sku": "sku_taken"}
        assert db.exec(select(Product.sku)).all() == ["LATE-2"]


def test_semicolons_a_bom_and_decimal_commas_are_read(seller_id: int) -> None:
    data = '\ufeffsku;title;price;colors;notes\nFR-1;Pull en laine;12,50;["red"];Taille grand, lavé\n'.encode()
    with tenant_session(seller_id) as db:
        preview = csv_io.preview_import(db, data)
        assert preview.invalid == 0
        csv_io.run_import(db, preview, valid_rows_only=False)
        product = db.exec(select(Product)).one()
    assert (product.sku, product.title, product.price, product.colors) == (
        "FR-1",
        "Pull en laine",
        Decimal("12.50"),
        ["red"],
    )
    assert product.notes == "Taille grand, lavé"


def test_bad_json_cells_and_unknown_columns(seller_id: int) -> None:
    data = b"title,colors,attributes,photo_urls,my_column\nShirt,not json,[1],https://example.com/a.jpg,x\n"
    with tenant_session(seller_id) as db:
        preview = csv_io.preview_import(db, data)
    assert preview.rows[0].errors == {"colors": "json_invalid", "attributes": "json_invalid"}
    assert preview.ignored_columns == ["my_column"] and preview.rows[0].photos == ["https://example.com/a.jpg"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"sku,title\n" + b"x,y\n" * (csv_io.MAX_ROWS + 1), "csv_too_many_rows"),
        (b"title\n" + b"a" * (csv_io.MAX_BYTES + 1), "csv_too_large"),
        ("title\nPull léger\n".encode("latin-1"), "csv_not_utf8"),
        (b"sku,price\nA,10\n", "csv_no_title_column"),
        (b"\xef\xbb\xbf  \n", "csv_empty"),
        (b"title\n", "csv_empty"),
    ],
)
def test_files_refused_as_a_whole(seller_id: int, data: bytes, code: str) -> None:
    with tenant_session(seller_id) as db, pytest.raises(CsvError) as refused:
        csv_io.preview_import(db, data)
    assert refused.value.code == code


# --- The download route --------------------------------------------------------------------


def test_the_export_route_needs_a_session() -> None:
    response = api_client(create_api(), {}).get("/api/products/export.csv")
    assert response.status_code == 401 and response.json() == {"error": "not_signed_in"}


def test_the_export_route_streams_only_the_signed_in_sellers_products(seller_id: int, make_seller) -> None:  # type: ignore[no-untyped-def]
    other = make_seller().id
    with tenant_session(seller_id) as db:
        _full_product(db, "MINE-ARCHIVED")
        _full_product(db, "MINE-DRAFT", status=ProductStatus.draft.value, title="Wool coat")
    with tenant_session(other) as db:
        _full_product(db, "THEIRS-1")

    client = api_client(create_api(), signed_in_cookies(seller_id))
    everything = client.get("/api/products/export.csv")
    drafts = client.get("/api/products/export.csv", params={"status": "draft"})
    coats = client.get("/api/products/export.csv", params={"search": "wool"})

    assert everything.status_code == 200
    assert everything.headers["content-type"].startswith("text/csv")
    assert everything.headers["content-disposition"].startswith('attachment; filename="stoflow-products-')
    rows = list(csv.DictReader(io.StringIO(everything.content.decode("utf-8-sig"))))
    assert [row["sku"] for row in rows] == ["MINE-ARCHIVED", "MINE-DRAFT"]
    assert "THEIRS" not in everything.text
    assert "MINE-ARCHIVED" not in drafts.text and "MINE-DRAFT" in drafts.text
    assert "MINE-ARCHIVED" not in coats.text and "MINE-DRAFT" in coats.text
