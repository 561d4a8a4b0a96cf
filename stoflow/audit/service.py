"""Writing and reading the audit log (public.audit_log)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from stoflow.accounts.permissions import HasRole, Permission, require
from stoflow.models import AuditEvent

PAGE_SIZE = 50


class AuditAction(StrEnum):
    registered = "account.registered"
    admin_created = "account.admin_created"
    signed_in = "auth.sign_in"
    sign_in_failed = "auth.sign_in_failed"
    locked_out = "auth.locked_out"
    signed_out = "auth.sign_out"
    language_changed = "account.language_changed"
    # account, by its owner
    email_verified = "account.email_verified"
    profile_changed = "account.profile_changed"
    password_changed = "account.password_changed"
    password_reset_requested = "account.password_reset_requested"
    password_reset = "account.password_reset"
    account_deleted = "account.deleted"
    data_exported = "account.data_exported"
    password_check_failed = "account.password_check_failed"  # change password / delete account
    # sessions
    session_revoked = "auth.session_revoked"
    sessions_revoked_all = "auth.sessions_revoked_all"
    refresh_reused = "auth.refresh_token_reused"
    # staff actions on users
    user_verified = "admin.user_verified"
    user_locked = "admin.user_locked"
    user_unlocked = "admin.user_unlocked"
    role_changed = "admin.role_changed"
    user_deactivated = "admin.user_deactivated"
    user_reactivated = "admin.user_reactivated"
    # refused
    permission_denied = "security.permission_denied"


@dataclass(frozen=True)
class RequestContext:
    """Where an action came from (the server's view of it, never client-declared ids)."""

    ip: str | None = None
    user_agent: str | None = None


def record(
    db: Session,
    action: AuditAction,
    *,
    actor_id: int | None = None,
    actor_email: str | None = None,
    target_id: int | None = None,
    target_email: str | None = None,
    context: RequestContext | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an event to the log, in the caller's transaction."""
    context = context or RequestContext()
    event = AuditEvent(
        action=action.value,
        actor_user_id=actor_id,
        actor_email=actor_email,
        target_user_id=target_id,
        target_email=target_email,
        ip=(context.ip or "")[:64] or None,
        user_agent=(context.user_agent or "")[:512] or None,
        before=before,
        after=after,
    )
    db.add(event)
    return event


def record_own(
    db: Session,
    action: AuditAction,
    *,
    user_id: int | None,
    email: str | None,
    context: RequestContext | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """An event where someone acts on their own account (sign-in, language, ...)."""
    return record(
        db,
        action,
        actor_id=user_id,
        actor_email=email,
        target_id=user_id,
        target_email=email,
        context=context,
        before=before,
        after=after,
    )


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int
    pages: int


def search(
    db: Session,
    *,
    reader: HasRole | None,
    action: str | None = None,
    email: str | None = None,
    since: datetime | None = None,
    page: int = 1,
) -> AuditPage:
    """One page of events, newest first, filtered by action and by actor or target e-mail."""
    require(reader, Permission.audit_read)
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    if email:
        pattern = f"%{email.strip().lower()}%"
        query = query.where(col(AuditEvent.actor_email).ilike(pattern) | col(AuditEvent.target_email).ilike(pattern))
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    events = db.exec(
        query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return AuditPage(events=list(events), total=total, page=page, pages=pages)
