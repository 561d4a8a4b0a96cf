"""Known devices: a browser where the seller signed in before.

A successful sign-in leaves a `stoflow_device` cookie (HttpOnly, SameSite=Strict, sent
only to /api/auth, a year): a JWT of type `device` naming the user and a random device
id, signed with the session keys. It opens nothing by itself. It only lets the seller
sign in from this browser while strangers' failures slow down the seller's address or
the IP: failures from a known device count against that device alone.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from stoflow.accounts.tokens import ALGORITHM, MAX_TOKEN_LENGTH, _signing_key, _verification_keys
from stoflow.models.base import utcnow

DEVICE_COOKIE = "stoflow_device"
DEVICE_COOKIE_PATH = "/api/auth"
DEVICE_TTL = timedelta(days=365)
TOKEN_TYPE = "device"


@dataclass(frozen=True)
class KnownDevice:
    user_id: int
    device_id: str


def issue(user_id: int, *, device_id: str | None = None, now: datetime | None = None) -> str:
    """The cookie value for `user_id` on this browser (a new device id unless given)."""
    now = now or utcnow()
    kid, key = _signing_key()
    payload = {
        "sub": str(user_id),
        "did": device_id or secrets.token_urlsafe(16),
        "type": TOKEN_TYPE,
        "iat": int(now.timestamp()),
        "exp": int((now + DEVICE_TTL).timestamp()),
    }
    return jwt.encode(payload, key, algorithm=ALGORITHM, headers={"kid": kid})


def read(token: str | None) -> KnownDevice | None:
    """The device a cookie names, or None for anything forged, expired or malformed."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        key = _verification_keys().get(str(jwt.get_unverified_header(token).get("kid", "")))
        if key is None:
            return None
        claims = jwt.decode(
            token, key, algorithms=[ALGORITHM], options={"require": ["sub", "did", "type", "iat", "exp"]}
        )
    except jwt.PyJWTError:
        return None
    subject, device_id = str(claims.get("sub")), claims.get("did")
    if claims.get("type") != TOKEN_TYPE or not isinstance(device_id, str) or not subject.isdigit():
        return None
    return KnownDevice(user_id=int(subject), device_id=device_id)
