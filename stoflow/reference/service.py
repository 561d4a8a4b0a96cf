"""Read the reference data: what the product editor offers and checks.

Everything but brands is small and static between two seeds, so it is read once per
process into a snapshot and the per-language lists are cached (`clear_cache()` forgets
them; the seed calls it). Brands (2,000) are searched in the database.

`db` is any SQLAlchemy session or connection on the shared schemas.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, NamedTuple

from sqlalchemy import Connection, Table, exists, func, literal, select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from stoflow.models.attributes import (
    AttributeValue,
    Brand,
    Category,
    CategoryAttribute,
    CategorySizeGroup,
    Color,
    Condition,
    Material,
    Size,
)

Language = Literal["en", "fr"]
Db = Session | Connection

# Attributes with a table of their own; every other attribute is a list in attribute_values.
DEDICATED_ATTRIBUTES = ("brand", "color", "condition", "material", "size")


class UnknownAttribute(ValueError):
    """An attribute name that is neither a dedicated table nor a list in attribute_values."""


class UnknownCategory(LookupError):
    """A category key that is not in the category tree."""


class Option(NamedTuple):
    key: str
    label: str


class CategoryField(NamedTuple):
    """An attribute field the editor shows for a category."""

    attribute: str
    required: bool


@dataclass(frozen=True)
class CategoryNode:
    key: str
    label: str
    parent_key: str | None
    depth: int
    is_leaf: bool
    genders: tuple[str, ...]
    path: str  # labels from the root, "Hauts > T-shirt"


@dataclass(frozen=True)
class SizeOption:
    key: str
    label: str
    size_group: str | None


@dataclass(frozen=True)
class ColorOption:
    key: str
    label: str
    hex: str | None
    parent_key: str | None


@dataclass(frozen=True)
class ConditionOption:
    key: int
    label: str


class _Labelled(NamedTuple):
    key: str
    label_en: str
    label_fr: str | None

    def label(self, language: Language) -> str:
        # Some values have no French label in the source (Klein blue, decades, leg lengths).
        return (self.label_fr or self.label_en) if language == "fr" else self.label_en


class _CategoryRow(NamedTuple):
    key: str
    parent_key: str | None
    is_leaf: bool
    label_en: str
    label_fr: str
    genders: tuple[str, ...]


class _FieldRow(NamedTuple):
    attribute: str
    required: bool
    position: int
    shown: bool


class _SizeRow(NamedTuple):
    key: str
    label: str
    size_group: str | None
    alias_of: str | None


class _ColorRow(NamedTuple):
    value: _Labelled
    hex: str | None
    parent_key: str | None


@dataclass(frozen=True, eq=False)  # hashed by identity: a new snapshot means new cache keys
class _Snapshot:
    categories: dict[str, _CategoryRow]
    fields: dict[str, list[_FieldRow]]  # category key -> its own rows (not inherited)
    size_groups: dict[str, set[str]]  # category key -> its own size groups
    sizes: list[_SizeRow]  # in file order
    colors: list[_ColorRow]
    conditions: list[tuple[int, _Labelled]]
    lists: dict[str, list[_Labelled]]  # attribute -> values (material, color, condition and the simple lists)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a model (typed, for Core statements)."""
    return model.__table__  # type: ignore[attr-defined,no-any-return]


_snapshot: _Snapshot | None = None
_snapshot_lock = threading.Lock()


def _rows(db: Db, table: Table, *columns: str, order_by: Sequence[str] = ()) -> Iterable[tuple]:
    statement = select(*(table.c[name] for name in columns)).order_by(*(table.c[name] for name in order_by))
    return db.execute(statement).tuples()


