"""AI usage log: one row per charged AI call of a seller

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ai_usage",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("public.users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("feature", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("input_tokens", sa.Integer(), nullable=False),
        sa.Column("output_tokens", sa.Integer(), nullable=False),
        sa.Column("cost_eur", sa.Numeric(10, 6), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.CheckConstraint("feature IN ('fill_from_photos', 'write_listing')", name="ck_ai_usage_feature"),
        schema="public",
    )
    op.create_index("ix_public_ai_usage_user_id", "ai_usage", ["user_id"], schema="public")
    op.create_index("ix_public_ai_usage_at", "ai_usage", ["at"], schema="public")


def downgrade() -> None:
    op.drop_table("ai_usage", schema="public")
