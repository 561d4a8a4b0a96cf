"""The product editor's AI assistant: fill the product from its photos, write its listing.

A card in the editor (`ai_panel()`): "Fill from photos" (Gemini reads the photos, never the
label photo, and proposes category, brand, colours, materials, condition, size and details,
all checked against the reference data); "Write title and description" for one marketplace,
in the seller's language; "Use the template" (no AI, no credit). The answers are proposals:
the seller accepts them field by field (or all at once), which fills the editor's form
without saving anything, and without touching the seller's other unsaved edits.

The product is the one the editor shows (`ProductEditorState.product_id`, set by the
server); the browser only sends what its form holds now, as text. Each AI call is counted
against the seller's monthly credits (`stoflow.ai.usage`); it runs in a background event,
off the state lock, so the page stays responsive. A failed call changes nothing in the form.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import reflex as rx

from stoflow.ai.gemini import AiError, AiErrorCode, GeminiClient
from stoflow.ai.listing import MARKETPLACES, AllowedValues, FillResult, Language, ListingText, Marketplace
from stoflow.ai.templates import template_listing
from stoflow.ai.usage import credits_left, reserved_credit
from stoflow.catalog.photos import photos_for_ai
from stoflow.catalog.rules import DESCRIPTION_MAX, MAX_COLORS, TITLE_MAX
from stoflow.config import get_settings
from stoflow.db.engine import db_session
from stoflow.db.tenancy import tenant_session
from stoflow.i18n import t, t_code, tr
from stoflow.pages.product_photos import ProductPhotosState
from stoflow.reference import service as reference
from stoflow.state.language import LanguageState
from stoflow.state.session import SessionState
from stoflow.storage import get_storage

if TYPE_CHECKING:  # the editor includes this panel: it is imported when used, not here
    from stoflow.pages.product_editor import ProductEditorState

log = logging.getLogger(__name__)

FORM_VALUES = "window.stoflowEditor ? window.stoflowEditor.formValues() : {}"
CONTROLLED = ("title", "description", "category", "details")  # held by ProductEditorState, not the DOM
MARKETPLACE_NAMES: dict[Marketplace, str] = {"vinted": "Vinted", "ebay": "eBay", "etsy": "Etsy"}
MATERIAL_ROWS = 3  # as the editor shows them
MAX_FORM_FIELDS = 200
MAX_FORM_VALUE = 20_000
SHOWN_CHARS = 400  # of a long current value in the review list
SELLER_TEXT_CHARS = 1_500  # of the seller's description sent to the AI as a hint
# A call lasts at most ~3.5 min (60 s timeout, 2 retries): a "busy" older than this was cut short
# (server restarted mid-call) and must not keep the buttons disabled.
STALE_BUSY_S = 300


# --- what the browser sends -------------------------------------------------------------


def _clean_form(form: object) -> dict[str, str]:
    """The form's fields as text: only short string names, values cut to size, at most a few hundred."""
    if not isinstance(form, Mapping):
        return {}
    clean: dict[str, str] = {}
    for name, value in list(form.items())[:MAX_FORM_FIELDS]:
        if isinstance(name, str) and 0 < len(name) <= 64 and isinstance(value, str | int | float):
            clean[name] = str(value)[:MAX_FORM_VALUE]
    return clean


def _language(value: str) -> Language:
    return cast(Language, value if value in ("en", "fr") else "en")


# --- reference labels -------------------------------------------------------------------


@dataclass(frozen=True)
class _Labels:
    """Reference keys -> labels in the seller's language."""

    category_paths: dict[str, str]
    category_names: dict[str, str]
    colors: dict[str, str]
    materials: dict[str, str]
    conditions: dict[str, str]
    sizes: dict[str, str]

    @classmethod
    def read(cls, language: Language) -> _Labels:
        with db_session() as db:
            leaves = reference.leaf_categories(db, language)
            return cls(
                category_paths={node.key: node.path for node in leaves},
                category_names={node.key: node.label for node in leaves},
                colors={option.key: option.label for option in reference.colors(db, language)},
                materials={option.key: option.label for option in reference.options(db, "material", language)},
                conditions={str(option.key): option.label for option in reference.conditions(db, language)},
                sizes={size.key: size.label for size in reference.sizes(db)},
            )

    def allowed(self) -> AllowedValues:
        return AllowedValues(
            categories=list(self.category_paths),
            colours=list(self.colors),
            materials=list(self.materials),
            conditions=list(self.conditions),
            sizes=list(self.sizes),
        )


