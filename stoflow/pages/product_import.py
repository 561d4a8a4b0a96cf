"""/products/import: upload a CSV of products, check the preview, import it (or its valid rows).

The uploaded file stays server-side (a backend var) between the preview and the import,
and is checked again at import time: the catalogue may have changed in between. Every
event re-checks the session; the file belongs to the seller who uploaded it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import reflex as rx

from stoflow.api.products_csv import EXPORT_PATH
from stoflow.catalog import csv_io
from stoflow.catalog.choices import reference_check
from stoflow.components import browser_auth
from stoflow.components.shell import app_page, page_title
from stoflow.db.tenancy import tenant_session
from stoflow.i18n import MESSAGES, t, tr
from stoflow.pages import routes
from stoflow.state.language import LanguageState
from stoflow.state.session import SessionState

UPLOAD_ID = "product-csv"
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
    photo_urls: int


def _check_file(user_id: int, data: bytes, language: str) -> _Checked:
    with tenant_session(user_id) as db:
        preview = csv_io.preview_import(db, data, known=reference_check())
    return _Checked(
        rows=[_row_view(row, language) for row in preview.rows[:PREVIEW_ROWS]],
        total=len(preview.rows),
        valid=preview.valid,
        invalid=preview.invalid,
        ignored=preview.ignored_columns,
        photo_urls=preview.photo_urls,
    )


def _import_file(user_id: int, data: bytes, *, valid_rows_only: bool) -> csv_io.ImportResult:
    with tenant_session(user_id) as db:
        preview = csv_io.preview_import(db, data, known=reference_check())
        return csv_io.run_import(db, preview, valid_rows_only=valid_rows_only)


class ProductImportState(rx.State):
    filename: str = ""
    rows: list[dict[str, str]] = []  # the first PREVIEW_ROWS rows of the preview
    total: int = 0
    valid: int = 0
    invalid: int = 0
    ignored: list[str] = []
    photo_urls: int = 0
    error: str = ""  # the file refused as a whole, in the seller's language
    result: str = ""
    busy: bool = False
    exporting: bool = False
    # The uploaded file and its owner: server-side only.
    _data: bytes = b""
    _owner: int = 0

    async def _user_id(self) -> int | None:
        identity = (await self.get_state(SessionState))._identity()
        return identity.user_id if identity else None

    async def _language(self) -> str:
        return (await self.get_state(LanguageState)).lang

    def _reset(self) -> None:
        self.filename, self.rows, self.total, self.valid, self.invalid = "", [], 0, 0, 0
        self.ignored, self.photo_urls, self.error, self.result = [], 0, "", ""
        self._data, self._owner = b"", 0

    def _show(self, checked: _Checked) -> None:
        self.rows, self.total, self.valid, self.invalid = checked.rows, checked.total, checked.valid, checked.invalid
        self.ignored, self.photo_urls = checked.ignored, checked.photo_urls

    @rx.event
    async def load(self) -> rx.event.EventSpec | None:
        self._reset()
        if await self._user_id() is None:
            return rx.redirect(routes.sign_in(next_path=routes.PRODUCT_IMPORT))
        return None

    @rx.event
    async def clear(self) -> None:
        self._reset()

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]) -> rx.event.EventSpec | None:
        user_id = await self._user_id()
        if user_id is None:
            self._reset()
            return rx.redirect(routes.sign_in(next_path=routes.PRODUCT_IMPORT))
        language = await self._language()
        self._reset()
        upload = files[0] if files else None
        if upload is None or not hasattr(upload, "read"):
            self.error = tr(language, "csv_not_a_file")
            return None
        data = await upload.read(csv_io.MAX_BYTES + 1)
        self.filename = (upload.filename or "products.csv")[:200]
        self.busy = True
        checked: _Checked | None = None
        try:
            checked = await asyncio.to_thread(_check_file, user_id, data, language)
        except csv_io.CsvError as refused:
            self.error = _message(language, refused.code)
        finally:
            self.busy = False
        if checked is not None:
            self._show(checked)
            self._data, self._owner = data, user_id
        return None

    async def _import(self, *, valid_rows_only: bool) -> rx.event.EventSpec | None:
        user_id = await self._user_id()
        if user_id is None:
            self._reset()
            return rx.redirect(routes.sign_in(next_path=routes.PRODUCT_IMPORT))
        language = await self._language()
        if not self._data or self._owner != user_id:
            self._reset()  # nothing uploaded, or by another account in this browser
            return None
        data = self._data
        self.busy = True
        try:
            outcome = await asyncio.to_thread(_import_file, user_id, data, valid_rows_only=valid_rows_only)
        except csv_io.ImportRefused:
            # New errors since the preview (a SKU taken meanwhile): show the file again.
            self._show(await asyncio.to_thread(_check_file, user_id, data, language))
            return rx.toast.error(tr(language, "import_has_errors"))
        except csv_io.CsvError as refused:
            self.error = _message(language, refused.code)
            return None
        finally:
            self.busy = False
        self._reset()
        parts = [f"{tr(language, 'import.done')}: {outcome.created}"]
        if outcome.skipped:
            parts.append(f"{outcome.skipped} {tr(language, 'import.skipped')}")
        if outcome.unpublished:
            parts.append(f"{outcome.unpublished} {tr(language, 'import.unpublished')}")
        self.result = " · ".join(parts)
        return rx.toast.success(parts[0])

    @rx.event
    async def import_all(self) -> rx.event.EventSpec | None:
        """All rows or none: refused while any row has an error."""
        return await self._import(valid_rows_only=False)

    @rx.event
    async def import_valid(self) -> rx.event.EventSpec | None:
        return await self._import(valid_rows_only=True)

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


def _drop_zone() -> rx.Component:
    return rx.upload(
        rx.vstack(
            rx.icon("file-spreadsheet", size=28, color=rx.color("accent", 11)),
            rx.text(t("import.drop"), size="2", color=rx.color("gray", 11), text_align="center"),
            align="center",
            spacing="2",
        ),
        id=UPLOAD_ID,
        accept={"text/csv": [".csv"], "text/plain": [".csv", ".txt"]},
        max_files=1,
        max_size=csv_io.MAX_BYTES,
        multiple=False,
        on_drop=ProductImportState.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
        border=f"1px dashed {rx.color('gray', 7)}",
        border_radius="8px",
        padding="28px",
        width="100%",
        cursor="pointer",
    )


def _preview_row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["line"]),
        rx.table.cell(row["sku"]),
        rx.table.cell(row["title"]),
        rx.table.cell(row["price"], white_space="nowrap"),
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
            rx.spacer(),
            rx.button(t("import.clear"), variant="soft", color_scheme="gray", size="1", on_click=state.clear),
            width="100%",
            align="center",
        ),
        rx.hstack(
            rx.badge(t("import.rows"), ": ", state.total, variant="soft", color_scheme="gray"),
            rx.badge(t("import.valid"), ": ", state.valid, variant="soft", color_scheme="green"),
            rx.badge(t("import.invalid"), ": ", state.invalid, variant="soft", color_scheme="red", id="import-invalid"),
            spacing="2",
        ),
        rx.cond(
            state.ignored.length() > 0,
            rx.text(t("import.ignored_columns"), ": ", state.ignored.join(", "), size="2"),
        ),
        rx.cond(state.photo_urls > 0, rx.callout(t("import.photo_urls_note"), icon="info", size="1")),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(t(key))
                            for key in ("import.line", "editor.sku", "products.col_title", "products.price")
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


@app_page(routes.PRODUCT_IMPORT, "import.title", on_load=ProductImportState.load)
def product_import_page() -> rx.Component:
    state = ProductImportState
    return rx.vstack(
        rx.link(rx.hstack(rx.icon("arrow-left", size=14), t("import.back"), align="center"), href=routes.PRODUCTS),
        rx.hstack(
            page_title("import.title", "import.intro"),
            rx.spacer(),
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
        ),
        rx.card(
            rx.vstack(
                rx.cond(state.result != "", rx.callout(state.result, icon="circle-check", color_scheme="green")),
                rx.cond(state.error != "", rx.callout(state.error, icon="triangle-alert", color_scheme="red")),
                rx.cond(state.total > 0, _preview(), _drop_zone()),
                spacing="4",
                width="100%",
            ),
            size="3",
            width="100%",
        ),
        spacing="5",
        width="100%",
    )
