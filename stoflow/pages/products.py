"""/products: the catalogue as a table; search, filters, sort, keyset pages, bulk actions.

Only the visible page is ever in the state. The tenant comes from the verified session
of each event; ids sent by the browser are looked up in that seller's schema only.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal
from typing import Any

import reflex as rx

from stoflow.catalog import bulk
from stoflow.catalog import photos as gallery
from stoflow.catalog import products as catalog
from stoflow.catalog.choices import reference_check
from stoflow.components.browser_auth import api_base
from stoflow.components.jobs import job_progress
from stoflow.components.shell import app_page, empty_state, page_title
from stoflow.db.engine import db_session
from stoflow.db.tenancy import tenant_session
from stoflow.i18n import t, t_code, tr
from stoflow.models.base import utcnow
from stoflow.models.tenant.products import ProductStatus
from stoflow.pages import routes
from stoflow.reference import service as reference
from stoflow.state.jobs import JobWatch
from stoflow.state.language import LanguageState
from stoflow.state.session import SessionState

ALL = "all"
TABS = (ALL, *(status.value for status in ProductStatus), "trash")
SORTS = ("newest", "oldest", "price_asc", "price_desc", "title")
STATUS_COLOURS = {"draft": "gray", "published": "green", "sold": "blue", "archived": "orange"}
BULK_STATUSES = ("published", "archived", "draft")
EDIT_KINDS = ("price_percent", "price_amount", "category", "brand")
ADDED_CHOICES = ("7", "30", "90")


def _price(value: Decimal, currency: str) -> str:
    return f"{value:.2f} {currency}"


class ProductsState(JobWatch, rx.State):
    rows: list[dict[str, str]] = []
    counts: dict[str, int] = {}
    total: int = 0
    tab: str = ALL
    search: str = ""
    sort: str = "newest"
    page_size: int = 25
    price_min: str = ""
    price_max: str = ""
    filter_error: str = ""  # an i18n code: a filter that cannot be applied
    category: str = ""
    brand: str = ""
    size: str = ""
    sizes: list[str] = []  # the sizes the seller's products carry
    added: str = ""  # "", "7", "30", "90": added in the last N days
    view: str = "table"  # or "grid"
    categories: list[dict[str, str]] = []
    # Keyset pages: the cursors that led to each page so far (Previous pops one).
    cursors: list[str] = []
    next_cursor: str = ""
    selected: list[int] = []
    all_matching: bool = False  # every product the filters match, not only this page
    loaded: bool = False
    # The bulk edit dialog, and a running bulk job.
    edit_kind: str = "price_percent"
    edit_error: str = ""

    async def _user_id(self) -> int | None:
        identity = (await self.get_state(SessionState))._identity()
        return identity.user_id if identity else None

    async def _language(self) -> str:
        return (await self.get_state(LanguageState)).lang

    def _query(self) -> catalog.ProductQuery:
        added_since = utcnow() - timedelta(days=int(self.added)) if self.added in ADDED_CHOICES else None
        return catalog.ProductQuery(
            search=self.search,
            status=None if self.tab == ALL else self.tab,
            category=self.category or None,
            brand=self.brand or None,
            size=self.size or None,
            added_since=added_since,
            price_min=catalog.price_bound(self.price_min),
            price_max=catalog.price_bound(self.price_max),
            sort=self.sort,
            page_size=self.page_size,
            after=self.cursors[-1] if self.cursors else None,
        )

    async def _reload(self, *, counts: bool = False) -> rx.event.EventSpec | None:
        """The visible page again; the counts per status only when products may have changed."""
        user_id = await self._user_id()
        if user_id is None:
            return rx.redirect(routes.sign_in(next_path=routes.PRODUCTS))
        with tenant_session(user_id) as db:
            page = catalog.list_products(db, self._query())
            if counts or not self.counts:
                self.counts = catalog.status_counts(db)
                self.sizes = catalog.sizes_in_use(db)
            covers = gallery.cover_urls(db, user_id, [row.id for row in page.rows if row.id is not None])
            base = api_base()
            self.rows = [
                {
                    "id": str(row.id),
                    "title": row.title,
                    "sku": row.sku,
                    "brand": row.brand or "",
                    "price": _price(row.price, row.currency),
                    "status": row.status,
                    "colour": STATUS_COLOURS.get(row.status, "gray"),
                    "updated": row.updated_at.strftime("%Y-%m-%d"),
                    "thumb": base + covers[row.id] if row.id in covers else "",
                }
                for row in page.rows
            ]
        self.total, self.next_cursor = page.total, page.next_cursor or ""
        visible = {int(row["id"]) for row in self.rows}
        self.selected = [product_id for product_id in self.selected if product_id in visible]
        self.loaded = True
        return None

    async def _restart(self, *, counts: bool = False) -> rx.event.EventSpec | None:
        self.cursors, self.selected, self.all_matching = [], [], False
        return await self._reload(counts=counts)

    @rx.event
    async def load(self) -> rx.event.EventSpec | None:
        language = await self._language()
        with db_session() as db:
            self.categories = [
                {"key": node.key, "label": node.path} for node in reference.leaf_categories(db, language)
            ]  # type: ignore[arg-type]
        return await self._restart(counts=True)

    @rx.event
    def choose_view(self, view: str | list[str]) -> None:
        self.view = "grid" if view == "grid" else "table"

    @rx.event
    async def choose_tab(self, tab: str) -> rx.event.EventSpec | None:
        self.tab = tab if tab in TABS else ALL
        return await self._restart()

    @rx.event
    async def apply_filters(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        price_min, price_max = str(form.get("price_min", "")).strip(), str(form.get("price_max", "")).strip()
        try:
            catalog.price_bound(price_min), catalog.price_bound(price_max)
        except catalog.ProductError as refused:
            self.filter_error = refused.code  # and the list stays as it was
            return None
        self.filter_error = ""
        self.search = str(form.get("search", ""))[:200]
        self.price_min, self.price_max = price_min, price_max
        category = str(form.get("category", ""))[:64]
        self.category = category if any(option["key"] == category for option in self.categories) else ""
        self.brand = str(form.get("brand", "")).strip()[:120]
        size = str(form.get("size", ""))
        self.size = size if size in self.sizes else ""
        added = str(form.get("added", ""))
        self.added = added if added in ADDED_CHOICES else ""
        return await self._restart()

    @rx.event
    async def choose_sort(self, sort: str) -> rx.event.EventSpec | None:
        self.sort = sort if sort in SORTS else "newest"
        return await self._restart()

    @rx.event
    async def choose_page_size(self, size: str) -> rx.event.EventSpec | None:
        self.page_size = int(size) if size.isdigit() and int(size) in catalog.PAGE_SIZES else 25
        return await self._restart()

    @rx.event
    async def next_page(self) -> rx.event.EventSpec | None:
        if self.next_cursor:
            self.cursors = [*self.cursors, self.next_cursor]
        return await self._reload()

    @rx.event
    async def previous_page(self) -> rx.event.EventSpec | None:
        self.cursors = self.cursors[:-1]
        return await self._reload()

    @rx.event
    def toggle(self, product_id: str) -> None:
        try:
            wanted = int(product_id)
        except ValueError:
            return
        if wanted not in {int(row["id"]) for row in self.rows}:
            return  # only what this page shows can be selected
        self.selected = (
            [p for p in self.selected if p != wanted] if wanted in self.selected else [*self.selected, wanted]
        )

    @rx.event
    def toggle_page(self, checked: bool) -> None:
        self.selected = [int(row["id"]) for row in self.rows] if checked else []
        self.all_matching = False

    @rx.event
    def select_all_matching(self) -> None:
        self.selected = [int(row["id"]) for row in self.rows]
        self.all_matching = True

    @rx.event
    def choose_edit_kind(self, kind: str) -> None:
        self.edit_kind = kind if kind in EDIT_KINDS else "price_percent"
        self.edit_error = ""

    async def _run(self, action: bulk.BulkAction) -> rx.event.EventSpec | list[rx.event.EventSpec] | None:
        """Apply a bulk action to the selection: here for a few products, as a job for many."""
        user_id = await self._user_id()
        if user_id is None:
            return rx.redirect(routes.sign_in(next_path=routes.PRODUCTS))
        language = await self._language()
        try:
            action = bulk.check_action(action, known=reference_check())
            with tenant_session(user_id) as db:
                ids = bulk.select_ids(db, self._query_all()) if self.all_matching else list(self.selected)
                if not ids:
                    raise bulk.BulkError("bulk_nothing_selected")
                if len(ids) <= bulk.SYNC_LIMIT:
                    result = bulk.apply(db, ids, action)
                    ids = []
            if ids:
                self.job_id = bulk.start_bulk(user_id, ids, action, language=language)
                self.job_progress, self.job_text = 0, tr(language, "bulk.started")
                self.selected, self.all_matching = [], False
                return ProductsState.watch_job
        except bulk.BulkError as refused:
            self.edit_error = refused.code
            return rx.toast.error(tr(language, refused.code))
        self.selected, self.all_matching, self.edit_error = [], False, ""
        await self._reload(counts=True)
        text = bulk.summary(language, result)
        return rx.toast.warning(text) if result.refused else rx.toast.success(text)

    def _query_all(self) -> catalog.ProductQuery:
        return dataclasses.replace(self._query(), after=None)

    @rx.event
    async def bulk_trash(self) -> Any:
        return await self._run(bulk.BulkAction("trash"))

    @rx.event
    async def bulk_restore(self) -> Any:
        return await self._run(bulk.BulkAction("restore"))

    @rx.event
    async def bulk_status(self, status: str) -> Any:
        return await self._run(bulk.BulkAction("status", str(status)))

    @rx.event
    async def bulk_edit(self, form: dict[str, Any]) -> Any:
        return await self._run(bulk.BulkAction(self.edit_kind, str(form.get("value", ""))[:200]))

    @rx.event(background=True)
    async def watch_job(self) -> Any:
        """Follow a bulk job until it ends: the progress bar moves, then the summary shows."""
        return await self._follow(bulk.job_progress, "bulk.progress", self._bulk_done)

    async def _bulk_done(self, progress: bulk.BulkProgress, language: str) -> Any:
        await self._reload(counts=True)
        if progress.error:
            return rx.toast.error(f"{tr(language, 'bulk.failed')}: {tr(language, progress.error)}")
        return rx.toast.success(f"{tr(language, 'bulk.done')}: {bulk.summary(language, progress.result)}")

    @rx.var
    def page_number(self) -> int:
        return len(self.cursors) + 1

    @rx.var
    def all_selected(self) -> bool:
        return bool(self.rows) and len(self.selected) == len(self.rows)


def _status_label(status: Any) -> rx.Component:
    return rx.match(status, *[(s, t(f"product.status.{s}")) for s in (*STATUS_COLOURS, "trash", ALL)], status)


def status_tabs() -> rx.Component:
    return rx.tabs.root(
        rx.tabs.list(
            *[
                rx.tabs.trigger(
                    rx.hstack(
                        t(f"product.status.{tab}"),
                        rx.cond(
                            tab == ALL,
                            rx.fragment(),
                            rx.badge(ProductsState.counts.get(tab, 0), variant="soft", radius="full", size="1"),
                        ),
                        spacing="2",
                        align="center",
                    ),
                    value=tab,
                    id=f"tab-{tab}",
                )
                for tab in TABS
            ],
        ),
        value=ProductsState.tab,
        on_change=ProductsState.choose_tab,
        width="100%",
    )


def filters() -> rx.Component:
    return rx.flex(
        rx.form(
            rx.flex(
                rx.input(
                    rx.input.slot(rx.icon("search", size=14)),
                    name="search",
                    placeholder=t("products.search"),
                    type="search",
                    id="products-search",
                    width="280px",
                    default_value=ProductsState.search,
                ),
                rx.el.select(
                    rx.el.option(t("products.any_category"), value=""),
                    rx.foreach(ProductsState.categories, lambda o: rx.el.option(o["label"], value=o["key"])),
                    name="category",
                    id="products-category",
                    class_name="native-select compact",
                    style={"width": "200px"},
                ),
                rx.input(name="brand", placeholder=t("products.brand"), width="140px", id="products-brand"),
                rx.el.select(
                    rx.el.option(t("products.any_size"), value=""),
                    rx.foreach(ProductsState.sizes, lambda size: rx.el.option(size, value=size)),
                    name="size",
                    id="products-size",
                    class_name="native-select compact",
                    style={"width": "120px"},
                ),
                rx.input(
                    name="price_min",
                    placeholder=t("products.price_min"),
                    width="100px",
                    inputmode="decimal",
                    id="products-price-min",
                ),
                rx.input(
                    name="price_max",
                    placeholder=t("products.price_max"),
                    width="100px",
                    inputmode="decimal",
                    id="products-price-max",
                ),
                rx.el.select(
                    rx.el.option(t("products.any_date"), value=""),
                    *[rx.el.option(t(f"products.added.{days}"), value=days) for days in ADDED_CHOICES],
                    name="added",
                    id="products-added",
                    class_name="native-select compact",
                    style={"width": "150px"},
                ),
                rx.button(t("products.apply"), type="submit", variant="soft", id="products-apply"),
                spacing="2",
                wrap="wrap",
            ),
            on_submit=ProductsState.apply_filters,
            reset_on_submit=False,
        ),
        rx.cond(
            ProductsState.filter_error != "",
            rx.text(
                t_code(ProductsState.filter_error), color=rx.color("red", 11), size="1", id="products-filter-error"
            ),
        ),
        rx.spacer(),
        rx.segmented_control.root(
            rx.segmented_control.item(
                rx.icon("list", size=14), value="table", id="view-table", aria_label=t("products.view_table")
            ),
            rx.segmented_control.item(
                rx.icon("layout-grid", size=14), value="grid", id="view-grid", aria_label=t("products.view_grid")
            ),
            value=ProductsState.view,
            on_change=ProductsState.choose_view,
            size="1",
            id="products-view",
        ),
        rx.select.root(
            rx.select.trigger(id="products-sort", min_width="170px"),
            rx.select.content(*[rx.select.item(t(f"products.sort.{sort}"), value=sort) for sort in SORTS]),
            value=ProductsState.sort,
            on_change=ProductsState.choose_sort,
        ),
        spacing="3",
        wrap="wrap",
        width="100%",
        align="center",
    )


def _selection_text() -> rx.Component:
    return rx.cond(
        ProductsState.all_matching,
        rx.text(t("products.all_matching"), ": ", ProductsState.total, size="2", weight="medium", id="selection"),
        rx.hstack(
            rx.text(
                ProductsState.selected.length(), " ", t("products.selected"), size="2", weight="medium", id="selection"
            ),
            rx.cond(
                ProductsState.all_selected & (ProductsState.total > ProductsState.rows.length()),
                # A button, not a link: a link without a target navigates, and the page's
                # on_load would then clear the selection it just made.
                rx.button(
                    t("bulk.select_all_matching"),
                    " (",
                    ProductsState.total,
                    ")",
                    size="2",
                    variant="ghost",
                    type="button",
                    on_click=ProductsState.select_all_matching,
                    id="select-all-matching",
                ),
            ),
            spacing="3",
            align="center",
        ),
    )


def _edit_dialog() -> rx.Component:
    value_field = rx.match(
        ProductsState.edit_kind,
        ("price_percent", rx.input(name="value", placeholder="-10", inputmode="decimal", id="bulk-value")),
        ("price_amount", rx.input(name="value", placeholder="-2.50", inputmode="decimal", id="bulk-value")),
        rx.input(name="value", id="bulk-value"),
    )
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(t("products.bulk_edit"), size="1", variant="soft", id="bulk-edit")),
        rx.dialog.content(
            rx.dialog.title(t("products.bulk_edit")),
            rx.form(
                rx.vstack(
                    rx.select.root(
                        rx.select.trigger(width="100%", id="bulk-kind"),
                        rx.select.content(*[rx.select.item(t(f"bulk.kind.{kind}"), value=kind) for kind in EDIT_KINDS]),
                        value=ProductsState.edit_kind,
                        on_change=ProductsState.choose_edit_kind,
                    ),
                    value_field,
                    rx.cond(
                        ProductsState.edit_error != "",
                        rx.text(t_code(ProductsState.edit_error), color=rx.color("red", 11), size="1", id="bulk-error"),
                    ),
                    rx.flex(
                        rx.dialog.close(
                            rx.button(t("account.cancel"), variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button(t("products.apply"), type="submit", id="bulk-apply"),
                        spacing="3",
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=ProductsState.bulk_edit,
                reset_on_submit=False,
            ),
            max_width="420px",
        ),
    )


def _trash_button() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(t("products.to_trash"), size="1", color_scheme="red", variant="soft", id="bulk-trash")
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("products.to_trash")),
            rx.alert_dialog.description(t("products.to_trash_confirm"), size="2"),
            rx.flex(
                rx.alert_dialog.cancel(rx.button(t("account.cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        t("products.to_trash"),
                        color_scheme="red",
                        on_click=ProductsState.bulk_trash,
                        id="confirm-trash",
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
    )


def bulk_bar() -> rx.Component:
    in_trash = ProductsState.tab == "trash"
    actions = rx.cond(
        in_trash,
        rx.button(t("products.restore"), size="1", variant="soft", on_click=ProductsState.bulk_restore),
        rx.hstack(
            rx.menu.root(
                rx.menu.trigger(
                    rx.button(
                        t("products.change_status"),
                        rx.icon("chevron-down", size=12),
                        size="1",
                        variant="soft",
                        id="bulk-status",
                    )
                ),
                rx.menu.content(
                    *[
                        rx.menu.item(t(f"product.status.{status}"), on_click=ProductsState.bulk_status(status))
                        for status in BULK_STATUSES
                    ]
                ),
            ),
            _edit_dialog(),
            _trash_button(),
            spacing="2",
        ),
    )
    return rx.fragment(
        job_progress(ProductsState, "bulk-job"),
        rx.cond(
            ProductsState.selected.length() > 0,
            rx.hstack(
                _selection_text(),
                rx.spacer(),
                actions,
                padding="8px 12px",
                bg=rx.color("accent", 2),
                border_radius="8px",
                width="100%",
                align="center",
                wrap="wrap",
                id="bulk-bar",
            ),
        ),
    )


def _row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.checkbox(
                checked=ProductsState.selected.contains(row["id"].to(int)),
                on_change=lambda _checked: ProductsState.toggle(row["id"]),
                aria_label=row["title"],
            )
        ),
        rx.table.cell(
            rx.cond(
                row["thumb"] != "",
                rx.image(
                    src=row["thumb"],
                    width="44px",
                    height="44px",
                    object_fit="cover",
                    border_radius="6px",
                    alt="",
                    loading="lazy",
                ),
                rx.center(
                    rx.icon("image", size=16, color=rx.color("gray", 8)),
                    width="44px",
                    height="44px",
                    bg=rx.color("gray", 3),
                    border_radius="6px",
                ),
            ),
            width="60px",
        ),
        rx.table.cell(
            rx.vstack(
                rx.link(
                    rx.cond(row["title"] != "", row["title"], t("products.untitled")),
                    href=f"{routes.PRODUCTS}/" + row["id"],
                    weight="medium",
                    class_name="product-title",
                ),
                rx.text(row["sku"], size="1", color=rx.color("gray", 10)),
                spacing="0",
            )
        ),
        rx.table.cell(row["brand"]),
        rx.table.cell(row["price"], white_space="nowrap"),
        rx.table.cell(rx.badge(_status_label(row["status"]), color_scheme=row["colour"], variant="soft")),
        rx.table.cell(row["updated"], white_space="nowrap"),
        class_name="product-row",
    )


def products_table() -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(
                        rx.checkbox(
                            checked=ProductsState.all_selected,
                            on_change=ProductsState.toggle_page,
                            aria_label=t("products.select_page"),
                            id="select-page",
                        )
                    ),
                    rx.table.column_header_cell(""),
                    *[
                        rx.table.column_header_cell(t(key))
                        for key in (
                            "products.title",
                            "products.brand",
                            "products.price",
                            "products.status",
                            "products.updated",
                        )
                    ],
                )
            ),
            rx.table.body(rx.foreach(ProductsState.rows, _row)),
            size="2",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )


def _card(row: Any) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.box(
                rx.cond(
                    row["thumb"] != "",
                    rx.image(src=row["thumb"], width="100%", height="100%", object_fit="cover", alt="", loading="lazy"),
                    rx.center(rx.icon("image", size=28, color=rx.color("gray", 8)), width="100%", height="100%"),
                ),
                rx.box(
                    rx.checkbox(
                        checked=ProductsState.selected.contains(row["id"].to(int)),
                        on_change=lambda _checked: ProductsState.toggle(row["id"]),
                        aria_label=row["title"],
                    ),
                    position="absolute",
                    top="8px",
                    left="8px",
                    bg=rx.color("gray", 1),
                    border_radius="4px",
                    padding="2px",
                ),
                position="relative",
                width="100%",
                aspect_ratio="1",
                bg=rx.color("gray", 3),
                border_radius="6px",
                overflow="hidden",
            ),
            rx.link(
                rx.cond(row["title"] != "", row["title"], t("products.untitled")),
                href=f"{routes.PRODUCTS}/" + row["id"],
                weight="medium",
                size="2",
                class_name="product-title",
                truncate=True,
                width="100%",
            ),
            rx.hstack(
                rx.text(row["price"], size="2"),
                rx.spacer(),
                rx.badge(_status_label(row["status"]), color_scheme=row["colour"], variant="soft", size="1"),
                width="100%",
                align="center",
            ),
            spacing="2",
            width="100%",
        ),
        size="1",
        class_name="product-card",
    )


def products_grid() -> rx.Component:
    return rx.grid(
        rx.foreach(ProductsState.rows, _card),
        columns=rx.breakpoints(initial="2", sm="3", md="4", lg="5"),
        spacing="3",
        width="100%",
        id="products-grid",
    )


def pager() -> rx.Component:
    return rx.hstack(
        rx.text(
            t("pager.page"),
            " ",
            ProductsState.page_number,
            " · ",
            t("products.count"),
            ": ",
            ProductsState.total,
            size="2",
            color=rx.color("gray", 11),
            id="products-pager",
        ),
        rx.spacer(),
        rx.select.root(
            rx.select.trigger(id="products-page-size", width="80px"),
            rx.select.content(*[rx.select.item(str(size), value=str(size)) for size in catalog.PAGE_SIZES]),
            value=ProductsState.page_size.to_string(),
            on_change=ProductsState.choose_page_size,
            size="1",
        ),
        rx.button(
            t("pager.previous"),
            variant="soft",
            size="1",
            disabled=ProductsState.cursors.length() == 0,
            on_click=ProductsState.previous_page,
        ),
        rx.button(
            t("pager.next"),
            variant="soft",
            size="1",
            disabled=ProductsState.next_cursor == "",
            on_click=ProductsState.next_page,
            id="products-next",
        ),
        width="100%",
        align="center",
        spacing="2",
    )


@app_page(routes.PRODUCTS, "products.title", on_load=ProductsState.load)
def products_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            page_title("products.title", "products.intro"),
            rx.spacer(),
            rx.hstack(
                rx.link(
                    rx.button(rx.icon("file-spreadsheet", size=16), t("products.import_export"), variant="soft"),
                    href=routes.PRODUCT_IMPORT,
                    id="to-import",
                ),
                rx.link(
                    rx.button(rx.icon("plus", size=16), t("products.new"), id="new-product"), href=routes.PRODUCT_NEW
                ),
                spacing="2",
            ),
            width="100%",
            align="start",
        ),
        rx.card(
            rx.vstack(
                status_tabs(),
                filters(),
                bulk_bar(),
                rx.cond(
                    ProductsState.loaded,
                    rx.cond(
                        ProductsState.rows.length() > 0,
                        rx.vstack(
                            rx.cond(ProductsState.view == "grid", products_grid(), products_table()),
                            pager(),
                            width="100%",
                            spacing="3",
                        ),
                        empty_state("package-open", "products.empty_title", "products.empty"),
                    ),
                    rx.vstack(*[rx.skeleton(height="2em", width="100%") for _ in range(4)], width="100%"),
                ),
                spacing="4",
                width="100%",
            ),
            size="3",
            width="100%",
        ),
        spacing="5",
        width="100%",
    )
