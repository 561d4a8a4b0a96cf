"""Staff work on accounts: list and search users; verify, lock, change role, deactivate.

Plain functions taking a session and the acting `Identity`. Reading needs users.read
(admin and support); every change needs users.write (admin only) and is audited with its
before and after values. A refused change is audited too, and that record survives the
caller's rollback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from stoflow.accounts.permissions import Permission, PermissionDenied, require
from stoflow.accounts.service import Identity
from stoflow.audit.service import AuditAction, RequestContext, record
from stoflow.db.engine import db_session
from stoflow.models.base import utcnow
from stoflow.models.public import Role, User, UserSession
from stoflow.security import throttle
from stoflow.security.throttle import Throttle

PAGE_SIZE = 25
STATUSES = ("active", "unverified", "locked", "deactivated")
ROLES = tuple(role.value for role in Role)
# A staff lock has no end: it lasts until someone unlocks the account.
STAFF_LOCK = timedelta(days=365 * 100)
# A lock longer than this is a staff lock, not the 30-minute lockout after failed sign-ins.
STAFF_LOCK_THRESHOLD = timedelta(days=365)
# pg_advisory_xact_lock key taken by every staff change to an account (see _target).
STAFF_CHANGES_LOCK = 0x5707_0001


class UserAdminError(Exception):
    """A change staff may not make (yourself, the last admin, unknown user). `code` is an i18n key."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class UserPage:
    rows: list[User]
    total: int
    page: int
    pages: int


