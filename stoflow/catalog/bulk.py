"""Bulk actions on a seller's products: select every product matching the page's filters,
change status, Trash / restore, change prices, set category or brand; and the Trash purge.

`apply()` changes products one by one, each in a savepoint: a product that a rule refuses
(sold, price would drop to zero, status not allowed) is counted under its refusal code and
the others go on. Small selections (`SYNC_LIMIT`) are applied by the page at once; larger
ones run as a `bulk_edit` job (`start_bulk`) whose progress the page and dashboard show.

Every function takes the seller's tenant session unless it says otherwise: an id of
another seller does not exist in it, so it is refused as `product_not_found`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal, get_args

from sqlalchemy import delete
from sqlmodel import Session, col, select

from stoflow.catalog import products as catalog
from stoflow.catalog.photos import delete_product_files
from stoflow.catalog.rules import MAX_PRICE, ReferenceCheck, accept_any
from stoflow.db.tenancy import tenant_session
from stoflow.i18n import tr
from stoflow.jobs.service import (
    JobProgress,
    QueueUnavailable,
    commit_start,
    commit_step,
    commit_success,
    mark_failed,
    read_progress,
    send_job,
)
from stoflow.models import Job, JobStatus
from stoflow.models.base import utcnow
from stoflow.models.tenant.products import Product, ProductStatus
from stoflow.storage import Storage, StorageError

log = logging.getLogger(__name__)

BulkKind = Literal["status", "trash", "restore", "price_amount", "price_percent", "category", "brand"]
KINDS: tuple[str, ...] = get_args(BulkKind)
JOB_KIND = "bulk_edit"
SYNC_LIMIT = 200  # up to this many products, the page applies the action itself
CHUNK_SIZE = 100  # products per transaction of a bulk job (and per progress step)
MAX_SELECTION = 50_000
PERCENT_MIN, PERCENT_MAX = Decimal("-90"), Decimal("500")
CENT = Decimal("0.01")
BRAND_MAX = 120
CATEGORY_MAX = 64
# Sold products are history: only their status may move (sold -> archived).
_LOCKED_WHEN_SOLD = frozenset({"price_amount", "price_percent", "category", "brand"})


class BulkError(Exception):
    """A bulk action refused as a whole. `code` is an i18n key (stoflow.texts.bulk)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class BulkAction:
    """What to do to every selected product; `value` as the seller typed or chose it."""

    kind: str
    value: str = ""

    def as_payload(self) -> dict[str, str]:
        return {"kind": self.kind, "value": self.value}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> BulkAction:
        return cls(kind=str(payload.get("kind", "")), value=str(payload.get("value", "")))


@dataclass
class BulkResult:
    changed: int = 0
    refused: dict[str, int] = field(default_factory=dict)  # refusal code -> how many products

    @property
    def refused_total(self) -> int:
        return sum(self.refused.values())

    def add(self, other: BulkResult) -> None:
        self.changed += other.changed
        self.refused = dict(Counter(self.refused) + Counter(other.refused))

    def as_payload(self) -> dict[str, Any]:
        return {"changed": self.changed, "refused": dict(self.refused)}

    @classmethod
    def from_payload(cls, payload: dict[str, Any] | None) -> BulkResult:
        payload = payload or {}
        refused = payload.get("refused") or {}
        return cls(changed=int(payload.get("changed", 0)), refused={str(k): int(v) for k, v in refused.items()})


def _decimal(raw: str) -> Decimal:
    try:
        value = Decimal(raw.strip().replace(",", ".").replace(" ", "").removeprefix("+"))
    except InvalidOperation:
        raise BulkError("price_invalid") from None
    if not value.is_finite():
        raise BulkError("price_invalid")
    return value


def check_action(action: BulkAction, *, known: ReferenceCheck = accept_any) -> BulkAction:
    """The action with its value checked and normalised; BulkError otherwise.

    Prices change by an amount (-5, 2.50) or a percentage between -90 and +500.
    """
    value = action.value.strip()
    if action.kind not in KINDS:
        raise BulkError("bulk_action_unknown")
    if action.kind == "status":
        if value not in {status.value for status in ProductStatus}:
            raise BulkError("status_not_allowed")
    elif action.kind == "price_amount":
        amount = _decimal(value)
        if amount != amount.quantize(CENT):
            raise BulkError("price_too_precise")
        if abs(amount) >= MAX_PRICE:
            raise BulkError("price_too_high")
        value = str(amount.quantize(CENT))
    elif action.kind == "price_percent":
        percent = _decimal(value)
        if not PERCENT_MIN <= percent <= PERCENT_MAX:
            raise BulkError("bulk_percent_out_of_range")
        value = str(percent)
    elif action.kind == "category":
        if not value:
            raise BulkError("bulk_value_required")
        if len(value) > CATEGORY_MAX or not known("category", value):
            raise BulkError("category_unknown")
    elif action.kind == "brand":
        if not value:
            raise BulkError("bulk_value_required")
        if len(value) > BRAND_MAX:
            raise BulkError("brand_too_long")
    else:
        value = ""
    return BulkAction(kind=action.kind, value=value)