def _list(labels: Mapping[str, str], keys: Sequence[str]) -> str:
    return ", ".join(labels.get(key, key) for key in keys if key)


@dataclass(frozen=True)
class _Draft:
    """The editor as the seller sees it now: its controlled fields and the form's values."""

    category: str
    title: str
    description: str
    form: dict[str, str]
    fields: list[dict[str, str]]  # the category's other attributes: name, label
    field_options: dict[str, list[dict[str, str]]]

    def colors(self) -> list[str]:
        return [self.form.get(f"color_{index}", "") for index in range(MAX_COLORS)]

    def materials(self) -> list[str]:
        return [self.form.get(f"material_{index}", "") for index in range(MATERIAL_ROWS)]

    def attributes(self, labels: _Labels, details: Sequence[str]) -> dict[str, Any]:
        """The product's facts as display labels, for the AI prompt and the template."""
        facts: dict[str, Any] = {
            "brand": self.form.get("brand", "").strip(),
            "category": labels.category_names.get(self.category, ""),
            "colours": [labels.colors.get(key, key) for key in self.colors() if key],
            "size": labels.sizes.get(self.form.get("size", ""), self.form.get("size", "")),
            "condition": labels.conditions.get(self.form.get("condition", ""), ""),
            "materials": [labels.materials.get(key, key) for key in self.materials() if key],
            "details": list(details),
        }
        for field in self.fields:
            chosen = self.form.get(f"attr_{field['name']}", "")
            options = {option["key"]: option["label"] for option in self.field_options.get(field["name"], [])}
            if chosen in options:
                facts[field["label"]] = options[chosen]
        return facts


# --- proposals ----------------------------------------------------------------------------

Row = dict[str, str]  # name, label, current, proposed
# Every row the review list can show, in its order (each is compiled with its own Accept button).
ROW_NAMES = ("category", "brand", "size", "condition", "colors", "materials", "details", "title", "description")
Changes = dict[str, dict[str, str]]  # row name -> {field name: value}


def _row(name: str, language: Language, current: str, proposed: str) -> Row:
    return {"name": name, "label": tr(language, f"ai.field.{name}"), "current": current, "proposed": proposed}


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS].rstrip() + "…"


def _fill_proposals(
    result: FillResult, draft: _Draft, labels: _Labels, language: Language
) -> tuple[list[Row], Changes]:
    """One row per field the AI would change; fields it leaves as they are are not shown."""
    rows: list[Row] = []
    changes: Changes = {}

    def propose(name: str, current: str, proposed: str, change: dict[str, str]) -> None:
        rows.append(_row(name, language, current, proposed))
        changes[name] = change

    if result.category and result.category != draft.category:
        current = labels.category_paths.get(draft.category, "")
        propose("category", current, labels.category_paths[result.category], {"category": result.category})
    brand_now = draft.form.get("brand", "").strip()
    if result.brand and result.brand != brand_now:
        propose("brand", brand_now, result.brand, {"brand": result.brand})
    category = result.category or draft.category or None
    with db_session() as db:
        offered = {size.key for size in reference.sizes(db, category)}
    size_now = draft.form.get("size", "")
    if result.size and result.size in offered and result.size != size_now:
        propose("size", labels.sizes.get(size_now, size_now), labels.sizes[result.size], {"size": result.size})
    condition_now = draft.form.get("condition", "")
    if result.condition and result.condition != condition_now:
        current = labels.conditions.get(condition_now, "")
        propose("condition", current, labels.conditions[result.condition], {"condition": result.condition})
    colors = result.colours[:MAX_COLORS]
    if colors and colors != [key for key in draft.colors() if key]:
        padded = colors + [""] * (MAX_COLORS - len(colors))
        change = {f"color_{index}": key for index, key in enumerate(padded)}
        propose("colors", _list(labels.colors, draft.colors()), _list(labels.colors, colors), change)
    materials = result.materials[:MATERIAL_ROWS]
    materials_now = draft.materials()
    if materials and materials != [key for key in materials_now if key]:
        padded = materials + [""] * (MATERIAL_ROWS - len(materials))
        change = {}
        for index, key in enumerate(padded):
            change[f"material_{index}"] = key
            if key != materials_now[index]:  # a percentage stays with its own material only
                change[f"material_percent_{index}"] = ""
        propose("materials", _list(labels.materials, materials_now), _list(labels.materials, materials), change)
    if result.details:
        lines = "\n".join(f"- {detail}" for detail in result.details)
        propose("details", "", lines, {"details": lines})
    return rows, changes


