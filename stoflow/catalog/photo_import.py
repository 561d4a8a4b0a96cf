"""Photos of imported products: from links in the CSV, or from a ZIP uploaded with it.

The CSV's `photos` column (`photo_urls` is read the same way) lists a product's photos in
gallery order, separated by `|` or line breaks. Each entry is an http(s) link or the name
of a file in the ZIP (its path in the ZIP, or its bare name when that is unique).

The preview checks what it can without downloading anything: the form of each link, the
file being in the ZIP, 24 photos per product. The products are imported first (all or
nothing, as before); a `photo_import` job then fetches each photo, checks and stores it
with the same rules as an upload in the editor, one photo per committed step, with
progress. A photo that fails (unreachable, not an image, too large...) is listed with its
line and SKU; its product stays and the other photos go on. A redelivered job resumes
after the last stored photo.

The uploaded ZIP is kept in the seller's storage folder (`u{id}/imports/`) between the
preview and the end of the job, then deleted; one left behind by an abandoned preview is
deleted by the daily purge after a day.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO

from sqlmodel import Session

from stoflow.catalog.photos import add_photo
from stoflow.catalog.products import ProductError
from stoflow.config import get_settings
from stoflow.i18n import tr
from stoflow.jobs.service import (
    JobProgress,
    commit_start,
    commit_step,
    commit_success,
    mark_failed,
    read_progress,
    send_job,
)
from stoflow.models import Job, JobStatus
from stoflow.models.base import utcnow
from stoflow.photos.fetch import FetchError, check_link, fetch_photo
from stoflow.photos.processing import MAX_PHOTO_BYTES, MAX_PHOTOS_PER_PRODUCT, PhotoRejected
from stoflow.storage import Storage, StorageError, user_prefix

log = logging.getLogger(__name__)

JOB_KIND = "photo_import"
PHOTO_COLUMNS = ("photos", "photo_urls")
MAX_ZIP_BYTES = 500 * 1024 * 1024
MAX_ZIP_FILES = 10_000
MAX_ZIP_TOTAL = 2 * 1024 * 1024 * 1024  # uncompressed
MAX_RATIO = 200  # uncompressed / compressed, beyond which a member is a bomb, not a photo
FAILURES_KEPT = 200
COMMIT_EVERY_S = 2.0  # how often a photo job commits its stored photos with its progress
ZIP_MAX_AGE = timedelta(days=1)
_SEPARATORS = re.compile(r"[|\r\n]+")
_STAMP = "%Y%m%dT%H%M%S"


class ZipError(Exception):
    """A ZIP refused as a whole. `code` is an i18n key (stoflow.texts.bulk)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def photo_refs(cell: str) -> list[str]:
    """The photo entries of one CSV cell, in order, blanks dropped."""
    return [part.strip() for part in _SEPARATORS.split(cell) if part.strip()]


def is_link(ref: str) -> bool:
    return ref.lower().startswith(("http://", "https://")) or "://" in ref


