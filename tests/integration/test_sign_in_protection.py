"""Lockout after repeated wrong passwords, and rate limits shared through Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from stoflow.api import create_api
from stoflow.config import get_settings
from stoflow.db.engine import db_session
from stoflow.models import AuditEvent, User
from stoflow.models.base import utcnow
from stoflow.security import rate_limits
from tests.conftest import STRONG_PASSWORD, unique_email

WRONG = "not the password at all"


def _client(ip: str | None = None) -> TestClient:
    """A browser at its own address, so rate-limit windows of other tests do not count."""
    return TestClient(
        create_api(), base_url="http://localhost:3000", client=(ip or f"198.51.100.{uuid.uuid4().int % 250}", 40000)
    )


def _login(client: TestClient, email: str, password: str) -> tuple[int, str]:
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    return response.status_code, response.json().get("error", "")


def test_five_wrong_passwords_lock_the_account_for_thirty_minutes(make_seller, redis_url: str) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    client = _client()
    answers = [_login(client, seller.email, WRONG) for _ in range(5)]
    assert answers[:4] == [(401, "invalid_credentials")] * 4
    assert answers[4] == (401, "account_locked")
    # Locked means locked: the right password is refused too, and says why.
    assert _login(client, seller.email, STRONG_PASSWORD) == (401, "account_locked")
    with db_session() as db:
        user = db.get(User, seller.id)
        assert user is not None and user.locked_until is not None
        remaining = user.locked_until - utcnow()
        assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)
        lockouts = db.exec(
            select(AuditEvent).where(AuditEvent.action == "auth.locked_out", AuditEvent.target_user_id == seller.id)
        ).all()
        assert len(lockouts) == 1

    # Thirty minutes later (moved back in time here), the right password works again.
    with db_session() as db:
        user = db.get(User, seller.id)
        assert user is not None
        user.locked_until = utcnow() - timedelta(seconds=1)
        db.add(user)
    assert _login(client, seller.email, STRONG_PASSWORD) == (200, "")
    with db_session() as db:
        user = db.get(User, seller.id)
        assert user is not None and user.failed_sign_ins == 0 and user.locked_until is None


def test_a_successful_sign_in_resets_the_count(make_seller, redis_url: str) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    client = _client()
    for _ in range(4):
        assert _login(client, seller.email, WRONG)[0] == 401
    assert _login(client, seller.email, STRONG_PASSWORD)[0] == 200
    for _ in range(4):
        assert _login(client, seller.email, WRONG) == (401, "invalid_credentials")
    assert _login(client, seller.email, STRONG_PASSWORD)[0] == 200


@pytest.fixture
def tight_limits(monkeypatch: pytest.MonkeyPatch, redis_url: str) -> Iterator[None]:
    monkeypatch.setenv("RATE_LIMIT_SIGN_IN_IP", "3/minute")
    monkeypatch.setenv("RATE_LIMIT_SIGN_IN_EMAIL", "4/minute")
    monkeypatch.setenv("RATE_LIMIT_REGISTER_IP", "2/hour")
    monkeypatch.setenv("RATE_LIMIT_REGISTER_EMAIL", "2/hour")
    monkeypatch.setenv("RATE_LIMIT_EMAIL_LINK_IP", "5/hour")
    monkeypatch.setenv("RATE_LIMIT_EMAIL_LINK_EMAIL", "2/hour")
    get_settings.cache_clear()
    rate_limits._limiter.cache_clear()
    yield
    get_settings.cache_clear()
    rate_limits._limiter.cache_clear()


def test_sign_in_attempts_per_address_are_limited_with_retry_after(tight_limits: None, database_url: str) -> None:
    client = _client()
    statuses = [client.post("/api/auth/login", json={"email": unique_email(), "password": WRONG}) for _ in range(4)]
    assert [response.status_code for response in statuses] == [401, 401, 401, 429]
    limited = statuses[-1]
    assert limited.json()["error"] == "rate_limited"
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    # Another address is not affected.
    assert _client().post("/api/auth/login", json={"email": unique_email(), "password": WRONG}).status_code == 401


def test_sign_in_attempts_per_email_are_limited_across_addresses(tight_limits: None, make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    statuses = [_login(_client(), seller.email.upper(), WRONG)[0] for _ in range(4)]
    assert statuses == [401, 401, 401, 401]
    assert _login(_client(), seller.email, STRONG_PASSWORD) == (429, "rate_limited")


def test_registrations_per_address_are_limited_and_create_nothing(tight_limits: None, database_url: str) -> None:
    client = _client()
    emails = [unique_email() for _ in range(3)]
    statuses = [
        client.post("/api/auth/register", json={"email": e, "password": STRONG_PASSWORD, "country": "FR"}).status_code
        for e in emails
    ]
    assert statuses == [201, 201, 429]
    with db_session() as db:
        assert db.exec(select(User).where(User.email == emails[2])).first() is None


@pytest.mark.parametrize("path", ["/api/auth/forgot-password", "/api/auth/resend-verification"])
def test_e_mailed_links_are_limited_per_address_and_per_ip(tight_limits: None, make_seller, path: str) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller(verified=False)
    per_email = [_client().post(path, json={"email": seller.email}).status_code for _ in range(3)]
    assert per_email == [202, 202, 429]
    client = _client(f"203.0.113.{uuid.uuid4().int % 250}")
    per_ip = [client.post(path, json={"email": unique_email()}).status_code for _ in range(6)]
    assert per_ip == [202] * 5 + [429]


def test_registrations_per_email_are_limited_across_addresses(tight_limits: None, make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()  # taken: each try is refused, and counted
    body = {"email": seller.email, "password": STRONG_PASSWORD, "country": "FR"}
    statuses = [_client().post("/api/auth/register", json=body).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]


def test_limits_are_shared_by_every_process_through_redis(tight_limits: None, database_url: str) -> None:
    ip = "203.0.113.77"
    for _ in range(3):
        _client(ip).post("/api/auth/login", json={"email": unique_email(), "password": WRONG})
    # A brand-new limiter (as in another web process) sees the same count.
    rate_limits._limiter.cache_clear()
    with pytest.raises(rate_limits.RateLimited):
        rate_limits.hit(rate_limits.Rule.sign_in_ip, ip)
