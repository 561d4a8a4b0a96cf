"""GET /api/media/{key}: serves a stored photo to whoever holds a valid signed link.

No session cookie: the short-lived signed URL is the capability (see stoflow.storage.signing).
Photos are never in a public folder; this route is the only way out of the storage.
"""

from __future__ import annotations

import logging
import time

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from stoflow.storage import InvalidStorageKey, StorageNotFound, content_type_for, get_storage, user_prefix
from stoflow.storage.base import validate_key
from stoflow.storage.signing import verify

log = logging.getLogger(__name__)

router = APIRouter()

# Even if a stored file were not an image, the browser must not run or sniff it.
_SAFETY_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"}


def _refused(error: str, status_code: int = 403) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status_code, headers={"Cache-Control": "no-store"})


@router.get("/api/media/{key:path}")
def media(key: str, exp: str = "", uid: str = "", sig: str = "") -> Response:
    """The photo under `key`, when `sig` signs (key, uid, exp) and `exp` has not passed."""
    try:
        expires, user_id = int(exp), int(uid)
        validate_key(key)
    except (ValueError, InvalidStorageKey):
        return _refused("media_link_invalid")
    if not sig or not verify(key, user_id, expires, sig):
        return _refused("media_link_invalid")
    remaining = expires - int(time.time())
    if remaining <= 0:
        return _refused("media_link_expired")
    # `sign` never makes such a link; refusing it here too means a seller's signature can
    # never open another seller's folder, whatever produced it.
    if not key.startswith(user_prefix(user_id)):
        log.warning("Refused a signed media link for user %s naming %s", user_id, key)
        return _refused("media_link_invalid")

    try:
        data = get_storage().get(key)
    except StorageNotFound:
        return _refused("media_not_found", status_code=404)
    return Response(
        content=data,
        media_type=content_type_for(key),
        headers={"Cache-Control": f"private, max-age={remaining}", **_SAFETY_HEADERS},
    )
