"""Titles and descriptions without AI: deterministic, offline, always available.

`template_listing` builds a listing from the product's attributes in the seller's language
(French or English) and in each marketplace's habits: Vinted casual with hashtags, eBay
keyword-rich with item specifics, Etsy descriptive. Attributes are display labels, already in
the seller's language (the caller turns reference keys into labels):

    {"brand": "Levi's", "category": "Jean", "colours": ["Bleu"], "size": "W32 L32",
     "condition": "Très bon état", "materials": ["Coton"], "details": ["Coupe droite"]}

A missing attribute just leaves its words out; titles always fit `TITLE_LIMITS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from stoflow.ai.listing import TITLE_LIMITS, Language, ListingText, Marketplace, fit_title, hashtag

# key: (English, French)
_WORDS: dict[str, tuple[str, str]] = {
    "item": ("Clothing item", "Vêtement"),
    "size": ("size", "taille"),
    "Size": ("Size", "Taille"),
    "Brand": ("Brand", "Marque"),
    "Type": ("Type", "Type"),
    "Colour": ("Colour", "Couleur"),
    "Material": ("Material", "Matière"),
    "Condition": ("Condition", "État"),
    "Features": ("Features", "Caractéristiques"),
    "Details": ("Details", "Détails"),
    "in": ("in", "en"),
    "by": ("by", "de"),
    "made_of": ("Made of {}.", "En {}."),
    "and": ("and", "et"),
    "vinted_outro": (
        "Shipped quickly and carefully. Happy to answer any question!",
        "Envoi rapide et soigné. N'hésitez pas à me poser vos questions !",
    ),
    "ebay_outro": (
        "Dispatched quickly, carefully packed. Please see the photos for the exact item.",
        "Expédition rapide, emballage soigné. Les photos montrent l'article exact.",
    ),
    "etsy_care": (
        "Care: please follow the instructions on the care label.",
        "Entretien : suivez les indications de l'étiquette.",
    ),
    "etsy_outro": (
        "A second-hand piece, checked and ready to wear. Message me for measurements or more photos.",
        "Une pièce de seconde main, vérifiée et prête à porter. Écrivez-moi pour des mesures ou d'autres photos.",
    ),
}


def _word(key: str, language: Language) -> str:
    english, french = _WORDS[key]
    return french if language == "fr" else english


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(_text(item) for item in value if _text(item))
    return " ".join(str(value).split())


def _items(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    values = value if isinstance(value, list | tuple) else [value]
    return [text for text in (_text(item) for item in values) if text]


@dataclass(frozen=True)
class _Facts:
    brand: str
    category: str
    colours: list[str]
    size: str
    condition: str
    materials: list[str]
    details: list[str]

    @classmethod
    def of(cls, attributes: Mapping[str, Any]) -> _Facts:
        colours = _items(attributes.get("colours")) or _items(attributes.get("colour"))
        materials = _items(attributes.get("materials")) or _items(attributes.get("material"))
        return cls(
            brand=_text(attributes.get("brand")),
            category=_text(attributes.get("category")),
            colours=colours[:3],
            size=_text(attributes.get("size")),
            condition=_text(attributes.get("condition")),
            materials=materials,
            details=_items(attributes.get("details")),
        )

    def listing(self, language: Language) -> str:
        """ "Levi's Jean" in English, "Jean Levi's" in French (noun first), or a generic word."""
        words = [self.brand, self.category] if language == "en" else [self.category, self.brand]
        return " ".join(word for word in words if word) or _word("item", language)


def _joined(items: list[str], language: Language) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_word('and', language)} {items[-1]}"


# A title part: (priority, text with its leading separator); the highest priority number is
# dropped first when the title is too long, so brand and category stay.
_Part = tuple[int, str]
_SEPARATORS = " ·,–-"


def _compose(parts: list[_Part], limit: int) -> str:
    kept = [part for part in parts if part[1].strip(_SEPARATORS)]

    def joined() -> str:
        return "".join(text for _, text in kept).strip(_SEPARATORS)

    while len(kept) > 1 and len(joined()) > limit:
        kept.pop(max(range(len(kept)), key=lambda index: (kept[index][0], index)))
    return fit_title(joined(), limit)


def _title(facts: _Facts, language: Language, marketplace: Marketplace) -> str:
    colour = " ".join(facts.colours) if marketplace == "ebay" else " ".join(facts.colours).lower()
    size = f"{_word('size', language)} {facts.size}" if facts.size else ""
    parts: list[_Part]
    if marketplace == "vinted":
        parts = [
            (0, facts.listing(language)),
            (3, f" {colour}" if colour else ""),
            (2, f" · {size}" if size else ""),
            (4, f" · {facts.condition}" if facts.condition else ""),
        ]
    elif marketplace == "ebay":
        # Search words only, no separators: every character is a chance to be found.
        parts = [
            (0, facts.listing(language)),
            (2, f" {colour}" if colour else ""),
            (4, f" {' '.join(facts.materials)}" if facts.materials else ""),
            (1, f" {_word('Size', language)} {facts.size}" if facts.size else ""),
            (3, f" {facts.condition}" if facts.condition else ""),
        ]
        parts += [(5 + index, f" {detail}") for index, detail in enumerate(facts.details)]
    else:
        material = f" {_word('in', language)} {' '.join(facts.materials)}" if facts.materials else ""
        parts = [
            (0, facts.listing(language)),
            (2, f" {colour}" if colour else ""),
            (4, material),
            (1, f", {size}" if size else ""),
            (3, f", {facts.condition.lower()}" if facts.condition else ""),
        ]
    return _compose(parts, TITLE_LIMITS[marketplace])


def _vinted(facts: _Facts, title: str, language: Language) -> str:
    opening = facts.listing(language)
    if facts.colours:
        opening += f" {' '.join(facts.colours).lower()}"
    if facts.size:
        opening += f", {_word('size', language)} {facts.size}"
    lines = [opening + "."]
    colon = " :" if language == "fr" else ":"
    if facts.condition:
        lines.append(f"{_word('Condition', language)}{colon} {facts.condition}.")
    if facts.materials:
        lines.append(f"{_word('Material', language)}{colon} {', '.join(facts.materials).lower()}.")
    lines += [f"- {detail}" for detail in facts.details]
    lines += ["", _word("vinted_outro", language)]
    tags = [hashtag(word) for word in (facts.brand, facts.category, *facts.colours) if word]
    tags = list(dict.fromkeys(tag for tag in tags if tag))
    if tags:
        lines += ["", " ".join(tags)]
    return "\n".join(lines)


def _ebay(facts: _Facts, title: str, language: Language) -> str:
    colon = " :" if language == "fr" else ":"
    specifics = [
        ("Brand", facts.brand),
        ("Type", facts.category),
        ("Colour", ", ".join(facts.colours)),
        ("Size", facts.size),
        ("Material", ", ".join(facts.materials)),
        ("Condition", facts.condition),
    ]
    lines = [title, ""]
    lines += [f"{_word(label, language)}{colon} {value}" for label, value in specifics if value]
    if facts.details:
        lines += ["", f"{_word('Features', language)}{colon}"] + [f"- {detail}" for detail in facts.details]
    lines += ["", _word("ebay_outro", language)]
    return "\n".join(lines)


def _etsy(facts: _Facts, title: str, language: Language) -> str:
    colon = " :" if language == "fr" else ":"
    if language == "fr":
        opening = facts.category or _word("item", language)
        if facts.colours:
            opening += f" {_joined([colour.lower() for colour in facts.colours], language)}"
        if facts.brand:
            opening += f" {_word('by', language)} {facts.brand}"
    else:
        colours = _joined([colour.lower() for colour in facts.colours], language)
        opening = " ".join(word for word in (colours, facts.category.lower() or "piece") if word)
        opening = f"A {opening}" if opening[:1].lower() not in "aeiou" else f"An {opening}"
        if facts.brand:
            opening += f" {_word('by', language)} {facts.brand}"
    paragraphs = [opening + "."]
    if facts.materials:
        paragraphs[0] += " " + _word("made_of", language).format(_joined(facts.materials, language).lower())
    if facts.details:
        paragraphs.append(f"{_word('Details', language)}{colon} " + "; ".join(facts.details) + ".")
    specifics = [("Size", facts.size), ("Condition", facts.condition)]
    paragraphs += [f"{_word(label, language)}{colon} {value}." for label, value in specifics if value]
    paragraphs += [_word("etsy_care", language), _word("etsy_outro", language)]
    return "\n\n".join(paragraphs)


_DESCRIPTIONS: dict[Marketplace, Callable[[_Facts, str, Language], str]] = {
    "vinted": _vinted,
    "ebay": _ebay,
    "etsy": _etsy,
}


def template_listing(attributes: Mapping[str, Any], *, language: Language, marketplace: Marketplace) -> ListingText:
    """A title (within the marketplace's limit) and a description, in the seller's language."""
    facts = _Facts.of(attributes)
    title = _title(facts, language, marketplace)
    return ListingText(title=title, description=_DESCRIPTIONS[marketplace](facts, title, language))
