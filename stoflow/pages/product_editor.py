"""/products/new and /products/[product_id]: one editor to create and edit a product.

Fields follow the category (which attributes it shows is reference data); brand is typed
with suggestions; each marketplace's title limit is counted live. Saving sends the
version the editor started from: a save over someone else's is refused, not merged.
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from stoflow.accounts.schemas import FieldErrors
from stoflow.catalog import photos as gallery
from stoflow.catalog import products as catalog
from stoflow.catalog.choices import reference_check
from stoflow.catalog.rules import CURRENCIES, MAX_COLORS, TITLE_LIMITS, parse_input
from stoflow.components.auth_form import field_error
from stoflow.components.shell import app_page
from stoflow.db.engine import db_session
from stoflow.db.tenancy import tenant_session
from stoflow.i18n import ERROR_CODES, MESSAGES, t, t_code, tr
from stoflow.models.tenant.products import Product
from stoflow.pages import routes
from stoflow.pages.product_ai import ai_panel
from stoflow.pages.product_photos import photo_gallery
from stoflow.reference import service as reference
from stoflow.state.language import LanguageState
from stoflow.state.session import SessionState
from stoflow.storage import get_storage

FORM_ID = "product-form"
MARKETPLACE_NAMES = {"vinted": "Vinted", "ebay": "eBay", "etsy": "Etsy"}
MATERIAL_ROWS = 3
STATUS_ACTIONS = {
    "draft": ("published", "archived"),
    "published": ("sold", "archived"),
    "sold": ("archived",),
    "archived": ("draft", "published"),
}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _duplicate(user_id: int, product_id: int) -> int:
    """A draft copy of the product with its own copies of the photos; the copy's id."""
    with tenant_session(user_id) as db:
        copy = catalog.duplicate(db, product_id)
        gallery.copy_photos(db, get_storage(), user_id=user_id, source_id=product_id, target_id=copy.id or 0)
        return copy.id or 0


