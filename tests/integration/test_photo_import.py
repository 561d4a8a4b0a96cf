"""Photos of imported products: preview checks, the `photo_import` job (links and ZIP), failures
listed per line, resuming after a crash, the kept ZIP's life, and the job on a real worker."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import col, select

from stoflow.catalog import csv_io, photo_import
from stoflow.catalog.photo_import import PhotoArchive
from stoflow.config import get_settings
from stoflow.db.tenancy import tenant_session
from stoflow.models import Job, JobStatus
from stoflow.models.base import utcnow
from stoflow.models.tenant.products import Product, ProductPhoto
from stoflow.storage import LocalStorage, get_storage
from tests.integration.conftest import celery_worker
from tests.photo_server import PhotoSite, Route, photo_site


def _image(colour: str, size: tuple[int, int], kind: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, kind)
    return buffer.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


PHOTOS_ZIP = _zip(
    {
        "shoot/dress-front.jpg": _image("red", (1600, 1200)),
        "shoot/dress-back.png": _image("blue", (800, 600), "PNG"),
        "shoot/invoice.jpg": b"%PDF-1.4 renamed to .jpg",
    }
)


@pytest.fixture
def allow_local_links(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The test site runs on 127.0.0.1: development mode lets the import reach it."""
    monkeypatch.setenv("PHOTO_FETCH_ALLOW_PRIVATE", "true")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def site() -> Iterator[PhotoSite]:
    with photo_site({"/jacket.jpg": Route(body=_image("green", (1000, 1000))), "/gone.jpg": Route(status=404)}) as s:
        yield s


@pytest.fixture
def seller_id(make_seller) -> int:  # type: ignore[no-untyped-def]
    return make_seller().id


def _csv(site: PhotoSite) -> bytes:
    return (
        "sku,title,price,photos\n"
        "DRESS-1,Red dress,25,dress-front.jpg|shoot/dress-back.png\n"
        f"JACKET-1,Green jacket,40,{site.url('/jacket.jpg')} | {site.url('/gone.jpg')}\n"
        "BAG-1,Bag,15,invoice.jpg\n"
        "SCARF-1,Scarf,9,\n"
    ).encode()


def _import(
    seller_id: int, storage: LocalStorage, data: bytes, zip_data: bytes | None
) -> tuple[csv_io.ImportResult, int]:
    archive = PhotoArchive(zip_data) if zip_data is not None else None
    zip_key = photo_import.keep_zip(storage, seller_id, zip_data) if zip_data is not None else None
    with tenant_session(seller_id) as db:
        preview = csv_io.preview_import(db, data, archive=archive)
        assert preview.invalid == 0, [row.errors for row in preview.rows]
        result = csv_io.run_import(db, preview, valid_rows_only=False)
        job = photo_import.create_job(db, seller_id, result.photo_items, zip_key, language="en")
        return result, job.id or 0


def _gallery(seller_id: int, sku: str) -> list[tuple[int, int]]:
    with tenant_session(seller_id) as db:
        product = db.exec(select(Product).where(Product.sku == sku)).one()
        photos = db.exec(
            select(ProductPhoto).where(ProductPhoto.product_id == product.id).order_by(col(ProductPhoto.position))
        ).all()
        return [(photo.width, photo.height) for photo in photos]


def test_the_preview_checks_photo_entries_without_downloading(
    seller_id: int, allow_local_links: None, site: PhotoSite
) -> None:
    with tenant_session(seller_id) as db:
        without_zip = csv_io.preview_import(db, _csv(site))
        with_zip = csv_io.preview_import(db, _csv(site), archive=PhotoArchive(PHOTOS_ZIP))
        missing = csv_io.preview_import(db, b"title,photos\nHat,hat.jpg\n", archive=PhotoArchive(PHOTOS_ZIP))
    assert {row.values["sku"]: row.errors.get("photos") for row in without_zip.rows} == {
        "DRESS-1": "photo_zip_missing",
        "JACKET-1": None,
        "BAG-1": "photo_zip_missing",
        "SCARF-1": None,
    }
    assert with_zip.invalid == 0 and (with_zip.photo_links, with_zip.photo_files) == (2, 3)
    assert missing.rows[0].errors == {"photos": "photo_not_in_zip"}
    assert site.requests == []


