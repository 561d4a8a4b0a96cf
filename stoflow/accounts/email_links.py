"""Single-use links sent by e-mail: verify an address, reset a password.

The token is 32 random bytes handed out once (in the link); the database keeps only its
SHA-256. Issuing a new link of a purpose voids the user's earlier unused ones, so only
the latest message works.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from stoflow.config import get_settings
from stoflow.models.base import utcnow
from stoflow.models.public import EmailToken, EmailTokenPurpose, User
from stoflow.pages import routes

LIFETIMES = {
    EmailTokenPurpose.verify_email: timedelta(hours=24),
    EmailTokenPurpose.reset_password: timedelta(hours=1),
}
PAGES = {
    EmailTokenPurpose.verify_email: routes.VERIFY_EMAIL,
    EmailTokenPurpose.reset_password: routes.RESET_PASSWORD,
}
MAX_TOKEN_LENGTH = 128
KEEP_SPENT_FOR = timedelta(days=7)  # then a used or expired link is forgotten


class LinkRefused(Exception):
    """The link cannot be used. `code`: link_invalid, link_expired or link_used."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(db: Session, user: User, purpose: EmailTokenPurpose, *, now: datetime | None = None) -> str:
    """A new link token for `user`; earlier unused ones of this purpose stop working."""
    assert user.id is not None
    now = now or utcnow()
    db.exec(
        update(EmailToken)
        .where(
            col(EmailToken.user_id) == user.id,
            col(EmailToken.purpose) == purpose.value,
            col(EmailToken.used_at).is_(None),
        )
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.add(
        EmailToken(
            user_id=user.id,
            purpose=purpose.value,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
        )
    )
    db.flush()
    return token


def _usable(db: Session, token: str, purpose: EmailTokenPurpose, *, now: datetime, lock: bool) -> EmailToken:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise LinkRefused("link_invalid")
    query = select(EmailToken).where(
        col(EmailToken.token_hash) == _hash(token), col(EmailToken.purpose) == purpose.value
    )
    row = db.exec(query.with_for_update() if lock else query).first()
    if row is None:
        raise LinkRefused("link_invalid")
    if row.used_at is not None:
        raise LinkRefused("link_used")
    if row.expires_at <= now:
        raise LinkRefused("link_expired")
    return row


def consume(db: Session, token: str, purpose: EmailTokenPurpose, *, now: datetime | None = None) -> User:
    """The user a link belongs to, marking the link used; LinkRefused otherwise."""
    now = now or utcnow()
    row = _usable(db, token, purpose, now=now, lock=True)
    user = db.get(User, row.user_id)
    if user is None or not user.is_active:
        raise LinkRefused("link_invalid")
    row.used_at = now
    db.add(row)
    return user


def check(db: Session, token: str, purpose: EmailTokenPurpose, *, now: datetime | None = None) -> None:
    """Raise LinkRefused if the link could not be used, without using it (to show the form or not)."""
    _usable(db, token, purpose, now=now or utcnow(), lock=False)


def url(purpose: EmailTokenPurpose, token: str) -> str:
    """The absolute link to put in the message."""
    return f"{get_settings().public_url.rstrip('/')}{PAGES[purpose]}?{urlencode({'token': token})}"


def purge(db: Session, *, now: datetime | None = None) -> int:
    """Delete links used or expired more than KEEP_SPENT_FOR ago; returns how many."""
    cutoff = (now or utcnow()) - KEEP_SPENT_FOR
    result = db.exec(
        delete(EmailToken).where(or_(col(EmailToken.expires_at) < cutoff, col(EmailToken.used_at) < cutoff))
    )
    return result.rowcount or 0  # type: ignore[attr-defined]
