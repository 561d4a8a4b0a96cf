"""What a person does with their own account: verify the address, recover the password,
change profile and password, see and end their sessions.

Every function acts on the user id it is given by the caller's verified identity (never
an id from the client) and records its audit event in the caller's transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from stoflow.accounts import email_links
from stoflow.accounts.passwords import hash_password, verify_password
from stoflow.accounts.schemas import (
    DISPLAY_NAME_MAX_LENGTH,
    FieldErrors,
    country_problem,
    normalise_email,
    password_problem,
)
from stoflow.audit.service import AuditAction, RequestContext, record_own
from stoflow.models.base import utcnow
from stoflow.models.public import LANGUAGES, EmailTokenPurpose, User, UserSession


@dataclass(frozen=True)
class LinkToSend:
    """A link to e-mail once the transaction is committed (plain values: no live row)."""

    purpose: EmailTokenPurpose
    email: str
    language: str
    display_name: str
    token: str

    @property
    def url(self) -> str:
        return email_links.url(self.purpose, self.token)


def _link(db: Session, user: User, purpose: EmailTokenPurpose) -> LinkToSend:
    token = email_links.issue(db, user, purpose)
    return LinkToSend(purpose, user.email, user.language, user.display_name, token)


def _user_by_email(db: Session, email: str) -> User | None:
    try:
        normalised = normalise_email(email)
    except FieldErrors:
        return None
    return db.exec(select(User).where(User.email == normalised)).first()


# --- e-mail verification -----------------------------------------------------------


def start_verification(db: Session, user: User) -> LinkToSend:
    return _link(db, user, EmailTokenPurpose.verify_email)


def resend_verification(db: Session, email: str) -> LinkToSend | None:
    """A new link for an unverified active account; None (and nothing said) otherwise."""
    user = _user_by_email(db, email)
    if user is None or not user.is_active or user.email_verified_at is not None:
        return None
    return start_verification(db, user)


def verify_email(db: Session, token: str, *, context: RequestContext | None = None) -> User:
    """Mark the address of the link's user verified; LinkRefused for a bad link."""
    user = email_links.consume(db, token, EmailTokenPurpose.verify_email)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.add(user)
        record_own(db, AuditAction.email_verified, user_id=user.id, email=user.email, context=context)
    return user


# --- password recovery -----------------------------------------------------------------


def request_password_reset(db: Session, email: str, *, context: RequestContext | None = None) -> LinkToSend | None:
    """A reset link for an active account; None for an unknown address (the caller answers the same)."""
    user = _user_by_email(db, email)
    if user is None or not user.is_active:
        return None
    record_own(db, AuditAction.password_reset_requested, user_id=user.id, email=user.email, context=context)
    return _link(db, user, EmailTokenPurpose.reset_password)


def reset_password(db: Session, token: str, password: str, *, context: RequestContext | None = None) -> User:
    """Set a new password from a reset link; every session of the account is signed out.

    Following the link proves the mailbox, so the address counts as verified (the caller
    also clears the address's sign-in delays). FieldErrors for a refused password (the link stays usable),
    LinkRefused for a bad link.
    """
    email_links.check(db, token, EmailTokenPurpose.reset_password)
    user = email_links.consume(db, token, EmailTokenPurpose.reset_password)
    problem = password_problem(password or "", email=user.email, display_name=user.display_name)
    if problem:
        raise FieldErrors({"password": problem})
    now = utcnow()
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    user.email_verified_at = user.email_verified_at or now
    db.add(user)
    revoked = revoke_sessions(db, user.id)  # type: ignore[arg-type]
    record_own(
        db, AuditAction.password_reset, user_id=user.id, email=user.email, context=context, after={"sessions": revoked}
    )
    return user


# --- profile and password ----------------------------------------------------------------


