"""/api/auth/*: the only place that sets or clears the session cookies.

Two cookies, both HttpOnly (page JavaScript never sees a token), SameSite=Lax and Secure
in production: `stoflow_access` (a 15-minute JWT) and `stoflow_refresh` (the rotating
refresh token of the device's family); and `stoflow_device` (stoflow.accounts.devices),
which marks a browser where the seller signed in before. State-changing routes refuse
requests whose Origin is not StoFlow's.

Failed sign-ins slow down (stoflow.security.throttle) the IP and the address, unknown
addresses exactly like registered ones, never lock an account, and never slow down the
seller's own known device.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from fastapi import APIRouter, BackgroundTasks, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from stoflow.accounts import devices, notices, registration, self_service
from stoflow.accounts import service as accounts
from stoflow.accounts.devices import DEVICE_COOKIE, DEVICE_COOKIE_PATH, DEVICE_TTL, KnownDevice
from stoflow.accounts.email_links import LinkRefused
from stoflow.accounts.schemas import FieldErrors, Registration, email_key, password_problem, password_strength
from stoflow.accounts.tokens import TokenError, TokenPair, open_family, revoke_family, rotate, session_of_refresh
from stoflow.accounts.web_session import ACCESS_COOKIE, REFRESH_COOKIE, identity_from_access
from stoflow.audit.service import AuditAction, RequestContext, record, record_own
from stoflow.config import get_settings
from stoflow.db.engine import db_session
from stoflow.models import User
from stoflow.models.base import utcnow
from stoflow.security import rate_limits, throttle
from stoflow.security.rate_limits import RateLimited, Rule
from stoflow.security.throttle import Throttle

router = APIRouter(prefix="/api/auth")


class RegisterBody(BaseModel):
    email: str = Field(default="", max_length=320)
    password: str = Field(default="", max_length=1024)
    display_name: str = Field(default="", max_length=1024)
    language: str = Field(default="en", max_length=8)
    country: str = Field(default="", max_length=8)


class EmailBody(BaseModel):
    email: str = Field(default="", max_length=320)


class ResetBody(BaseModel):
    token: str = Field(default="", max_length=256)
    password: str = Field(default="", max_length=1024)


class StrengthBody(BaseModel):
    password: str = Field(default="", max_length=1024)
    email: str = Field(default="", max_length=320)
    display_name: str = Field(default="", max_length=1024)


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


def refused_origin() -> JSONResponse:
    return JSONResponse({"error": "origin_not_allowed"}, status_code=403)


def too_many(limited: RateLimited) -> JSONResponse:
    return JSONResponse(
        {"error": limited.code, "errors": {"form": limited.code}, "retry_after": limited.retry_after},
        status_code=429,
        headers={"Retry-After": str(limited.retry_after)},
    )


def field_errors(error: FieldErrors) -> JSONResponse:
    return JSONResponse({"error": "invalid_fields", "errors": error.errors}, status_code=422)


def client_context(request: Request) -> RequestContext:
    """Where the request came from. Behind a proxy listed in TRUSTED_PROXIES, the client
    address is the one it forwarded (ProxyHeadersMiddleware, see stoflow.api)."""
    return RequestContext(
        ip=request.client.host if request.client else None, user_agent=request.headers.get("user-agent")
    )


LANGUAGE_COOKIE = "stoflow_lang"  # not a secret: the interface language, readable by the page


def set_session_cookies(response: Response, pair: TokenPair) -> None:
    """Both cookies live as long as the family: an expired access token still names it."""
    settings = get_settings()
    max_age = max(0, int((pair.refresh_expires_at - utcnow()).total_seconds()))
    for name, value in ((ACCESS_COOKIE, pair.access), (REFRESH_COOKIE, pair.refresh)):
        response.set_cookie(
            name, value, max_age=max_age, httponly=True, secure=settings.is_production, samesite="lax", path="/"
        )


def clear_session_cookies(response: Response) -> None:
    secure = get_settings().is_production
    for name in (ACCESS_COOKIE, REFRESH_COOKIE):
        response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=secure)


def _sign_in_response(user: User, pair: TokenPair) -> JSONResponse:
    response = JSONResponse({"ok": True, "user_id": user.id})
    response.set_cookie(LANGUAGE_COOKIE, user.language, max_age=365 * 24 * 3600, samesite="lax", path="/")
    set_session_cookies(response, pair)
    return response


@router.post("/register")
def register(body: RegisterBody, request: Request, background: BackgroundTasks) -> Response:
    """Check the form, then answer "check your e-mail" whether or not the address has an
    account; the account (or the notice to the existing owner) is made after the answer.

    A form with field errors is refused before any quota is counted, so nobody can use
    up the registration quota of someone else's address with invalid forms.
    """
    if not origin_allowed(request):
        return refused_origin()
    context = client_context(request)
    try:
        checked = Registration.parse(
            email=body.email,
            password=body.password,
            display_name=body.display_name,
            language=body.language,
            country=body.country,
        )
    except FieldErrors as error:
        return field_errors(error)
    try:
        rate_limits.hit(Rule.register_ip, context.ip or "unknown")
        rate_limits.hit(Rule.register_email, checked.email)
    except RateLimited as limited:
        return too_many(limited)
    background.add_task(registration.register_or_notify, checked, context)
    response = JSONResponse({"ok": True, "verification_sent": True, "email": checked.email}, status_code=201)
    response.set_cookie(LANGUAGE_COOKIE, checked.language, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response


def _known_device(request: Request, address: str) -> KnownDevice | None:
    """The browser's known-device cookie, if it belongs to the account of `address`."""
    device = devices.read(request.cookies.get(DEVICE_COOKIE))
    if device is None:
        return None
    with db_session() as db:
        owner = accounts.user_by_email(db, address)
        return device if owner is not None and owner.id == device.user_id else None


