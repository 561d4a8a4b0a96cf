"""/api/auth and /api/health over HTTP, through the app's own router."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import select

from stoflow.api import create_api
from stoflow.api.auth import SESSION_COOKIE
from stoflow.db.engine import db_session
from stoflow.models import User
from tests.conftest import STRONG_PASSWORD, unique_email

BASE = "http://localhost:3000"


@pytest.fixture
def client(database_url: str, redis_url: str) -> TestClient:
    return TestClient(create_api(), base_url=BASE)


def _user_count() -> int:
    with db_session() as db:
        return db.exec(select(func.count()).select_from(User)).one()


def test_register_signs_in_with_an_httponly_cookie(client: TestClient) -> None:
    email = unique_email()
    response = client.post("/api/auth/register", json={"email": email, "password": STRONG_PASSWORD, "language": "fr"})
    assert response.status_code == 201
    cookies = {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}
    cookie = cookies[SESSION_COOKIE]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # only in production, where PUBLIC_URL is https
    assert client.get("/api/auth/me").json()["email"] == email
    # The interface language follows the account; it is no secret, so page JS may read it.
    assert cookies["stoflow_lang"].startswith("stoflow_lang=fr;") and "HttpOnly" not in cookies["stoflow_lang"]


def test_register_with_bad_fields_answers_422_with_codes_and_creates_nothing(client: TestClient) -> None:
    before = _user_count()
    response = client.post("/api/auth/register", json={"email": "nope", "password": "short"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"email": "email_invalid", "password": "password_too_short"}
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert _user_count() == before


def test_malformed_json_is_a_422_not_a_500(client: TestClient) -> None:
    response = client.post("/api/auth/login", content=b"{nope", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"


def test_login_me_logout(client: TestClient) -> None:
    email = unique_email()
    client.post("/api/auth/register", json={"email": email, "password": STRONG_PASSWORD})
    client.cookies.clear()
    assert client.get("/api/auth/me").status_code == 401

    wrong = client.post("/api/auth/login", json={"email": email, "password": "not the password"})
    assert wrong.status_code == 401 and wrong.json()["errors"] == {"form": "invalid_credentials"}

    signed_in = client.post("/api/auth/login", json={"email": email, "password": STRONG_PASSWORD})
    assert signed_in.status_code == 200
    token = client.cookies.get(SESSION_COOKIE)
    assert token and client.get("/api/auth/me").status_code == 200

    out = client.post("/api/auth/logout")
    assert out.status_code == 200
    assert client.cookies.get(SESSION_COOKIE) is None
    # The old token is dead on the server, not only forgotten by the browser.
    client.cookies.set(SESSION_COOKIE, token)
    assert client.get("/api/auth/me").status_code == 401


@pytest.mark.parametrize("path", ["/api/auth/login", "/api/auth/register", "/api/auth/logout"])
def test_state_changing_auth_routes_refuse_another_origin(client: TestClient, path: str) -> None:
    before = _user_count()
    response = client.post(
        path,
        json={"email": unique_email(), "password": STRONG_PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert response.json() == {"error": "origin_not_allowed"}
    assert _user_count() == before


def test_own_origin_is_accepted(client: TestClient) -> None:
    response = client.post(
        "/api/auth/register",
        json={"email": unique_email(), "password": STRONG_PASSWORD},
        headers={"Origin": BASE},
    )
    assert response.status_code == 201


def test_health_without_a_worker_is_degraded_with_503(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "ok", "redis": "ok", "worker": "down"}