def is_zip(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06")


class PhotoArchive:
    """A ZIP of photos, read from a file (the upload's temporary file, or the kept copy)
    and never extracted: names are only looked up, one member is read at a time.

    Refused as a whole (ZipError) when it is not a ZIP, is encrypted, holds too many
    files or more than 2 GB, or has a member compressed beyond any photo's ratio (a bomb).
    """

    def __init__(self, source: bytes | BinaryIO) -> None:
        file = io.BytesIO(source) if isinstance(source, bytes) else source
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(0)
        if size > MAX_ZIP_BYTES:
            raise ZipError("zip_too_large")
        self.file = file
        try:
            self._zip = zipfile.ZipFile(file)
            members = [info for info in self._zip.infolist() if not info.is_dir() and not _hidden(info.filename)]
        except (zipfile.BadZipFile, OSError, ValueError):
            raise ZipError("zip_unreadable") from None
        if len(members) > MAX_ZIP_FILES:
            raise ZipError("zip_too_many_files")
        if sum(info.file_size for info in members) > MAX_ZIP_TOTAL:
            raise ZipError("zip_too_large")
        for info in members:
            if info.flag_bits & 0x1:
                raise ZipError("zip_encrypted")
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise ZipError("zip_bomb")
        self._by_path = {_normal(info.filename): info for info in members}
        by_name: dict[str, list[zipfile.ZipInfo]] = {}
        for info in members:
            by_name.setdefault(_normal(info.filename).rsplit("/", 1)[-1], []).append(info)
        self._by_name = {name: infos[0] for name, infos in by_name.items() if len(infos) == 1}

    def close(self) -> None:
        """Close the ZIP and its file (a temporary copy is deleted with it)."""
        self._zip.close()
        self.file.close()

    def find(self, ref: str) -> zipfile.ZipInfo | None:
        """The member a CSV entry names: by its path in the ZIP, else by a bare name unique in it."""
        wanted = _normal(ref)
        return self._by_path.get(wanted) or ("/" not in wanted and self._by_name.get(wanted)) or None

    def read(self, ref: str) -> bytes:
        """The file's bytes; ZipError when it is missing, PhotoRejected when larger than a photo may be."""
        info = self.find(ref)
        if info is None:
            raise ZipError("photo_not_in_zip")
        if info.file_size > MAX_PHOTO_BYTES:
            raise PhotoRejected("photo_too_large", f"{ref}: {info.file_size} bytes")
        try:
            with self._zip.open(info) as member:
                data = member.read(MAX_PHOTO_BYTES + 1)  # the header's size may lie
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise PhotoRejected("photo_corrupt", f"{ref}: unreadable in the ZIP") from None
        if len(data) > MAX_PHOTO_BYTES:
            raise PhotoRejected("photo_too_large", f"{ref}: over 20 MB")
        return data

    def csv_file(self) -> bytes | None:
        """The product CSV inside the ZIP, when it holds exactly one."""
        found = [info for path, info in self._by_path.items() if path.endswith(".csv")]
        if len(found) != 1 or found[0].file_size > 5 * 1024 * 1024:
            return None
        with self._zip.open(found[0]) as member:
            return member.read(5 * 1024 * 1024 + 1)


def _normal(name: str) -> str:
    return name.replace("\\", "/").strip().lstrip("./").lower()


def _hidden(name: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in name.replace("\\", "/").split("/"))


def check_refs(refs: list[str], archive: PhotoArchive | None) -> str | None:
    """The first problem with a row's photo entries, as an error code (None: none found)."""
    if len(refs) > MAX_PHOTOS_PER_PRODUCT:
        return "photo_limit_reached"
    allow_private = get_settings().photo_fetch_allow_private
    for ref in refs:
        if is_link(ref):
            problem = check_link(ref, allow_private=allow_private)
        elif archive is None:
            problem = "photo_zip_missing"
        else:
            problem = None if archive.find(ref) is not None else "photo_not_in_zip"
        if problem is not None:
            return problem
    return None


# --- Keeping the ZIP between the preview and the job ----------------------------------------


def imports_prefix(user_id: int) -> str:
    return f"{user_prefix(user_id)}imports/"


def keep_zip(storage: Storage, user_id: int, source: bytes | BinaryIO, *, now: datetime | None = None) -> str:
    """Store an uploaded ZIP under the seller's folder (streamed from its file); returns its key."""
    stamp = (now or utcnow()).strftime(_STAMP)
    key = f"{imports_prefix(user_id)}{stamp}-{uuid.uuid4().hex}.zip"
    if isinstance(source, bytes):
        storage.put(key, source, "application/zip")
    else:
        source.seek(0)
        storage.put_file(key, source, "application/zip")
    return key


def open_kept_zip(storage: Storage, user_id: int, key: str) -> PhotoArchive | None:
    """The archive kept under `key`, read from a file (None when the key is not this seller's)."""
    if not owns_zip(user_id, key):
        return None
    file = storage.open(key)
    try:
        return PhotoArchive(file)
    except ZipError:
        file.close()
        raise


def owns_zip(user_id: int, key: str) -> bool:
    return bool(key) and key.startswith(imports_prefix(user_id)) and key.endswith(".zip") and ".." not in key


def purge_old_zips(storage: Storage, user_id: int, *, now: datetime | None = None) -> int:
    """Delete this seller's kept ZIPs older than a day (abandoned previews); returns how many."""
    limit = (now or utcnow()) - ZIP_MAX_AGE
    removed = 0
    for key in storage.list(imports_prefix(user_id)):
        try:
            stamp = datetime.strptime(key.rsplit("/", 1)[-1].split("-", 1)[0], _STAMP).replace(tzinfo=UTC)
        except ValueError:
            stamp = limit  # not ours to date: old enough
        if stamp <= limit:
            storage.delete(key)
            removed += 1
    return removed


# --- The job ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoItem:
    """One imported product and the photos to fetch for it."""

    product_id: int
    line: int
    sku: str
    refs: list[str]

    def as_payload(self) -> dict[str, Any]:
        return {"product_id": self.product_id, "line": self.line, "sku": self.sku, "refs": self.refs}


@dataclass
class PhotoImportResult:
    added: int = 0
    failed: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)  # the first FAILURES_KEPT

    def as_payload(self) -> dict[str, Any]:
        return {"added": self.added, "failed": self.failed, "failures": self.failures}

    @classmethod
    def from_payload(cls, payload: dict[str, Any] | None) -> PhotoImportResult:
        payload = payload or {}
        return cls(
            added=int(payload.get("added", 0)),
            failed=int(payload.get("failed", 0)),
            failures=list(payload.get("failures") or []),
        )