ThrottleKeys = dict[str, tuple[Throttle, str]]


def _throttle_keys(context: RequestContext, address: str, device: KnownDevice | None) -> ThrottleKeys:
    """What a failure counts against: the known device alone, else the IP and the address."""
    if device is not None:
        return {"device": (Throttle.sign_in_failures_email, f"device:{device.device_id}")}
    return {
        "ip": (Throttle.sign_in_failures_ip, context.ip or "unknown"),
        "address": (Throttle.sign_in_failures_email, address),
    }


def _count_failure(keys: ThrottleKeys, address: str, context: RequestContext) -> None:
    """Count a wrong password; when it starts or lengthens a wait, say so in the audit log."""
    counted = {name: throttle.fail(rule, key) for name, (rule, key) in keys.items()}
    wait = max(seconds for _, seconds in counted.values())
    if wait > 0:
        with db_session() as db:
            record(
                db,
                AuditAction.locked_out,
                target_email=address,
                context=context,
                after={"wait_seconds": wait, "failures": {name: count for name, (count, _) in counted.items()}},
            )


def _set_device_cookie(response: Response, request: Request, user_id: int) -> None:
    """Mark this browser as a known device of `user_id` (keeping its device id if it was one)."""
    current = devices.read(request.cookies.get(DEVICE_COOKIE))
    device_id = current.device_id if current is not None and current.user_id == user_id else None
    response.set_cookie(
        DEVICE_COOKIE,
        devices.issue(user_id, device_id=device_id),
        max_age=int(DEVICE_TTL.total_seconds()),
        httponly=True,
        secure=get_settings().is_production,
        samesite="strict",
        path=DEVICE_COOKIE_PATH,
    )


@router.post("/login")
def login(body: SignInBody, request: Request) -> Response:
    """Sign in. Every refusal reads the same for registered and unknown addresses."""
    if not origin_allowed(request):
        return refused_origin()
    settings = get_settings()
    context = client_context(request)
    address = email_key(body.email)
    device = _known_device(request, address)
    keys = _throttle_keys(context, address, device)
    try:
        if device is None:
            rate_limits.hit(Rule.sign_in_ip, context.ip or "unknown")
            rate_limits.hit(Rule.sign_in_email, address)
        else:  # the seller's own device: only its own attempts count, never strangers'
            rate_limits.hit(Rule.sign_in_email, f"device:{device.device_id}")
        throttle.check(keys.values())
    except RateLimited as limited:
        return too_many(limited)
    try:
        with db_session() as db:
            user = accounts.authenticate(db, email=body.email, password=body.password, context=context)
            pair = open_family(
                db,
                user=user,
                ttl=timedelta(hours=settings.session_ttl_hours),
                ip=context.ip,
                user_agent=context.user_agent,
            )
            record_own(db, AuditAction.signed_in, user_id=user.id, email=user.email, context=context)
    except accounts.SignInRefused as refused:
        if refused.code == "invalid_credentials":
            _count_failure(keys, address, context)
        status = 403 if refused.code == "email_not_verified" else 401
        return JSONResponse({"error": refused.code, "errors": {"form": refused.code}}, status_code=status)
    for name, (rule, key) in keys.items():
        if name != "ip":  # an IP's count is not the account's to clear
            throttle.clear(rule, key)
    response = _sign_in_response(user, pair)
    _set_device_cookie(response, request, user.id)  # type: ignore[arg-type]
    return response


