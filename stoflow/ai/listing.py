"""What the AI is asked for and what we accept back: prompts, response schemas, validation.

No SDK here (that is `gemini.py`): these are plain functions, unit-tested without a network.
The answer of "Fill from photos" is checked against the reference data the caller passes in
(`AllowedValues`): a value the model invents is dropped and reported, never saved.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Marketplace = Literal["vinted", "ebay", "etsy"]
Language = Literal["en", "fr"]

MARKETPLACES: tuple[Marketplace, ...] = ("vinted", "ebay", "etsy")
# Longest title each marketplace accepts (characters).
TITLE_LIMITS: dict[Marketplace, int] = {"vinted": 100, "ebay": 80, "etsy": 140}
MAX_COLOURS = 3
MAX_DETAILS = 8
# Beyond this many values a list is not put in the schema as an enum (a schema too large is
# refused by the API); the answer is still checked against the whole list afterwards.
MAX_ENUM_VALUES = 300

LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "fr": "French"}
MARKETPLACE_NAMES: dict[Marketplace, str] = {"vinted": "Vinted", "ebay": "eBay", "etsy": "Etsy"}


@dataclass(frozen=True)
class AllowedValues:
    """The reference data keys a filled-in product may use (passed in by the caller)."""

    categories: Sequence[str]
    colours: Sequence[str]
    materials: Sequence[str]
    conditions: Sequence[str]
    sizes: Sequence[str]


@dataclass(frozen=True)
class DroppedValue:
    """A value the model proposed that is not in the reference data."""

    field: str
    value: str


@dataclass(frozen=True)
class FillResult:
    """What "Fill from photos" proposes; every key is one of the AllowedValues."""

    category: str | None = None
    brand: str | None = None
    colours: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    condition: str | None = None
    size: str | None = None
    details: list[str] = field(default_factory=list)
    dropped: list[DroppedValue] = field(default_factory=list)


@dataclass(frozen=True)
class ListingText:
    title: str
    description: str


# --- the model's raw answers (lenient: unknown fields ignored, missing ones empty) -----------


class FillAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    category: str | None = None
    brand: str | None = None
    colours: list[str] = Field(default_factory=list)
    materials: list[str] = Field(default_factory=list)
    condition: str | None = None
    size: str | None = None
    details: list[str] = Field(default_factory=list)


class ListingAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: str = Field(min_length=1)
    description: str = Field(min_length=1)


# --- response schemas (JSON Schema, sent as generationConfig.responseJsonSchema) -------------


def _enum_string(values: Sequence[str], description: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "description": description}
    if 0 < len(values) <= MAX_ENUM_VALUES:
        schema["enum"] = list(values)
    return schema


def fill_schema(allowed: AllowedValues) -> dict[str, Any]:
    """The answer "Fill from photos" must follow, with the reference keys as enums."""
    return {
        "type": "object",
        "properties": {
            "category": _enum_string(allowed.categories, "Category key of the item."),
            "brand": {"type": "string", "description": "Brand as written on the item or its label."},
            "colours": {
                "type": "array",
                "items": _enum_string(allowed.colours, "Colour key."),
                "maxItems": MAX_COLOURS,
                "description": "Main colours, most visible first.",
            },
            "materials": {
                "type": "array",
                "items": _enum_string(allowed.materials, "Material key."),
                "maxItems": 4,
                "description": "Materials, from the composition label when visible.",
            },
            "condition": _enum_string(allowed.conditions, "Condition key."),
            "size": _enum_string(allowed.sizes, "Size key, from the size label when visible."),
            "details": {
                "type": "array",
                "items": {"type": "string"},
                "maxItems": MAX_DETAILS,
                "description": "Notable details a buyer cares about (cut, pattern, flaws), a few words each.",
            },
        },
        "required": ["category", "colours", "materials", "condition", "details"],
    }


LISTING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "description": "Listing title."},
        "description": {"type": "string", "description": "Listing description, plain text."},
    },
    "required": ["title", "description"],
}


# --- prompts ---------------------------------------------------------------------------------

FILL_SYSTEM = (
    "You catalogue second-hand clothes for a reseller. From the photos, identify the item and "
    "answer only with JSON following the schema. Use only the keys the schema allows. Read the brand, "
    "size and composition from any label visible in the photos; leave out brand and size when no label "
    "or print shows them: never guess them. Judge the condition from visible wear, stains and pilling."
)


def fill_prompt(*, language: Language, note: str | None = None) -> str:
    lines = [
        f"Language of the details: {LANGUAGE_NAMES[language]} ({language}).",
        f"Give at most {MAX_COLOURS} colours and at most {MAX_DETAILS} details.",
    ]
    if note:
        lines.append(f"The seller's note about the item: {note.strip()}")
    return "\n".join(lines)


_STYLES: dict[Marketplace, str] = {
    "vinted": (
        "Vinted: casual and friendly, as a person selling from their own wardrobe. Short title naming "
        "brand, item, colour and size. Description of a few short lines (condition, size and fit, "
        "details), then one line of 3 to 6 hashtags (brand, item type, colour, style)."
    ),
    "ebay": (
        "eBay: keyword-rich title of at most 80 characters, the words buyers search for (brand, item "
        "type, gender, colour, material, size, style), no filler words, no punctuation spam, no hashtags. "
        "Description: a one-line summary, then item specifics as 'Label: value' lines, then condition "
        "with any flaws."
    ),
    "etsy": (
        "Etsy: descriptive title of at most 140 characters with the era or style when known. "
        "Description: a warm paragraph on the look and feel of the piece, then the details, size, "
        "materials, condition and care, as short paragraphs. No hashtags."
    ),
}

WRITE_SYSTEM = (
    "You write marketplace listings for a reseller of second-hand clothes. Use only facts from the "
    "product attributes; never invent measurements, materials or flaws. Answer only with JSON "
    "following the schema; plain text, no HTML, no markdown."
)


def write_prompt(attributes: Mapping[str, Any], *, language: Language, marketplace: Marketplace) -> str:
    facts = {key: value for key, value in attributes.items() if value not in (None, "", [], {})}
    return "\n".join(
        [
            f"Marketplace: {MARKETPLACE_NAMES[marketplace]}",
            f"Language: {LANGUAGE_NAMES[language]} ({language}); write everything in this language.",
            f"Title: at most {TITLE_LIMITS[marketplace]} characters.",
            f"Style: {_STYLES[marketplace]}",
            "Product attributes (JSON):",
            json.dumps(facts, ensure_ascii=False, sort_keys=True, default=str),
        ]
    )


# --- validation --------------------------------------------------------------------------------


def _one(value: str | None, allowed: Sequence[str], name: str, dropped: list[DroppedValue]) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if value in allowed:
        return value
    dropped.append(DroppedValue(name, value))
    return None


def _many(
    values: Sequence[str], allowed: Sequence[str], name: str, dropped: list[DroppedValue], limit: int
) -> list[str]:
    kept: list[str] = []
    for value in values:
        key = _one(value, allowed, name, dropped)
        if key is not None and key not in kept:
            kept.append(key)
    return kept[:limit]


def validate_fill(answer: FillAnswer, allowed: AllowedValues) -> FillResult:
    """Keep only the values that exist in the reference data; report the others in `dropped`."""
    dropped: list[DroppedValue] = []
    details = [" ".join(item.split()) for item in answer.details if item and item.strip()]
    return FillResult(
        category=_one(answer.category, allowed.categories, "category", dropped),
        brand=" ".join((answer.brand or "").split()) or None,
        colours=_many(answer.colours, allowed.colours, "colours", dropped, MAX_COLOURS),
        materials=_many(answer.materials, allowed.materials, "materials", dropped, len(answer.materials)),
        condition=_one(answer.condition, allowed.conditions, "condition", dropped),
        size=_one(answer.size, allowed.sizes, "size", dropped),
        details=details[:MAX_DETAILS],
        dropped=dropped,
    )


_TRAILING = " ,;:-–—|/·•+&"


def fit_title(title: str, limit: int) -> str:
    """The title on one line, cut on a word boundary when longer than `limit` characters."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[: limit + 1]
    space = cut.rfind(" ")
    # A single huge word (or one that leaves almost nothing) is cut where it must be.
    cut = cut[:space] if space >= limit // 2 else title[:limit]
    return cut.rstrip(_TRAILING) or title[:limit]


def hashtag(text: str) -> str:
    """`#levis` from "Levi's": letters and digits only, lower case, accents kept off."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    word = re.sub(r"[^0-9a-zA-Z]+", "", plain).lower()
    return f"#{word}" if word else ""
