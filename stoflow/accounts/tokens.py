"""Signed access tokens and rotating refresh-token families.

A signed-in device is one `UserSession` row: one refresh-token family. The browser holds
two HS256 JWTs: a short access token (ACCESS_TTL), checked on every request together with
`live_session`, and a refresh token that lives as long as the family. Exchanging a refresh
token (`rotate`) retires it and issues the next one; presenting a retired one again means
it was copied, so the whole family is revoked and the reuse audited.

Only SHA-256 hashes of refresh tokens are stored. The algorithm is pinned (never read from
the token), and the header `kid` (a hash prefix of the key, not the key) picks the key
among JWT_SECRET_KEY and JWT_SECRET_KEY_PREVIOUS, so the secret can be rotated without
signing everyone out. Signing always uses JWT_SECRET_KEY.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import jwt
from sqlalchemy import update
from sqlmodel import Session, col, select

from stoflow.accounts.service import token_hash
from stoflow.audit.service import AuditAction, RequestContext, record
from stoflow.config import get_settings
from stoflow.models.base import utcnow
from stoflow.models.public import RetiredRefreshToken, User, UserSession

ALGORITHM = "HS256"
ACCESS_TTL = timedelta(minutes=15)
LEEWAY = timedelta(seconds=10)  # clock skew between our own processes, nothing more
MAX_TOKEN_LENGTH = 4096
REQUIRED_CLAIMS = ("exp", "iat", "sub", "type", "sid", "jti")

TokenType = Literal["access", "refresh"]
TokenErrorCode = Literal["token_invalid", "token_expired", "token_wrong_type", "token_reused", "session_revoked"]


class TokenError(Exception):
    """A token refused. `code` is an i18n key; the reason in detail stays in the logs."""

    def __init__(self, code: TokenErrorCode = "token_invalid") -> None:
        super().__init__(code)
        self.code: TokenErrorCode = code


@dataclass(frozen=True)
class AccessClaims:
    """What a verified access token says (the session must still be checked: `live_session`)."""

    user_id: int
    session_id: uuid.UUID
    expires_at: datetime
    issued_at: datetime


@dataclass(frozen=True)
class TokenPair:
    """The two tokens handed to the browser, shown only once."""

    access: str
    refresh: str
    session_id: uuid.UUID
    access_expires_at: datetime
    refresh_expires_at: datetime


@dataclass(frozen=True)
class _Claims:
    type: TokenType
    user_id: int
    session_id: uuid.UUID
    issued_at: datetime
    expires_at: datetime


def key_id(key: str) -> str:
    """The `kid` naming a key: the first 16 hex digits of its SHA-256 (never the key)."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _signing_key() -> tuple[str, str]:
    key = get_settings().require("JWT_SECRET_KEY")
    return key_id(key), key