def select_ids(db: Session, query: catalog.ProductQuery) -> list[int]:
    """The ids of every product the page's filters match (all pages, not only the visible one)."""
    matching = catalog.filter_products(select(Product.id), query)  # the page's own filter, one place
    ids = db.exec(matching.order_by(col(Product.id)).limit(MAX_SELECTION + 1)).all()
    if len(ids) > MAX_SELECTION:
        raise BulkError("bulk_too_many")
    return [int(product_id) for product_id in ids]


def new_price(price: Decimal, action: BulkAction) -> Decimal:
    """The price after a price action, rounded to the cent (half up)."""
    if action.kind == "price_amount":
        changed = price + Decimal(action.value)
    else:
        changed = price * (1 + Decimal(action.value) / 100)
    return changed.quantize(CENT, rounding=ROUND_HALF_UP)


def _refusal(product: Product, action: BulkAction) -> str | None:
    """Why this product may not take this action (None: it may), before any change."""
    if action.kind in _LOCKED_WHEN_SOLD and product.status == ProductStatus.sold:
        return "product_sold_locked"
    if action.kind in ("price_amount", "price_percent"):
        price = new_price(product.price, action)
        if price <= 0:
            return "price_negative"  # a price never goes below 0.01
        if price >= MAX_PRICE:
            return "price_too_high"
    return None


def _edit(product: Product, action: BulkAction) -> bool:
    """Set the action's field on `product`; False when it already had that value."""
    if action.kind in ("price_amount", "price_percent"):
        target: Any = new_price(product.price, action)
        name = "price"
    else:
        target, name = action.value, action.kind
    if getattr(product, name) == target:
        return False
    setattr(product, name, target)
    product.version += 1
    product.updated_at = utcnow()
    return True


def _apply_status(db: Session, ids: list[int], target: str, result: BulkResult) -> None:
    for product_id in ids:
        try:
            with db.begin_nested():
                catalog.change_status(db, product_id, target)
            result.changed += 1
        except catalog.ProductError as refused:
            result.refused[refused.code] = result.refused.get(refused.code, 0) + 1


def apply(db: Session, ids: list[int], action: BulkAction) -> BulkResult:
    """Apply a checked `action` (see `check_action`) to the products `ids`, each on its own.

    Ids that are not this seller's live products (or, to restore, Trash products) are
    refused as `product_not_found`. The caller commits (the tenant session does).
    """
    result = BulkResult()
    wanted = sorted(set(ids))
    if not wanted:
        return result
    if action.kind == "status":
        _apply_status(db, wanted, action.value, result)
        return result
    in_trash = action.kind == "restore"
    rows = db.exec(
        select(Product)
        .where(col(Product.id).in_(wanted))
        .where(col(Product.deleted_at).is_not(None) if in_trash else col(Product.deleted_at).is_(None))
        .order_by(col(Product.id))
        .with_for_update()
    ).all()
    missing = len(wanted) - len(rows)
    if missing:
        result.refused["product_not_found"] = missing
    if action.kind in ("trash", "restore"):
        moved = (catalog.restore if in_trash else catalog.trash)(db, [row.id or 0 for row in rows])
        result.changed += moved
        if moved < len(rows):  # moved meanwhile by someone else
            result.refused["product_not_found"] = result.refused.get("product_not_found", 0) + len(rows) - moved
        return result
    for product in rows:
        refusal = _refusal(product, action)
        if refusal is not None:
            result.refused[refusal] = result.refused.get(refusal, 0) + 1
            continue
        with db.begin_nested():
            if _edit(product, action):
                db.add(product)
                db.flush()
        result.changed += 1
    return result


def chunks(ids: list[int], size: int = CHUNK_SIZE) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --- Bulk jobs --------------------------------------------------------------------------


BulkProgress = JobProgress[BulkResult]