def _load(db: Db) -> _Snapshot:
    categories = {
        key: _CategoryRow(key, parent, leaf, en, fr, tuple(genders))
        for key, parent, leaf, en, fr, genders in _rows(
            db, table_of(Category), "key", "parent_key", "is_leaf", "label_en", "label_fr", "genders"
        )
    }
    fields: dict[str, list[_FieldRow]] = {}
    for key, *row in _rows(
        db, table_of(CategoryAttribute), "category_key", "attribute", "required", "position", "shown"
    ):
        fields.setdefault(key, []).append(_FieldRow(*row))
    size_groups: dict[str, set[str]] = {}
    for key, group in _rows(db, table_of(CategorySizeGroup), "category_key", "size_group"):
        size_groups.setdefault(key, set()).add(group)
    sizes = [
        _SizeRow(*row)
        for row in _rows(db, table_of(Size), "key", "label", "size_group", "alias_of", order_by=["position"])
    ]
    colors = [
        _ColorRow(_Labelled(key, en, fr), hex_code, parent)
        for key, en, fr, hex_code, parent in _rows(
            db, table_of(Color), "key", "label_en", "label_fr", "hex", "parent_key"
        )
    ]
    conditions = [
        (key, _Labelled(str(key), en, fr))
        for key, en, fr in _rows(db, table_of(Condition), "key", "label_en", "label_fr", order_by=["key"])
    ]
    lists: dict[str, list[_Labelled]] = {
        "color": [color.value for color in colors],
        "condition": [value for _, value in conditions],
        "material": [_Labelled(*row) for row in _rows(db, table_of(Material), "key", "label_en", "label_fr")],
    }
    for attribute, *row in _rows(db, table_of(AttributeValue), "attribute", "key", "label_en", "label_fr"):
        lists.setdefault(attribute, []).append(_Labelled(*row))
    return _Snapshot(categories, fields, size_groups, sizes, colors, conditions, lists)


def _reference(db: Db) -> _Snapshot:
    global _snapshot
    with _snapshot_lock:
        if _snapshot is None:
            _snapshot = _load(db)
        return _snapshot


def clear_cache() -> None:
    """Forget the cached reference data (after a seed); the next read loads it again."""
    global _snapshot
    with _snapshot_lock:
        _snapshot = None
    for cached in (_category_tree, _options, _colors, _conditions):
        cached.cache_clear()


def sort_key(label: str) -> tuple:
    """Case- and accent-blind order with numbers compared as numbers ("50s" before "2000s")."""
    plain = fold(label)
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", plain))


