"""Reference data shared by every seller, in the `product_attributes` schema.

The values, their French and English labels and their marketplace ids are loaded from the
bundled CSV files by `stoflow.reference.seed` (never edited through the app). Keys are the
app's own identifiers, stored on products; labels are what the seller reads.
"""

from __future__ import annotations

from sqlalchemy import ARRAY, CheckConstraint, Column, ForeignKey, Index, Integer, String, Text, func
from sqlmodel import Field, SQLModel

from stoflow.models.base import ATTRIBUTES_SCHEMA

EBAY_CONDITIONS = (
    "NEW",
    "PRE_OWNED_EXCELLENT",
    "PRE_OWNED_GOOD",
    "PRE_OWNED_FAIR",
    "PRE_OWNED_POOR",
    "FOR_PARTS_OR_NOT_WORKING",
)
_EBAY_CONDITION_LIST = ", ".join(f"'{value}'" for value in EBAY_CONDITIONS)


def _reference(table_and_column: str) -> ForeignKey:
    return ForeignKey(f"{ATTRIBUTES_SCHEMA}.{table_and_column}")


class Category(SQLModel, table=True):
    """A node of the app's category tree, with the marketplace category it maps to per gender.

    eBay ids are per marketplace tree (EBAY_GB, EBAY_FR); today both trees share the ids.
    """

    __tablename__ = "categories"
    __table_args__ = {"schema": ATTRIBUTES_SCHEMA}

    key: str = Field(primary_key=True, max_length=64)
    parent_key: str | None = Field(
        default=None, sa_column=Column(String(64), _reference("categories.key"), nullable=True, index=True)
    )
    path: str = Field(max_length=255)
    level: int
    is_leaf: bool
    label_en: str = Field(max_length=120)
    label_fr: str = Field(max_length=120)
    genders: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(Text), nullable=False))
    vinted_catalog_id_women: int | None = None
    vinted_catalog_id_men: int | None = None
    vinted_catalog_id_girls: int | None = None
    vinted_catalog_id_boys: int | None = None
    ebay_gb_category_id_women: int | None = None
    ebay_gb_category_id_men: int | None = None
    ebay_gb_category_id_girls: int | None = None
    ebay_gb_category_id_boys: int | None = None
    ebay_fr_category_id_women: int | None = None
    ebay_fr_category_id_men: int | None = None
    ebay_fr_category_id_girls: int | None = None
    ebay_fr_category_id_boys: int | None = None
    etsy_taxonomy_id: int | None = None


class CategoryAttribute(SQLModel, table=True):
    """Which attribute fields a category shows in the product editor.

    A category inherits its parent's rows; its own row for the same attribute overrides
    `required`/`position`, and `shown = false` hides an inherited attribute.
    """

    __tablename__ = "category_attributes"
    __table_args__ = {"schema": ATTRIBUTES_SCHEMA}

    category_key: str = Field(
        sa_column=Column(String(64), _reference("categories.key"), primary_key=True, nullable=False)
    )
    attribute: str = Field(primary_key=True, max_length=32)
    required: bool = False
    position: int
    shown: bool = True


class CategorySizeGroup(SQLModel, table=True):
    """Which size groups (letter, waist, one_size) a category offers; the nearest category with rows decides."""

    __tablename__ = "category_size_groups"
    __table_args__ = {"schema": ATTRIBUTES_SCHEMA}

    category_key: str = Field(
        sa_column=Column(String(64), _reference("categories.key"), primary_key=True, nullable=False)
    )
    size_group: str = Field(primary_key=True, max_length=32)


class Brand(SQLModel, table=True):
    """A brand; `name` is the key (sentence case, unique whatever the case)."""

    __tablename__ = "brands"
    __table_args__ = {"schema": ATTRIBUTES_SCHEMA}

    name: str = Field(primary_key=True, max_length=120)
    display_name: str = Field(max_length=120)
    # Lower case without accents, so "fjall" finds "Fjällräven" (unaccent is not installed).
    search_key: str = Field(max_length=120)
    vinted_brand_id: int | None = None


Index("uq_brands_name_lower", func.lower(Brand.__table__.c.name), unique=True)  # type: ignore[attr-defined]


class Color(SQLModel, table=True):
    """A colour; shades point to their parent colour (which does not lend them its Vinted id)."""

    __tablename__ = "colors"
    __table_args__ = {"schema": ATTRIBUTES_SCHEMA}

    key: str = Field(primary_key=True, max_length=64)
    label_en: str = Field(max_length=120)
    label_fr: str | None = Field(default=None, max_length=120)
    hex: str | None = Field(default=None, max_length=7)
    parent_key: str | None = Field(default=None, sa_column=Column(String(64), _reference("colors.key"), nullable=True))
    vinted_color_id: int | None = None


