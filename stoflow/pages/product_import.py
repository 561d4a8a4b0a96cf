"""/products/import: upload a CSV of products (and a ZIP of their photos), check the
preview, import it (or its valid rows), then follow the photos being added.

The uploaded CSV stays server-side (a backend var) between the preview and the import,
and is checked again at import time: the catalogue may have changed in between. A ZIP is
kept in the seller's storage folder, never in the state. Every event re-checks the
session; the files belong to the seller who uploaded them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

import reflex as rx

from stoflow.api.products_csv import EXPORT_PATH
from stoflow.api.upload_guard import accept_uploads
from stoflow.catalog import csv_io, photo_import
from stoflow.catalog.choices import reference_check
from stoflow.components import browser_auth
from stoflow.components.jobs import job_progress
from stoflow.components.shell import app_page, page_title
from stoflow.db.tenancy import tenant_session
from stoflow.i18n import MESSAGES, t, tr
from stoflow.jobs.service import QueueUnavailable
from stoflow.pages import routes
from stoflow.state.jobs import JobWatch
from stoflow.state.language import LanguageState
from stoflow.state.session import SessionState
from stoflow.storage import get_storage

UPLOAD_ID = "product-csv"
ZIP_UPLOAD_ID = "product-photos-zip"
UPLOAD_TYPES = {
    "text/csv": [".csv"],
    "text/plain": [".csv", ".txt"],
    "application/zip": [".zip"],
    "application/x-zip-compressed": [".zip"],
}
PREVIEW_ROWS = 50


def _message(language: str, code: str) -> str:
    return tr(language, code) if code in MESSAGES else code


def _row_view(row: csv_io.RowResult, language: str) -> dict[str, str]:
    errors = " · ".join(f"{column}: {_message(language, code)}" for column, code in sorted(row.errors.items()))
    return {
        "line": str(row.line),
        "sku": row.values.get("sku", ""),
        "title": row.values.get("title", "")[:80],
        "price": row.values.get("price", ""),
        "photos": str(len(row.photos)),
        "status": row.values.get("status", ""),
        "errors": errors,
    }


@dataclass(frozen=True)
class _Checked:
    """A preview as the page shows it (built off the event loop)."""

    rows: list[dict[str, str]]
    total: int
    valid: int
    invalid: int
    ignored: list[str]
    photo_links: int
    photo_files: int
    needs_zip: bool


@contextmanager
def _kept_archive(user_id: int, zip_key: str) -> Iterator[photo_import.PhotoArchive | None]:
    """The ZIP kept for this preview, read from a file and closed after use."""
    archive = photo_import.open_kept_zip(get_storage(), user_id, zip_key) if zip_key else None
    try:
        yield archive
    finally:
        if archive is not None:
            archive.close()


def _make_preview(user_id: int, data: bytes, archive: photo_import.PhotoArchive | None, language: str) -> _Checked:
    with tenant_session(user_id) as db:
        preview = csv_io.preview_import(db, data, known=reference_check(), archive=archive)
    return _Checked(
        rows=[_row_view(row, language) for row in preview.rows[:PREVIEW_ROWS]],
        total=len(preview.rows),
        valid=preview.valid,
        invalid=preview.invalid,
        ignored=preview.ignored_columns,
        photo_links=preview.photo_links,
        photo_files=preview.photo_files,
        needs_zip=any(row.errors.get("photos") == "photo_zip_missing" for row in preview.rows),
    )


def _recheck(user_id: int, data: bytes, zip_key: str, language: str) -> _Checked:
    """The preview again, with the kept ZIP (read from storage off the event loop)."""
    with _kept_archive(user_id, zip_key) as archive:
        return _make_preview(user_id, data, archive, language)


def _check_upload(
    user_id: int, csv_data: bytes | None, zip_file: BinaryIO | None, zip_key: str, language: str
) -> tuple[_Checked, bytes, str]:
    """Check an upload: the preview, the CSV bytes (perhaps read from the ZIP), the kept ZIP's key.

    An uploaded ZIP is read from its temporary file (never whole in memory) and stored,
    streamed, only once the preview could be made of it.
    """
    with contextlib.ExitStack() as stack:
        if zip_file is not None:
            archive: photo_import.PhotoArchive | None = photo_import.PhotoArchive(zip_file)
            stack.callback(archive.close)  # type: ignore[union-attr]
        else:
            archive = stack.enter_context(_kept_archive(user_id, zip_key))
        if csv_data is None:
            csv_data = archive.csv_file() if archive is not None else None
            if csv_data is None:
                raise photo_import.ZipError("zip_no_csv")
        checked = _make_preview(user_id, csv_data, archive, language)
        if zip_file is not None:
            zip_key = photo_import.keep_zip(get_storage(), user_id, zip_file)
    return checked, csv_data, zip_key


def _import_file(
    user_id: int, data: bytes, zip_key: str, *, valid_rows_only: bool, language: str
) -> tuple[csv_io.ImportResult, int]:
    """Import the products, and record the job that will add their photos (0: no photos)."""
    with _kept_archive(user_id, zip_key) as archive, tenant_session(user_id) as db:
        preview = csv_io.preview_import(db, data, known=reference_check(), archive=archive)
        result = csv_io.run_import(db, preview, valid_rows_only=valid_rows_only)
        if not result.photo_items:
            return result, 0
        job = photo_import.create_job(db, user_id, result.photo_items, zip_key or None, language=language)
        return result, job.id or 0


def _drop_zip(user_id: int, zip_key: str) -> None:
    if photo_import.owns_zip(user_id, zip_key):
        get_storage().delete(zip_key)


def _failure_view(failure: dict[str, Any], language: str) -> dict[str, str]:
    return {
        "line": str(failure.get("line", "")),
        "sku": str(failure.get("sku", "")),
        "photo": str(failure.get("photo", ""))[:120],
        "reason": _message(language, str(failure.get("code", ""))),
    }


class ProductImportState(JobWatch, rx.State):
    filename: str = ""
    zip_name: str = ""
    rows: list[dict[str, str]] = []  # the first PREVIEW_ROWS rows of the preview
    total: int = 0
    valid: int = 0
    invalid: int = 0
    ignored: list[str] = []
    photo_links: int = 0
    photo_files: int = 0
    needs_zip: bool = False
    error: str = ""  # the file refused as a whole, in the seller's language
    result: str = ""
    busy: bool = False
    exporting: bool = False
    # The outcome of the photo job that follows an import (JobWatch follows it).
    photo_summary: str = ""
    failures: list[dict[str, str]] = []
    # The uploaded CSV, the kept ZIP's storage key and their owner: server-side only.
    _data: bytes = b""
    _zip_key: str = ""
    _owner: int = 0

    async def _user_id(self) -> int | None:
        identity = (await self.get_state(SessionState))._identity()
        return identity.user_id if identity else None

    async def _language(self) -> str:
        return (await self.get_state(LanguageState)).lang

    def _reset(self) -> None:
        self.filename, self.zip_name, self.rows, self.total, self.valid, self.invalid = "", "", [], 0, 0, 0
        self.ignored, self.photo_links, self.photo_files, self.needs_zip = [], 0, 0, False
        self.error, self.result = "", ""
        self._data, self._zip_key, self._owner = b"", "", 0

    def _show(self, checked: _Checked) -> None:
        self.rows, self.total, self.valid, self.invalid = checked.rows, checked.total, checked.valid, checked.invalid
        self.ignored, self.photo_links, self.photo_files = checked.ignored, checked.photo_links, checked.photo_files
        self.needs_zip = checked.needs_zip

    async def _forget_zip(self, user_id: int) -> None:
        """Delete the ZIP kept for this preview (the seller chose another file)."""
        if self._zip_key and self._owner == user_id:
            await asyncio.to_thread(_drop_zip, user_id, self._zip_key)
        self._zip_key = ""

    @rx.event
    async def load(self) -> rx.event.EventSpec | None:
        user_id = await self._user_id()
        if self.job_id == 0:
            self._reset()
        if user_id is None:
            return rx.redirect(routes.sign_in(next_path=routes.PRODUCT_IMPORT))
        return None

    @rx.event
    async def clear(self) -> None:
        user_id = await self._user_id()
        if user_id is not None:
            await self._forget_zip(user_id)
        self._reset()
        self.photo_summary, self.failures = "", []

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]) -> rx.event.EventSpec | None:
        """A CSV, a ZIP of photos, or both. A ZIP alone completes the CSV being previewed,
        or brings its own CSV inside."""
        user_id = await self._user_id()
        if user_id is None:
            self._reset()
            return rx.redirect(routes.sign_in(next_path=routes.PRODUCT_IMPORT))
        language = await self._language()
        csv_data: bytes | None = None
        zip_file: BinaryIO | None = None  # the upload's temporary file: a ZIP is never read whole
        csv_name = zip_name = ""
        for upload in (files or [])[:2]:
            if not hasattr(upload, "read"):
                continue
            name = (upload.filename or "")[:200]
            head = await upload.read(4)
            await upload.seek(0)
            if photo_import.is_zip(head):
                zip_file, zip_name = upload.file, name or "photos.zip"
            else:
                csv_data, csv_name = await upload.read(csv_io.MAX_BYTES + 1), name or "products.csv"
        if csv_data is None and zip_file is None:
            self._reset()
            self.error = tr(language, "csv_not_a_file")
            return None
        held = self._owner == user_id and bool(self._data)
        if csv_data is None and held:  # a ZIP added to the file being previewed
            csv_data, csv_name = self._data, self.filename
        keep_key = self._zip_key if held and zip_file is None else ""  # a corrected CSV keeps its ZIP
        self.busy = True
        try:
            checked, csv_data, zip_key = await asyncio.to_thread(
                _check_upload, user_id, csv_data, zip_file, keep_key, language
            )
        except (csv_io.CsvError, photo_import.ZipError) as refused:
            await self._forget_zip(user_id)
            self._reset()
            self.error = _message(language, refused.code)
            return None
        finally:
            self.busy = False
        if zip_key != self._zip_key:
            await self._forget_zip(user_id)
        kept_zip_name = self.zip_name if zip_key and zip_file is None else zip_name
        self._reset()
        self._show(checked)
        self.filename = csv_name or zip_name
        self.zip_name = kept_zip_name if zip_key else ""
        self._data, self._zip_key, self._owner = csv_data, zip_key, user_id
        self.photo_summary, self.failures = "", []
        return None

    async def _import(self, *, valid_rows_only: bool) -> Any:
        user_id = await self._user_id()
        if user_id is None:
            self._reset()
            return rx.redirect(routes.sign_in(next_path=routes.PRODUCT_IMPORT))
        language = await self._language()
        if not self._data or self._owner != user_id:
            self._reset()  # nothing uploaded, or by another account in this browser
            return None
        data, zip_key = self._data, self._zip_key
        self.busy = True
        try:
            outcome, job_id = await asyncio.to_thread(
                _import_file, user_id, data, zip_key, valid_rows_only=valid_rows_only, language=language
            )
        except csv_io.ImportRefused:
            # New errors since the preview (a SKU taken meanwhile): show the file again.
            self._show(await asyncio.to_thread(_recheck, user_id, data, zip_key, language))
            return rx.toast.error(tr(language, "import_has_errors"))
        except csv_io.CsvError as refused:
            self.error = _message(language, refused.code)
            return None
        finally:
            self.busy = False
        if job_id:
            self._zip_key = ""  # the job owns it now, and deletes it when done
        else:
            await self._forget_zip(user_id)
        self._reset()
        parts = [f"{tr(language, 'import.done')}: {outcome.created}"]
        if outcome.skipped:
            parts.append(f"{outcome.skipped} {tr(language, 'import.skipped')}")
        if outcome.unpublished:
            parts.append(f"{outcome.unpublished} {tr(language, 'import.unpublished')}")
        self.result = " · ".join(parts)
        if not job_id:
            return rx.toast.success(parts[0])
        try:
            await asyncio.to_thread(photo_import.queue_job, user_id, job_id)
        except QueueUnavailable:
            return rx.toast.error(tr(language, "queue_unavailable"))
        self.job_id, self.job_progress, self.job_text = job_id, 0, tr(language, "import.photos_started")
        return [rx.toast.success(parts[0]), ProductImportState.watch_photos]

    @rx.event
    async def import_all(self) -> Any:
        """All rows or none: refused while any row has an error."""
        return await self._import(valid_rows_only=False)

    @rx.event
    async def import_valid(self) -> Any:
        return await self._import(valid_rows_only=True)

    @rx.event(background=True)
    async def watch_photos(self) -> Any:
        """Follow the photo job until it ends: the bar moves, then the summary and failures show."""
        return await self._follow(photo_import.job_progress, "import.photos_progress", self._photos_done)

    async def _photos_done(self, progress: photo_import.PhotoImportProgress, language: str) -> Any:
        self.photo_summary = photo_import.summary(language, progress.result)
        self.failures = [_failure_view(failure, language) for failure in progress.result.failures[:50]]
        if progress.error:
            return rx.toast.error(tr(language, "import.photos_interrupted"))
        if progress.result.failed:
            return rx.toast.warning(self.photo_summary)
        return rx.toast.success(self.photo_summary)

    @rx.event
    def export(self) -> rx.event.EventSpec:
        self.exporting = True
        return rx.call_script(
            f"window.stoflowAuth.download({browser_auth.api_base()!r}, {EXPORT_PATH!r})",
            callback=ProductImportState.export_done,
        )

    @rx.event
    async def export_done(self, result: dict[str, Any]) -> rx.event.EventSpec | None:
        self.exporting = False
        if isinstance(result, dict) and result.get("ok"):
            return None
        return rx.toast.error(tr(await self._language(), "import.export_failed"))


# A CSV and a ZIP of photos at most, refused at the door beyond (stoflow.api.upload_guard).
accept_uploads(ProductImportState.handle_upload, max_bytes=photo_import.MAX_ZIP_BYTES + csv_io.MAX_BYTES)


def _drop_zone() -> rx.Component:
    return rx.upload(
        rx.vstack(
            rx.icon("file-spreadsheet", size=28, color=rx.color("accent", 11)),
            rx.text(t("import.drop"), size="2", color=rx.color("gray", 11), text_align="center"),
            align="center",
            spacing="2",
        ),
        id=UPLOAD_ID,
        accept=UPLOAD_TYPES,
        max_files=2,
        max_size=photo_import.MAX_ZIP_BYTES,
        multiple=True,
        on_drop=ProductImportState.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
        border=f"1px dashed {rx.color('gray', 7)}",
        border_radius="8px",
        padding="28px",
        width="100%",
        cursor="pointer",
    )


def _zip_zone() -> rx.Component:
    """Shown when rows name photo files and no ZIP came with the CSV."""
    return rx.upload(
        rx.hstack(
            rx.icon("file-archive", size=18, color=rx.color("accent", 11)),
            rx.text(t("import.add_zip"), size="2"),
            align="center",
            spacing="2",
        ),
        id=ZIP_UPLOAD_ID,
        accept={"application/zip": [".zip"], "application/x-zip-compressed": [".zip"]},
        max_files=1,
        max_size=photo_import.MAX_ZIP_BYTES,
        multiple=False,
        on_drop=ProductImportState.handle_upload(rx.upload_files(upload_id=ZIP_UPLOAD_ID)),
        border=f"1px dashed {rx.color('amber', 8)}",
        background=rx.color("amber", 2),
        border_radius="8px",
        padding="12px 16px",
        width="100%",
        cursor="pointer",
    )


def _preview_row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["line"]),
        rx.table.cell(row["sku"]),
        rx.table.cell(row["title"]),
        rx.table.cell(row["price"], white_space="nowrap"),
        rx.table.cell(row["photos"]),
        rx.table.cell(
            rx.cond(
                row["errors"] == "",
                rx.badge(t("import.ok"), color_scheme="green", variant="soft"),
                rx.text(row["errors"], color=rx.color("red", 11), size="2"),
            )
        ),
        class_name="import-row",
    )


def _preview() -> rx.Component:
    state = ProductImportState
    return rx.vstack(
        rx.hstack(
            rx.heading(t("import.preview"), size="4"),
            rx.text(state.filename, color=rx.color("gray", 11), size="2"),
            rx.cond(
                state.zip_name != "",
                rx.badge(rx.icon("file-archive", size=12), state.zip_name, variant="soft", id="import-zip-name"),
            ),
            rx.spacer(),
            rx.button(t("import.clear"), variant="soft", color_scheme="gray", size="1", on_click=state.clear),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.hstack(
            rx.badge(t("import.rows"), ": ", state.total, variant="soft", color_scheme="gray"),
            rx.badge(t("import.valid"), ": ", state.valid, variant="soft", color_scheme="green"),
            rx.badge(t("import.invalid"), ": ", state.invalid, variant="soft", color_scheme="red", id="import-invalid"),
            rx.cond(
                state.photo_links + state.photo_files > 0,
                rx.badge(
                    t("import.photos"),
                    ": ",
                    state.photo_links + state.photo_files,
                    " (",
                    t("import.photo_links"),
                    ": ",
                    state.photo_links,
                    " · ",
                    t("import.photo_files"),
                    ": ",
                    state.photo_files,
                    ")",
                    variant="soft",
                    color_scheme="blue",
                    id="import-photos",
                ),
            ),
            spacing="2",
            wrap="wrap",
        ),
        rx.cond(
            state.ignored.length() > 0,
            rx.text(t("import.ignored_columns"), ": ", state.ignored.join(", "), size="2"),
        ),
        rx.cond(state.needs_zip, _zip_zone()),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(t(key))
                            for key in (
                                "import.line",
                                "editor.sku",
                                "products.col_title",
                                "products.price",
                                "import.photos_progress",
                            )
                        ],
                        rx.table.column_header_cell(t("import.errors")),
                    )
                ),
                rx.table.body(rx.foreach(state.rows, _preview_row)),
                size="1",
                width="100%",
            ),
            overflow_x="auto",
            width="100%",
        ),
        rx.cond(state.total > PREVIEW_ROWS, rx.text(t("import.first_rows"), size="1", color=rx.color("gray", 10))),
        rx.cond(state.invalid > 0, rx.text(t("import.fix_first"), size="2", color=rx.color("red", 11))),
        rx.hstack(
            rx.button(
                t("import.import_all"),
                on_click=state.import_all,
                disabled=(state.invalid > 0) | state.busy,
                loading=state.busy,
                id="import-all",
            ),
            rx.cond(
                (state.invalid > 0) & (state.valid > 0),
                rx.button(
                    t("import.import_valid"),
                    " (",
                    state.valid,
                    ")",
                    variant="soft",
                    on_click=state.import_valid,
                    disabled=state.busy,
                    id="import-valid",
                ),
            ),
            spacing="3",
        ),
        width="100%",
        spacing="3",
    )


def _failure_row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["line"]),
        rx.table.cell(row["sku"]),
        rx.table.cell(rx.text(row["photo"], size="1", style={"word_break": "break-all"})),
        rx.table.cell(rx.text(row["reason"], color=rx.color("red", 11), size="2")),
        class_name="photo-failure",
    )


def _photo_job() -> rx.Component:
    """The photos being added after an import, then what could not be."""
    state = ProductImportState
    return rx.vstack(
        job_progress(state, "photo-job"),
        rx.cond(
            state.photo_summary != "",
            rx.callout(
                state.photo_summary,
                icon=rx.cond(state.failures.length() > 0, "triangle-alert", "circle-check"),
                color_scheme=rx.cond(state.failures.length() > 0, "amber", "green"),
                id="photo-summary",
            ),
        ),
        rx.cond(
            state.failures.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(t(key))
                                for key in ("import.line", "editor.sku", "import.photo_col", "import.reason")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(state.failures, _failure_row)),
                    size="1",
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
        ),
        width="100%",
        spacing="3",
    )


@app_page(routes.PRODUCT_IMPORT, "import.title", on_load=ProductImportState.load)
def product_import_page() -> rx.Component:
    state = ProductImportState
    return rx.vstack(
        rx.link(rx.hstack(rx.icon("arrow-left", size=14), t("import.back"), align="center"), href=routes.PRODUCTS),
        rx.flex(
            page_title("import.title", "import.intro"),
            rx.button(
                rx.icon("download", size=16),
                t("import.export"),
                variant="soft",
                on_click=state.export,
                loading=state.exporting,
                id="export-csv",
            ),
            width="100%",
            align="start",
            justify="between",
            wrap="wrap",
            gap="3",
        ),
        rx.card(
            rx.vstack(
                rx.cond(state.result != "", rx.callout(state.result, icon="circle-check", color_scheme="green")),
                rx.cond(state.error != "", rx.callout(state.error, icon="triangle-alert", color_scheme="red")),
                _photo_job(),
                rx.cond(state.total > 0, _preview(), _drop_zone()),
                rx.text(t("import.photos_help"), size="1", color=rx.color("gray", 10)),
                spacing="4",
                width="100%",
            ),
            size="3",
            width="100%",
        ),
        spacing="5",
        width="100%",
    )