PhotoImportProgress = JobProgress[PhotoImportResult]


def summary(language: str, result: PhotoImportResult) -> str:
    text = f"{tr(language, 'import.photos_added')}: {result.added}"
    if result.failed:
        text += f" · {tr(language, 'import.photos_failed')}: {result.failed}"
    return text


def create_job(db: Session, user_id: int, items: list[PhotoItem], zip_key: str | None, *, language: str) -> Job:
    """The `photo_import` job row, in the caller's transaction (with the imported products)."""
    job = Job(
        kind=JOB_KIND,
        payload={
            "user_id": user_id,
            "items": [item.as_payload() for item in items],
            "zip_key": zip_key,
            "count": sum(len(item.refs) for item in items),
            "done": 0,
            "language": language if language in ("en", "fr") else "en",
        },
    )
    db.add(job)
    db.flush()
    return job


def queue_job(user_id: int, job_id: int) -> None:
    """Queue a committed photo job; QueueUnavailable (the job marked failed) when the queue is down."""
    from stoflow.tasks.catalog import import_photos  # late: the task module imports this one

    send_job(import_photos, user_id, job_id)


def job_progress(db: Session, job_id: int) -> PhotoImportProgress | None:
    """The progress of photo job `job_id` of this seller (None: no such job)."""
    return read_progress(db, job_id, JOB_KIND, PhotoImportResult.from_payload)


Fetcher = Callable[[str], bytes]


def _one_photo(
    db: Session, storage: Storage, user_id: int, item: PhotoItem, ref: str, fetch: Fetcher, archive: PhotoArchive | None
) -> tuple[str | None, list[str]]:
    """Fetch and store one photo: (the refusal code or None, the keys of the files written)."""
    try:
        if is_link(ref):
            data = fetch(ref)
        elif archive is None:
            return "photo_zip_missing", []
        else:
            data = archive.read(ref)
        with db.begin_nested():
            photo = add_photo(
                db, storage, user_id=user_id, product_id=item.product_id, data=data, filename=ref.rsplit("/", 1)[-1]
            )
    except (FetchError, PhotoRejected, ProductError, ZipError) as refused:
        return refused.code, []
    return None, [photo.full_key, photo.thumb_key]


