"""Products to and from CSV: a streamed export of every field, and an import with a preview.

The import reads the export's own columns (any order; unknown columns are ignored and
named in the preview). Colours, materials, attributes and measurements are JSON cells.
Each row is checked by the editor's rules (stoflow.catalog.rules.parse_input), so a row
the editor would refuse is refused here with the same codes. Nothing is imported while a
row has an error, unless the seller chooses to import the valid rows only.

Photos: a `photos` column (or `photo_urls`) names each product's photos, as links or as
files of a ZIP uploaded with the CSV; the preview checks them and the import hands them to
a `photo_import` job (stoflow.catalog.photo_import).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from stoflow.accounts.schemas import FieldErrors
from stoflow.catalog import products as catalog
from stoflow.catalog.photo_import import PHOTO_COLUMNS, PhotoArchive, PhotoItem, check_refs, is_link, photo_refs
from stoflow.catalog.rules import ProductInput, ReferenceCheck, accept_any, parse_input
from stoflow.models.base import utcnow
from stoflow.models.tenant.products import Product, ProductPhoto, ProductStatus

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
MAX_PHOTOS = 20_000  # photo entries of one import (links and ZIP names together)
EXPORT_BATCH = 500
JSON_COLUMNS = ("colors", "materials", "attributes", "measurements")
EDITABLE_COLUMNS = (
    "sku",
    "status",
    "title",
    "description",
    "category",
    "gender",
    "brand",
    "size",
    "colors",
    "materials",
    "condition",
    "condition_details",
    "attributes",
    "measurements",
    "price",
    "currency",
    "cost_price",
    "quantity",
    "length_cm",
    "width_cm",
    "height_cm",
    "weight_g",
    "notes",
)
READ_ONLY_COLUMNS = ("photo_count", "created_at", "updated_at")  # exported for information, ignored on import
HEADER = (*EDITABLE_COLUMNS, *READ_ONLY_COLUMNS)
IMPORT_ONLY_COLUMNS = PHOTO_COLUMNS  # links or ZIP file names, fetched after the import
# A cell starting with one of these is a formula to a spreadsheet: exported behind a quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvError(Exception):
    """A file refused as a whole. `code` is an i18n key (stoflow.texts.bulk)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# --- Export -------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def export_csv(db: Session, query: catalog.ProductQuery) -> Iterator[str]:
    """The products `query` matches, oldest first, as CSV lines (a BOM first, for spreadsheets).

    Streams in batches of 500: the whole catalogue is never in memory.
    """
    yield "\ufeff" + _line(list(HEADER))
    last_id = 0
    while True:
        batch = list(
            db.exec(
                catalog.filter_products(select(Product), query)
                .where(col(Product.id) > last_id)
                .order_by(col(Product.id))
                .limit(EXPORT_BATCH)
            ).all()
        )
        if not batch:
            return
        ids = [product.id for product in batch]
        counts = dict(
            db.exec(  # type: ignore[call-overload]
                select(ProductPhoto.product_id, func.count())
                .where(col(ProductPhoto.product_id).in_(ids), col(ProductPhoto.is_label).is_(False))
                .group_by(col(ProductPhoto.product_id))
            ).all()
        )
        for product in batch:
            row = {name: getattr(product, name) for name in EDITABLE_COLUMNS}
            row.update(photo_count=counts.get(product.id, 0), created_at=product.created_at)
            row["updated_at"] = product.updated_at
            yield _line([_cell(row[name]) for name in HEADER])
        last_id = batch[-1].id or 0


# --- Import -------------------------------------------------------------------------------


@dataclass
class RowResult:
    line: int  # in the file, the header being line 1
    values: dict[str, str]  # the row's known cells, as read
    errors: dict[str, str]  # column -> error code
    product: ProductInput | None = field(default=None, repr=False)
    status: str = ProductStatus.draft.value
    photos: list[str] = field(default_factory=list)  # links or ZIP file names, in order

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportPreview:
    rows: list[RowResult]
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def photo_links(self) -> int:
        return sum(is_link(ref) for row in self.rows if row.ok for ref in row.photos)

    @property
    def photo_files(self) -> int:
        return sum(not is_link(ref) for row in self.rows if row.ok for ref in row.photos)

    @property
    def valid(self) -> int:
        return sum(1 for row in self.rows if row.ok)

    @property
    def invalid(self) -> int:
        return len(self.rows) - self.valid


@dataclass
class ImportResult:
    created: int
    skipped: int  # invalid rows left out (valid_rows_only)
    unpublished: int  # rows marked published, imported as drafts (photos come afterwards)
    errors: list[RowResult] = field(default_factory=list)
    photo_items: list[PhotoItem] = field(default_factory=list)  # the photos to fetch, per product


class ImportRefused(CsvError):
    """Nothing was imported: these rows have errors (the import was all-or-nothing)."""

    def __init__(self, errors: list[RowResult]) -> None:
        super().__init__("import_has_errors")
        self.errors = errors