def _listing_proposals(listing: ListingText, draft: _Draft, language: Language) -> tuple[list[Row], Changes]:
    rows: list[Row] = []
    changes: Changes = {}
    if listing.title and listing.title != draft.title:
        rows.append(_row("title", language, draft.title, listing.title))
        changes["title"] = {"title": listing.title[:TITLE_MAX]}
    if listing.description and listing.description != draft.description:
        rows.append(_row("description", language, _shown(draft.description), listing.description))
        changes["description"] = {"description": listing.description[:DESCRIPTION_MAX]}
    return rows, changes


def _with_details(description: str, lines: str) -> str:
    """The description with the detail lines it does not already have, appended."""
    missing = [line for line in lines.splitlines() if line.strip() and line.strip() not in description]
    if not missing:
        return description
    return (description.rstrip() + "\n\n" if description.strip() else "") + "\n".join(missing)


# --- the calls (blocking: run in a thread) -----------------------------------------------


@dataclass(frozen=True)
class _Answer:
    rows: list[Row]
    changes: Changes
    details: list[str]


def _credits(user_id: int) -> int:
    with db_session() as db:
        return credits_left(db, user_id)


def _client() -> GeminiClient:
    client = GeminiClient.from_settings()
    if not client.configured:
        raise AiError("ai_not_configured", "GOOGLE_API_KEY is not set")
    return client


def _fill(user_id: int, product_id: int, language: Language, draft: _Draft) -> _Answer:
    client = _client()
    with reserved_credit(user_id, "fill_from_photos") as credit:
        photos: list[tuple[bytes, str]] = []
        if product_id:
            with tenant_session(user_id) as db:  # the seller's own schema: another seller's id finds nothing
                photos = photos_for_ai(db, get_storage(), product_id)
        if not photos:
            raise AiError(cast(AiErrorCode, "ai_no_photos"), f"product {product_id} has no photo the AI may see")
        labels = _Labels.read(language)
        result, usage = client.fill_from_photos(photos, language=language, allowed=labels.allowed())
        credit.spent(usage)
    rows, changes = _fill_proposals(result, draft, labels, language)
    return _Answer(rows, changes, list(result.details))


def _write(user_id: int, language: Language, marketplace: Marketplace, draft: _Draft, details: list[str]) -> _Answer:
    client = _client()
    with reserved_credit(user_id, "write_listing") as credit:
        facts = draft.attributes(_Labels.read(language), details)
        # The seller's own words are facts too (and what they wrote may be all there is).
        facts["seller_title"] = draft.title
        facts["seller_description"] = draft.description[:SELLER_TEXT_CHARS]
        listing, usage = client.write_listing(facts, language=language, marketplace=marketplace)
        credit.spent(usage)
    rows, changes = _listing_proposals(listing, draft, language)
    return _Answer(rows, changes, details)


# --- state -----------------------------------------------------------------------------------


