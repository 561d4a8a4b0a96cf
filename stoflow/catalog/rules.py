"""Product rules without a database: input checks, status transitions, what publishing needs.

Errors are codes the UI translates (stoflow.texts.catalog).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from stoflow.accounts.schemas import FieldErrors
from stoflow.models.tenant.products import ProductStatus

TITLE_MAX = 200  # the longest marketplace title is Etsy's 140; the editor shows each limit
TITLE_LIMITS = {"vinted": 100, "ebay": 80, "etsy": 140}
DESCRIPTION_MAX = 10_000
NOTES_MAX = 5_000
SKU_MAX = 64
MAX_COLORS = 3
MAX_PRICE = Decimal("1000000")
MAX_QUANTITY = 10_000
MAX_DIMENSION_CM = 300  # a parcel, not a wardrobe
MAX_WEIGHT_G = 70_000
CURRENCIES = ("EUR", "GBP", "USD", "CHF", "PLN", "SEK", "DKK", "CZK")
CONDITIONS = range(0, 11)  # the reference notes, 0 (for parts) to 10 (new with tags)

S = ProductStatus
TRANSITIONS: dict[ProductStatus, frozenset[ProductStatus]] = {
    S.draft: frozenset({S.published, S.archived}),
    S.published: frozenset({S.sold, S.archived}),
    S.sold: frozenset({S.archived}),
    S.archived: frozenset({S.draft, S.published}),
}

# Is `key` a known value of reference attribute `attribute` ("category", "brand", "color",
# "material", "size", "condition", or any simple attribute)? Supplied by the caller.
ReferenceCheck = Callable[[str, str], bool]


def accept_any(attribute: str, key: str) -> bool:
    return True


@dataclass
class ProductInput:
    """What the editor sends, checked: every field of the form, in its stored type."""

    title: str = ""
    description: str = ""
    category: str | None = None
    gender: str | None = None
    brand: str | None = None
    size: str | None = None
    colors: list[str] = field(default_factory=list)
    materials: list[dict[str, Any]] = field(default_factory=list)
    condition: int | None = None
    condition_details: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    measurements: dict[str, float] = field(default_factory=dict)
    price: Decimal = Decimal("0")
    currency: str = "EUR"
    cost_price: Decimal | None = None
    quantity: int = 1
    sku: str | None = None
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None
    weight_g: int | None = None
    notes: str = ""


def _text(raw: Any) -> str:
    return str(raw if raw is not None else "").strip()


def _optional_text(raw: Any) -> str | None:
    text = _text(raw)
    return text or None


def _money(raw: Any, name: str, errors: dict[str, str], *, required: bool) -> Decimal | None:
    text = _text(raw).replace(",", ".").replace(" ", "")
    if not text:
        if required:
            return Decimal("0")
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors[name] = "price_invalid"
        return None
    if not value.is_finite():
        errors[name] = "price_invalid"
    elif value < 0:
        errors[name] = "price_negative"
    elif value >= MAX_PRICE:
        errors[name] = "price_too_high"
    elif value != value.quantize(Decimal("0.01")):
        errors[name] = "price_too_precise"
    return value.quantize(Decimal("0.01")) if name not in errors else None


def _whole(raw: Any, name: str, errors: dict[str, str], *, maximum: int, code: str) -> int | None:
    text = _text(raw)
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        errors[name] = "number_invalid"
        return None
    if value < 0:
        errors[name] = "number_negative"
    elif value > maximum:
        errors[name] = code
    return value if name not in errors else None


def parse_input(data: Mapping[str, Any], *, known: ReferenceCheck = accept_any) -> ProductInput:
    """Check the editor's fields; FieldErrors (field -> code) lists every problem at once."""
    errors: dict[str, str] = {}
    product = ProductInput()

    product.title = _text(data.get("title"))
    if len(product.title) > TITLE_MAX:
        errors["title"] = "title_too_long"
    product.description = _text(data.get("description"))
    if len(product.description) > DESCRIPTION_MAX:
        errors["description"] = "description_too_long"
    product.notes = _text(data.get("notes"))
    if len(product.notes) > NOTES_MAX:
        errors["notes"] = "notes_too_long"
    product.condition_details = _text(data.get("condition_details"))[:DESCRIPTION_MAX]

    for name in ("category", "brand", "size", "gender"):
        chosen = _optional_text(data.get(name))
        if chosen is not None and not known(name, chosen):
            errors[name] = f"{name}_unknown"
        setattr(product, name, chosen)

    colors = [_text(color) for color in (data.get("colors") or []) if _text(color)]
    if len(colors) > MAX_COLORS:
        errors["colors"] = "colors_too_many"
    elif len(set(colors)) != len(colors) or any(not known("color", color) for color in colors):
        errors["colors"] = "color_unknown"
    product.colors = colors

    materials: list[dict[str, Any]] = []
    for item in data.get("materials") or []:
        key = _text(item.get("key") if isinstance(item, Mapping) else item)
        if not key:
            continue
        percent_raw = item.get("percent") if isinstance(item, Mapping) else None
        percent = _whole(percent_raw, "materials", errors, maximum=100, code="material_percent_invalid")
        if not known("material", key):
            errors["materials"] = "material_unknown"
        materials.append({"key": key, "percent": percent} if percent is not None else {"key": key})
    if "materials" not in errors and sum(m.get("percent", 0) for m in materials) > 100:
        errors["materials"] = "material_percent_invalid"
    product.materials = materials

    condition = _whole(data.get("condition"), "condition", errors, maximum=10, code="condition_unknown")
    product.condition = condition

    attributes: dict[str, str] = {}
    for name, raw in (data.get("attributes") or {}).items():
        picked = _text(raw)
        if not picked:
            continue
        if not known(str(name), picked):
            errors[f"attributes.{name}"] = "attribute_unknown"
        attributes[str(name)] = picked
    product.attributes = attributes

    measurements: dict[str, float] = {}
    for name, raw in (data.get("measurements") or {}).items():
        text = _text(raw).replace(",", ".")
        if not text:
            continue
        try:
            amount = float(text)
        except ValueError:
            errors[f"measurements.{name}"] = "number_invalid"
            continue
        if not 0 < amount <= MAX_DIMENSION_CM:
            errors[f"measurements.{name}"] = "dimension_absurd"
        measurements[str(name)] = amount
    product.measurements = measurements

    product.price = _money(data.get("price"), "price", errors, required=True) or Decimal("0")
    product.cost_price = _money(data.get("cost_price"), "cost_price", errors, required=False)
    currency = _text(data.get("currency") or "EUR").upper()
    if currency not in CURRENCIES:
        errors["currency"] = "currency_unknown"
    product.currency = currency

    quantity = _whole(data.get("quantity", 1), "quantity", errors, maximum=MAX_QUANTITY, code="quantity_too_high")
    product.quantity = 1 if quantity is None and "quantity" not in errors else (quantity or 0)

    sku = _optional_text(data.get("sku"))
    if sku is not None and (len(sku) > SKU_MAX or not all(c.isalnum() or c in "-_./" for c in sku)):
        errors["sku"] = "sku_invalid"
    product.sku = sku

    for name in ("length_cm", "width_cm", "height_cm"):
        setattr(product, name, _whole(data.get(name), name, errors, maximum=MAX_DIMENSION_CM, code="dimension_absurd"))
    product.weight_g = _whole(data.get("weight_g"), "weight_g", errors, maximum=MAX_WEIGHT_G, code="weight_absurd")

    if errors:
        raise FieldErrors(errors)
    return product


def can_move(current: str, target: str) -> bool:
    try:
        return ProductStatus(target) in TRANSITIONS[ProductStatus(current)]
    except ValueError:
        return False


def publish_problems(*, title: str, description: str, price: Decimal, category: str | None,
                     condition: int | None, quantity: int, photos: int) -> list[str]:  # fmt: skip
    """What keeps a product from being published (empty: it may be)."""
    problems = []
    if not title.strip():
        problems.append("publish_needs_title")
    if not description.strip():
        problems.append("publish_needs_description")
    if price <= 0:
        problems.append("publish_needs_price")
    if not category:
        problems.append("publish_needs_category")
    if condition is None:
        problems.append("publish_needs_condition")
    if quantity <= 0:
        problems.append("publish_needs_quantity")
    if photos < 1:
        problems.append("publish_needs_photo")
    return problems
