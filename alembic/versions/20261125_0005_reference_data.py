"""reference data tables in product_attributes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 21:00:00

The tables are filled by `python -m stoflow.cli seed-reference` (also run by `setup`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "product_attributes"


def _fk(table_and_column: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{SCHEMA}.{table_and_column}")


def _label(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length=120), nullable=nullable)


def upgrade() -> None:
    op.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    op.create_table(
        "categories",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("parent_key", sa.String(length=64), _fk("categories.key"), nullable=True),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("is_leaf", sa.Boolean(), nullable=False),
        _label("label_en"),
        _label("label_fr"),
        sa.Column("genders", postgresql.ARRAY(sa.Text()), nullable=False),
        *[
            sa.Column(f"{marketplace}_{gender}", sa.Integer(), nullable=True)
            for marketplace in ("vinted_catalog_id", "ebay_gb_category_id", "ebay_fr_category_id")
            for gender in ("women", "men", "girls", "boys")
        ],
        sa.Column("etsy_taxonomy_id", sa.Integer(), nullable=True),
        schema=SCHEMA,
    )
    op.create_index("ix_product_attributes_categories_parent_key", "categories", ["parent_key"], schema=SCHEMA)
    op.create_table(
        "category_attributes",
        sa.Column("category_key", sa.String(length=64), _fk("categories.key"), primary_key=True),
        sa.Column("attribute", sa.String(length=32), primary_key=True),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("shown", sa.Boolean(), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "category_size_groups",
        sa.Column("category_key", sa.String(length=64), _fk("categories.key"), primary_key=True),
        sa.Column("size_group", sa.String(length=32), primary_key=True),
        schema=SCHEMA,
    )
    op.create_table(
        "brands",
        sa.Column("name", sa.String(length=120), primary_key=True),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("search_key", sa.String(length=120), nullable=False),
        sa.Column("vinted_brand_id", sa.Integer(), nullable=True),
        schema=SCHEMA,
    )
    op.create_index("uq_brands_name_lower", "brands", [sa.text("lower(name)")], unique=True, schema=SCHEMA)
    op.create_table(
        "colors",
        sa.Column("key", sa.String(length=64), primary_key=True),
        _label("label_en"),
        _label("label_fr", nullable=True),
        sa.Column("hex", sa.String(length=7), nullable=True),
        sa.Column("parent_key", sa.String(length=64), _fk("colors.key"), nullable=True),
        sa.Column("vinted_color_id", sa.Integer(), nullable=True),
        schema=SCHEMA,
    )
    op.create_table(
        "conditions",
        sa.Column("key", sa.Integer(), primary_key=True, autoincrement=False),
        _label("label_en"),
        _label("label_fr"),
        sa.Column("vinted_status_id", sa.Integer(), nullable=False),
        sa.Column("ebay_condition", sa.String(length=32), nullable=False),
        sa.Column("ebay_condition_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("key BETWEEN 0 AND 10", name="ck_conditions_key"),
        sa.CheckConstraint(
            "ebay_condition IN ('NEW', 'PRE_OWNED_EXCELLENT', 'PRE_OWNED_GOOD', 'PRE_OWNED_FAIR', "
            "'PRE_OWNED_POOR', 'FOR_PARTS_OR_NOT_WORKING')",
            name="ck_conditions_ebay_condition",
        ),
        schema=SCHEMA,
    )
    op.create_table(
        "materials",
        sa.Column("key", sa.String(length=64), primary_key=True),
        _label("label_en"),
        _label("label_fr"),
        sa.Column("vinted_material_id", sa.Integer(), nullable=True),
        schema=SCHEMA,
    )
    op.create_table(
        "sizes",
        sa.Column("key", sa.String(length=32), primary_key=True),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("size_group", sa.String(length=32), nullable=True),
        sa.Column("alias_of", sa.String(length=32), _fk("sizes.key"), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("vinted_size_id_women", sa.Integer(), nullable=True),
        sa.Column("vinted_size_id_men", sa.Integer(), nullable=True),
        sa.Column("equivalent_fr", sa.String(length=16), nullable=True),
        sa.Column("equivalent_us", sa.String(length=16), nullable=True),
        sa.Column("equivalent_it", sa.String(length=16), nullable=True),
        schema=SCHEMA,
    )
    op.create_table(
        "attribute_values",
        sa.Column("attribute", sa.String(length=32), primary_key=True),
        sa.Column("key", sa.String(length=64), primary_key=True),
        _label("label_en"),
        _label("label_fr", nullable=True),
        sa.Column("vinted_id", sa.Integer(), nullable=True),
        schema=SCHEMA,
    )
    op.create_table(
        "vinted_categories",
        sa.Column("vinted_catalog_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("title_fr", sa.String(length=120), nullable=False),
        sa.Column("gender", sa.String(length=16), nullable=False),
        sa.Column("is_leaf", sa.Boolean(), nullable=False),
        sa.Column("used_in_mapping", sa.Boolean(), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "vinted_category_rules",
        sa.Column("category_key", sa.String(length=64), _fk("categories.key"), primary_key=True),
        sa.Column("gender", sa.String(length=16), primary_key=True),
        sa.Column("vinted_catalog_id", sa.Integer(), _fk("vinted_categories.vinted_catalog_id"), primary_key=True),
        *[
            sa.Column(f"when_{attribute}", sa.String(length=64), nullable=True)
            for attribute in ("fit", "length", "rise", "material", "pattern", "neckline", "sleeve_length")
        ],
        sa.Column("is_default", sa.Boolean(), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "ebay_categories",
        sa.Column("marketplace", sa.String(length=16), primary_key=True),
        sa.Column("category_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("leaf", sa.Boolean(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "ebay_category_rules",
        sa.Column("category_key", sa.String(length=64), _fk("categories.key"), primary_key=True),
        sa.Column("gender", sa.String(length=16), primary_key=True),
        sa.Column("ebay_category_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("is_default_reverse", sa.Boolean(), nullable=False),
        schema=SCHEMA,
    )


def downgrade() -> None:
    for table in (
        "ebay_category_rules",
        "ebay_categories",
        "vinted_category_rules",
        "vinted_categories",
        "attribute_values",
        "sizes",
        "materials",
        "conditions",
        "colors",
        "brands",
        "category_size_groups",
        "category_attributes",
        "categories",
    ):
        op.drop_table(table, schema=SCHEMA)
