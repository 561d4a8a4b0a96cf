"""sign-in lockout

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 14:25:03.762178
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("failed_sign_ins", sa.Integer(), server_default="0", nullable=False), schema="public")
    op.add_column("users", sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True), schema="public")


def downgrade() -> None:
    op.drop_column("users", "locked_until", schema="public")
    op.drop_column("users", "failed_sign_ins", schema="public")