def is_locked(user: User, now: datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_users(
    db: Session,
    reader: Identity,
    *,
    search: str = "",
    role: str | None = None,
    status: str | None = None,
    page: int = 1,
) -> UserPage:
    """One page of users, newest first, searched by e-mail or name and filtered by role and status.

    `status` is one of STATUSES: `active` (not deactivated, not locked), `unverified`,
    `locked` (now), `deactivated`. Unknown roles and statuses filter nothing.
    """
    require(reader, Permission.users_read)
    now = utcnow()
    query = select(User)
    search = search.strip()
    if search:
        pattern = f"%{_escape_like(search)}%"
        query = query.where(
            or_(
                col(User.email).ilike(pattern, escape="\\"),
                col(User.display_name).ilike(pattern, escape="\\"),
            )
        )
    if role in ROLES:
        query = query.where(User.role == role)
    locked = col(User.locked_until).is_not(None) & (col(User.locked_until) > now)
    if status == "active":
        query = query.where(col(User.is_active).is_(True), ~locked)
    elif status == "unverified":
        query = query.where(col(User.email_verified_at).is_(None))
    elif status == "locked":
        query = query.where(locked)
    elif status == "deactivated":
        query = query.where(col(User.is_active).is_(False))
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = db.exec(
        query.order_by(col(User.created_at).desc(), col(User.id).desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    return UserPage(rows=list(rows), total=total, page=page, pages=pages)


def _require_write(actor: Identity, user_id: int, attempted: str, context: RequestContext | None) -> None:
    """Raise PermissionDenied (audited, in its own committed transaction) unless `actor` may change users."""
    try:
        require(actor, Permission.users_write)
    except PermissionDenied:
        # The caller rolls its transaction back on the exception: the refusal is kept apart.
        with db_session() as audit_db:
            target = audit_db.get(User, user_id)
            record(
                audit_db,
                AuditAction.permission_denied,
                actor_id=actor.user_id if actor else None,
                actor_email=actor.email if actor else None,
                target_id=user_id,
                target_email=target.email if target else None,
                context=context,
                after={"permission": Permission.users_write.value, "attempted": attempted},
            )
        raise


def _target(db: Session, actor: Identity, user_id: int, attempted: str, context: RequestContext | None) -> User:
    _require_write(actor, user_id, attempted, context)
    # Staff changes take turns (until commit): two admins demoting each other at the same
    # moment cannot both pass the last-admin check, and no row-lock order can deadlock.
    db.exec(select(func.pg_advisory_xact_lock(STAFF_CHANGES_LOCK)))
    user = db.exec(select(User).where(User.id == user_id).with_for_update()).first()
    if user is None:
        raise UserAdminError("user_not_found")
    return user


def _not_self(actor: Identity, user: User) -> None:
    if user.id == actor.user_id:
        raise UserAdminError("cannot_change_self")


def _keep_an_admin(db: Session, user: User) -> None:
    """Refuse to take away the last admin who can still sign in (`user` being one)."""
    if user.role != Role.admin or not user.is_active:
        return
    others = db.exec(
        select(func.count()).where(
            User.role == Role.admin.value,
            col(User.is_active).is_(True),
            col(User.id) != user.id,
            or_(col(User.locked_until).is_(None), col(User.locked_until) <= utcnow()),
        )
    ).one()
    if not others:
        raise UserAdminError("last_admin")


def _revoke_sessions(db: Session, user_id: int) -> int:
    result = db.exec(
        update(UserSession)
        .where(col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount or 0


def _audit(
    db: Session,
    action: AuditAction,
    actor: Identity,
    user: User,
    context: RequestContext | None,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    record(
        db,
        action,
        actor_id=actor.user_id,
        actor_email=actor.email,
        target_id=user.id,
        target_email=user.email,
        context=context,
        before=before,
        after=after,
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def verify_email(db: Session, actor: Identity, user_id: int, context: RequestContext | None = None) -> bool:
    """Mark the user's e-mail address verified. False (and nothing recorded) if it already was."""
    user = _target(db, actor, user_id, "verify", context)
    if user.email_verified_at is not None:
        return False
    user.email_verified_at = utcnow()
    db.add(user)
    _audit(
        db,
        AuditAction.user_verified,
        actor,
        user,
        context,
        {"email_verified_at": None},
        {"email_verified_at": _iso(user.email_verified_at)},
    )
    return True


def lock(db: Session, actor: Identity, user_id: int, context: RequestContext | None = None) -> bool:
    """Lock the account until unlocked and sign it out everywhere. False if already staff-locked."""
    user = _target(db, actor, user_id, "lock", context)
    _not_self(actor, user)
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now + STAFF_LOCK_THRESHOLD:
        return False
    before = {"locked_until": _iso(user.locked_until)}
    user.locked_until = now + STAFF_LOCK
    db.add(user)
    revoked = _revoke_sessions(db, user_id)
    _audit(
        db,
        AuditAction.user_locked,
        actor,
        user,
        context,
        before,
        {"locked_until": _iso(user.locked_until), "sessions_revoked": revoked},
    )
    return True


def _password_waits(user: User) -> list[tuple[Throttle, str]]:
    """The counts of failed password checks that can make this seller wait (stoflow.security.throttle)."""
    return [(Throttle.sign_in_failures_email, user.email), (Throttle.password_check_failures, str(user.id))]


def unlock(db: Session, actor: Identity, user_id: int, context: RequestContext | None = None) -> bool:
    """Lift a staff lock, and the waits strangers' (or the seller's) wrong passwords imposed."""
    user = _target(db, actor, user_id, "unlock", context)
    waiting = max((throttle.wait_seconds(rule, key) for rule, key in _password_waits(user)), default=0)
    if user.locked_until is None and user.failed_sign_ins == 0 and waiting == 0:
        return False
    before = {"locked_until": _iso(user.locked_until), "failed_sign_ins": user.failed_sign_ins, "wait_s": waiting}
    user.locked_until, user.failed_sign_ins = None, 0
    db.add(user)
    for rule, key in _password_waits(user):
        throttle.clear(rule, key)
    after = {"locked_until": None, "failed_sign_ins": 0, "wait_s": 0}
    _audit(db, AuditAction.user_unlocked, actor, user, context, before, after)
    return True


def set_role(db: Session, actor: Identity, user_id: int, role: str, context: RequestContext | None = None) -> bool:
    """Give the user another role; never your own, never away from the last admin."""
    user = _target(db, actor, user_id, "set_role", context)
    if role not in ROLES:
        raise UserAdminError("role_invalid")
    if user.role == role:
        return False
    _not_self(actor, user)
    _keep_an_admin(db, user)
    before = {"role": user.role}
    user.role = role
    db.add(user)
    _audit(db, AuditAction.role_changed, actor, user, context, before, {"role": role})
    return True


def deactivate(db: Session, actor: Identity, user_id: int, context: RequestContext | None = None) -> bool:
    """Switch the account off (no sign-in) and sign it out everywhere; never your own, never the last admin."""
    user = _target(db, actor, user_id, "deactivate", context)
    _not_self(actor, user)
    if not user.is_active:
        return False
    _keep_an_admin(db, user)
    user.is_active = False
    db.add(user)
    revoked = _revoke_sessions(db, user_id)
    _audit(
        db,
        AuditAction.user_deactivated,
        actor,
        user,
        context,
        {"is_active": True},
        {"is_active": False, "sessions_revoked": revoked},
    )
    return True


def reactivate(db: Session, actor: Identity, user_id: int, context: RequestContext | None = None) -> bool:
    """Switch a deactivated account back on. False if it was active."""
    user = _target(db, actor, user_id, "reactivate", context)
    if user.is_active:
        return False
    user.is_active = True
    db.add(user)
    _audit(db, AuditAction.user_reactivated, actor, user, context, {"is_active": False}, {"is_active": True})
    return True


# What the page's actions menu can ask for, by name (set_role takes a role as well).
ACTIONS: dict[str, Callable[[Session, Identity, int, RequestContext | None], bool]] = {
    "verify": verify_email,
    "lock": lock,
    "unlock": unlock,
    "deactivate": deactivate,
    "reactivate": reactivate,
}