class ProductAiState(rx.State):
    credits: int = 0
    allowance: int = 0
    configured: bool = False
    busy: str = ""  # "fill" or "write" while a call runs
    marketplace: str = "vinted"
    error: str = ""  # an error code (stoflow.texts.ai, stoflow.texts.ai_ui)
    nothing_new: bool = False
    accepted: bool = False
    proposals: dict[str, Row] = {}  # row name -> row
    _product_id: int = -1  # the product the proposals are for (-1: none yet)
    _busy_since: float = 0.0
    _changes: Changes = {}
    _details: list[str] = []  # from the last "Fill from photos", for the listing

    async def _user_id(self) -> int | None:
        identity = (await self.get_state(SessionState))._identity()
        return identity.user_id if identity else None

    async def _editor(self) -> ProductEditorState:
        from stoflow.pages.product_editor import ProductEditorState

        return await self.get_state(ProductEditorState)

    async def _draft(self, form: object) -> _Draft:
        editor = await self._editor()
        return _Draft(
            category=editor.category,
            title=editor.title,
            description=editor.description,
            form=_clean_form(form),
            fields=[dict(field) for field in editor.fields],
            field_options={name: [dict(o) for o in options] for name, options in editor.field_options.items()},
        )

    def _forget(self, product_id: int) -> None:
        self._product_id = product_id
        self.proposals, self._changes, self._details = {}, {}, []
        self.error, self.nothing_new, self.accepted = "", False, False

    async def _follow_editor(self) -> int:
        """The editor's product; the proposals of another product are dropped."""
        product_id = (await self._editor()).product_id
        if product_id != self._product_id:
            self._forget(product_id)
        return product_id

    def _show_answer(self, answer: _Answer) -> None:
        self.proposals = {row["name"]: row for row in answer.rows}
        self._changes, self._details = answer.changes, answer.details
        self.nothing_new = not answer.rows

    @rx.var
    def reviewing(self) -> bool:
        return bool(self.proposals)

    @rx.event
    async def refresh(self) -> None:
        """Credits left, and whether the AI is set up (the gallery says whether there are photos)."""
        user_id = await self._user_id()
        if user_id is None:
            self._forget(-1)
            self.credits = 0
            return
        await self._follow_editor()
        self._still_busy()
        settings = get_settings()
        self.configured, self.allowance = settings.google_api_key is not None, settings.ai_monthly_credits
        self.credits = _credits(user_id)

    @rx.event
    async def choose_marketplace(self, value: str) -> None:
        if await self._user_id() is not None and value in MARKETPLACES:
            self.marketplace = value

    def _still_busy(self) -> bool:
        if self.busy and time.time() - self._busy_since > STALE_BUSY_S:
            self.busy = ""
        return self.busy != ""

    async def _start(self, kind: str) -> tuple[int, int, Language] | None:
        """Checks before a call (inside the state lock): signed in, nothing else running."""
        user_id = await self._user_id()
        if user_id is None or self._still_busy():
            return None
        product_id = await self._follow_editor()
        self.busy, self.error, self.nothing_new, self.accepted = kind, "", False, False
        self._busy_since = time.time()
        self.proposals, self._changes = {}, {}  # a new answer replaces the review list
        return user_id, product_id, _language((await self.get_state(LanguageState)).lang)

    async def _finish(self, user_id: int, product_id: int, answer: _Answer | None, error: str, credits: int) -> None:
        """After a call (inside the state lock): show its answer, unless the editor moved on."""
        if (await self.get_state(SessionState))._owner != user_id:
            return  # the page changed hands meanwhile (signed out, or its token replayed): show nothing
        self.busy, self.credits = "", credits
        if (await self._editor()).product_id != product_id:
            return  # the seller opened another product meanwhile: this answer is not for it
        self.error = error
        if answer is not None:
            self._show_answer(answer)

    @rx.event(background=True)
    async def fill_from_photos(self, form: dict[str, Any]) -> None:
        """Ask the AI for the product's attributes from its photos; shows proposals or a message."""
        async with self:
            started = await self._start("fill")
            if started is None:
                return
            user_id, product_id, language = started
            draft = await self._draft(form)
        answer, error = await self._run(_fill, user_id, product_id, language, draft)
        credits = await self._run_credits(user_id)
        async with self:
            await self._finish(user_id, product_id, answer, error, credits)

    @rx.event(background=True)
    async def write_listing(self, form: dict[str, Any]) -> None:
        """Ask the AI for a title and description for the chosen marketplace."""
        async with self:
            started = await self._start("write")
            if started is None:
                return
            user_id, product_id, language = started
            draft = await self._draft(form)
            marketplace = cast(Marketplace, self.marketplace if self.marketplace in MARKETPLACES else "vinted")
            details = list(self._details)
        answer, error = await self._run(_write, user_id, language, marketplace, draft, details)
        credits = await self._run_credits(user_id)
        async with self:
            await self._finish(user_id, product_id, answer, error, credits)

    @staticmethod
    async def _run(call: Any, *args: Any) -> tuple[_Answer | None, str]:
        try:
            return await asyncio.to_thread(call, *args), ""
        except AiError as error:
            return None, error.code
        except Exception:
            log.exception("The AI assistant failed")
            return None, "ai_failed"

    @staticmethod
    async def _run_credits(user_id: int) -> int:
        try:
            return await asyncio.to_thread(_credits, user_id)
        except Exception:
            log.exception("Reading the AI credits left failed")
            return 0

    @rx.event
    async def use_template(self, form: dict[str, Any]) -> None:
        """A title and description from the template: no AI, no credit."""
        started = await self._start("template")
        if started is None:
            return
        _, _, language = started
        self.busy = ""
        draft = await self._draft(form)
        marketplace = cast(Marketplace, self.marketplace if self.marketplace in MARKETPLACES else "vinted")
        facts = draft.attributes(_Labels.read(language), self._details)
        listing = template_listing(facts, language=language, marketplace=marketplace)
        rows, changes = _listing_proposals(listing, draft, language)
        self._show_answer(_Answer(rows, changes, list(self._details)))

    async def _accept(self, names: list[str], form: object) -> rx.event.EventSpec | None:
        if await self._user_id() is None:
            return None
        editor = await self._editor()
        if editor.product_id != self._product_id:
            self._forget(editor.product_id)
            return None
        changes = dict(self._changes)
        uncontrolled: dict[str, str] = {}
        category: str | None = None
        applied = [changes.pop(name) for name in names if name in changes]
        if not applied:
            return None
        for change in applied:
            for field, value in change.items():
                if field == "title":
                    editor.title = value[:TITLE_MAX]
                elif field == "description":
                    editor.description = value[:DESCRIPTION_MAX]
                elif field == "details":
                    editor.description = _with_details(editor.description, value)[:DESCRIPTION_MAX]
                elif field == "category":
                    category = value
                else:
                    uncontrolled[field] = value
        self._changes = changes
        self.proposals = {name: row for name, row in self.proposals.items() if name in changes}
        self.accepted, self.nothing_new = True, False
        if category is not None or uncontrolled:
            # What the form holds now (and what was just accepted) is what its fields show if
            # the category change re-renders them: the seller's unsaved edits stay.
            editor.values = {**editor.values, **_clean_form(form), **uncontrolled}
        if category is not None:
            editor.category = category
            editor._load_category_fields((await self.get_state(LanguageState)).lang)
        fill = json.dumps(uncontrolled, ensure_ascii=False)
        return rx.call_script(
            f"window.stoflowEditor && (window.stoflowEditor.markDirty(), window.stoflowEditor.setFields({fill}))"
        )

    @rx.event
    async def accept(self, name: str, form: dict[str, Any]) -> rx.event.EventSpec | None:
        """Put one proposal in the form (not saved)."""
        return await self._accept([name] if isinstance(name, str) else [], form)

    @rx.event
    async def accept_all(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        """Put every proposal in the form, the category first (not saved)."""
        names = sorted(self._changes, key=lambda name: name != "category")
        return await self._accept(names, form)

    @rx.event
    async def dismiss(self) -> None:
        if await self._user_id() is not None:
            self._forget(self._product_id)


# --- component -------------------------------------------------------------------------------


def _read_form(handler: Any) -> rx.event.EventSpec:
    """Read the form in the browser, then call `handler` with what it holds."""
    return rx.call_script(FORM_VALUES, callback=handler)


def _proposal(name: str) -> rx.Component:
    row = ProductAiState.proposals[name]
    return rx.cond(
        ProductAiState.proposals.contains(name),
        rx.box(
            rx.hstack(
                rx.text(row["label"], size="2", weight="medium"),
                rx.spacer(),
                rx.button(
                    t("ai.panel.accept"),
                    size="1",
                    variant="soft",
                    type="button",
                    id=f"ai-accept-{name}",
                    class_name="ai-accept",
                    on_click=_read_form(lambda values: ProductAiState.accept(name, values)),
                ),
                align="center",
                width="100%",
            ),
            rx.grid(
                rx.text(t("ai.panel.current"), size="1", color=rx.color("gray", 10)),
                rx.text(
                    rx.cond(row["current"] != "", row["current"], "—"),
                    size="1",
                    class_name="ai-current",
                    white_space="pre-wrap",
                ),
                rx.text(t("ai.panel.proposed"), size="1", color=rx.color("gray", 10)),
                rx.text(row["proposed"], size="2", class_name="ai-proposed", white_space="pre-wrap"),
                columns="auto 1fr",
                spacing_x="3",
                spacing_y="1",
                width="100%",
            ),
            class_name="ai-proposal",
            id=f"ai-proposal-{name}",
            padding_y="8px",
            border_top=f"1px solid {rx.color('gray', 5)}",
            width="100%",
        ),
    )


def _review() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(t("ai.panel.review"), size="3"),
            rx.spacer(),
            rx.button(t("ai.panel.dismiss"), size="1", variant="ghost", type="button", on_click=ProductAiState.dismiss),
            rx.button(
                t("ai.panel.accept_all"),
                size="1",
                type="button",
                id="ai-accept-all",
                on_click=_read_form(ProductAiState.accept_all),
            ),
            align="center",
            width="100%",
        ),
        rx.text(t("ai.panel.review_help"), size="1", color=rx.color("gray", 10)),
        *[_proposal(name) for name in ROW_NAMES],
        spacing="2",
        width="100%",
        id="ai-review",
    )


