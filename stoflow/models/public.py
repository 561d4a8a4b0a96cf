"""Tables of the shared `public` schema: accounts, sessions and the tenants registry."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from stoflow.models.base import PUBLIC_SCHEMA, timestamp

LANGUAGES = ("en", "fr")


class Role(StrEnum):
    admin = "admin"
    support = "support"
    user = "user"


class User(SQLModel, table=True):
    """A person who signs in: a seller, or staff (admin, support)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'support', 'user')", name="ck_users_role"),
        CheckConstraint("language IN ('en', 'fr')", name="ck_users_language"),
        CheckConstraint("email = lower(email)", name="ck_users_email_lower"),
        {"schema": PUBLIC_SCHEMA},
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(320), nullable=False, unique=True))
    password_hash: str = Field(max_length=255)
    display_name: str = Field(default="", max_length=120)
    role: str = Field(default=Role.user.value, max_length=16)
    language: str = Field(default="en", max_length=2)
    is_active: bool = Field(default=True)
    failed_sign_ins: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    locked_until: datetime | None = timestamp(nullable=True)
    email_verified_at: datetime | None = timestamp(nullable=True)
    created_at: datetime = timestamp()
    last_login_at: datetime | None = timestamp(nullable=True)


class UserSession(SQLModel, table=True):
    """A signed-in browser. Only the SHA-256 of its cookie token is stored."""

    __tablename__ = "user_sessions"
    __table_args__ = {"schema": PUBLIC_SCHEMA}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey(f"{PUBLIC_SCHEMA}.users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = timestamp()
    expires_at: datetime = timestamp(index=True)
    last_seen_at: datetime = timestamp()
    revoked_at: datetime | None = timestamp(nullable=True)
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=512)


class Tenant(SQLModel, table=True):
    """The registry of seller schemas: one row per provisioned `user_{id}` schema."""

    __tablename__ = "tenants"
    __table_args__ = {"schema": PUBLIC_SCHEMA}

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey(f"{PUBLIC_SCHEMA}.users.id", ondelete="CASCADE"), primary_key=True)
    )
    schema_name: str = Field(sa_column=Column(String(63), nullable=False, unique=True))
    created_at: datetime = timestamp()


class AuditEvent(SQLModel, table=True):
    """Who did what to whom, from where. Kept when users are deleted (no foreign keys)."""

    __tablename__ = "audit_log"
    __table_args__ = {"schema": PUBLIC_SCHEMA}

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp(index=True)
    action: str = Field(max_length=64, index=True)
    actor_user_id: int | None = Field(default=None, index=True)
    actor_email: str | None = Field(default=None, max_length=320)
    target_user_id: int | None = Field(default=None, index=True)
    target_email: str | None = Field(default=None, max_length=320)
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=512)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB, nullable=True))