class Condition(SQLModel, table=True):
    """A condition note from 10 (new) to 0, with the Vinted status and eBay condition it maps to.

    `ebay_condition_id` is empty where the stored enum is not one of eBay's ConditionEnum values.
    """

    __tablename__ = "conditions"
    __table_args__ = (
        CheckConstraint("key BETWEEN 0 AND 10", name="ck_conditions_key"),
        CheckConstraint(f"ebay_condition IN ({_EBAY_CONDITION_LIST})", name="ck_conditions_ebay_condition"),
        {"schema": ATTRIBUTES_SCHEMA},
    )

    key: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    label_en: str = Field(max_length=120)
    label_fr: str = Field(max_length=120)
    vinted_status_id: int
    ebay_condition: str = Field(max_length=32)
    ebay_condition_id: int | None = None


class Material(SQLModel, table=True):
    __tablename__ = "materials"
    __table_args__ = {"schema": ATTRIBUTES_SCHEMA}

    key: str = Field(primary_key=True, max_length=64)
    label_en: str = Field(max_length=120)
    label_fr: str = Field(max_length=120)
    vinted_material_id: int | None = None


class Size(SQLModel, table=True):
    """A size; `alias_of` marks a legacy spelling of another size. `position` is the file order."""

    __tablename__ = "sizes"
    __table_args__ = {"schema": ATTRIBUTES_SCHEMA}

    key: str = Field(primary_key=True, max_length=32)
    label: str = Field(max_length=32)
    size_group: str | None = Field(default=None, max_length=32)
    alias_of: str | None = Field(default=None, sa_column=Column(String(32), _reference("sizes.key"), nullable=True))
    position: int
    vinted_size_id_women: int | None = None
    vinted_size_id_men: int | None = None
    equivalent_fr: str | None = Field(default=None, max_length=16)
    equivalent_us: str | None = Field(default=None, max_length=16)
    equivalent_it: str | None = Field(default=None, max_length=16)


class AttributeValue(SQLModel, table=True):
    """A value of one of the simple lists (pattern, fit, season, origin, neckline, ...)."""

    __tablename__ = "attribute_values"
    __table_args__ = {"schema": ATTRIBUTES_SCHEMA}

    attribute: str = Field(primary_key=True, max_length=32)
    key: str = Field(primary_key=True, max_length=64)
    label_en: str = Field(max_length=120)
    label_fr: str | None = Field(default=None, max_length=120)
    vinted_id: int | None = None


class VintedCategory(SQLModel, table=True):
    """A Vinted catalog (leaf category) the app can list in; titles as on vinted.fr."""

    __tablename__ = "vinted_categories"
    __table_args__ = {"schema": ATTRIBUTES_SCHEMA}

    vinted_catalog_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    title_fr: str = Field(max_length=120)
    gender: str = Field(max_length=16)
    is_leaf: bool
    used_in_mapping: bool


class VintedCategoryRule(SQLModel, table=True):
    """Picks a Vinted catalog from category, gender and optional attribute values.

    Matches score gender/fit/length/rise +10, material +5, pattern/neckline +3, sleeve +2;
    the `is_default` row is the fallback.
    """

    __tablename__ = "vinted_category_rules"
    __table_args__ = {"schema": ATTRIBUTES_SCHEMA}

    category_key: str = Field(
        sa_column=Column(String(64), _reference("categories.key"), primary_key=True, nullable=False)
    )
    gender: str = Field(primary_key=True, max_length=16)
    vinted_catalog_id: int = Field(
        sa_column=Column(Integer, _reference("vinted_categories.vinted_catalog_id"), primary_key=True, nullable=False)
    )
    when_fit: str | None = Field(default=None, max_length=64)
    when_length: str | None = Field(default=None, max_length=64)
    when_rise: str | None = Field(default=None, max_length=64)
    when_material: str | None = Field(default=None, max_length=64)
    when_pattern: str | None = Field(default=None, max_length=64)
    when_neckline: str | None = Field(default=None, max_length=64)
    when_sleeve_length: str | None = Field(default=None, max_length=64)
    is_default: bool


class EbayCategory(SQLModel, table=True):
    """A category of an eBay marketplace's tree (subtree 11450, clothes)."""

    __tablename__ = "ebay_categories"
    __table_args__ = {"schema": ATTRIBUTES_SCHEMA}

    marketplace: str = Field(primary_key=True, max_length=16)
    category_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    parent_id: int | None = None
    name: str = Field(max_length=255)
    leaf: bool
    level: int
    path: str = Field(sa_column=Column(Text, nullable=False))


class EbayCategoryRule(SQLModel, table=True):
    """An eBay category an app category and gender map to; `is_default_reverse` marks the row used eBay -> app."""

    __tablename__ = "ebay_category_rules"
    __table_args__ = {"schema": ATTRIBUTES_SCHEMA}

    category_key: str = Field(
        sa_column=Column(String(64), _reference("categories.key"), primary_key=True, nullable=False)
    )
    gender: str = Field(primary_key=True, max_length=16)
    ebay_category_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    is_default_reverse: bool