def run_job(
    db: Session,
    storage: Storage,
    job_id: int,
    *,
    fetch: Fetcher | None = None,
    budget_s: float | None = None,
    commit_every_s: float = COMMIT_EVERY_S,
    on_step: Callable[[], None] | None = None,
) -> tuple[PhotoImportResult, bool] | None:
    """Fetch and store the photos of job `job_id`, committing them with the job's progress.

    The photos stored and the job's count commit together, every `commit_every_s` seconds
    (a job row rewritten per photo would weigh on a 10,000-photo import), so a redelivered
    job resumes after the last committed photo. If the work fails between two commits, the
    files of the photos not committed are deleted: no file without its row.

    Returns the result so far and whether the job is finished: with `budget_s`, it stops
    after that many seconds (the caller queues the rest). None when the job is missing or
    already finished. The ZIP is deleted at the end.
    """
    job = db.get(Job, job_id)
    if job is None or job.kind != JOB_KIND or JobStatus(job.status).is_final:
        return None
    payload = job.payload
    user_id = int(payload["user_id"])
    language = str(payload.get("language", "en"))
    items = [
        PhotoItem(int(raw["product_id"]), int(raw["line"]), str(raw["sku"]), [str(ref) for ref in raw["refs"]])
        for raw in payload.get("items") or []
    ]
    steps = [(item, ref) for item in items for ref in item.refs]
    done = committed = int(payload.get("done", 0))
    result = PhotoImportResult.from_payload(payload.get("result"))
    if fetch is None:
        allow_private = get_settings().photo_fetch_allow_private
        fetch = lambda url: fetch_photo(url, allow_private=allow_private)  # noqa: E731
    archive = _archive_of(storage, user_id, payload.get("zip_key"))
    commit_start(db, job)
    stop_at = time.monotonic() + budget_s if budget_s is not None else None
    last_commit = time.monotonic()
    unsaved: list[str] = []  # files of the photos stored since the last commit

    def commit() -> None:
        nonlocal committed, last_commit
        message = f"{tr(language, 'import.photos_progress')}: {done}/{len(steps)}"
        commit_step(db, job, done=done, total=len(steps), result=result.as_payload(), message=message)
        committed, last_commit = done, time.monotonic()
        unsaved.clear()
        if on_step is not None:
            on_step()

    try:
        for item, ref in steps[done:]:
            if stop_at is not None and time.monotonic() > stop_at:
                break
            refused, written = _one_photo(db, storage, user_id, item, ref, fetch, archive)
            unsaved.extend(written)
            if refused is None:
                result.added += 1
            else:
                result.failed += 1
                if len(result.failures) < FAILURES_KEPT:
                    result.failures.append({"line": item.line, "sku": item.sku, "photo": ref[:300], "code": refused})
            done += 1
            if time.monotonic() - last_commit >= commit_every_s:
                commit()
        if done != committed:
            commit()
    except BaseException:
        db.rollback()  # the rows of the photos not committed go, and so do their files
        for key in unsaved:
            with contextlib.suppress(StorageError):
                storage.delete(key)
        raise
    finally:
        if archive is not None:
            archive.close()
    if done < len(steps):
        return result, False
    commit_success(db, job, result=result.as_payload(), message=summary(language, result))
    _drop_zip(storage, user_id, payload.get("zip_key"))
    return result, True


def _archive_of(storage: Storage, user_id: int, key: Any) -> PhotoArchive | None:
    if not isinstance(key, str) or not owns_zip(user_id, key):
        return None
    try:
        return open_kept_zip(storage, user_id, key)
    except (StorageError, ZipError):
        log.exception("The ZIP %s of a photo import could not be read", key)
        return None


def _drop_zip(storage: Storage, user_id: int, key: Any) -> None:
    if isinstance(key, str) and owns_zip(user_id, key):
        try:
            storage.delete(key)
        except StorageError:
            log.exception("Could not delete %s (the daily purge will)", key)


def fail_job(db: Session, storage: Storage, job_id: int, error: str) -> None:
    """Mark photo job `job_id` failed (the photos already stored stay) and drop its ZIP."""

    def message(job: Job, language: str) -> str:
        result = PhotoImportResult.from_payload(job.payload.get("result"))
        return f"{tr(language, 'import.photos_interrupted')} {summary(language, result)}"

    job = mark_failed(db, job_id, error, message)
    if job is not None:
        _drop_zip(storage, int(job.payload.get("user_id", 0)), job.payload.get("zip_key"))