def _user(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise FieldErrors({"form": "not_signed_in"})
    return user


def update_profile(
    db: Session,
    user_id: int,
    *,
    display_name: str,
    language: str,
    country: str,
    context: RequestContext | None = None,
) -> User:
    """Change name, language and country; FieldErrors per field, nothing changed then."""
    user = _user(db, user_id)
    display_name = (display_name or "").strip()
    country = (country or "").strip().upper()
    errors: dict[str, str] = {}
    if not display_name:
        errors["display_name"] = "display_name_required"
    elif len(display_name) > DISPLAY_NAME_MAX_LENGTH:
        errors["display_name"] = "display_name_too_long"
    if language not in LANGUAGES:
        errors["language"] = "language_invalid"
    if country_problem(country):
        errors["country"] = "country_invalid"
    if errors:
        raise FieldErrors(errors)
    before = {"display_name": user.display_name, "language": user.language, "country": user.country}
    after = {"display_name": display_name, "language": language, "country": country}
    changed = {key for key in after if before[key] != after[key]}
    if changed:
        user.display_name, user.language, user.country = display_name, language, country
        db.add(user)
        record_own(
            db,
            AuditAction.profile_changed,
            user_id=user.id,
            email=user.email,
            context=context,
            before={key: before[key] for key in sorted(changed)},
            after={key: after[key] for key in sorted(changed)},
        )
    return user


def refuse_wrong_password(
    db: Session, user: User, *, purpose: str, field: str, context: RequestContext | None = None
) -> FieldErrors:
    """Log a wrong password given while signed in (kept although the caller rolls back)
    and return the error to raise. The route counts it too (stoflow.security.throttle)."""
    record_own(
        db,
        AuditAction.password_check_failed,
        user_id=user.id,
        email=user.email,
        context=context,
        after={"reason": "password_wrong", "for": purpose},
    )
    db.commit()
    return FieldErrors({field: "password_wrong"})


def change_password(
    db: Session,
    user_id: int,
    *,
    current: str,
    new: str,
    keep_session: uuid.UUID | None,
    context: RequestContext | None = None,
) -> int:
    """Replace the password (the current one is required); other sessions are signed out.

    Returns how many sessions were signed out.
    """
    user = _user(db, user_id)
    if not verify_password(current or "", user.password_hash):
        raise refuse_wrong_password(db, user, purpose="change_password", field="current_password", context=context)
    problem = password_problem(new or "", email=user.email, display_name=user.display_name)
    if problem is None and verify_password(new, user.password_hash):
        problem = "password_unchanged"
    if problem:
        raise FieldErrors({"new_password": problem})
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    db.add(user)
    revoked = revoke_sessions(db, user_id, keep=keep_session)
    record_own(
        db,
        AuditAction.password_changed,
        user_id=user.id,
        email=user.email,
        context=context,
        after={"sessions": revoked},
    )
    return revoked


# --- sessions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionView:
    id: str
    created_at: datetime
    last_seen_at: datetime
    ip: str
    user_agent: str
    current: bool


def list_sessions(db: Session, user_id: int, *, current: uuid.UUID | None = None) -> list[SessionView]:
    """The live sessions of this user, the most recently used first."""
    now = utcnow()
    rows = db.exec(
        select(UserSession)
        .where(
            col(UserSession.user_id) == user_id,
            col(UserSession.revoked_at).is_(None),
            col(UserSession.expires_at) > now,
        )
        .order_by(col(UserSession.last_seen_at).desc())
    ).all()
    return [
        SessionView(
            id=str(row.id),
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            ip=row.ip or "",
            user_agent=row.user_agent or "",
            current=row.id == current,
        )
        for row in rows
    ]


def revoke_sessions(db: Session, user_id: int, *, keep: uuid.UUID | None = None) -> int:
    """Sign out every live session of the user except `keep`; returns how many."""
    statement = update(UserSession).where(col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None))
    if keep is not None:
        statement = statement.where(col(UserSession.id) != keep)
    return db.exec(statement.values(revoked_at=utcnow())).rowcount or 0  # type: ignore[call-overload]


def revoke_session(db: Session, user_id: int, session_id: str, *, context: RequestContext | None = None) -> bool:
    """Sign out one of the user's own sessions. Another user's session id changes nothing."""
    try:
        wanted = uuid.UUID(str(session_id))
    except ValueError:
        return False
    result = db.exec(
        update(UserSession)
        .where(
            col(UserSession.id) == wanted,
            col(UserSession.user_id) == user_id,  # only one's own
            col(UserSession.revoked_at).is_(None),
        )
        .values(revoked_at=utcnow())
    )
    done = bool(result.rowcount)
    if done:
        user = db.get(User, user_id)
        record_own(
            db,
            AuditAction.session_revoked,
            user_id=user_id,
            email=user.email if user else None,
            context=context,
            after={"session": str(wanted)},
        )
    return done


def sign_out_everywhere(db: Session, user_id: int, *, context: RequestContext | None = None) -> int:
    revoked = revoke_sessions(db, user_id)
    user = db.get(User, user_id)
    record_own(
        db,
        AuditAction.sessions_revoked_all,
        user_id=user_id,
        email=user.email if user else None,
        context=context,
        after={"sessions": revoked},
    )
    return revoked
