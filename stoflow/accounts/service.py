"""Account rules: register a seller (with its schema), sign in, sessions, first admin.

Plain functions taking a session; no Reflex, no HTTP. The tokens of a signed-in device
are in stoflow.accounts.tokens; stoflow.accounts.web_session reads them from cookies.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from stoflow.accounts.passwords import hash_password, verify_password
from stoflow.accounts.permissions import Permission, can
from stoflow.accounts.schemas import FieldErrors, Registration, normalise_email, password_problem
from stoflow.audit.service import AuditAction, RequestContext, record, record_own
from stoflow.db.tenancy import provision_tenant
from stoflow.models.base import utcnow
from stoflow.models.public import LANGUAGES, Role, User, UserSession

LAST_SEEN_RESOLUTION = timedelta(minutes=5)
PURGE_REVOKED_AFTER = timedelta(days=30)


class SignInRefused(Exception):
    """Wrong e-mail or password, or an inactive account. `code` is an i18n key; `email` the
    normalised address tried (for the throttle and the log, never for the answer)."""

    def __init__(self, code: str = "invalid_credentials", *, email: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.email = email


class AddressTaken(Exception):
    """An account already uses this address. Never shown as such: the registration route
    answers as for a new address and mails the owner a notice instead."""


@dataclass(frozen=True)
class Identity:
    """Who is signed in, as checked against the database for this request or event."""

    user_id: int
    session_id: str
    email: str
    display_name: str
    role: str
    language: str

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.admin, Role.support)

    def can(self, permission: Permission) -> bool:
        return can(self, permission)

    @classmethod
    def of(cls, db: Session, family: UserSession, user: User) -> Identity:
        """The identity of a live session; notes when it was last seen (to the minutes)."""
        now = utcnow()
        if now - family.last_seen_at > LAST_SEEN_RESOLUTION:
            family.last_seen_at = now
            db.add(family)
        assert user.id is not None
        return cls(
            user_id=user.id,
            session_id=str(family.id),
            email=user.email,
            display_name=user.display_name,
            role=user.role,
            language=user.language,
        )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_by_email(db: Session, email: str) -> User | None:
    """The account of an address, in any spelling (normalise_email); None if none or malformed."""
    try:
        normalised = normalise_email(email)
    except FieldErrors:
        return None
    return db.exec(select(User).where(User.email == normalised)).first()


def _create_user(db: Session, registration: Registration, *, role: Role, verified: bool) -> User:
    if db.exec(select(User.id).where(User.email == registration.email)).first() is not None:
        raise AddressTaken(registration.email)
    user = User(
        email=registration.email,
        password_hash=hash_password(registration.password),
        display_name=registration.display_name,
        language=registration.language,
        country=registration.country,
        role=role.value,
        email_verified_at=utcnow() if verified else None,
    )
    db.add(user)
    try:
        db.flush()
    except IntegrityError:  # a concurrent registration of the same address won
        raise AddressTaken(registration.email) from None
    assert user.id is not None
    provision_tenant(db, user.id)
    return user


def register(
    db: Session, *, email: str, password: str, country: str, display_name: str = "", language: str = "en"
) -> User:
    """Create a seller account and its schema, in the caller's transaction.

    Raises FieldErrors (and creates nothing) for a malformed e-mail, a weak or common
    password, or an unknown language or country; AddressTaken for an address already
    registered. The address is unverified: the seller cannot sign in before following
    the link of `accounts.self_service`.
    """
    registration = Registration.parse(
        email=email, password=password, display_name=display_name, language=language, country=country
    )
    return create_seller(db, registration)


def create_seller(db: Session, registration: Registration) -> User:
    """The account of a checked registration (see `register`); AddressTaken if taken."""
    return _create_user(db, registration, role=Role.user, verified=False)


def _refusal(
    db: Session, code: str, *, email: str | None, user: User | None, context: RequestContext | None
) -> SignInRefused:
    """Log a refused sign-in and keep the record even though the caller rolls back."""
    record(
        db,
        AuditAction.sign_in_failed,
        target_id=user.id if user else None,
        target_email=email,
        context=context,
        after={"reason": code},
    )
    db.commit()
    return SignInRefused(code, email=email)


def is_staff_locked(user: User, now: datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def authenticate(db: Session, *, email: str, password: str, context: RequestContext | None = None) -> User:
    """The user with this e-mail and password; SignInRefused otherwise (same cost either way).

    A wrong password and an unknown address get the same answer; only whoever gave the
    right password learns that the account is locked by staff, inactive or unverified.
    Repeated failures are slowed down by the caller (stoflow.security.throttle), never
    by locking the account. Refusals are audited and committed here, before raising.
    """
    try:
        normalised: str | None = normalise_email(email)
    except FieldErrors:
        normalised = None
    user = db.exec(select(User).where(User.email == normalised)).first() if normalised else None
    password_ok = verify_password(password or "", user.password_hash if user else None)
    if user is None or not password_ok:
        raise _refusal(db, "invalid_credentials", email=normalised, user=user, context=context)
    if is_staff_locked(user):
        raise _refusal(db, "account_locked", email=user.email, user=user, context=context)
    if not user.is_active:
        raise _refusal(db, "account_inactive", email=user.email, user=user, context=context)
    if user.email_verified_at is None:  # told only to whoever knows the password
        raise _refusal(db, "email_not_verified", email=user.email, user=user, context=context)
    return user


def purge_sessions(db: Session, *, now: datetime | None = None) -> int:
    """Delete expired sessions and sessions revoked long ago; returns how many."""
    now = now or utcnow()
    result = db.exec(
        delete(UserSession).where(
            or_(
                col(UserSession.expires_at) <= now,
                col(UserSession.revoked_at) < now - PURGE_REVOKED_AFTER,
            )
        )
    )
    return result.rowcount or 0


def get_user(db: Session, user_id: int) -> User | None:
    return db.get(User, user_id)


def set_language(db: Session, *, user_id: int, language: str, context: RequestContext | None = None) -> None:
    if language not in LANGUAGES:
        raise FieldErrors({"language": "language_invalid"})
    user = db.get(User, user_id)
    if user is not None and user.language != language:
        before = user.language
        user.language = language
        db.add(user)
        record_own(
            db,
            AuditAction.language_changed,
            user_id=user.id,
            email=user.email,
            context=context,
            before={"language": before},
            after={"language": language},
        )


def ensure_admin(db: Session, *, email: str, password: str | None) -> tuple[User, str | None]:
    """Create the first admin if no user has this e-mail.

    Returns the admin and, when a password had to be generated, that password (to be
    shown once). An existing account is left as it is.
    """
    normalised = normalise_email(email)
    existing = db.exec(select(User).where(User.email == normalised)).first()
    if existing is not None:
        return existing, None
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(18)
    problem = password_problem(password, email=normalised)
    if problem:
        raise FieldErrors({"STOFLOW_ADMIN_PASSWORD": problem})
    registration = Registration(email=normalised, password=password, display_name="Admin", language="en")
    admin = _create_user(db, registration, role=Role.admin, verified=True)
    record(db, AuditAction.admin_created, target_id=admin.id, target_email=admin.email)
    return admin, generated
