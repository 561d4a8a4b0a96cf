"""Products of one seller: create, edit (with a version check), status, Trash, duplicate,
and the keyset-paged queries of the products page.

Every function takes the seller's tenant session (stoflow.db.tenancy.tenant_session):
the schema is the seller's, so an id of another seller simply does not exist here.
"""

from __future__ import annotations

import base64
import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from stoflow.accounts.schemas import FieldErrors
from stoflow.catalog.rules import MAX_PRICE, ProductInput, can_move, publish_problems
from stoflow.models.base import utcnow
from stoflow.models.tenant.products import Product, ProductPhoto, ProductStatus

TRASH_KEPT_FOR = timedelta(days=30)
PAGE_SIZES = (25, 50, 100)
EDITABLE = tuple(field.name for field in dataclasses.fields(ProductInput) if field.name != "sku")


class ProductError(Exception):
    """A refused operation on a product. `code` is an i18n key."""

    def __init__(self, code: str, *, problems: list[str] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.problems = problems or []


def _get(db: Session, product_id: int, *, for_update: bool = False) -> Product:
    query = select(Product).where(col(Product.id) == product_id, col(Product.deleted_at).is_(None))
    product = db.exec(query.with_for_update() if for_update else query).first()
    if product is None:
        raise ProductError("product_not_found")
    return product


def get_product(db: Session, product_id: int) -> Product:
    return _get(db, product_id)


def _next_sku(db: Session) -> str:
    number = db.exec(select(func.count()).select_from(Product)).one() + 1
    while True:
        sku = f"SF-{number:06d}"
        if db.exec(select(Product.id).where(Product.sku == sku)).first() is None:
            return sku
        number += 1


def _save_sku(db: Session, product: Product) -> None:
    try:
        with db.begin_nested():
            db.add(product)
            db.flush()
    except IntegrityError:
        raise FieldErrors({"sku": "sku_taken"}) from None


def create_product(db: Session, data: ProductInput) -> Product:
    """A new draft; the SKU is generated unless the seller gave one."""
    product = Product(**{name: getattr(data, name) for name in EDITABLE}, sku=data.sku or _next_sku(db))
    _save_sku(db, product)
    return product


def update_product(db: Session, product_id: int, data: ProductInput, *, version: int) -> Product:
    """Save the editor's fields over `version`; refused if someone saved in between."""
    product = _get(db, product_id, for_update=True)
    if product.status == ProductStatus.sold:
        raise ProductError("product_sold_locked")
    if product.version != version:
        raise ProductError("product_changed_elsewhere")
    for name in EDITABLE:
        setattr(product, name, getattr(data, name))
    if data.sku and data.sku != product.sku:
        product.sku = data.sku
    product.version += 1
    product.updated_at = utcnow()
    _save_sku(db, product)
    return product


def photo_count(db: Session, product_id: int, *, publishable_only: bool = True) -> int:
    query = select(func.count()).select_from(ProductPhoto).where(col(ProductPhoto.product_id) == product_id)
    if publishable_only:
        query = query.where(col(ProductPhoto.is_label).is_(False))
    return int(db.exec(query).one())


def change_status(db: Session, product_id: int, target: str, *, version: int | None = None) -> Product:
    """Move a product along the allowed transitions; publishing needs a complete listing."""
    product = _get(db, product_id, for_update=True)
    if version is not None and product.version != version:
        raise ProductError("product_changed_elsewhere")
    if product.status == target:
        return product
    if not can_move(product.status, target):
        raise ProductError("status_not_allowed")
    if target == ProductStatus.published:
        problems = publish_problems_of(product, photo_count(db, product_id))
        if problems:
            raise ProductError("publish_incomplete", problems=problems)
    product.status = target
    product.sold_at = utcnow() if target == ProductStatus.sold else product.sold_at
    product.version += 1
    product.updated_at = utcnow()
    db.add(product)
    db.flush()
    return product


def trash(db: Session, product_ids: list[int]) -> int:
    """Move products to the Trash (restorable for TRASH_KEPT_FOR); returns how many."""
    result = db.exec(
        update(Product)
        .where(col(Product.id).in_(product_ids), col(Product.deleted_at).is_(None))
        .values(deleted_at=utcnow(), version=Product.version + 1)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def restore(db: Session, product_ids: list[int]) -> int:
    result = db.exec(
        update(Product)
        .where(col(Product.id).in_(product_ids), col(Product.deleted_at).is_not(None))
        .values(deleted_at=None, version=Product.version + 1)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def trashed_to_purge(db: Session, *, now: datetime | None = None) -> list[int]:
    """Products in the Trash for longer than TRASH_KEPT_FOR (their photos go first)."""
    cutoff = (now or utcnow()) - TRASH_KEPT_FOR
    return list(db.exec(select(Product.id).where(col(Product.deleted_at) < cutoff)).all())  # type: ignore[arg-type]


def duplicate(db: Session, product_id: int) -> Product:
    """A draft copy with a new SKU (photos are copied by the photo service)."""
    source = _get(db, product_id)
    copy = Product(
        **{name: getattr(source, name) for name in EDITABLE},
        sku=_next_sku(db),
    )
    _save_sku(db, copy)
    return copy


# --- the products page ----------------------------------------------------------------

SortKey = Literal["newest", "oldest", "price_asc", "price_desc", "title"]
_SORTS: dict[str, tuple[Any, bool]] = {
    "newest": (col(Product.id), True),
    "oldest": (col(Product.id), False),
    "price_asc": (col(Product.price), False),
    "price_desc": (col(Product.price), True),
    "title": (func.lower(col(Product.title)), False),
}


@dataclass(frozen=True)
class ProductQuery:
    search: str = ""
    status: str | None = None  # None: every status; "trash": the Trash
    category: str | None = None
    brand: str | None = None
    size: str | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    added_since: datetime | None = None
    sort: str = "newest"
    page_size: int = 25
    after: str | None = None  # the cursor of the previous page's last row

    def __post_init__(self) -> None:
        # A bound beyond the price column's 10 digits would make PostgreSQL refuse the query.
        for bound in (self.price_min, self.price_max):
            if bound is not None and not (bound.is_finite() and 0 <= bound <= MAX_PRICE):
                raise ProductError("price_filter_invalid")


def price_bound(typed: str) -> Decimal | None:
    """A price filter as the seller typed it ("12,50", "12.5"); None when empty.

    ProductError("price_filter_invalid") unless it is an amount from 0 to MAX_PRICE.
    """
    text = typed.strip().replace(",", ".").replace(" ", "")
    if not text:
        return None
    try:
        value = Decimal(text) if len(text) <= 20 else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not 0 <= value <= MAX_PRICE:
        raise ProductError("price_filter_invalid")
    return value


@dataclass(frozen=True)
class ProductPage:
    rows: list[Product]
    next_cursor: str | None
    total: int


def _search_terms(text: str) -> str | None:
    """A prefix query for PostgreSQL text search: "lev jean" -> "lev:* & jean:*"."""
    words = re.findall(r"\w+", text.lower())
    return " & ".join(f"{word}:*" for word in words[:8]) or None


def _cursor(value: Any, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{value}|{row_id}".encode()).decode()


def _uncursor(cursor: str) -> tuple[str, int] | None:
    try:
        value, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().rsplit("|", 1)
        return value, int(row_id)
    except (ValueError, UnicodeDecodeError):
        return None


def filter_products(query: Any, criteria: ProductQuery) -> Any:
    if criteria.status == "trash":
        query = query.where(col(Product.deleted_at).is_not(None))
    else:
        query = query.where(col(Product.deleted_at).is_(None))
        if criteria.status:
            query = query.where(col(Product.status) == criteria.status)
    terms = _search_terms(criteria.search)
    if terms:
        by_words = col(Product.search).op("@@")(func.to_tsquery("simple", terms))
        sku_prefix = criteria.search.strip().lower().replace("\\", "").replace("%", "").replace("_", "\\_")
        query = query.where(or_(by_words, func.lower(col(Product.sku)).like(f"{sku_prefix}%")))
    for name in ("category", "brand", "size"):
        wanted = getattr(criteria, name)
        if wanted:
            query = query.where(getattr(Product, name) == wanted)
    if criteria.price_min is not None:
        query = query.where(col(Product.price) >= criteria.price_min)
    if criteria.price_max is not None:
        query = query.where(col(Product.price) <= criteria.price_max)
    if criteria.added_since is not None:
        query = query.where(col(Product.created_at) >= criteria.added_since)
    return query


def list_products(db: Session, criteria: ProductQuery) -> ProductPage:
    """One page of products (keyset pagination: constant cost however deep the page)."""
    size = criteria.page_size if criteria.page_size in PAGE_SIZES else PAGE_SIZES[0]
    sort_column, descending = _SORTS.get(criteria.sort, _SORTS["newest"])
    query = filter_products(select(Product), criteria)
    cursor = _uncursor(criteria.after) if criteria.after else None
    if cursor is not None:
        raw, last_id = cursor
        value: Any = raw
        if criteria.sort in ("price_asc", "price_desc"):
            value = Decimal(raw)
        elif criteria.sort in ("newest", "oldest"):
            value = int(raw)
        key = (sort_column, col(Product.id))
        boundary = (value, last_id)
        query = query.where(
            func.row(*key) < func.row(*boundary) if descending else func.row(*key) > func.row(*boundary)
        )
    order = (sort_column.desc(), col(Product.id).desc()) if descending else (sort_column, col(Product.id))
    rows = list(db.exec(query.order_by(*order).limit(size + 1)).all())
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        sort_value = {
            "price_asc": last.price,
            "price_desc": last.price,
            "title": last.title.lower(),
        }.get(criteria.sort, last.id)
        next_cursor = _cursor(sort_value, last.id)  # type: ignore[arg-type]
    total = int(db.exec(filter_products(select(func.count()).select_from(Product), criteria)).one())
    return ProductPage(rows=rows, next_cursor=next_cursor, total=total)


def sizes_in_use(db: Session, *, limit: int = 300) -> list[str]:
    """The sizes the seller's live products carry, sorted: the choices of the size filter."""
    rows = db.exec(
        select(Product.size)
        .where(col(Product.deleted_at).is_(None), col(Product.size).is_not(None), col(Product.size) != "")
        .distinct()
        .order_by(col(Product.size))
        .limit(limit)
    ).all()
    return [str(size) for size in rows]


def status_counts(db: Session) -> dict[str, int]:
    """How many products per status, and in the Trash."""
    counts = {status.value: 0 for status in ProductStatus}
    rows = db.exec(
        select(Product.status, func.count()).where(col(Product.deleted_at).is_(None)).group_by(Product.status)
    ).all()
    counts.update({status: int(count) for status, count in rows})
    counts["trash"] = int(
        db.exec(select(func.count()).select_from(Product).where(col(Product.deleted_at).is_not(None))).one()
    )
    return counts


def publish_problems_of(product: Product, photos: int) -> list[str]:
    """What keeps this product from being published (shown by the editor)."""
    return publish_problems(
        title=product.title,
        description=product.description,
        price=product.price,
        category=product.category,
        condition=product.condition,
        quantity=product.quantity,
        photos=photos,
    )