def _text_of(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise CsvError("csv_too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvError("csv_not_utf8") from None
    if "\x00" in text:
        raise CsvError("csv_unreadable")
    if not text.strip():
        raise CsvError("csv_empty")
    return text


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def _unquote(cell: str) -> str:
    """Undo the export's formula guard: `'=x` back to `=x`."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in _FORMULA_STARTS and cell[1:2] else cell


def _cached(known: ReferenceCheck) -> ReferenceCheck:
    # The reference check may query the database per call: 5,000 rows ask the same few values.
    return lru_cache(maxsize=4096)(known)


def _row_data(values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {name: values.get(name, "") for name in EDITABLE_COLUMNS if name not in JSON_COLUMNS}
    if not values.get("quantity", "").strip():
        data.pop("quantity")  # the editor's default: 1
    for name in JSON_COLUMNS:
        raw = values.get(name, "").strip()
        if not raw:
            data[name] = {} if name in ("attributes", "measurements") else []
            continue
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        expected: type = dict if name in ("attributes", "measurements") else list
        if not isinstance(parsed, expected):
            errors[name] = "json_invalid"
            parsed = expected()
        if isinstance(parsed, dict) and name == "measurements":
            parsed = {key: str(value) for key, value in parsed.items()}
        data[name] = parsed
    return data


def _check_row(
    line: int, values: dict[str, str], known: ReferenceCheck, archive: PhotoArchive | None = None
) -> RowResult:
    errors: dict[str, str] = {}
    photos = photo_refs("|".join(values.pop(name, "") for name in PHOTO_COLUMNS))
    photo_problem = check_refs(photos, archive)
    if photo_problem is not None:
        errors["photos"] = photo_problem
    data = _row_data(values, errors)
    product: ProductInput | None = None
    try:
        product = parse_input(data, known=known)
    except FieldErrors as invalid:
        errors.update(invalid.errors)
    except (AttributeError, TypeError, ValueError):  # JSON of the wrong shape inside a list
        errors.setdefault("materials", "json_invalid")
    status = values.get("status", "").strip().lower() or ProductStatus.draft.value
    if status not in {s.value for s in ProductStatus}:
        errors["status"] = "status_unknown"
    return RowResult(
        line=line, values=values, errors=errors, product=None if errors else product, status=status, photos=photos
    )


def preview_import(
    db: Session, data: bytes, *, known: ReferenceCheck = accept_any, archive: PhotoArchive | None = None
) -> ImportPreview:
    """Read and check a CSV file without writing anything.

    UTF-8 with or without BOM; `;` or `,` between cells; at most 5 MB, 5,000 rows and
    20,000 photos.
    Photo file names are looked up in `archive`, the ZIP uploaded with the file.
    CsvError for a file refused as a whole; otherwise every row with its errors.
    """
    text = _text_of(data)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        header = [name.strip().lower() for name in next(reader)]
        if "title" not in header:
            raise CsvError("csv_no_title_column")
        known_columns = set(HEADER) | set(IMPORT_ONLY_COLUMNS)
        ignored = [name for name in header if name and name not in known_columns]
        check = _cached(known)
        rows: list[RowResult] = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise CsvError("csv_too_many_rows")
            values = {
                name: _unquote(cell.strip())
                for name, cell in zip(header, cells, strict=False)
                if name in known_columns and name not in READ_ONLY_COLUMNS
            }
            rows.append(_check_row(reader.line_num, values, check, archive))
    except csv.Error:
        raise CsvError("csv_unreadable") from None
    except StopIteration:
        raise CsvError("csv_empty") from None
    if not rows:
        raise CsvError("csv_empty")
    if sum(len(row.photos) for row in rows) > MAX_PHOTOS:
        raise CsvError("csv_too_many_photos")
    _mark_sku_duplicates(db, rows)
    return ImportPreview(rows=rows, ignored_columns=ignored)


def _mark_sku_duplicates(db: Session, rows: list[RowResult]) -> None:
    """A SKU used by an existing product, or by an earlier row of the file: `sku_taken`."""
    wanted = [row.product.sku for row in rows if row.product is not None and row.product.sku]
    taken = set(db.exec(select(Product.sku).where(col(Product.sku).in_(wanted))).all()) if wanted else set()
    seen: set[str] = set()
    for row in rows:
        sku = row.values.get("sku", "").strip()
        if not sku:
            continue
        if sku in taken or sku in seen:
            row.errors["sku"] = "sku_taken"
            row.product = None
        seen.add(sku)


def _create(db: Session, row: RowResult) -> Product:
    """Create the row's product (a row published in the file is imported as a draft)."""
    assert row.product is not None
    product = catalog.create_product(db, row.product)
    if row.status in (ProductStatus.archived, ProductStatus.sold):
        product.status = row.status
        product.sold_at = utcnow() if row.status == ProductStatus.sold else None
        db.add(product)
        db.flush()
    return product


def run_import(db: Session, preview: ImportPreview, *, valid_rows_only: bool) -> ImportResult:
    """Create the previewed products, all in one transaction.

    All-or-nothing unless `valid_rows_only`: any row with an error, found in the preview or
    now (a SKU taken meanwhile), raises ImportRefused and nothing is written. With
    `valid_rows_only` the rows with errors are skipped and listed in the result.
    """
    failed = [row for row in preview.rows if not row.ok]
    if failed and not valid_rows_only:
        raise ImportRefused(failed)
    created = unpublished = 0
    photo_items: list[PhotoItem] = []
    with db.begin_nested():  # the whole import: undone together if any row fails
        for row in preview.rows:
            if not row.ok:
                continue
            try:
                with db.begin_nested():
                    product = _create(db, row)
            except FieldErrors as invalid:
                row.errors.update(invalid.errors)
                row.product = None
                failed.append(row)
                continue
            created += 1
            unpublished += row.status == ProductStatus.published
            if row.photos:
                photo_items.append(PhotoItem(product.id or 0, row.line, product.sku, row.photos))
        if failed and not valid_rows_only:
            raise ImportRefused(failed)
    return ImportResult(
        created=created, skipped=len(failed), unpublished=unpublished, errors=failed, photo_items=photo_items
    )
