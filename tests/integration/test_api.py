"""/api/auth, /api/account and /api/health over HTTP, through the app's own router."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import col, select
from starlette.routing import Mount, WebSocketRoute
from starlette.websockets import WebSocket

from stoflow.accounts.web_session import ACCESS_COOKIE, REFRESH_COOKIE
from stoflow.api import create_api
from stoflow.config import get_settings
from stoflow.db.engine import db_session
from stoflow.models import AuditEvent, OutboxMessage, User, UserSession
from stoflow.security import throttle
from tests.conftest import STRONG_PASSWORD, unique_email

BASE = "http://localhost:3000"
NEW_PASSWORD = "a brand new passphrase for spring"


@pytest.fixture
def client(database_url: str, redis_url: str) -> TestClient:
    return TestClient(create_api(), base_url=BASE)


def _user_count() -> int:
    with db_session() as db:
        return db.exec(select(func.count()).select_from(User)).one()


def _last_link(email: str, path: str) -> str:
    """The token of the newest link to `path` e-mailed to `email` (development outbox)."""
    with db_session() as db:
        message = db.exec(
            select(OutboxMessage).where(OutboxMessage.to_address == email).order_by(col(OutboxMessage.id).desc())
        ).first()
    assert message is not None, f"no message to {email}"
    match = re.search(rf"{re.escape(path)}\?token=([\w-]+)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def _message_count(email: str) -> int:
    with db_session() as db:
        return db.exec(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.to_address == email)).one()


def _register(client: TestClient, email: str, **fields: str) -> None:
    body = {"email": email, "password": STRONG_PASSWORD, "country": "FR", **fields}
    response = client.post("/api/auth/register", json=body)
    assert response.status_code == 201, response.text


def _verify(client: TestClient, email: str) -> None:
    from stoflow.accounts import self_service

    with db_session() as db:
        self_service.verify_email(db, _last_link(email, "/verify-email"))


def _sign_in(client: TestClient, email: str, password: str = STRONG_PASSWORD) -> None:
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text


def test_register_sends_a_verification_link_and_does_not_sign_in(client: TestClient) -> None:
    email = unique_email()
    response = client.post(
        "/api/auth/register", json={"email": email, "password": STRONG_PASSWORD, "language": "fr", "country": "BE"}
    )
    assert response.status_code == 201
    assert ACCESS_COOKIE not in response.headers.get("set-cookie", "")
    cookies = {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}
    # The interface language follows the account; it is no secret, so page JS may read it.
    assert cookies["stoflow_lang"].startswith("stoflow_lang=fr;") and "HttpOnly" not in cookies["stoflow_lang"]
    assert _last_link(email, "/verify-email")
    with db_session() as db:
        message = db.exec(select(OutboxMessage).where(OutboxMessage.to_address == email)).one()
        assert message.language == "fr" and message.template == "verify_email"
        assert db.exec(select(User.country).where(User.email == email)).one() == "BE"


def test_sign_in_waits_for_the_verified_address_and_then_sets_httponly_cookies(client: TestClient) -> None:
    email = unique_email()
    _register(client, email)
    refused = client.post("/api/auth/login", json={"email": email, "password": STRONG_PASSWORD})
    assert refused.status_code == 403 and refused.json()["error"] == "email_not_verified"
    # A wrong password says nothing about the verification (no oracle for strangers).
    wrong = client.post("/api/auth/login", json={"email": email, "password": "not the password at all"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_credentials"

    _verify(client, email)
    response = client.post("/api/auth/login", json={"email": email, "password": STRONG_PASSWORD})
    assert response.status_code == 200
    cookies = {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}
    for name in (ACCESS_COOKIE, REFRESH_COOKIE):
        assert "HttpOnly" in cookies[name] and "SameSite=lax" in cookies[name] and "Path=/" in cookies[name]
        assert "Secure" not in cookies[name]  # only in production, where PUBLIC_URL is https
    assert client.get("/api/auth/me").json()["email"] == email


def test_a_verification_link_works_once(client: TestClient) -> None:
    from stoflow.accounts import self_service
    from stoflow.accounts.email_links import LinkRefused

    email = unique_email()
    _register(client, email)
    token = _last_link(email, "/verify-email")
    with db_session() as db:
        self_service.verify_email(db, token)
    with pytest.raises(LinkRefused) as refused, db_session() as db:
        self_service.verify_email(db, token)
    assert refused.value.code == "link_used"


def test_resend_answers_the_same_for_unknown_verified_and_unverified(client: TestClient) -> None:
    unverified, verified = unique_email(), unique_email()
    _register(client, unverified)
    _register(client, verified)
    _verify(client, verified)
    answers = [
        client.post("/api/auth/resend-verification", json={"email": email})
        for email in (unverified, verified, unique_email())
    ]
    assert {(a.status_code, a.text) for a in answers} == {(202, answers[0].text)}
    assert _message_count(unverified) == 2 and _message_count(verified) == 1
    # Only the newest link works.
    with pytest.raises(Exception, match="link_used"), db_session() as db:
        from stoflow.accounts import email_links
        from stoflow.models.public import EmailTokenPurpose

        with db_session() as other:
            old = other.exec(select(OutboxMessage.body_text).where(OutboxMessage.to_address == unverified)).first()
        token = re.search(r"token=([\w-]+)", old or "").group(1)  # type: ignore[union-attr]
        email_links.consume(db, token, EmailTokenPurpose.verify_email)


def test_register_with_bad_fields_answers_422_with_codes_and_creates_nothing(client: TestClient) -> None:
    before = _user_count()
    response = client.post("/api/auth/register", json={"email": "nope", "password": "short"})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "email": "email_invalid",
        "password": "password_too_short",
        "country": "country_invalid",
    }
    assert _user_count() == before


def test_a_common_password_is_refused(client: TestClient) -> None:
    response = client.post(
        "/api/auth/register", json={"email": unique_email(), "password": "qwertyuiop123", "country": "FR"}
    )
    assert response.status_code == 422
    assert response.json()["errors"]["password"] in {"password_common", "password_too_weak"}


def test_password_strength_route(client: TestClient) -> None:
    weak = client.post("/api/auth/password-strength", json={"password": "passwordpassword"}).json()
    strong = client.post("/api/auth/password-strength", json={"password": STRONG_PASSWORD}).json()
    assert weak["problem"] and weak["score"] <= 1
    assert strong == {"score": 4, "problem": None}


def test_malformed_json_is_a_422_not_a_500(client: TestClient) -> None:
    response = client.post("/api/auth/login", content=b"{nope", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"


def test_refresh_rotates_and_a_replayed_refresh_token_signs_the_device_out(client: TestClient) -> None:
    email = unique_email()
    _register(client, email)
    _verify(client, email)
    _sign_in(client, email)
    first = client.cookies.get(REFRESH_COOKIE)
    assert client.post("/api/auth/refresh").status_code == 200
    second = client.cookies.get(REFRESH_COOKIE)
    assert second and second != first
    assert client.get("/api/auth/me").status_code == 200

    thief = TestClient(create_api(), base_url=BASE)
    thief.cookies.set(REFRESH_COOKIE, first)  # type: ignore[arg-type]
    replay = thief.post("/api/auth/refresh")
    assert replay.status_code == 401 and replay.json()["error"] == "token_reused"
    # The whole family is dead: the legitimate device too, at once.
    assert client.get("/api/auth/me").status_code == 401
    assert client.post("/api/auth/refresh").status_code == 401


def test_login_me_logout(client: TestClient) -> None:
    email = unique_email()
    _register(client, email)
    _verify(client, email)
    assert client.get("/api/auth/me").status_code == 401
    _sign_in(client, email)
    access = client.cookies.get(ACCESS_COOKIE)
    assert access and client.get("/api/auth/me").status_code == 200

    out = client.post("/api/auth/logout")
    assert out.status_code == 200
    assert client.cookies.get(ACCESS_COOKIE) is None and client.cookies.get(REFRESH_COOKIE) is None
    # The access token, still unexpired, is dead on the server, not only forgotten by the browser.
    client.cookies.set(ACCESS_COOKIE, access)
    assert client.get("/api/auth/me").status_code == 401


def test_forgot_and_reset_password(client: TestClient) -> None:
    email = unique_email()
    _register(client, email)
    _verify(client, email)
    _sign_in(client, email)
    unknown = client.post("/api/auth/forgot-password", json={"email": unique_email()})
    known = client.post("/api/auth/forgot-password", json={"email": email})
    assert (unknown.status_code, unknown.text) == (known.status_code, known.text) == (202, known.text)
    token = _last_link(email, "/reset-password")

    weak = client.post("/api/auth/reset-password", json={"token": token, "password": "short"})
    assert weak.status_code == 422 and weak.json()["errors"] == {"password": "password_too_short"}
    done = client.post("/api/auth/reset-password", json={"token": token, "password": NEW_PASSWORD})
    assert done.status_code == 200
    again = client.post("/api/auth/reset-password", json={"token": token, "password": NEW_PASSWORD + "!"})
    assert again.status_code == 400 and again.json()["error"] == "link_used"
    # Every session ended; the new password works, the old one does not.
    assert client.get("/api/auth/me").status_code == 401
    assert client.post("/api/auth/login", json={"email": email, "password": STRONG_PASSWORD}).status_code == 401
    _sign_in(client, email, NEW_PASSWORD)


def test_change_password_signs_out_the_other_devices_only(client: TestClient) -> None:
    email = unique_email()
    _register(client, email)
    _verify(client, email)
    other = TestClient(create_api(), base_url=BASE)
    _sign_in(other, email)
    _sign_in(client, email)
    wrong = client.post(
        "/api/account/password", json={"current_password": "nope nope nope", "new_password": NEW_PASSWORD}
    )
    assert wrong.status_code == 422 and wrong.json()["errors"] == {"current_password": "password_wrong"}
    changed = client.post(
        "/api/account/password", json={"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 200 and changed.json()["signed_out"] == 1
    assert client.get("/api/auth/me").status_code == 200
    assert other.get("/api/auth/me").status_code == 401


def test_export_is_a_zip_of_the_account(client: TestClient) -> None:
    email = unique_email()
    _register(client, email)
    _verify(client, email)
    assert client.get("/api/account/export").status_code == 401
    _sign_in(client, email)
    response = client.get("/api/account/export")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert email in archive.read("account.json").decode()


def test_delete_account_needs_the_password(client: TestClient) -> None:
    email = unique_email()
    _register(client, email)
    _verify(client, email)
    _sign_in(client, email)
    user_id = client.get("/api/auth/me").json()["user_id"]
    wrong = client.post("/api/account/delete", json={"password": "not my password!"})
    assert wrong.status_code == 422 and wrong.json()["errors"] == {"password": "password_wrong"}
    with db_session() as db:
        assert db.exec(select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id)).one() == 1
    done = client.post("/api/account/delete", json={"password": STRONG_PASSWORD})
    assert done.status_code == 200
    assert ACCESS_COOKIE not in client.cookies and REFRESH_COOKIE not in client.cookies
    with db_session() as db:
        assert db.exec(select(User).where(User.email == email)).first() is None
        assert db.exec(select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id)).one() == 0
    assert client.get("/api/auth/me").status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/api/auth/login",
        "/api/auth/register",
        "/api/auth/logout",
        "/api/auth/refresh",
        "/api/auth/forgot-password",
        "/api/auth/resend-verification",
        "/api/auth/reset-password",
        "/api/account/password",
        "/api/account/delete",
    ],
)
def test_state_changing_routes_refuse_another_origin(client: TestClient, path: str) -> None:
    before = _user_count()
    response = client.post(
        path,
        json={"email": unique_email(), "password": STRONG_PASSWORD, "country": "FR"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert response.json() == {"error": "origin_not_allowed"}
    assert _user_count() == before


def test_own_origin_is_accepted(client: TestClient) -> None:
    response = client.post(
        "/api/auth/register",
        json={"email": unique_email(), "password": STRONG_PASSWORD, "country": "FR"},
        headers={"Origin": BASE},
    )
    assert response.status_code == 201


def test_health_without_a_worker_is_degraded_with_503(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "ok", "redis": "ok", "worker": "down"}


def test_unknown_and_known_emails_cost_the_same_to_refuse(client: TestClient) -> None:
    """No timing oracle: an unknown e-mail pays the same argon2 work as a wrong password."""
    email = unique_email()
    _register(client, email)
    _verify(client, email)

    def median_ms(address: str) -> float:
        times = []
        for _ in range(7):
            start = time.perf_counter()
            response = client.post("/api/auth/login", json={"email": address, "password": "wrong wrong wrong"})
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 401
        return sorted(times)[len(times) // 2]

    unknown, known = median_ms(unique_email()), median_ms(email)
    assert unknown / known < 3 and known / unknown < 3, (unknown, known)


# --- a password of the policy's maximum length --------------------------------------------

LONG_PASSWORD = ("Velvet otter juggles 9 lanterns near the quiet harbour; " * 3)[:128]
LONGER_PASSWORD = ("Seven quiet harbours, 4 velvet otters & a lantern maker " * 3)[:100]


def test_passwords_up_to_128_characters_work_everywhere(client: TestClient) -> None:
    """zxcvbn refuses more than 72 characters: once a 500 on each of these routes."""
    email = unique_email()
    strength = client.post("/api/auth/password-strength", json={"password": LONG_PASSWORD, "email": email})
    assert strength.status_code == 200 and strength.json() == {"score": 4, "problem": None}
    _register(client, email, password=LONG_PASSWORD)
    _verify(client, email)
    _sign_in(client, email, LONG_PASSWORD)
    changed = client.post(
        "/api/account/password", json={"current_password": LONG_PASSWORD, "new_password": LONGER_PASSWORD}
    )
    assert changed.status_code == 200, changed.text
    client.post("/api/auth/forgot-password", json={"email": email})
    token = _last_link(email, "/reset-password")
    reset = client.post("/api/auth/reset-password", json={"token": token, "password": LONG_PASSWORD[::-1]})
    assert reset.status_code == 200, reset.text
    _sign_in(client, email, LONG_PASSWORD[::-1])
    too_long = client.post("/api/auth/password-strength", json={"password": LONG_PASSWORD + "x"})
    assert too_long.json()["problem"] == "password_too_long"


# --- guessing the password of a signed-in session ------------------------------------------


@pytest.fixture
def three_password_checks(monkeypatch: pytest.MonkeyPatch, redis_url: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RATE_LIMIT_PASSWORD_CHECK_FAILURES", "3/day")
    get_settings.cache_clear()
    throttle._redis.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("path", "field", "purpose"),
    [
        ("/api/account/password", "current_password", "change_password"),
        ("/api/account/delete", "password", "delete_account"),
    ],
)
def test_wrong_passwords_while_signed_in_are_limited_counted_and_audited(
    client: TestClient, three_password_checks: None, path: str, field: str, purpose: str
) -> None:
    email = unique_email()
    _register(client, email)
    _verify(client, email)
    _sign_in(client, email)

    def attempt(password: str) -> tuple[int, str]:
        response = client.post(path, json={field: password, "new_password": NEW_PASSWORD})
        body = response.json()
        return response.status_code, body.get("errors", {}).get(field) or body.get("error", "")

    answers = [attempt(f"guess number {n} !") for n in range(3)]
    assert answers == [(422, "password_wrong")] * 3
    limited = client.post(path, json={field: STRONG_PASSWORD, "new_password": NEW_PASSWORD})
    assert limited.status_code == 429 and 0 < int(limited.headers["Retry-After"]) <= throttle.BASE_DELAY_SECONDS
    with db_session() as db:
        assert db.exec(select(User).where(User.email == email)).one().password_hash  # nothing changed
        events = db.exec(
            select(AuditEvent).where(
                AuditEvent.target_email == email, AuditEvent.action == "account.password_check_failed"
            )
        ).all()
    assert len(events) == 3 and all(event.ip for event in events)
    assert {event.after["for"] for event in events} == {purpose}


def test_password_checks_while_signed_in_are_limited_per_account_whatever_the_outcome(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RATE_LIMIT_PASSWORD_CHECK", "2/minute")
    get_settings.cache_clear()
    email = unique_email()
    _register(client, email)
    _verify(client, email)
    _sign_in(client, email)
    body = {"current_password": STRONG_PASSWORD, "new_password": "short"}  # right password, refused new one
    statuses = [client.post("/api/account/password", json=body).status_code for _ in range(3)]
    get_settings.cache_clear()
    assert statuses == [422, 422, 429]


# --- the client address behind a reverse proxy ---------------------------------------------


async def _echo_client_address(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(websocket.client.host if websocket.client else "")
    await websocket.close()


def _app_with_a_mounted_socket() -> object:
    """The API as Reflex runs it: Reflex's own app (its /_event socket) mounted inside."""
    api = create_api()
    api.router.routes.append(Mount("/inner", routes=[WebSocketRoute("/_event", _echo_client_address)]))
    return api


