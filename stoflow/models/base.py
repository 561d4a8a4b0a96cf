"""Column helpers shared by all tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlmodel import Field

PUBLIC_SCHEMA = "public"
ATTRIBUTES_SCHEMA = "product_attributes"


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp(*, nullable: bool = False, index: bool = False, **kwargs: Any) -> Any:
    """A timezone-aware UTC timestamp column; required ones default to now."""
    if nullable:
        return Field(default=None, sa_type=DateTime(timezone=True), nullable=True, index=index, **kwargs)
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False, index=index, **kwargs)