def test_an_import_naming_more_than_20000_photos_is_refused_as_a_whole(seller_id: int) -> None:
    links = "|".join(f"https://images.example.com/{n}.jpg" for n in range(24))
    data = ("title,photos\n" + "".join(f"Item {n},{links}\n" for n in range(834))).encode()  # 20,016 photos
    with tenant_session(seller_id) as db, pytest.raises(csv_io.CsvError) as refused:
        csv_io.preview_import(db, data)
    assert refused.value.code == "csv_too_many_photos"


def test_the_job_adds_each_photo_in_order_and_lists_the_ones_it_could_not(
    seller_id: int, allow_local_links: None, site: PhotoSite, tmp_path: Path
) -> None:
    storage = LocalStorage(tmp_path)
    result, job_id = _import(seller_id, storage, _csv(site), PHOTOS_ZIP)
    assert result.created == 4 and [item.sku for item in result.photo_items] == ["DRESS-1", "JACKET-1", "BAG-1"]

    with tenant_session(seller_id) as db:
        outcome = photo_import.run_job(db, storage, job_id)
        progress = photo_import.job_progress(db, job_id)
    assert outcome is not None and outcome[1] is True
    assert progress is not None and progress.status == JobStatus.succeeded.value and progress.progress == 100
    assert (progress.done, progress.total, progress.result.added, progress.result.failed) == (5, 5, 3, 2)
    assert sorted((f["line"], f["sku"], f["code"]) for f in progress.result.failures) == [
        (3, "JACKET-1", "photo_link_status"),
        (4, "BAG-1", "photo_not_an_image"),
    ]
    # Resized, in the CSV's order; the product whose photos all failed stays, without photos.
    assert _gallery(seller_id, "DRESS-1") == [(1600, 1200), (800, 600)]
    assert _gallery(seller_id, "JACKET-1") == [(1000, 1000)]
    assert _gallery(seller_id, "BAG-1") == [] and _gallery(seller_id, "SCARF-1") == []
    # The ZIP is gone once the job is done; only product files remain.
    assert not [key for key in storage.list(f"u{seller_id}/") if "/imports/" in key]
    assert photo_import.summary("fr", progress.result) == "Photos ajoutées: 3 · Photos non ajoutées: 2"


def test_a_job_cut_off_midway_resumes_without_adding_a_photo_twice(
    seller_id: int, allow_local_links: None, site: PhotoSite, tmp_path: Path
) -> None:
    storage = LocalStorage(tmp_path)
    _, job_id = _import(seller_id, storage, _csv(site), PHOTOS_ZIP)

    class WorkerDied(Exception):
        pass

    steps = 0

    def die_after_two() -> None:
        nonlocal steps
        steps += 1
        if steps == 2:
            raise WorkerDied

    with tenant_session(seller_id) as db, pytest.raises(WorkerDied):
        photo_import.run_job(db, storage, job_id, commit_every_s=0, on_step=die_after_two)
    with tenant_session(seller_id) as db:
        job = db.get(Job, job_id)
        assert job is not None and job.status == JobStatus.running.value and job.payload["done"] == 2
        outcome = photo_import.run_job(db, storage, job_id)
    assert outcome is not None and outcome[0].added == 3 and outcome[0].failed == 2
    assert _gallery(seller_id, "DRESS-1") == [(1600, 1200), (800, 600)]
    assert len(_gallery(seller_id, "JACKET-1")) == 1
    with tenant_session(seller_id) as db:
        assert photo_import.run_job(db, storage, job_id) is None  # finished: never run twice


def test_a_failure_between_commits_leaves_no_file_without_its_row(
    seller_id: int, allow_local_links: None, site: PhotoSite, tmp_path: Path
) -> None:
    storage = LocalStorage(tmp_path)
    _, job_id = _import(seller_id, storage, _csv(site), PHOTOS_ZIP)

    def network_driver_bug(url: str) -> bytes:
        raise RuntimeError("the network stack crashed")

    with tenant_session(seller_id) as db, pytest.raises(RuntimeError):
        photo_import.run_job(db, storage, job_id, fetch=network_driver_bug, commit_every_s=3600)
    # The dress's two photos were stored, not yet committed: their files went with them.
    assert _gallery(seller_id, "DRESS-1") == []
    assert [key for key in storage.list(f"u{seller_id}/") if "/imports/" not in key] == []
    with tenant_session(seller_id) as db:
        assert photo_import.job_progress(db, job_id).done == 0  # type: ignore[union-attr]


