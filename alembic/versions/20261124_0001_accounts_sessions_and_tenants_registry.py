"""accounts, sessions and tenants registry

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-24 12:55:48.909767
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute('CREATE SCHEMA IF NOT EXISTS product_attributes')
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("language IN ('en', 'fr')", name='ck_users_language'),
    sa.CheckConstraint("role IN ('admin', 'support', 'user')", name='ck_users_role'),
    sa.CheckConstraint('email = lower(email)', name='ck_users_email_lower'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email'),
    schema='public'
    )
    op.create_table('tenants',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('schema_name', sa.String(length=63), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['public.users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id'),
    sa.UniqueConstraint('schema_name'),
    schema='public'
    )
    op.create_table('user_sessions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=512), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['public.users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash'),
    schema='public'
    )
    op.create_index(op.f('ix_public_user_sessions_expires_at'), 'user_sessions', ['expires_at'], unique=False, schema='public')
    op.create_index(op.f('ix_public_user_sessions_user_id'), 'user_sessions', ['user_id'], unique=False, schema='public')


def downgrade() -> None:
    op.drop_index(op.f('ix_public_user_sessions_user_id'), table_name='user_sessions', schema='public')
    op.drop_index(op.f('ix_public_user_sessions_expires_at'), table_name='user_sessions', schema='public')
    op.drop_table('user_sessions', schema='public')
    op.drop_table('tenants', schema='public')
    op.drop_table('users', schema='public')
    op.execute('DROP SCHEMA IF EXISTS product_attributes CASCADE')