def _verification_keys() -> dict[str, str]:
    settings = get_settings()
    keys: dict[str, str] = {}
    previous = settings.jwt_secret_key_previous
    if previous is not None:
        keys[key_id(previous.get_secret_value())] = previous.get_secret_value()
    kid, key = _signing_key()
    keys[kid] = key
    return keys


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def _moment(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _sign(*, token_type: TokenType, user_id: int, session_id: uuid.UUID, issued: datetime, expires: datetime) -> str:
    kid, key = _signing_key()
    payload = {
        "sub": str(user_id),
        "sid": str(session_id),
        "type": token_type,
        "jti": secrets.token_urlsafe(16),
        "iat": _seconds(issued),
        "exp": _seconds(expires),
    }
    return jwt.encode(payload, key, algorithm=ALGORITHM, headers={"kid": kid})


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _decode(token: str, expected: TokenType, *, now: datetime, allow_expired: bool = False) -> _Claims:
    """Check signature, key, type and claims of `token`; TokenError otherwise."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise TokenError("token_invalid")
    try:
        header = jwt.get_unverified_header(token)
        # Only `kid` is read from the unverified header; the algorithm is pinned below.
        kid = header.get("kid")
        key = _verification_keys().get(kid) if isinstance(kid, str) else None
        if key is None or header.get("alg") != ALGORITHM:
            raise TokenError("token_invalid")
        payload = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            # Times are checked below against `now`, with the same leeway either way.
            options={"require": list(REQUIRED_CLAIMS), "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError:
        raise TokenError("token_invalid") from None
    token_type, sub, sid, jti = payload["type"], payload["sub"], payload["sid"], payload["jti"]
    issued, expires = payload["iat"], payload["exp"]
    if not (
        token_type in ("access", "refresh")
        and isinstance(sub, str)
        and sub.isascii()
        and sub.isdigit()
        and len(sub) <= 18
        and int(sub) > 0
        and isinstance(sid, str)
        and isinstance(jti, str)
        and jti
        and _is_int(issued)
        and _is_int(expires)
        and issued <= expires
    ):
        raise TokenError("token_invalid")
    try:
        session_id = uuid.UUID(sid)
    except ValueError:
        raise TokenError("token_invalid") from None
    leeway = LEEWAY.total_seconds()
    if issued > now.timestamp() + leeway:
        raise TokenError("token_invalid")
    if token_type == "access" and expires - issued > (ACCESS_TTL + LEEWAY).total_seconds():
        raise TokenError("token_invalid")
    if token_type != expected:
        raise TokenError("token_wrong_type")
    if expires <= now.timestamp() - leeway and not allow_expired:
        raise TokenError("token_expired")
    return _Claims(
        type=token_type,
        user_id=int(sub),
        session_id=session_id,
        issued_at=_moment(issued),
        expires_at=_moment(expires),
    )


def issue_access(user_id: int, session_id: uuid.UUID, *, now: datetime | None = None) -> str:
    """A signed access token for this user and session, valid for ACCESS_TTL."""
    now = now or utcnow()
    return _sign(token_type="access", user_id=user_id, session_id=session_id, issued=now, expires=now + ACCESS_TTL)


def verify_access(token: str, *, allow_expired: bool = False, now: datetime | None = None) -> AccessClaims:
    """The claims of a valid access token; TokenError otherwise.

    This checks the token only: call `live_session` too, so that a revoked session is
    refused at once. `allow_expired` accepts a past `exp` (everything else is still
    checked), for a websocket whose handshake token has expired (stoflow.accounts.web_session).
    """
    claims = _decode(token, "access", now=now or utcnow(), allow_expired=allow_expired)
    return AccessClaims(
        user_id=claims.user_id, session_id=claims.session_id, expires_at=claims.expires_at, issued_at=claims.issued_at
    )


def _pair(family: UserSession, *, now: datetime) -> tuple[TokenPair, str]:
    """New tokens for `family`, and the hash of the refresh token to store."""
    refresh = _sign(
        token_type="refresh", user_id=family.user_id, session_id=family.id, issued=now, expires=family.expires_at
    )
    pair = TokenPair(
        access=issue_access(family.user_id, family.id, now=now),
        refresh=refresh,
        session_id=family.id,
        access_expires_at=_moment(_seconds(now + ACCESS_TTL)),
        refresh_expires_at=family.expires_at,
    )
    return pair, token_hash(refresh)


def open_family(
    db: Session,
    *,
    user: User,
    ttl: timedelta,
    ip: str | None = None,
    user_agent: str | None = None,
    now: datetime | None = None,
) -> TokenPair:
    """Sign `user` in on a new device: a new family, its first tokens (flushed, not committed)."""
    assert user.id is not None
    now = now or utcnow()
    family = UserSession(
        id=uuid.uuid4(),
        user_id=user.id,
        token_hash="",
        created_at=now,
        last_seen_at=now,
        expires_at=now + ttl,
        ip=(ip or "")[:64] or None,
        user_agent=(user_agent or "")[:512] or None,
    )
    pair, refresh_hash = _pair(family, now=now)
    family.token_hash = refresh_hash
    user.last_login_at = now
    db.add(family)
    db.add(user)
    db.flush()
    return pair


def _is_live(family: UserSession, user: User | None, now: datetime) -> bool:
    return family.revoked_at is None and family.expires_at > now and user is not None and user.is_active


def _previous_hash(db: Session, session_id: uuid.UUID) -> str | None:
    """The hash of the refresh token this family's current one replaced, if any."""
    return db.exec(
        select(RetiredRefreshToken.token_hash)
        .where(col(RetiredRefreshToken.session_id) == session_id)
        .order_by(col(RetiredRefreshToken.retired_at).desc())
        .limit(1)
    ).first()


def _report_reuse(db: Session, family: UserSession, *, context: RequestContext | None, now: datetime) -> TokenError:
    """Revoke the family of a replayed refresh token, audit it, and keep that even if the caller rolls back."""
    was_live = family.revoked_at is None
    if was_live:
        family.revoked_at = now
        db.add(family)
    user = db.get(User, family.user_id)
    record(
        db,
        AuditAction.refresh_reused,
        target_id=family.user_id,
        target_email=user.email if user else None,
        context=context,
        after={"session_id": str(family.id), "family_was_live": was_live},
    )
    db.commit()
    return TokenError("token_reused")


def rotate(
    db: Session, refresh_token: str, *, context: RequestContext | None = None, now: datetime | None = None
) -> TokenPair:
    """Exchange a refresh token for a new pair (same family, same expiry); TokenError otherwise.

    A retired token presented again revokes the whole family, is audited, and that is
    COMMITTED here before raising `token_reused`. The family row is locked, so two
    exchanges of the same token cannot both succeed.
    """
    now = now or utcnow()
    claims = _decode(refresh_token, "refresh", now=now)
    family = db.exec(
        select(UserSession)
        .where(col(UserSession.id) == claims.session_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if family is None or family.user_id != claims.user_id:
        raise TokenError("token_invalid")
    presented = token_hash(refresh_token)
    if hmac.compare_digest(family.token_hash, presented):
        if not _is_live(family, db.get(User, family.user_id), now):
            raise TokenError("session_revoked")
        db.add(RetiredRefreshToken(token_hash=presented, session_id=family.id, retired_at=now))
        pair, refresh_hash = _pair(family, now=now)
        family.token_hash = refresh_hash
        family.last_seen_at = now
        db.add(family)
        db.flush()
        return pair
    retired = db.get(RetiredRefreshToken, presented)
    if retired is not None and retired.session_id == family.id:
        raise _report_reuse(db, family, context=context, now=now)
    raise TokenError("token_invalid")


def session_of_refresh(db: Session, refresh_token: str, *, now: datetime | None = None) -> UserSession | None:
    """The live family of a refresh token, without exchanging it; None otherwise.

    Accepts the family's current token or the one it replaced (a websocket handshake
    cookie may be one generation old), never an older one.
    """
    now = now or utcnow()
    try:
        claims = _decode(refresh_token, "refresh", now=now)
    except TokenError:
        return None
    family = db.get(UserSession, claims.session_id)
    if family is None or family.user_id != claims.user_id or not _is_live(family, db.get(User, family.user_id), now):
        return None
    presented = token_hash(refresh_token)
    previous = _previous_hash(db, family.id)
    if hmac.compare_digest(family.token_hash, presented) or (
        previous is not None and hmac.compare_digest(previous, presented)
    ):
        return family
    return None


def revoke_family(db: Session, session_id: uuid.UUID, *, now: datetime | None = None) -> bool:
    """Revoke a family (sign a device out); False when it was unknown or already revoked."""
    result = db.exec(
        update(UserSession)
        .where(col(UserSession.id) == session_id, col(UserSession.revoked_at).is_(None))
        .values(revoked_at=now or utcnow())
    )
    return bool(result.rowcount)


def live_session(db: Session, session_id: uuid.UUID, *, now: datetime | None = None) -> tuple[UserSession, User] | None:
    """The family and its user, if the family is neither revoked nor expired and the user active."""
    row = db.exec(
        select(UserSession, User)
        .join(User, col(User.id) == col(UserSession.user_id))
        .where(
            col(UserSession.id) == session_id,
            col(UserSession.revoked_at).is_(None),
            col(UserSession.expires_at) > (now or utcnow()),
            col(User.is_active).is_(True),
        )
    ).first()
    return (row[0], row[1]) if row is not None else None
