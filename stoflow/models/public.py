"""Tables of the shared `public` schema: accounts, sessions and the tenants registry."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, Numeric, String, Text, Uuid
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
    country: str = Field(default="", max_length=2, sa_column_kwargs={"server_default": ""})
    is_active: bool = Field(default=True)
    failed_sign_ins: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    locked_until: datetime | None = timestamp(nullable=True)
    email_verified_at: datetime | None = timestamp(nullable=True)
    created_at: datetime = timestamp()
    last_login_at: datetime | None = timestamp(nullable=True)
    password_changed_at: datetime | None = timestamp(nullable=True)


class UserSession(SQLModel, table=True):
    """A signed-in device: one refresh-token family.

    `token_hash` is the SHA-256 of the family's current refresh token; the ones it
    replaced are kept in `refresh_tokens_retired`, so a replayed one is recognised
    and revokes the whole family.
    """

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


class RetiredRefreshToken(SQLModel, table=True):
    """A refresh token already exchanged: presenting it again means it was stolen."""

    __tablename__ = "refresh_tokens_retired"
    __table_args__ = {"schema": PUBLIC_SCHEMA}

    token_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    session_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey(f"{PUBLIC_SCHEMA}.user_sessions.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    retired_at: datetime = timestamp()


class EmailTokenPurpose(StrEnum):
    verify_email = "verify_email"
    reset_password = "reset_password"


class EmailToken(SQLModel, table=True):
    """A single-use link sent by e-mail (verify the address, reset the password).

    Only the SHA-256 of the token is stored; the link itself exists only in the message.
    """

    __tablename__ = "email_tokens"
    __table_args__ = (
        CheckConstraint("purpose IN ('verify_email', 'reset_password')", name="ck_email_tokens_purpose"),
        {"schema": PUBLIC_SCHEMA},
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey(f"{PUBLIC_SCHEMA}.users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    purpose: str = Field(max_length=32)
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = timestamp()
    expires_at: datetime = timestamp()
    used_at: datetime | None = timestamp(nullable=True)


class OutboxMessage(SQLModel, table=True):
    """An e-mail as the development outbox keeps it (no SMTP server configured)."""

    __tablename__ = "mail_outbox"
    __table_args__ = {"schema": PUBLIC_SCHEMA}

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = timestamp(index=True)
    to_address: str = Field(max_length=320, index=True)
    subject: str = Field(max_length=300)
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str = Field(sa_column=Column(Text, nullable=False))
    template: str = Field(max_length=64)
    language: str = Field(max_length=2)


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


class AiUsage(SQLModel, table=True):
    """One charged AI call of a seller: which feature, model, tokens and cost, and how it ended.

    A row is a call counted against the seller's monthly AI credits (`stoflow.ai.usage`):
    every successful call, and failed ones that still spent tokens (a blocked answer). While
    the call runs, its row is a credit reserved for it: outcome "pending", no model or tokens
    yet; it is filled in when the call counts, deleted when it does not.
    """

    __tablename__ = "ai_usage"
    __table_args__ = (
        CheckConstraint("feature IN ('fill_from_photos', 'write_listing')", name="ck_ai_usage_feature"),
        {"schema": PUBLIC_SCHEMA},
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey(f"{PUBLIC_SCHEMA}.users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    at: datetime = timestamp(index=True)
    feature: str = Field(max_length=32)
    model: str = Field(max_length=64)
    input_tokens: int = Field(default=0)
    output_tokens: int = Field(default=0)
    cost_eur: Decimal = Field(default=Decimal(0), sa_column=Column(Numeric(10, 6), nullable=False))
    outcome: str = Field(default="ok", max_length=32)  # "ok", the AiError code, or "pending"