class ProductEditorState(rx.State):
    product_id: int = 0  # 0: a new product
    opening: bool = False  # a product just created, on its way to its own page
    version: int = 0
    status: str = "draft"
    sku: str = ""
    title: str = ""
    description: str = ""
    category: str = ""
    values: dict[str, str] = {}  # every other field, as the form shows it
    errors: dict[str, str] = {}
    problems: list[str] = []  # what publishing still needs
    categories: list[dict[str, str]] = []
    conditions: list[dict[str, str]] = []
    colors: list[dict[str, str]] = []
    materials: list[dict[str, str]] = []
    sizes: list[dict[str, str]] = []
    fields: list[dict[str, str]] = []  # the category's other attributes: name, label
    field_options: dict[str, list[dict[str, str]]] = {}  # attribute -> its choices
    brand_suggestions: list[str] = []
    loaded: bool = False
    saving: bool = False
    missing: bool = False

    async def _user_id(self) -> int | None:
        identity = (await self.get_state(SessionState))._identity()
        return identity.user_id if identity else None

    async def _language(self) -> str:
        return (await self.get_state(LanguageState)).lang

    def _load_choices(self, language: str) -> None:
        with db_session() as db:
            self.categories = [
                {"key": node.key, "label": node.path}
                for node in reference.leaf_categories(db, language)  # type: ignore[arg-type]
            ]
            self.conditions = [
                {"key": str(option.key), "label": option.label}
                for option in reference.conditions(db, language)  # type: ignore[arg-type]
            ]
            self.colors = [{"key": c.key, "label": c.label} for c in reference.colors(db, language)]  # type: ignore[arg-type]
            self.materials = [
                {"key": o.key, "label": o.label}
                for o in reference.options(db, "material", language)  # type: ignore[arg-type]
            ]
        self._load_category_fields(language)

    def _load_category_fields(self, language: str) -> None:
        with db_session() as db:
            category = self.category or None
            if category is not None and not reference.is_valid(db, "category", category):
                self.category, category = "", None  # not a category: the editor shows none
            self.sizes = [{"key": size.key, "label": size.label} for size in reference.sizes(db, category)]
            fields: list[dict[str, str]] = []
            choices: dict[str, list[dict[str, str]]] = {}
            if category:
                try:
                    wanted = reference.attributes_for_category(db, category)
                except reference.UnknownCategory:
                    wanted = []
                for field in wanted:
                    if field.attribute in {"brand", "size", "color", "colors", "material", "materials", "condition"}:
                        continue
                    try:
                        options = reference.options(db, field.attribute, language)  # type: ignore[arg-type]
                    except reference.UnknownAttribute:
                        continue
                    label_key = f"attribute.{field.attribute}"
                    label = tr(language, label_key) if label_key in MESSAGES else field.attribute.replace("_", " ")
                    fields.append({"name": field.attribute, "label": label})
                    choices[field.attribute] = [{"key": o.key, "label": o.label} for o in options]
            self.fields, self.field_options = fields, choices

    def _show(self, product: Product, photos: int) -> None:
        self.product_id, self.version, self.status, self.sku = (
            product.id or 0,
            product.version,
            product.status,
            product.sku,
        )
        self.title, self.description, self.category = product.title, product.description, product.category or ""
        values = {
            "brand": _text(product.brand),
            "size": _text(product.size),
            "condition": _text(product.condition),
            "condition_details": product.condition_details,
            "price": f"{product.price:.2f}",
            "currency": product.currency,
            "cost_price": "" if product.cost_price is None else f"{product.cost_price:.2f}",
            "quantity": str(product.quantity),
            "length_cm": _text(product.length_cm),
            "width_cm": _text(product.width_cm),
            "height_cm": _text(product.height_cm),
            "weight_g": _text(product.weight_g),
            "notes": product.notes,
        }
        for index in range(MAX_COLORS):
            values[f"color_{index}"] = product.colors[index] if index < len(product.colors) else ""
        for index in range(MATERIAL_ROWS):
            material = product.materials[index] if index < len(product.materials) else {}
            values[f"material_{index}"] = _text(material.get("key"))
            values[f"material_percent_{index}"] = _text(material.get("percent"))
        for name, value in product.attributes.items():
            values[f"attr_{name}"] = _text(value)
        self.values = values
        self.problems = catalog.publish_problems_of(product, photos)

    @rx.event
    async def load(self) -> rx.event.EventSpec | None:
        user_id = await self._user_id()
        if user_id is None:
            return rx.redirect(routes.sign_in(next_path=self.router.url.path))
        self.errors, self.missing, self.loaded, self.opening = {}, False, False, False
        raw = str(
            self.router.url.query_parameters.get("product_id", "") or self.router.page.params.get("product_id", "")
        )
        language = await self._language()
        if not raw or raw == "new":
            self.product_id, self.version, self.status, self.sku = 0, 0, "draft", ""
            self.title = self.description = self.category = ""
            self.values = {"currency": "EUR", "quantity": "1", "price": ""}
            self.problems = []
        else:
            try:
                with tenant_session(user_id) as db:
                    product = catalog.get_product(db, int(raw))
                    self._show(product, catalog.photo_count(db, product.id))  # type: ignore[arg-type]
            except (ValueError, catalog.ProductError):
                self.missing, self.loaded = True, True
                return None
        self._load_choices(language)
        self.loaded = True
        return None

    @rx.event
    def set_title(self, value: str) -> None:
        self.title = value[:400]

    @rx.event
    def set_description(self, value: str) -> None:
        self.description = value[:20_000]

    @rx.event
    async def choose_category(self, value: str) -> None:
        self.category = value[:64]
        self._load_category_fields(await self._language())

    @rx.event
    def suggest_brands(self, text: str) -> None:
        text = text.strip()[:60]
        if len(text) < 2:
            self.brand_suggestions = []
            return
        with db_session() as db:
            self.brand_suggestions = [option.label for option in reference.search_brands(db, text, limit=12)]

    def _form_data(self, form: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {
            name: form.get(name, "")
            for name in (
                "brand",
                "size",
                "condition",
                "condition_details",
                "price",
                "currency",
                "cost_price",
                "quantity",
                "sku",
                "length_cm",
                "width_cm",
                "height_cm",
                "weight_g",
                "notes",
            )
        }
        data.update(title=self.title, description=self.description, category=self.category)
        data["colors"] = [form.get(f"color_{index}", "") for index in range(MAX_COLORS)]
        data["materials"] = [
            {"key": form.get(f"material_{index}", ""), "percent": form.get(f"material_percent_{index}", "")}
            for index in range(MATERIAL_ROWS)
        ]
        data["attributes"] = {
            str(name)[5:]: value for name, value in form.items() if str(name).startswith("attr_") and value
        }
        return data

    @rx.event
    async def save(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        user_id = await self._user_id()
        if user_id is None:
            return rx.redirect(routes.sign_in(next_path=self.router.url.path))
        language = await self._language()
        self.values = {**self.values, **{str(k): str(v) for k, v in form.items()}}
        try:
            data = parse_input(self._form_data(form), known=reference_check())
            with tenant_session(user_id) as db:
                if self.product_id:
                    product = catalog.update_product(db, self.product_id, data, version=self.version)
                else:
                    product = catalog.create_product(db, data)
                self._show(product, catalog.photo_count(db, product.id))  # type: ignore[arg-type]
        except FieldErrors as error:
            self.errors = {k: v if v in ERROR_CODES else "invalid_request" for k, v in error.errors.items()}
            return rx.toast.error(tr(language, "editor.fix_fields"))
        except catalog.ProductError as refused:
            return rx.toast.error(tr(language, refused.code))
        self.errors = {}
        created = not str(self.router.url.path).rstrip("/").endswith(f"/{self.product_id}")
        # Until its own page is loaded the gallery waits: files dropped on this page would be lost.
        self.opening = created
        toast = rx.toast.success(tr(language, "editor.saved"))
        return [rx.call_script("window.stoflowEditor && window.stoflowEditor.saved()"), toast] + (
            [rx.redirect(routes.product(self.product_id))] if created else []
        )

    @rx.event
    async def move_to(self, status: str) -> rx.event.EventSpec | None:
        user_id = await self._user_id()
        if user_id is None or not self.product_id:
            return None
        language = await self._language()
        try:
            with tenant_session(user_id) as db:
                product = catalog.change_status(db, self.product_id, status, version=self.version)
                self._show(product, catalog.photo_count(db, product.id))  # type: ignore[arg-type]
        except catalog.ProductError as refused:
            if refused.problems:
                needs = ", ".join(tr(language, problem) for problem in refused.problems)
                return rx.toast.error(f"{tr(language, refused.code)} ({needs})")
            return rx.toast.error(tr(language, refused.code))
        return rx.toast.success(tr(language, f"product.status.{status}"))

    @rx.event
    async def to_trash(self) -> rx.event.EventSpec | None:
        user_id = await self._user_id()
        if user_id is None or not self.product_id:
            return None
        with tenant_session(user_id) as db:
            catalog.trash(db, [self.product_id])
        return rx.redirect(routes.PRODUCTS)

    @rx.event
    async def duplicate(self) -> rx.event.EventSpec | None:
        user_id = await self._user_id()
        if user_id is None or not self.product_id:
            return None
        try:
            # Off the event loop: copying up to 24 photos is 48 storage round trips on R2.
            copy_id = await asyncio.to_thread(_duplicate, user_id, self.product_id)
        except catalog.ProductError as refused:
            return rx.toast.error(tr(await self._language(), refused.code))
        return rx.redirect(routes.product(copy_id))

    @rx.var
    def title_length(self) -> int:
        return len(self.title)


def _error(name: str) -> Any:
    return t_code(ProductEditorState.errors.get(name, ""))


def _label(key: str, html_for: str) -> rx.Component:
    return rx.el.label(rx.text(t(key), size="2", weight="medium"), html_for=html_for)


def _field(label_key: str, name: str, control: rx.Component) -> rx.Component:
    return rx.vstack(_label(label_key, name), control, field_error(name, _error(name)), spacing="1", width="100%")


def _input(name: str, **props: Any) -> rx.Component:
    props.setdefault("width", "100%")
    return rx.input(
        id=name,
        name=name,
        default_value=ProductEditorState.values.get(name, ""),
        key=ProductEditorState.version.to_string() + name,
        aria_invalid=rx.cond(ProductEditorState.errors.contains(name), "true", "false"),
        **props,
    )


def _select(name: str, options: Any, *, empty_key: str = "editor.none", **props: Any) -> rx.Component:
    return rx.el.select(
        rx.el.option(t(empty_key), value=""),
        rx.foreach(options, lambda option: rx.el.option(option["label"], value=option["key"])),
        id=name,
        name=name,
        class_name="native-select compact",
        default_value=ProductEditorState.values.get(name, ""),
        key=ProductEditorState.version.to_string() + name + ProductEditorState.category,
        **props,
    )


def _counter(marketplace: str, limit: int) -> rx.Component:
    over = ProductEditorState.title_length > limit
    return rx.badge(
        MARKETPLACE_NAMES[marketplace],
        " ",
        ProductEditorState.title_length,
        "/",
        limit,
        color_scheme=rx.cond(over, "red", "gray"),
        variant="soft",
        id=f"title-count-{marketplace}",
    )


def listing_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("editor.listing"), size="4"),
            rx.vstack(
                _label("editor.title", "title"),
                rx.input(
                    id="title",
                    name="title",
                    value=ProductEditorState.title,
                    on_change=ProductEditorState.set_title,
                    width="100%",
                    max_length=200,
                    size="3",
                ),
                rx.hstack(*[_counter(name, limit) for name, limit in TITLE_LIMITS.items()], spacing="2", wrap="wrap"),
                field_error("title", _error("title")),
                spacing="1",
                width="100%",
            ),
            rx.vstack(
                _label("editor.description", "description"),
                rx.text_area(
                    id="description",
                    name="description",
                    value=ProductEditorState.description,
                    on_change=ProductEditorState.set_description,
                    rows="7",
                    width="100%",
                ),
                field_error("description", _error("description")),
                spacing="1",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def details_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("editor.details"), size="4"),
            rx.grid(
                rx.vstack(
                    _label("editor.category", "category"),
                    rx.el.select(
                        rx.el.option(t("editor.choose"), value=""),
                        rx.foreach(
                            ProductEditorState.categories,
                            lambda option: rx.el.option(option["label"], value=option["key"]),
                        ),
                        id="category",
                        class_name="native-select compact",
                        value=ProductEditorState.category,
                        on_change=ProductEditorState.choose_category,
                    ),
                    field_error("category", _error("category")),
                    spacing="1",
                    width="100%",
                ),
                _field(
                    "editor.brand",
                    "brand",
                    rx.fragment(
                        _input(
                            "brand",
                            list="brand-options",
                            auto_complete="off",
                            on_change=ProductEditorState.suggest_brands.debounce(250),
                        ),
                        rx.el.datalist(
                            rx.foreach(ProductEditorState.brand_suggestions, lambda brand: rx.el.option(value=brand)),
                            id="brand-options",
                        ),
                    ),
                ),
                _field("editor.size", "size", _select("size", ProductEditorState.sizes)),
                _field("editor.condition", "condition", _select("condition", ProductEditorState.conditions)),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            _field(
                "editor.colors",
                "colors",
                rx.hstack(
                    *[_select(f"color_{i}", ProductEditorState.colors) for i in range(MAX_COLORS)],
                    spacing="2",
                    width="100%",
                ),
            ),
            _field(
                "editor.materials",
                "materials",
                rx.vstack(
                    *[
                        rx.hstack(
                            _select(f"material_{i}", ProductEditorState.materials),
                            _input(f"material_percent_{i}", placeholder="%", width="90px", inputmode="numeric"),
                            spacing="2",
                            width="100%",
                        )
                        for i in range(MATERIAL_ROWS)
                    ],
                    spacing="2",
                    width="100%",
                ),
            ),
            rx.grid(
                rx.foreach(
                    ProductEditorState.fields,
                    lambda field: rx.vstack(
                        rx.el.label(rx.text(field["label"], size="2", weight="medium")),
                        rx.el.select(
                            rx.el.option(t("editor.none"), value=""),
                            rx.foreach(
                                ProductEditorState.field_options[field["name"]],
                                lambda o: rx.el.option(o["label"], value=o["key"]),
                            ),
                            name="attr_" + field["name"].to(str),
                            class_name="native-select compact",
                            default_value=ProductEditorState.values.get("attr_" + field["name"].to(str), ""),
                        ),
                        spacing="1",
                        width="100%",
                    ),
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
                id="category-fields",
            ),
            _field(
                "editor.condition_details",
                "condition_details",
                rx.text_area(
                    name="condition_details",
                    id="condition_details",
                    rows="2",
                    width="100%",
                    default_value=ProductEditorState.values.get("condition_details", ""),
                    key=ProductEditorState.version.to_string() + "cd",
                ),
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def price_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("editor.price_stock"), size="4"),
            rx.grid(
                _field("editor.price", "price", _input("price", inputmode="decimal", placeholder="0.00")),
                _field(
                    "editor.currency",
                    "currency",
                    rx.el.select(
                        *[rx.el.option(code, value=code) for code in CURRENCIES],
                        id="currency",
                        name="currency",
                        class_name="native-select compact",
                        default_value=ProductEditorState.values.get("currency", "EUR"),
                        key=ProductEditorState.version.to_string() + "currency",
                    ),
                ),
                _field("editor.cost_price", "cost_price", _input("cost_price", inputmode="decimal")),
                _field("editor.quantity", "quantity", _input("quantity", inputmode="numeric")),
                _field("editor.sku", "sku", _input("sku", placeholder=ProductEditorState.sku)),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            rx.heading(t("editor.shipping"), size="3"),
            rx.grid(
                _field("editor.length_cm", "length_cm", _input("length_cm", inputmode="numeric")),
                _field("editor.width_cm", "width_cm", _input("width_cm", inputmode="numeric")),
                _field("editor.height_cm", "height_cm", _input("height_cm", inputmode="numeric")),
                _field("editor.weight_g", "weight_g", _input("weight_g", inputmode="numeric")),
                columns=rx.breakpoints(initial="2", sm="4"),
                spacing="4",
                width="100%",
            ),
            _field(
                "editor.notes",
                "notes",
                rx.text_area(
                    name="notes",
                    id="notes",
                    rows="2",
                    width="100%",
                    default_value=ProductEditorState.values.get("notes", ""),
                    key=ProductEditorState.version.to_string() + "notes",
                ),
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def status_bar() -> rx.Component:
    actions = rx.match(
        ProductEditorState.status,
        *[
            (
                status,
                rx.hstack(
                    *[
                        rx.button(
                            t(f"editor.to.{target}"),
                            variant="soft",
                            size="2",
                            type="button",
                            on_click=ProductEditorState.move_to(target),
                            id=f"to-{target}",
                        )
                        for target in targets
                    ],
                    spacing="2",
                ),
            )
            for status, targets in STATUS_ACTIONS.items()
        ],
        rx.fragment(),
    )
    return rx.cond(
        ProductEditorState.product_id > 0,
        rx.hstack(
            rx.badge(t("editor.status"), ": ", ProductEditorState.status, size="2", id="product-status"),
            actions,
            rx.spacer(),
            rx.button(
                rx.icon("copy", size=14),
                t("editor.duplicate"),
                variant="ghost",
                type="button",
                on_click=ProductEditorState.duplicate,
            ),
            rx.button(
                rx.icon("trash-2", size=14),
                t("products.to_trash"),
                variant="ghost",
                color_scheme="red",
                type="button",
                on_click=ProductEditorState.to_trash,
                id="editor-trash",
            ),
            width="100%",
            align="center",
            wrap="wrap",
            spacing="3",
        ),
    )


def editor() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading(
                        rx.cond(ProductEditorState.product_id > 0, t("editor.edit_title"), t("editor.new_title")),
                        size="7",
                        as_="h1",
                    ),
                    rx.text(ProductEditorState.sku, color=rx.color("gray", 11), size="2", id="product-sku"),
                    spacing="1",
                ),
                rx.spacer(),
                rx.link(t("editor.back"), href=routes.PRODUCTS, size="2"),
                rx.button(t("editor.save"), type="submit", size="3", id="product-save", disabled=~rx.State.is_hydrated),
                width="100%",
                align="center",
                spacing="4",
            ),
            status_bar(),
            rx.grid(
                rx.vstack(photo_gallery(), listing_card(), details_card(), spacing="5", width="100%"),
                rx.vstack(ai_panel(), price_card(), spacing="5", width="100%"),
                columns=rx.breakpoints(initial="1", lg="2"),
                spacing="5",
                width="100%",
            ),
            spacing="5",
            width="100%",
        ),
        id=FORM_ID,
        on_submit=ProductEditorState.save,
        reset_on_submit=False,
        width="100%",
    )


def _page() -> rx.Component:
    return rx.cond(
        ProductEditorState.loaded,
        rx.cond(
            ProductEditorState.missing,
            rx.callout(t("product_not_found"), icon="circle-alert", color_scheme="red", id="product-missing"),
            editor(),
        ),
        rx.center(rx.spinner(size="3"), width="100%", padding="48px"),
    )


@app_page(routes.PRODUCT_NEW, "editor.new_title", on_load=ProductEditorState.load)
def product_new_page() -> rx.Component:
    return _page()


@app_page(routes.PRODUCT_EDIT, "editor.edit_title", on_load=ProductEditorState.load)
def product_edit_page() -> rx.Component:
    return _page()