def ai_panel() -> rx.Component:
    busy = ProductAiState.busy != ""
    can_call = ProductAiState.configured & (ProductAiState.credits > 0) & ~busy
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("sparkles", size=18),
                rx.heading(t("ai.panel.title"), size="4"),
                align="center",
                spacing="2",
            ),
            rx.text(
                t("ai.panel.credits"),
                " ",
                rx.text.strong(ProductAiState.credits, id="ai-credits"),
                " / ",
                ProductAiState.allowance,
                size="2",
                color=rx.color("gray", 11),
            ),
            rx.cond(~ProductAiState.configured, rx.text(t("ai_not_configured"), size="1", color=rx.color("gray", 10))),
            rx.button(
                rx.icon("scan-eye", size=14),
                t("ai.panel.fill"),
                type="button",
                id="ai-fill",
                width="100%",
                loading=ProductAiState.busy == "fill",
                disabled=~(can_call & ProductPhotosState.has_pictures),
                on_click=_read_form(ProductAiState.fill_from_photos),
            ),
            rx.text(
                rx.cond(ProductPhotosState.has_pictures, t("ai.panel.fill_help"), t("ai.panel.needs_photos")),
                size="1",
                color=rx.color("gray", 10),
            ),
            rx.divider(),
            rx.hstack(
                rx.el.label(rx.text(t("ai.panel.marketplace"), size="2"), html_for="ai-marketplace"),
                rx.el.select(
                    *[rx.el.option(label, value=name) for name, label in MARKETPLACE_NAMES.items()],
                    id="ai-marketplace",
                    class_name="native-select compact",
                    value=ProductAiState.marketplace,
                    on_change=ProductAiState.choose_marketplace,
                    flex="1",
                ),
                spacing="3",
                width="100%",
                align="center",
            ),
            rx.button(
                rx.icon("pen-line", size=14),
                t("ai.panel.write"),
                type="button",
                id="ai-write",
                width="100%",
                loading=ProductAiState.busy == "write",
                disabled=~can_call,
                on_click=_read_form(ProductAiState.write_listing),
            ),
            rx.button(
                rx.icon("file-text", size=14),
                t("ai.panel.template"),
                type="button",
                id="ai-template",
                variant="soft",
                width="100%",
                disabled=busy,
                on_click=_read_form(ProductAiState.use_template),
            ),
            rx.text(t("ai.panel.template_help"), size="1", color=rx.color("gray", 10)),
            rx.cond(
                busy,
                rx.hstack(rx.spinner(size="2"), rx.text(t("ai.panel.working"), size="2"), id="ai-working"),
            ),
            rx.cond(
                ProductAiState.error != "",
                rx.callout(
                    t_code(ProductAiState.error), icon="circle-alert", color_scheme="red", size="1", id="ai-error"
                ),
            ),
            rx.cond(
                ProductAiState.nothing_new,
                rx.callout(t("ai.panel.nothing_new"), icon="info", size="1", id="ai-nothing-new"),
            ),
            rx.cond(
                ProductAiState.accepted & ~ProductAiState.reviewing,
                rx.callout(
                    t("ai.panel.accepted"), icon="circle-check", color_scheme="green", size="1", id="ai-accepted"
                ),
            ),
            rx.cond(ProductAiState.reviewing, _review()),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        id="ai-panel",
        # Nothing in here is a product field: it does not make the form dirty.
        custom_attrs={"data-editor-ignore": "true"},
        on_mount=ProductAiState.refresh,
        # Photos may have been added in the gallery since: look again when the seller comes back here.
        on_mouse_enter=ProductAiState.refresh.throttle(3000),
    )