def _limit_email_link(context: RequestContext, email: str) -> None:
    rate_limits.hit(Rule.email_link_ip, context.ip or "unknown")
    rate_limits.hit(Rule.email_link_email, email_key(email))


_SAME_ANSWER = {"ok": True, "message": "if_account_exists"}


@router.post("/resend-verification")
def resend_verification(body: EmailBody, request: Request, background: BackgroundTasks) -> Response:
    """A new verification link. Unknown, verified and unverified addresses get the same answer."""
    if not origin_allowed(request):
        return refused_origin()
    try:
        _limit_email_link(client_context(request), body.email)
    except RateLimited as limited:
        return too_many(limited)
    with db_session() as db:
        link = self_service.resend_verification(db, body.email)
    background.add_task(notices.send_link, link)
    return JSONResponse(_SAME_ANSWER, status_code=202)


@router.post("/forgot-password")
def forgot_password(body: EmailBody, request: Request, background: BackgroundTasks) -> Response:
    """E-mail a reset link. Known and unknown addresses get the same answer, in the same time."""
    if not origin_allowed(request):
        return refused_origin()
    context = client_context(request)
    try:
        _limit_email_link(context, body.email)
    except RateLimited as limited:
        return too_many(limited)
    with db_session() as db:
        link = self_service.request_password_reset(db, body.email, context=context)
    background.add_task(notices.send_link, link)
    return JSONResponse(_SAME_ANSWER, status_code=202)


@router.post("/reset-password")
def reset_password(body: ResetBody, request: Request) -> Response:
    """Set a new password from an e-mailed link; every session of the account ends."""
    if not origin_allowed(request):
        return refused_origin()
    context = client_context(request)
    try:
        rate_limits.hit(Rule.email_link_ip, context.ip or "unknown")
    except RateLimited as limited:
        return too_many(limited)
    try:
        with db_session() as db:
            user = self_service.reset_password(db, body.token, body.password, context=context)
            email = user.email
    except FieldErrors as error:
        return field_errors(error)
    except LinkRefused as refused:
        return JSONResponse({"error": refused.code, "errors": {"form": refused.code}}, status_code=400)
    throttle.clear(Throttle.sign_in_failures_email, email)  # the mailbox's owner: strangers' failures forgotten
    return JSONResponse({"ok": True, "email": email})


@router.post("/password-strength")
def strength(body: StrengthBody, request: Request) -> Response:
    """How strong a password is (0-4) and whether it would be refused: the meter of the forms.

    The password is posted like the form itself (never through a websocket event) and is
    neither stored nor logged.
    """
    if not origin_allowed(request):
        return refused_origin()
    inputs = (body.email, body.display_name)
    return JSONResponse(
        {
            "score": password_strength(body.password, user_inputs=inputs),
            "problem": password_problem(body.password, email=body.email, display_name=body.display_name),
        }
    )


@router.post("/refresh")
def refresh(request: Request) -> Response:
    """Exchange the refresh token for a new pair. A token used twice signs the device out."""
    if not origin_allowed(request):
        return refused_origin()
    token = request.cookies.get(REFRESH_COOKIE, "")
    try:
        with db_session() as db:
            pair = rotate(db, token, context=client_context(request))
    except TokenError as refused:
        response = JSONResponse({"error": refused.code}, status_code=401)
        clear_session_cookies(response)
        return response
    response = JSONResponse({"ok": True})
    set_session_cookies(response, pair)
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    """End this device's family (found from either cookie) and clear the cookies."""
    if not origin_allowed(request):
        return refused_origin()
    with db_session() as db:
        family = session_of_refresh(db, request.cookies.get(REFRESH_COOKIE, ""))
        try:
            identity = identity_from_access(db, request.cookies.get(ACCESS_COOKIE))
        except TokenError:
            identity = None
        family_id = family.id if family else (uuid.UUID(identity.session_id) if identity else None)
        if family_id is not None and revoke_family(db, family_id):
            user = db.get(User, family.user_id if family else identity.user_id)  # type: ignore[union-attr]
            if user is not None:
                record_own(
                    db, AuditAction.signed_out, user_id=user.id, email=user.email, context=client_context(request)
                )
    response = JSONResponse({"ok": True})
    clear_session_cookies(response)
    return response


@router.get("/me")
def me(request: Request) -> Response:
    try:
        with db_session() as db:
            identity = identity_from_access(db, request.cookies.get(ACCESS_COOKIE))
    except TokenError as expired:
        return JSONResponse({"error": expired.code}, status_code=401)
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