def test_a_time_budget_hands_the_rest_over(
    seller_id: int, allow_local_links: None, site: PhotoSite, tmp_path: Path
) -> None:
    storage = LocalStorage(tmp_path)
    _, job_id = _import(seller_id, storage, _csv(site), PHOTOS_ZIP)
    with tenant_session(seller_id) as db:
        outcome = photo_import.run_job(db, storage, job_id, budget_s=0)
        assert outcome is not None and outcome[1] is False
        assert photo_import.job_progress(db, job_id).done == 0  # type: ignore[union-attr]
        assert storage.list(photo_import.imports_prefix(seller_id))  # the ZIP waits for the rest
        outcome = photo_import.run_job(db, storage, job_id)
    assert outcome is not None and outcome[1] is True and outcome[0].added == 3


def test_kept_zips_belong_to_their_seller_and_abandoned_ones_are_purged(
    seller_id: int,
    make_seller,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    storage = LocalStorage(tmp_path)
    other_id = make_seller().id
    old = photo_import.keep_zip(storage, seller_id, PHOTOS_ZIP, now=utcnow() - timedelta(days=2))
    fresh = photo_import.keep_zip(storage, seller_id, PHOTOS_ZIP)
    others = photo_import.keep_zip(storage, other_id, PHOTOS_ZIP, now=utcnow() - timedelta(days=2))
    assert photo_import.owns_zip(seller_id, fresh) and not photo_import.owns_zip(seller_id, others)
    assert not photo_import.owns_zip(seller_id, f"u{seller_id}/p1/1/full.jpg")

    assert photo_import.purge_old_zips(storage, seller_id) == 1
    assert not storage.exists(old) and storage.exists(fresh) and storage.exists(others)

    # A job row naming another seller's ZIP (never written by the server) reads nothing from it.
    with tenant_session(seller_id) as db:
        product_id = db.exec(select(Product.id)).first()
        job = photo_import.create_job(
            db, seller_id, [photo_import.PhotoItem(product_id or 0, 2, "X", ["a.jpg"])], others, language="en"
        )
        job_id = job.id or 0
    with tenant_session(seller_id) as db:
        outcome = photo_import.run_job(db, storage, job_id)
    assert outcome is not None and [f["code"] for f in outcome[0].failures] == ["photo_zip_missing"]
    assert storage.exists(others)


@pytest.mark.worker
def test_the_photo_job_runs_on_a_real_worker(
    seller_id: int,
    database_url: str,
    redis_url: str,
    site: PhotoSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STOFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STORAGE_BACKEND", "local")
    monkeypatch.setenv("PHOTO_FETCH_ALLOW_PRIVATE", "true")
    get_settings.cache_clear()
    get_storage.cache_clear()
    try:
        storage = get_storage()
        assert isinstance(storage, LocalStorage)
        with celery_worker(
            database_url, redis_url, queues="default", include="stoflow.tasks.catalog", name="test-photo-import"
        ):
            _, job_id = _import(seller_id, storage, _csv(site), PHOTOS_ZIP)
            photo_import.queue_job(seller_id, job_id)
            deadline = time.monotonic() + 60
            while True:
                with tenant_session(seller_id) as db:
                    progress = photo_import.job_progress(db, job_id)
                assert progress is not None
                if progress.finished or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
    finally:
        get_settings.cache_clear()
        get_storage.cache_clear()
    assert progress.status == JobStatus.succeeded.value, progress.error
    assert (progress.result.added, progress.result.failed) == (3, 2)
    assert _gallery(seller_id, "DRESS-1") == [(1600, 1200), (800, 600)]
    with tenant_session(seller_id) as db:
        job = db.get(Job, job_id)
        assert job is not None and job.task_id and job.kind == "photo_import"
