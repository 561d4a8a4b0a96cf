"""Who is signed in, from the two HttpOnly cookies of a browser.

`stoflow_access` holds a 15-minute access JWT, `stoflow_refresh` the refresh token of the
device's family (stoflow.accounts.tokens). Every check ends in the database: a family
revoked a second ago is refused now, whatever the JWT still says.

HTTP routes accept a live access token only; when it has expired the page calls
/api/auth/refresh (one rotation) and retries. The Reflex state cannot set cookies: its
websocket keeps the cookies of its handshake, so a websocket (and an upload, whose
request carries the browser's cookies) is checked with `identity_for_socket`, which
also accepts an expired access token that the family's refresh token, or the page's
earlier proof, vouches for.
"""

from __future__ import annotations

import uuid
from http.cookies import CookieError, SimpleCookie

from sqlmodel import Session

from stoflow.accounts.service import Identity
from stoflow.accounts.tokens import TokenError, live_session, session_of_refresh, verify_access
from stoflow.models.base import utcnow

ACCESS_COOKIE = "stoflow_access"
REFRESH_COOKIE = "stoflow_refresh"


def parse_cookies(raw: str | None) -> dict[str, str]:
    """The cookies of a Cookie header by name (empty when there are none or it is malformed)."""
    if not raw:
        return {}
    try:
        cookie = SimpleCookie(raw)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in cookie.items()}


def identity_from_access(db: Session, access: str | None) -> Identity | None:
    """The identity behind a live access token of a live family.

    Raises TokenError("token_expired") for an authentic but expired token, so the caller
    can tell the page to refresh; any other problem gives None.
    """
    if not access:
        return None
    try:
        claims = verify_access(access)
    except TokenError as error:
        if error.code == "token_expired":
            raise
        return None
    live = live_session(db, claims.session_id)
    if live is None or live[1].id != claims.user_id:
        return None
    return Identity.of(db, *live)


def identity_for_socket(
    db: Session, *, access: str | None, refresh: str | None, bound_family: uuid.UUID | None
) -> Identity | None:
    """The identity a websocket's (or an upload request's) own cookies prove, checked now.

    The cookies must prove a family, and that family must be live in the database:
    - an unexpired access token of the family;
    - an authentic access token whose 15 minutes have run out, together with either the
      family's refresh token (its current one or the one it directly replaced) or a page
      state already bound to that family by an earlier proof (a long-open tab: its
      websocket keeps the cookies of its handshake);
    - without an access token, the family's refresh token (current or the one it replaced).
    Anything else (no cookie of ours, a forged token, an expired access token vouched
    for by another family's cookie or by nothing) gives None.
    """
    claims = None
    if access:
        try:
            claims = verify_access(access, allow_expired=True)
        except TokenError:
            claims = None
    if claims is not None:
        if claims.expires_at <= utcnow() and bound_family != claims.session_id:
            vouching = session_of_refresh(db, refresh) if refresh else None
            if vouching is None or vouching.id != claims.session_id:
                return None  # expired, and nothing of this family vouches for it
        return identity_of_family(db, claims.session_id, user_id=claims.user_id)
    family = session_of_refresh(db, refresh) if refresh else None
    if family is None:
        return None  # no cookie of ours: a stolen client token alone opens nothing
    return identity_of_family(db, family.id, user_id=family.user_id)


def identity_of_family(db: Session, family: uuid.UUID, *, user_id: int | None = None) -> Identity | None:
    """The identity of a family if it is live now (and belongs to `user_id`, when given)."""
    live = live_session(db, family)
    if live is None or (user_id is not None and live[1].id != user_id):
        return None
    return Identity.of(db, *live)
