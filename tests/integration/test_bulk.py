"""Bulk actions: the rules per product, the `bulk_edit` job on a real Celery worker, the Trash purge."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from stoflow.catalog import bulk
from stoflow.catalog.bulk import BulkAction, BulkError
from stoflow.catalog.products import ProductQuery
from stoflow.config import get_settings
from stoflow.db.tenancy import tenant_session
from stoflow.models import Job, JobStatus
from stoflow.models.base import utcnow
from stoflow.models.tenant.products import Product, ProductStatus
from stoflow.storage import LocalStorage, get_storage, photo_key
from tests.integration.conftest import celery_worker


def _product(db: Session, **fields: object) -> Product:
    number = db.exec(select(Product.id).order_by(col(Product.id).desc())).first() or 0
    product = Product(**{"sku": f"B-{number + 1:06d}-{time.monotonic_ns()}", "title": "Jeans", **fields})
    db.add(product)
    db.flush()
    return product


def _prices(db: Session, ids: list[int]) -> list[Decimal]:
    return [db.get(Product, product_id).price for product_id in ids]  # type: ignore[union-attr]


@pytest.fixture
def seller_id(make_seller) -> int:  # type: ignore[no-untyped-def]
    return make_seller().id


# --- The rules ----------------------------------------------------------------------------


def test_price_change_by_amount_is_rounded_to_the_cent_and_never_reaches_zero(seller_id: int) -> None:
    with tenant_session(seller_id) as db:
        ids = [_product(db, price=Decimal(price)).id for price in ("10.00", "5.01", "5.00", "3.00")]
        action = bulk.check_action(BulkAction("price_amount", "-5,00"))

        result = bulk.apply(db, ids, action)  # type: ignore[arg-type]

        assert _prices(db, ids) == [Decimal("5.00"), Decimal("0.01"), Decimal("5.00"), Decimal("3.00")]  # type: ignore[arg-type]
        assert (result.changed, result.refused) == (2, {"price_negative": 2})


def test_price_change_by_percent_rounds_half_up(seller_id: int) -> None:
    with tenant_session(seller_id) as db:
        ids = [_product(db, price=Decimal(price)).id for price in ("10.00", "9.99", "0.05", "0.04")]

        raised = bulk.apply(db, ids[:2], bulk.check_action(BulkAction("price_percent", "+15")))  # type: ignore[arg-type]
        assert _prices(db, ids[:2]) == [Decimal("11.50"), Decimal("11.49")]  # type: ignore[arg-type]  # 11.4885
        cut = bulk.apply(db, ids[2:], bulk.check_action(BulkAction("price_percent", "-90")))  # type: ignore[arg-type]

        assert _prices(db, ids[2:]) == [Decimal("0.01"), Decimal("0.04")]  # type: ignore[arg-type]  # 0.005 up; 0.004 refused
        assert raised.changed == 2 and cut.changed == 1 and cut.refused == {"price_negative": 1}


@pytest.mark.parametrize(
    ("action", "code"),
    [
        (BulkAction("price_percent", "-91"), "bulk_percent_out_of_range"),
        (BulkAction("price_percent", "501"), "bulk_percent_out_of_range"),
        (BulkAction("price_amount", "abc"), "price_invalid"),
        (BulkAction("price_amount", "1.005"), "price_too_precise"),
        (BulkAction("status", "gone"), "status_not_allowed"),
        (BulkAction("brand", ""), "bulk_value_required"),
        (BulkAction("delete_everything", ""), "bulk_action_unknown"),
    ],
)
def test_an_action_with_a_bad_value_is_refused_as_a_whole(action: BulkAction, code: str) -> None:
    with pytest.raises(BulkError) as refused:
        bulk.check_action(action)
    assert refused.value.code == code


def test_an_unknown_category_is_refused_by_the_reference_check() -> None:
    with pytest.raises(BulkError, match="category_unknown"):
        bulk.check_action(BulkAction("category", "no-such-category"), known=lambda attribute, key: False)


def test_sold_products_keep_their_price_category_and_brand(seller_id: int) -> None:
    with tenant_session(seller_id) as db:
        sold = _product(db, status=ProductStatus.sold.value, price=Decimal("20.00"), brand="Levi's")
        draft = _product(db, price=Decimal("20.00"), brand="Levi's")
        for action in (BulkAction("price_amount", "1"), BulkAction("category", "jeans"), BulkAction("brand", "Lee")):
            result = bulk.apply(db, [sold.id, draft.id], bulk.check_action(action))  # type: ignore[list-item]
            assert (result.changed, result.refused) == (1, {"product_sold_locked": 1})
        db.refresh(sold)
        db.refresh(draft)
        assert (sold.price, sold.category, sold.brand, sold.version) == (Decimal("20.00"), None, "Levi's", 1)
        assert (draft.price, draft.category, draft.brand, draft.version) == (Decimal("21.00"), "jeans", "Lee", 4)


def test_status_change_follows_the_transitions_product_by_product(seller_id: int) -> None:
    with tenant_session(seller_id) as db:
        draft, sold = _product(db), _product(db, status=ProductStatus.sold.value)

        to_sold = bulk.apply(db, [draft.id, sold.id], BulkAction("status", "sold"))  # type: ignore[list-item]
        published = bulk.apply(db, [draft.id], BulkAction("status", "published"))  # type: ignore[list-item]
        archived = bulk.apply(db, [draft.id, sold.id], BulkAction("status", "archived"))  # type: ignore[list-item]

        assert to_sold.refused == {"status_not_allowed": 1}  # a draft is not sold; the sold one already is
        assert published.refused == {"publish_incomplete": 1}
        assert archived.changed == 2
        db.refresh(draft)
        assert draft.status == "archived" and draft.version == 2


def test_trash_and_restore_and_other_sellers_ids(seller_id: int, make_seller) -> None:  # type: ignore[no-untyped-def]
    other = make_seller().id
    with tenant_session(seller_id) as db:
        mine = [_product(db).id for _ in range(3)]
    with tenant_session(other) as db:
        # Ids are per schema: the other seller's first ids are ours too. Take one we do not have.
        theirs = _product(db).id
        while theirs in mine:
            theirs = _product(db).id
    with tenant_session(seller_id) as db:
        trashed = bulk.apply(db, [*mine, 999_999], BulkAction("trash"))  # type: ignore[list-item]
        again = bulk.apply(db, mine[:1], BulkAction("trash"))  # type: ignore[list-item]
        restored = bulk.apply(db, mine[:2], BulkAction("restore"))  # type: ignore[list-item]
        assert (trashed.changed, trashed.refused) == (3, {"product_not_found": 1})
        assert (again.changed, again.refused) == (0, {"product_not_found": 1})
        assert restored.changed == 2
        assert bulk.select_ids(db, ProductQuery(status="trash")) == mine[2:]
        assert bulk.apply(db, [theirs], BulkAction("brand", "x")).refused == {"product_not_found": 1}  # type: ignore[list-item]
        assert bulk.apply(db, [theirs], BulkAction("trash")).refused == {"product_not_found": 1}  # type: ignore[list-item]
    with tenant_session(other) as db:
        product = db.get(Product, theirs)
        assert product is not None and product.deleted_at is None and product.brand is None


def test_select_ids_takes_every_matching_product_not_only_the_page(seller_id: int) -> None:
    with tenant_session(seller_id) as db:
        jeans = [_product(db, title=f"Blue jeans {n}").id for n in range(60)]
        _product(db, title="Red dress")
        _product(db, title="Blue jeans archived", status=ProductStatus.archived.value)

        assert bulk.select_ids(db, ProductQuery(search="jeans", status="draft", page_size=25)) == jeans
        assert len(bulk.select_ids(db, ProductQuery())) == 62


def test_a_finished_job_is_never_run_twice(seller_id: int) -> None:
    with tenant_session(seller_id) as db:
        ids = [_product(db, price=Decimal("10.00")).id or 0 for _ in range(150)]
        job = bulk.create_job(db, ids, BulkAction("price_amount", "1.00"))
        db.commit()
        result = bulk.run_job(db, job.id or 0)
        assert result is not None and result.changed == 150
        assert bulk.run_job(db, job.id or 0) is None
        assert set(_prices(db, ids)) == {Decimal("11.00")}
        progress = bulk.job_progress(db, job.id or 0)
        assert progress is not None and progress.finished and progress.progress == 100 and progress.done == 150


def test_a_failing_job_keeps_its_finished_chunks_and_says_why(seller_id: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from stoflow.tasks.catalog import bulk_edit

    with tenant_session(seller_id) as db:
        ids = [_product(db, price=Decimal("10.00")).id or 0 for _ in range(250)]
        job_id = bulk.create_job(db, ids, BulkAction("price_amount", "1.00")).id
    real_apply, calls = bulk.apply, []

    def apply_then_break(db: Session, chunk: list[int], action: BulkAction) -> bulk.BulkResult:
        calls.append(chunk)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_apply(db, chunk, action)

    monkeypatch.setattr(bulk, "apply", apply_then_break)
    with pytest.raises(RuntimeError):
        bulk_edit(seller_id, job_id)
    with tenant_session(seller_id) as db:
        job = db.get(Job, job_id)
        assert job is not None and job.status == JobStatus.failed.value
        assert job.progress == 40 and "database went away" in (job.error or "")
        assert sorted(_prices(db, ids)) == [Decimal("10.00")] * 150 + [Decimal("11.00")] * 100


# --- A real worker ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def worker(database_url: str, redis_url: str) -> Iterator[None]:
    with celery_worker(database_url, redis_url, queues="default", include="stoflow.tasks.catalog", name="test-bulk"):
        yield


@pytest.mark.worker
def test_a_bulk_job_on_a_thousand_products_reports_progress_and_a_summary(worker, seller_id: int) -> None:  # type: ignore[no-untyped-def]
    with tenant_session(seller_id) as db:
        ids = [_product(db, price=Decimal("10.00")).id or 0 for _ in range(990)]
        ids += [_product(db, price=Decimal("10.00"), status=ProductStatus.sold.value).id or 0 for _ in range(10)]

    job_id = bulk.start_bulk(seller_id, ids, bulk.check_action(BulkAction("price_percent", "10")), language="fr")

    seen: list[int] = []
    deadline = time.monotonic() + 90
    while True:
        with tenant_session(seller_id) as db:
            progress = bulk.job_progress(db, job_id)
        assert progress is not None
        if not seen or seen[-1] != progress.progress:
            seen.append(progress.progress)
        if progress.finished or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert progress.status == JobStatus.succeeded.value, progress.error
    assert seen[-1] == 100 and seen == sorted(seen)
    assert (progress.result.changed, progress.result.refused) == (990, {"product_sold_locked": 10})
    assert progress.message == "Modifiés: 990 · Refusés: 10 · Un produit vendu ne peut plus être modifié. (10)"
    with tenant_session(seller_id) as db:
        assert sorted(set(_prices(db, ids))) == [Decimal("10.00"), Decimal("11.00")]
        job = db.get(Job, job_id)
        assert job is not None and job.kind == "bulk_edit" and job.payload["count"] == 1000 and job.task_id


# --- The Trash purge -------------------------------------------------------------------------


@pytest.fixture
def local_media(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStorage]:
    monkeypatch.setenv("STOFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STORAGE_BACKEND", "local")
    get_settings.cache_clear()
    get_storage.cache_clear()
    storage = get_storage()
    assert isinstance(storage, LocalStorage)
    yield storage
    get_settings.cache_clear()
    get_storage.cache_clear()


def test_purge_deletes_products_trashed_over_30_days_ago_and_their_files(
    seller_id: int, local_media: LocalStorage
) -> None:
    from stoflow.tasks.catalog import purge_trash

    with tenant_session(seller_id) as db:
        old = _product(db, deleted_at=utcnow() - timedelta(days=31)).id or 0
        recent = _product(db, deleted_at=utcnow() - timedelta(days=29)).id or 0
        live = _product(db).id or 0
    for product_id in (old, recent, live):
        for variant in ("full", "thumb"):
            local_media.put(photo_key(seller_id, product_id, "a1", variant), b"jpeg", "image/jpeg")

    totals = purge_trash()

    assert totals["products"] >= 1 and totals["files"] >= 2 and totals["failed"] == 0
    with tenant_session(seller_id) as db:
        assert db.get(Product, old) is None
        assert db.get(Product, recent) is not None and db.get(Product, live) is not None
    assert not local_media.exists(photo_key(seller_id, old, "a1", "full"))
    assert local_media.exists(photo_key(seller_id, recent, "a1", "full"))
    assert local_media.exists(photo_key(seller_id, live, "a1", "thumb"))


def test_the_trash_purge_is_on_beats_daily_schedule() -> None:
    from stoflow.tasks import app

    entry = app.conf.beat_schedule["purge-trash"]
    assert entry["task"] == "stoflow.catalog.purge_trash" and entry["task"] in app.tasks
