"""/products: the catalogue as a table; search, filters, sort, keyset pages, bulk actions.

Only the visible page is ever in the state. The tenant comes from the verified session
of each event; ids sent by the browser are looked up in that seller's schema only.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import reflex as rx

from stoflow.catalog import photos as gallery
from stoflow.catalog import products as catalog
from stoflow.components.browser_auth import api_base
from stoflow.components.shell import app_page, empty_state, page_title
from stoflow.db.tenancy import tenant_session
from stoflow.i18n import t, tr
from stoflow.models.tenant.products import ProductStatus
from stoflow.pages import routes
from stoflow.state.language import LanguageState
from stoflow.state.session import SessionState

ALL = "all"
TABS = (ALL, *(status.value for status in ProductStatus), "trash")
SORTS = ("newest", "oldest", "price_asc", "price_desc", "title")
STATUS_COLOURS = {"draft": "gray", "published": "green", "sold": "blue", "archived": "orange"}
BULK_STATUSES = ("published", "archived", "draft")


def _price(value: Decimal, currency: str) -> str:
    return f"{value:.2f} {currency}"


class ProductsState(rx.State):
    rows: list[dict[str, str]] = []
    counts: dict[str, int] = {}
    total: int = 0
    tab: str = ALL
    search: str = ""
    sort: str = "newest"
    page_size: int = 25
    price_min: str = ""
    price_max: str = ""
    # Keyset pages: the cursors that led to each page so far (Previous pops one).
    cursors: list[str] = []
    next_cursor: str = ""
    selected: list[int] = []
    loaded: bool = False
    busy: bool = False

    async def _user_id(self) -> int | None:
        identity = (await self.get_state(SessionState))._identity()
        return identity.user_id if identity else None

    async def _language(self) -> str:
        return (await self.get_state(LanguageState)).lang

    def _query(self) -> catalog.ProductQuery:
        def money(raw: str) -> Decimal | None:
            try:
                return Decimal(raw.replace(",", ".")) if raw.strip() else None
            except InvalidOperation:
                return None

        return catalog.ProductQuery(
            search=self.search,
            status=None if self.tab == ALL else self.tab,
            price_min=money(self.price_min),
            price_max=money(self.price_max),
            sort=self.sort,
            page_size=self.page_size,
            after=self.cursors[-1] if self.cursors else None,
        )

    async def _reload(self) -> rx.event.EventSpec | None:
        user_id = await self._user_id()
        if user_id is None:
            return rx.redirect(routes.sign_in(next_path=routes.PRODUCTS))
        with tenant_session(user_id) as db:
            page = catalog.list_products(db, self._query())
            self.counts = catalog.status_counts(db)
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

    async def _restart(self) -> rx.event.EventSpec | None:
        self.cursors, self.selected = [], []
        return await self._reload()

    @rx.event
    async def load(self) -> rx.event.EventSpec | None:
        return await self._restart()

    @rx.event
    async def choose_tab(self, tab: str) -> rx.event.EventSpec | None:
        self.tab = tab if tab in TABS else ALL
        return await self._restart()

    @rx.event
    async def apply_filters(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        self.search = str(form.get("search", ""))[:200]
        self.price_min = str(form.get("price_min", ""))[:12]
        self.price_max = str(form.get("price_max", ""))[:12]
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

    async def _bulk(self, action: Any, done_key: str) -> rx.event.EventSpec | None:
        user_id = await self._user_id()
        if user_id is None:
            return rx.redirect(routes.sign_in(next_path=routes.PRODUCTS))
        language = await self._language()
        ids = list(self.selected)
        if not ids:
            return None
        with tenant_session(user_id) as db:
            changed, refused = action(db, ids)
        self.selected = []
        await self._reload()
        message = f"{tr(language, done_key)}: {changed}"
        if refused:
            return rx.toast.warning(f"{message} · {tr(language, 'products.bulk_refused')}: {refused}")
        return rx.toast.success(message)

    @rx.event
    async def bulk_trash(self) -> rx.event.EventSpec | None:
        return await self._bulk(lambda db, ids: (catalog.trash(db, ids), 0), "products.trashed")

    @rx.event
    async def bulk_restore(self) -> rx.event.EventSpec | None:
        return await self._bulk(lambda db, ids: (catalog.restore(db, ids), 0), "products.restored")

    @rx.event
    async def bulk_status(self, status: str) -> rx.event.EventSpec | None:
        if status not in BULK_STATUSES:
            return None

        def move(db: Any, ids: list[int]) -> tuple[int, int]:
            changed = refused = 0
            for product_id in ids:
                try:
                    with db.begin_nested():
                        catalog.change_status(db, product_id, status)
                    changed += 1
                except catalog.ProductError:
                    refused += 1
            return changed, refused

        return await self._bulk(move, "products.status_changed")

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
                rx.input(name="price_min", placeholder=t("products.price_min"), width="110px", inputmode="decimal"),
                rx.input(name="price_max", placeholder=t("products.price_max"), width="110px", inputmode="decimal"),
                rx.button(t("products.apply"), type="submit", variant="soft", id="products-apply"),
                spacing="2",
                wrap="wrap",
            ),
            on_submit=ProductsState.apply_filters,
            reset_on_submit=False,
        ),
        rx.spacer(),
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


def bulk_bar() -> rx.Component:
    in_trash = ProductsState.tab == "trash"
    return rx.cond(
        ProductsState.selected.length() > 0,
        rx.hstack(
            rx.text(ProductsState.selected.length(), " ", t("products.selected"), size="2", weight="medium"),
            rx.spacer(),
            rx.cond(
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
                    rx.alert_dialog.root(
                        rx.alert_dialog.trigger(
                            rx.button(
                                t("products.to_trash"), size="1", color_scheme="red", variant="soft", id="bulk-trash"
                            )
                        ),
                        rx.alert_dialog.content(
                            rx.alert_dialog.title(t("products.to_trash")),
                            rx.alert_dialog.description(t("products.to_trash_confirm"), size="2"),
                            rx.flex(
                                rx.alert_dialog.cancel(
                                    rx.button(t("account.cancel"), variant="soft", color_scheme="gray")
                                ),
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
                    ),
                    spacing="2",
                ),
            ),
            padding="8px 12px",
            bg=rx.color("accent", 2),
            border_radius="8px",
            width="100%",
            align="center",
            id="bulk-bar",
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
            rx.link(rx.button(rx.icon("plus", size=16), t("products.new"), id="new-product"), href=routes.PRODUCT_NEW),
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
                        rx.vstack(products_table(), pager(), width="100%", spacing="3"),
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
