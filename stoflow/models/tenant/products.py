"""A seller's products and their photos (tenant tables: one copy per seller schema)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Column, Computed, ForeignKey, Index, Integer, Numeric, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlmodel import Field, SQLModel

from stoflow.models.base import timestamp


class ProductStatus(StrEnum):
    draft = "draft"
    published = "published"
    sold = "sold"
    archived = "archived"


# What the search box looks through: one 'simple' (no stemming: French and English alike)
# text-search vector, kept by PostgreSQL itself, with a GIN index.
SEARCH_DOCUMENT = (
    "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(brand, '') || ' ' || "
    "coalesce(sku, '') || ' ' || coalesce(description, ''))"
)


class Product(SQLModel, table=True):
    """One item of the catalogue. `version` grows at each save: a stale save is refused."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'sold', 'archived')", name="ck_products_status"),
        CheckConstraint("price >= 0", name="ck_products_price"),
        CheckConstraint("quantity >= 0", name="ck_products_quantity"),
        Index("ix_products_search", "search", postgresql_using="gin"),
        Index("ix_products_status_id", "status", "id"),
        Index("ix_products_deleted_at", "deleted_at"),
        Index("ix_products_sku_prefix", text("lower(sku) text_pattern_ops")),
    )

    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    status: str = Field(default=ProductStatus.draft.value, max_length=16)
    title: str = Field(default="", max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    category: str | None = Field(default=None, max_length=64, index=True)
    gender: str | None = Field(default=None, max_length=16)
    brand: str | None = Field(default=None, max_length=120, index=True)
    size: str | None = Field(default=None, max_length=32)
    colors: list[str] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]"))
    # [{"key": "cotton", "percent": 80}, ...]
    materials: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]")
    )
    condition: int | None = Field(default=None)
    condition_details: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # The other attributes the category calls for: {"pattern": "striped", "season": "summer"}.
    attributes: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}")
    )
    # Measurements taken flat, in cm: {"chest": 52, "length": 70}.
    measurements: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}")
    )
    price: Decimal = Field(default=Decimal("0"), sa_column=Column(Numeric(10, 2), nullable=False, server_default="0"))
    currency: str = Field(default="EUR", max_length=3)
    cost_price: Decimal | None = Field(default=None, sa_column=Column(Numeric(10, 2), nullable=True))
    quantity: int = Field(default=1)
    length_cm: int | None = Field(default=None)
    width_cm: int | None = Field(default=None)
    height_cm: int | None = Field(default=None)
    weight_g: int | None = Field(default=None)
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int = Field(default=1)
    created_at: datetime = timestamp(index=True)
    updated_at: datetime = timestamp()
    sold_at: datetime | None = timestamp(nullable=True)
    deleted_at: datetime | None = timestamp(nullable=True)  # in the Trash since then
    search: str | None = Field(default=None, sa_column=Column(TSVECTOR, Computed(SEARCH_DOCUMENT, persisted=True)))


class ProductPhoto(SQLModel, table=True):
    """A photo of a product: its place in the gallery, and where its files are stored.

    The first by position is the cover. A `label` photo (the care label, the tag) is for
    the seller and the AI's size reading only: never published, never sent to the AI as
    a product picture.
    """

    __tablename__ = "product_photos"

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(
        sa_column=Column(Integer, ForeignKey("products.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    position: int = Field(default=0)
    is_label: bool = Field(default=False)
    full_key: str = Field(max_length=255)
    thumb_key: str = Field(max_length=255)
    content_type: str = Field(max_length=32)
    width: int
    height: int
    size_bytes: int
    sha256: str = Field(max_length=64)
    created_at: datetime = timestamp()