def fold(text: str) -> str:
    """Lower case without accents."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def brand_search_key(text: str) -> str:
    """What brand search compares: lower case, no accents, letters and digits only ("H&M" -> "hm")."""
    return "".join(char for char in fold(text) if char.isalnum())


# --- categories ---------------------------------------------------------------------------


def _ancestry(snapshot: _Snapshot, category_key: str) -> list[_CategoryRow]:
    """The category and its ancestors, root first."""
    if category_key not in snapshot.categories:
        raise UnknownCategory(f"Unknown category: {category_key!r}")
    chain: list[_CategoryRow] = []
    key: str | None = category_key
    while key is not None:
        row = snapshot.categories[key]
        chain.append(row)
        key = row.parent_key
    return chain[::-1]


def _label(row: _CategoryRow, language: Language) -> str:
    return row.label_fr if language == "fr" else row.label_en


@lru_cache(maxsize=8)
def _category_tree(snapshot: _Snapshot, language: Language) -> tuple[CategoryNode, ...]:
    children: dict[str | None, list[_CategoryRow]] = {}
    for row in snapshot.categories.values():
        children.setdefault(row.parent_key, []).append(row)
    nodes: list[CategoryNode] = []

    def visit(parent_key: str | None, depth: int, path: tuple[str, ...]) -> None:
        for row in sorted(children.get(parent_key, []), key=lambda row: sort_key(_label(row, language))):
            label = _label(row, language)
            nodes.append(
                CategoryNode(
                    row.key, label, row.parent_key, depth, row.is_leaf, row.genders, " > ".join((*path, label))
                )
            )
            visit(row.key, depth + 1, (*path, label))

    visit(None, 0, ())
    return tuple(nodes)


def category_tree(db: Db, language: Language) -> list[CategoryNode]:
    """Every category, depth first (each parent followed by its children), labelled in `language`."""
    return list(_category_tree(_reference(db), language))


def leaf_categories(db: Db, language: Language) -> list[CategoryNode]:
    """The categories a product can be filed under, in tree order."""
    return [node for node in _category_tree(_reference(db), language) if node.is_leaf]


def attributes_for_category(db: Db, category_key: str) -> list[CategoryField]:
    """The attribute fields the editor shows for a category, in display order.

    Rows are inherited from the parent categories; a category's own row for an attribute
    overrides the inherited one (and `shown = false` hides it).
    """
    snapshot = _reference(db)
    effective: dict[str, _FieldRow] = {}
    for row in _ancestry(snapshot, category_key):
        effective.update((field.attribute, field) for field in snapshot.fields.get(row.key, []))
    shown = sorted((field for field in effective.values() if field.shown), key=lambda f: (f.position, f.attribute))
    return [CategoryField(field.attribute, field.required) for field in shown]


# --- values -------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _options(snapshot: _Snapshot, attribute: str, language: Language) -> tuple[Option, ...]:
    values = snapshot.lists.get(attribute)
    if values is None:
        raise UnknownAttribute(f"Unknown attribute: {attribute!r}")
    options = (Option(value.key, value.label(language)) for value in values)
    return tuple(sorted(options, key=lambda option: sort_key(option.label)))


def options(db: Db, attribute: str, language: Language) -> list[Option]:
    """The values of a list attribute (pattern, fit, season, ..., material, color, condition), sorted by label.

    Brands are searched (`search_brands`) and sizes depend on the category (`sizes`).
    """
    if attribute in ("brand", "size"):
        raise UnknownAttribute(f"{attribute!r} is not a simple list; use search_brands or sizes")
    return list(_options(_reference(db), attribute, language))


def sizes(db: Db, category_key: str | None = None) -> list[SizeOption]:
    """The sizes offered for a category (all of them without one), smallest first; legacy aliases left out.

    The nearest category (itself, then its ancestors) that has size groups decides which groups apply.
    """
    snapshot = _reference(db)
    groups: set[str] | None = None
    if category_key is not None:
        for row in reversed(_ancestry(snapshot, category_key)):
            if row.key in snapshot.size_groups:
                groups = snapshot.size_groups[row.key]
                break
    return [
        SizeOption(size.key, size.label, size.size_group)
        for size in snapshot.sizes
        if size.alias_of is None and (groups is None or size.size_group in groups)
    ]


@lru_cache(maxsize=8)
def _colors(snapshot: _Snapshot, language: Language) -> tuple[ColorOption, ...]:
    colors = (ColorOption(c.value.key, c.value.label(language), c.hex, c.parent_key) for c in snapshot.colors)
    return tuple(sorted(colors, key=lambda color: sort_key(color.label)))


def colors(db: Db, language: Language) -> list[ColorOption]:
    """Every colour with its display hex code and parent colour (for shades), sorted by label."""
    return list(_colors(_reference(db), language))


@lru_cache(maxsize=8)
def _conditions(snapshot: _Snapshot, language: Language) -> tuple[ConditionOption, ...]:
    return tuple(ConditionOption(key, value.label(language)) for key, value in reversed(snapshot.conditions))


def conditions(db: Db, language: Language) -> list[ConditionOption]:
    """The condition notes, best (10, new) first."""
    return list(_conditions(_reference(db), language))


def search_brands(db: Db, text: str, limit: int = 20) -> list[Option]:
    """Brands whose name contains `text` (case- and accent-blind, punctuation ignored).

    Ranked: exact name, then names starting with `text`, then the others; within each,
    brands known to Vinted first, then shorter names. Option.label is the display name.
    """
    wanted = brand_search_key(text)
    if not wanted:
        return []
    table = table_of(Brand)
    key = table.c.search_key
    statement = (
        select(table.c.name, table.c.display_name)
        .where(key.contains(wanted, autoescape=True))
        .order_by(
            (key == literal(wanted)).desc(),
            key.startswith(wanted, autoescape=True).desc(),
            table.c.vinted_brand_id.is_(None),
            func.length(key),
            key,
        )
        .limit(limit)
    )
    return [Option(name, display_name) for name, display_name in db.execute(statement).tuples()]


def is_valid(db: Db, attribute: str, key: str | int) -> bool:
    """Whether `key` is a known value of `attribute` ("category", "brand", "size", or a list attribute).

    Size aliases (legacy spellings such as "XXXL") are valid. Raises UnknownAttribute for an unknown attribute.
    """
    if attribute == "brand":
        table = table_of(Brand)
        return bool(db.execute(select(exists().where(table.c.name == str(key)))).scalar())
    snapshot = _reference(db)
    if attribute == "category":
        return str(key) in snapshot.categories
    if attribute == "size":
        return any(size.key == str(key) for size in snapshot.sizes)
    values = snapshot.lists.get(attribute)
    if values is None:
        raise UnknownAttribute(f"Unknown attribute: {attribute!r}")
    return any(value.key == str(key) for value in values)


def known_attributes(db: Db) -> set[str]:
    """Every attribute name a category can show."""
    return {*DEDICATED_ATTRIBUTES, *_reference(db).lists}
