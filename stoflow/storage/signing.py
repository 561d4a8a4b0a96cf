"""Signed, expiring photo links: `/api/media/{key}?exp=…&uid=…&sig=…`.

The link is the capability: whoever holds it may fetch that one file until it expires,
without a session cookie (an <img> tag, a marketplace fetching a picture). The signature
binds the key, the seller's id and the expiry, so none of them can be changed, and the
media route also refuses a key outside `u{uid}/`.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from stoflow.config import get_settings
from stoflow.storage.base import user_prefix, validate_key

MEDIA_PATH = "/api/media/"
_HKDF_INFO = b"stoflow media links v1"


def _derive(secret: str) -> bytes:
    # A key of its own, so a media signature can never be replayed as a token and back.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret.encode())


def _signing_keys() -> list[bytes]:
    """The current key first, then the previous one during a JWT_SECRET_KEY rotation."""
    settings = get_settings()
    keys = [_derive(settings.require("JWT_SECRET_KEY"))]
    if settings.jwt_secret_key_previous is not None:
        keys.append(_derive(settings.jwt_secret_key_previous.get_secret_value()))
    return keys


def _mac(signing_key: bytes, key: str, user_id: int, expires: int) -> str:
    message = f"{user_id}\n{expires}\n{key}".encode()
    return hmac.new(signing_key, message, hashlib.sha256).hexdigest()


def signature(key: str, *, user_id: int, expires: int) -> str:
    """The signature of (key, user id, expiry as a Unix timestamp) with the current secret."""
    return _mac(_signing_keys()[0], key, int(user_id), int(expires))


def sign(key: str, *, user_id: int, expires_at: datetime) -> str:
    """The URL path (with query) serving `key` to whoever holds it until `expires_at`.

    The key must lie under the seller's folder (`u{user_id}/`): a link for one seller can
    never name another's file.
    """
    validate_key(key)
    if not key.startswith(user_prefix(user_id)):
        raise ValueError(f"The key {key!r} does not belong to user {user_id}.")
    expires = int(expires_at.timestamp())
    query = urlencode({"exp": expires, "uid": int(user_id), "sig": signature(key, user_id=user_id, expires=expires)})
    return f"{MEDIA_PATH}{key}?{query}"


URL_STEP_S = 300  # expiries are rounded up to this step: the same link for a while, so browsers cache it


def media_url(key: str, *, user_id: int, ttl_seconds: int | None = None, now: datetime | None = None) -> str:
    """A signed link to `key` valid for at least MEDIA_URL_TTL_SECONDS (or `ttl_seconds`).

    The expiry is rounded up to the next URL_STEP_S, so every page showing a photo within
    those minutes gets the very same link and the browser serves it from its cache.
    """
    ttl = ttl_seconds if ttl_seconds is not None else get_settings().media_url_ttl_seconds
    moment = (now or datetime.now(UTC)) + timedelta(seconds=ttl)
    step = URL_STEP_S if ttl >= URL_STEP_S else 1
    rounded = -(-int(moment.timestamp()) // step) * step
    return sign(key, user_id=user_id, expires_at=datetime.fromtimestamp(rounded, UTC))


def verify(key: str, uid: int, exp: int, sig: str) -> bool:
    """Whether `sig` was made by `sign` for exactly this key, user id and expiry (expiry not checked)."""
    if not isinstance(sig, str) or not sig.isascii():
        return False
    expected = [_mac(signing_key, key, int(uid), int(exp)) for signing_key in _signing_keys()]
    # Compare with every key, whatever the outcome, in constant time.
    matches = [hmac.compare_digest(candidate, sig) for candidate in expected]
    return any(matches)