def _audit_ip(email: str) -> str | None:
    with db_session() as db:
        event = db.exec(
            select(AuditEvent).where(AuditEvent.target_email == email).order_by(col(AuditEvent.id).desc())
        ).first()
    return event.ip if event else None


@pytest.mark.parametrize("trusted", ["", "10.0.0.0/8"])
def test_x_forwarded_for_is_believed_only_from_trusted_proxies(
    monkeypatch: pytest.MonkeyPatch, database_url: str, redis_url: str, trusted: str
) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", trusted)
    get_settings.cache_clear()
    forwarded = {"X-Forwarded-For": "203.0.113.50"}
    via_proxy = TestClient(_app_with_a_mounted_socket(), base_url=BASE, client=("10.1.2.3", 5000))  # type: ignore[arg-type]
    direct = TestClient(_app_with_a_mounted_socket(), base_url=BASE, client=("198.51.100.9", 5000))  # type: ignore[arg-type]
    first, second = unique_email(), unique_email()
    via_proxy.post("/api/auth/login", json={"email": first, "password": "wrong wrong wrong"}, headers=forwarded)
    direct.post("/api/auth/login", json={"email": second, "password": "wrong wrong wrong"}, headers=forwarded)
    with via_proxy.websocket_connect("/inner/_event", headers=forwarded) as socket:
        socket_ip = socket.receive_text()
    with direct.websocket_connect("/inner/_event", headers=forwarded) as socket:
        spoofed_socket_ip = socket.receive_text()
    get_settings.cache_clear()
    expected = "203.0.113.50" if trusted else "10.1.2.3"
    assert (_audit_ip(first), socket_ip) == (expected, expected)
    # A client that is no proxy cannot choose its address, whatever the setting.
    assert (_audit_ip(second), spoofed_socket_ip) == ("198.51.100.9", "198.51.100.9")
