"""/api/auth/*: the only place that sets or clears the session cookie.

The cookie is HttpOnly (page JavaScript never sees the token), SameSite=Lax and Secure
in production. State-changing routes refuse requests whose Origin is not StoFlow's.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from stoflow.accounts import service as accounts
from stoflow.accounts.schemas import FieldErrors
from stoflow.audit.service import AuditAction, RequestContext, record_own
from stoflow.config import get_settings
from stoflow.db.engine import db_session
from stoflow.models import User
from stoflow.security import rate_limits
from stoflow.security.rate_limits import RateLimited, Rule

router = APIRouter(prefix="/api/auth")

SESSION_COOKIE = "stoflow_session"


class RegisterBody(BaseModel):
    email: str = Field(default="", max_length=320)
    password: str = Field(default="", max_length=1024)
    display_name: str = Field(default="", max_length=1024)
    language: str = Field(default="en", max_length=8)


class SignInBody(BaseModel):
    email: str = Field(default="", max_length=320)
    password: str = Field(default="", max_length=1024)


def origin_allowed(request: Request) -> bool:
    """Browsers send Origin on every POST; it must be StoFlow's own (or absent: not a browser)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    allowed = {get_settings().public_origin, own}
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" in allowed


def _refused_origin() -> JSONResponse:
    return JSONResponse({"error": "origin_not_allowed"}, status_code=403)


def _too_many(limited: RateLimited) -> JSONResponse:
    return JSONResponse(
        {"error": limited.code, "errors": {"form": limited.code}, "retry_after": limited.retry_after},
        status_code=429,
        headers={"Retry-After": str(limited.retry_after)},
    )


def _client(request: Request) -> RequestContext:
    return RequestContext(
        ip=request.client.host if request.client else None, user_agent=request.headers.get("user-agent")
    )


LANGUAGE_COOKIE = "stoflow_lang"  # not a secret: the interface language, readable by the page


def _sign_in_response(user: User, token: str, status_code: int) -> JSONResponse:
    settings = get_settings()
    response = JSONResponse({"ok": True, "user_id": user.id}, status_code=status_code)
    response.set_cookie(LANGUAGE_COOKIE, user.language, max_age=365 * 24 * 3600, samesite="lax", path="/")
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(timedelta(hours=settings.session_ttl_hours).total_seconds()),
        httponly=True,
        secure=settings.is_production,
        samesite="lax",
        path="/",
    )
    return response


@router.post("/register")
def register(body: RegisterBody, request: Request) -> Response:
    if not origin_allowed(request):
        return _refused_origin()
    settings = get_settings()
    context = _client(request)
    try:
        rate_limits.hit(Rule.register_ip, context.ip or "unknown")
    except RateLimited as limited:
        return _too_many(limited)
    try:
        with db_session() as db:
            user = accounts.register(
                db, email=body.email, password=body.password, display_name=body.display_name, language=body.language
            )
            token, _ = accounts.open_session(
                db,
                user=user,
                ttl=timedelta(hours=settings.session_ttl_hours),
                ip=context.ip,
                user_agent=context.user_agent,
            )
            after = {"language": user.language}
            record_own(db, AuditAction.registered, user_id=user.id, email=user.email, context=context, after=after)
            record_own(db, AuditAction.signed_in, user_id=user.id, email=user.email, context=context)
    except FieldErrors as error:
        return JSONResponse({"error": "invalid_fields", "errors": error.errors}, status_code=422)
    return _sign_in_response(user, token, 201)


@router.post("/login")
def login(body: SignInBody, request: Request) -> Response:
    if not origin_allowed(request):
        return _refused_origin()
    settings = get_settings()
    context = _client(request)
    try:
        rate_limits.hit(Rule.sign_in_ip, context.ip or "unknown")
        rate_limits.hit(Rule.sign_in_email, body.email.strip().lower()[:320])
    except RateLimited as limited:
        return _too_many(limited)
    try:
        with db_session() as db:
            user = accounts.authenticate(db, email=body.email, password=body.password, context=context)
            token, _ = accounts.open_session(
                db,
                user=user,
                ttl=timedelta(hours=settings.session_ttl_hours),
                ip=context.ip,
                user_agent=context.user_agent,
            )
            record_own(db, AuditAction.signed_in, user_id=user.id, email=user.email, context=context)
    except accounts.SignInRefused as refused:
        return JSONResponse({"error": refused.code, "errors": {"form": refused.code}}, status_code=401)
    return _sign_in_response(user, token, 200)


@router.post("/logout")
def logout(request: Request) -> Response:
    if not origin_allowed(request):
        return _refused_origin()
    token = request.cookies.get(SESSION_COOKIE)
    with db_session() as db:
        identity = accounts.resolve_session(db, token)
        accounts.close_session(db, token)
        if identity is not None:
            record_own(
                db, AuditAction.signed_out, user_id=identity.user_id, email=identity.email, context=_client(request)
            )
    response = JSONResponse({"ok": True})
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=get_settings().is_production)
    return response


@router.get("/me")
def me(request: Request) -> Response:
    with db_session() as db:
        identity = accounts.resolve_session(db, request.cookies.get(SESSION_COOKIE))
    if identity is None:
        return JSONResponse({"error": "not_signed_in"}, status_code=401)
    return JSONResponse(
        {
            "user_id": identity.user_id,
            "email": identity.email,
            "display_name": identity.display_name,
            "role": identity.role,
            "language": identity.language,
        }
    )
