"""Who is signed in, from the two HttpOnly cookies of a browser.

`stoflow_access` holds a 15-minute access JWT, `stoflow_refresh` the refresh token of the
device's family (stoflow.accounts.tokens). Every check ends in the database: a family
revoked a second ago is refused now, whatever the JWT still says.

HTTP routes accept a live access token only; when it has expired the page calls
/api/auth/refresh (one rotation) and retries. The Reflex state cannot set cookies: its
websocket keeps the cookies of its handshake, so it renews its own access token
server-side, held in a backend variable, against the handshake's refresh token.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import Session

from stoflow.accounts.service import Identity
from stoflow.accounts.tokens import TokenError, issue_access, live_session, session_of_refresh, verify_access

ACCESS_COOKIE = "stoflow_access"
REFRESH_COOKIE = "stoflow_refresh"


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


@dataclass(frozen=True)
class StateIdentity:
    identity: Identity
    access: str  # the access token the state should use from now on (renewed or not)


def identity_for_state(
    db: Session, *, handshake_access: str | None, handshake_refresh: str | None, renewed_access: str | None
) -> StateIdentity | None:
    """The identity of a websocket, checked now; renews the state's access token if needed.

    Accepted: the handshake's access token while it lives; then the state's renewed one
    (same family as the handshake's cookies); and, when both have expired, a renewal
    against the handshake's refresh token (its family's current token or the one it
    directly replaced). In every case the family must be live in the database.
    """
    # What this websocket's own cookies prove: a family (and user), even if expired.
    proven_family: uuid.UUID | None = None
    proven_user: int | None = None
    if handshake_access:
        try:
            claims = verify_access(handshake_access, allow_expired=True)
            proven_family, proven_user = claims.session_id, claims.user_id
        except TokenError:
            pass
    refresh_family = session_of_refresh(db, handshake_refresh) if handshake_refresh else None
    if proven_family is None and refresh_family is not None:
        proven_family, proven_user = refresh_family.id, refresh_family.user_id
    if proven_family is None:
        return None  # no cookie of ours: a stolen client token alone opens nothing
    live = live_session(db, proven_family)
    if live is None or live[1].id != proven_user:
        return None
    for candidate in (handshake_access, renewed_access):
        if not candidate:
            continue
        try:
            claims = verify_access(candidate)
        except TokenError:
            continue
        if claims.session_id == proven_family:
            return StateIdentity(Identity.of(db, *live), candidate)
    # Both access tokens have expired: renew against the handshake's refresh token.
    if refresh_family is None or refresh_family.id != proven_family:
        return None
    return StateIdentity(Identity.of(db, *live), issue_access(live[1].id, proven_family))  # type: ignore[arg-type]
