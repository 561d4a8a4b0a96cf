"""/api/account/*: what needs a password or returns a file, so cannot go through a state event.

Every route acts on the identity of the live access token (never an id from the
client). A wrong password is audited and counted per account like a failed sign-in:
from RATE_LIMIT_PASSWORD_CHECK_FAILURES on, each failure doubles the wait (429). An
expired access token answers 401 `token_expired`: the page refreshes and retries
(assets/auth.js).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, BackgroundTasks, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from stoflow.accounts import gdpr, notices, self_service
from stoflow.accounts.schemas import FieldErrors
from stoflow.accounts.service import Identity
from stoflow.accounts.tokens import TokenError
from stoflow.accounts.web_session import ACCESS_COOKIE, identity_from_access
from stoflow.api.auth import (
    clear_session_cookies,
    client_context,
    field_errors,
    origin_allowed,
    refused_origin,
    too_many,
)
from stoflow.db.engine import db_session
from stoflow.security import rate_limits, throttle
from stoflow.security.rate_limits import RateLimited, Rule
from stoflow.security.throttle import Throttle

router = APIRouter(prefix="/api/account")


class ChangePasswordBody(BaseModel):
    current_password: str = Field(default="", max_length=1024)
    new_password: str = Field(default="", max_length=1024)


class DeleteBody(BaseModel):
    password: str = Field(default="", max_length=1024)


def _password_check_limited(identity: Identity) -> JSONResponse | None:
    """429 when this account tried too often (any outcome) or must wait after failures."""
    try:
        rate_limits.hit(Rule.password_check, str(identity.user_id))  # atomic: parallel tries count too
        throttle.check([(Throttle.password_check_failures, str(identity.user_id))])
    except RateLimited as limited:
        return too_many(limited)
    return None


def _password_refused(error: FieldErrors, identity: Identity) -> JSONResponse:
    """The answer to a refused form; a wrong password also counts against the account
    (growing waits, like sign-in; the service has audited it)."""
    if "password_wrong" in error.errors.values():
        throttle.fail(Throttle.password_check_failures, str(identity.user_id))
    return field_errors(error)


def signed_in_identity(request: Request) -> Identity | JSONResponse:
    try:
        with db_session() as db:
            identity = identity_from_access(db, request.cookies.get(ACCESS_COOKIE))
    except TokenError as expired:
        return JSONResponse({"error": expired.code}, status_code=401)
    if identity is None:
        return JSONResponse({"error": "not_signed_in"}, status_code=401)
    return identity


@router.post("/password")
def change_password(body: ChangePasswordBody, request: Request, background: BackgroundTasks) -> Response:
    """New password (the current one required); every other device is signed out."""
    if not origin_allowed(request):
        return refused_origin()
    identity = signed_in_identity(request)
    if isinstance(identity, JSONResponse):
        return identity
    limited = _password_check_limited(identity)
    if limited is not None:
        return limited
    try:
        with db_session() as db:
            signed_out = self_service.change_password(
                db,
                identity.user_id,
                current=body.current_password,
                new=body.new_password,
                keep_session=uuid.UUID(identity.session_id),
                context=client_context(request),
            )
    except FieldErrors as error:
        return _password_refused(error, identity)
    throttle.clear(Throttle.password_check_failures, str(identity.user_id))
    background.add_task(
        notices.send_password_changed,
        email=identity.email,
        language=identity.language,
        display_name=identity.display_name,
    )
    return JSONResponse({"ok": True, "signed_out": signed_out})


@router.post("/delete")
def delete_account(body: DeleteBody, request: Request, background: BackgroundTasks) -> Response:
    """Delete the account, its workspace and files, after checking the password."""
    if not origin_allowed(request):
        return refused_origin()
    identity = signed_in_identity(request)
    if isinstance(identity, JSONResponse):
        return identity
    limited = _password_check_limited(identity)
    if limited is not None:
        return limited
    try:
        with db_session() as db:
            gdpr.delete_account(db, user_id=identity.user_id, password=body.password, context=client_context(request))
    except FieldErrors as error:
        return _password_refused(error, identity)
    background.add_task(
        notices.send_account_deleted,
        email=identity.email,
        language=identity.language,
        display_name=identity.display_name,
    )
    response = JSONResponse({"ok": True})
    clear_session_cookies(response)
    return response


@router.get("/export")
def export(request: Request) -> Response:
    """Everything StoFlow holds about the account, as a ZIP (GDPR article 20)."""
    identity = signed_in_identity(request)
    if isinstance(identity, JSONResponse):
        return identity
    with db_session() as db:
        archive = gdpr.export_archive(db, identity.user_id, context=client_context(request))
    return Response(
        archive.data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{archive.filename}"',
            "Cache-Control": "no-store",
        },
    )
