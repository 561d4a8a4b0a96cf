"""e-mail tokens, refresh-token families, development outbox, country

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("country", sa.String(length=2), server_default="", nullable=False), schema="public"
    )
    op.add_column("users", sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True), schema="public")
    op.create_table(
        "refresh_tokens_retired",
        sa.Column("token_hash", sa.String(length=64), primary_key=True),
        sa.Column(
            "session_id",
            sa.Uuid(),
            sa.ForeignKey("public.user_sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=False),
        schema="public",
    )
    op.create_index(
        "ix_public_refresh_tokens_retired_session_id",
        "refresh_tokens_retired",
        ["session_id"],
        schema="public",
    )
    op.create_table(
        "email_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("public.users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("purpose IN ('verify_email', 'reset_password')", name="ck_email_tokens_purpose"),
        schema="public",
    )
    op.create_index("ix_public_email_tokens_user_id", "email_tokens", ["user_id"], schema="public")
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        schema="public",
    )
    op.create_index("ix_public_mail_outbox_created_at", "mail_outbox", ["created_at"], schema="public")
    op.create_index("ix_public_mail_outbox_to_address", "mail_outbox", ["to_address"], schema="public")


def downgrade() -> None:
    op.drop_table("mail_outbox", schema="public")
    op.drop_table("email_tokens", schema="public")
    op.drop_table("refresh_tokens_retired", schema="public")
    op.drop_column("users", "password_changed_at", schema="public")
    op.drop_column("users", "country", schema="public")