def summary(language: str, result: BulkResult) -> str:
    """The job's outcome in the seller's language: "Changed: 990 · Refused: 10 · <reason> (10)"."""
    text = f"{tr(language, 'bulk.changed')}: {result.changed}"
    if result.refused:
        reasons = " ".join(f"{tr(language, code)} ({count})" for code, count in sorted(result.refused.items()))
        text += f" · {tr(language, 'bulk.refused')}: {result.refused_total} · {reasons}"
    return text


def create_job(db: Session, ids: list[int], action: BulkAction, *, language: str = "en") -> Job:
    """The `bulk_edit` job row: the action, the ids, and room for progress and result."""
    job = Job(
        kind=JOB_KIND,
        payload={
            "action": action.as_payload(),
            "count": len(ids),
            "ids": ids,
            "done": 0,
            "language": language if language in ("en", "fr") else "en",
        },
    )
    db.add(job)
    db.flush()
    return job


def start_bulk(user_id: int, ids: list[int], action: BulkAction, *, language: str = "en") -> int:
    """Record a `bulk_edit` job for these products and queue it; returns the job id.

    `user_id` must come from the verified session. The job row is committed before the
    task is queued, so the worker always finds it; if the queue cannot be reached the job
    is marked failed and BulkError("queue_unavailable") is raised.
    """
    from stoflow.tasks.catalog import bulk_edit  # late: the task module imports this one

    wanted = sorted(set(ids))
    if not wanted:
        raise BulkError("bulk_nothing_selected")
    if len(wanted) > MAX_SELECTION:
        raise BulkError("bulk_too_many")
    with tenant_session(user_id) as db:
        job_id = create_job(db, wanted, action, language=language).id or 0
    try:
        send_job(bulk_edit, user_id, job_id)
    except QueueUnavailable as error:
        raise BulkError("queue_unavailable") from error
    return job_id


def job_progress(db: Session, job_id: int) -> BulkProgress | None:
    """The progress of bulk job `job_id` of this seller (None: no such bulk job)."""
    return read_progress(db, job_id, JOB_KIND, BulkResult.from_payload)


def run_job(db: Session, job_id: int, *, on_chunk: Callable[[], None] | None = None) -> BulkResult | None:
    """Work through bulk job `job_id` chunk by chunk, committing each with the job's progress.

    A chunk's changes and the job's `done` count commit together: a worker that dies and
    gets the task again resumes after the last committed chunk, never applying a price
    change twice. Returns None when the job is missing or already finished.
    """
    job = db.get(Job, job_id)
    if job is None or job.kind != JOB_KIND or JobStatus(job.status).is_final:
        return None
    action = BulkAction.from_payload(job.payload.get("action") or {})
    ids = [int(product_id) for product_id in job.payload.get("ids") or []]
    language = str(job.payload.get("language", "en"))
    total = len(ids)
    done = int(job.payload.get("done", 0))
    result = BulkResult.from_payload(job.payload.get("result"))
    commit_start(db, job)
    for chunk in chunks(ids[done:]):
        result.add(apply(db, chunk, action))
        done += len(chunk)
        message = f"{tr(language, 'bulk.progress')}: {done}/{total}"
        commit_step(db, job, done=done, total=total, result=result.as_payload(), message=message)
        if on_chunk is not None:
            on_chunk()
    commit_success(db, job, result=result.as_payload(), message=summary(language, result))
    return result


def fail_job(db: Session, job_id: int, error: str) -> None:
    """Mark bulk job `job_id` failed (what the finished chunks changed stays)."""

    def message(job: Job, language: str) -> str:
        result = BulkResult.from_payload(job.payload.get("result"))
        return f"{tr(language, 'bulk_interrupted')} {summary(language, result)}"

    mark_failed(db, job_id, error, message)


# --- The Trash purge ----------------------------------------------------------------------


def purge_trash(db: Session, storage: Storage, *, user_id: int, now: datetime | None = None) -> tuple[int, int]:
    """Delete for good this seller's products in the Trash for over 30 days, files first.

    Returns (products deleted, files deleted). A product whose files cannot be deleted
    stays in the Trash for the next run.
    """
    products = files = 0
    for chunk in chunks(catalog.trashed_to_purge(db, now=now)):
        gone: list[int] = []
        for product_id in chunk:
            try:
                files += delete_product_files(storage, user_id, product_id)
            except StorageError:
                log.exception("Could not delete the files of product %d of seller %d", product_id, user_id)
                continue
            gone.append(product_id)
        if not gone:
            continue
        db.exec(delete(Product).where(col(Product.id).in_(gone)))  # type: ignore[call-overload]
        db.commit()
        products += len(gone)
    return products, files
