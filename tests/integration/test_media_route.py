"""GET /api/media/{key}: stored photos reach only whoever holds a valid, unexpired signed link."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from stoflow.api import create_api
from stoflow.config import get_settings
from stoflow.storage import LocalStorage, get_storage, photo_key
from stoflow.storage.signing import URL_STEP_S, media_url, sign, signature

JPEG = b"\xff\xd8\xff\xe0 a stored jpeg"
KEY = photo_key(1, 10, 100, "full")
OTHER_SELLERS_KEY = photo_key(2, 20, 200, "full")


@pytest.fixture
def storage(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[LocalStorage]:
    """The app's storage is the local disk under a temporary data directory."""
    monkeypatch.setenv("STOFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STORAGE_BACKEND", "local")
    get_settings.cache_clear()
    get_storage.cache_clear()
    storage = get_storage()
    assert isinstance(storage, LocalStorage) and storage.root == tmp_path / "media"
    storage.put(KEY, JPEG, "image/jpeg")
    storage.put(OTHER_SELLERS_KEY, b"\xff\xd8\xff the other seller's photo", "image/jpeg")
    yield storage
    get_settings.cache_clear()
    get_storage.cache_clear()


@pytest.fixture
def client(storage: LocalStorage) -> TestClient:
    return TestClient(create_api(), base_url="http://localhost:3000")


def _in(seconds: int) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def test_signed_link_serves_the_photo_privately_without_a_session(client: TestClient) -> None:
    url = media_url(KEY, user_id=1)
    assert url.startswith(f"/api/media/{KEY}?")

    response = client.get(url)

    assert response.status_code == 200
    assert response.content == JPEG
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["x-content-type-options"] == "nosniff"
    cache = response.headers["cache-control"]
    assert cache.startswith("private, max-age=")
    # At least the configured lifetime, rounded up to the next step (the same link for a while).
    assert (
        get_settings().media_url_ttl_seconds
        <= int(cache.rsplit("=", 1)[1])
        <= (get_settings().media_url_ttl_seconds + URL_STEP_S)
    )


def test_thumbnail_is_served_as_webp(client: TestClient, storage: LocalStorage) -> None:
    key = photo_key(1, 10, 100, "thumb")
    storage.put(key, b"RIFF....WEBP", "image/webp")

    response = client.get(sign(key, user_id=1, expires_at=_in(60)))

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/webp"


def test_tampered_signature_is_refused(client: TestClient) -> None:
    url = sign(KEY, user_id=1, expires_at=_in(60))
    tampered = url[:-1] + ("0" if url[-1] != "0" else "1")

    response = client.get(tampered)

    assert response.status_code == 403
    assert response.json() == {"error": "media_link_invalid"}


def test_a_link_cannot_be_stretched_or_moved_to_another_file(client: TestClient, storage: LocalStorage) -> None:
    storage.put(photo_key(1, 10, 101, "full"), JPEG, "image/jpeg")
    url = sign(KEY, user_id=1, expires_at=_in(60))
    query = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}

    later = client.get(f"/api/media/{KEY}", params={**query, "exp": int(query["exp"]) + 3600})
    other_file = client.get(f"/api/media/{photo_key(1, 10, 101, 'full')}", params=query)
    other_user = client.get(f"/api/media/{KEY}", params={**query, "uid": "2"})

    for response in (later, other_file, other_user):
        assert response.status_code == 403
        assert response.json() == {"error": "media_link_invalid"}


@pytest.mark.parametrize("query", ["", "?exp=1&uid=1", "?exp=soon&uid=1&sig=abc", "?exp=1&uid=one&sig=abc"])
def test_missing_or_malformed_parameters_are_refused(client: TestClient, query: str) -> None:
    response = client.get(f"/api/media/{KEY}{query}")

    assert response.status_code == 403
    assert response.json() == {"error": "media_link_invalid"}


def test_expired_link_is_refused(client: TestClient) -> None:
    response = client.get(sign(KEY, user_id=1, expires_at=_in(-5)))

    assert response.status_code == 403
    assert response.json() == {"error": "media_link_expired"}
    assert response.headers["cache-control"] == "no-store"


def test_a_sellers_signature_never_opens_another_sellers_folder(client: TestClient) -> None:
    # `sign` refuses to make such a link; even a genuine signature over that key is refused.
    with pytest.raises(ValueError):
        sign(OTHER_SELLERS_KEY, user_id=1, expires_at=_in(60))
    expires = int(_in(60).timestamp())
    forged = signature(OTHER_SELLERS_KEY, user_id=1, expires=expires)

    response = client.get(f"/api/media/{OTHER_SELLERS_KEY}", params={"exp": expires, "uid": 1, "sig": forged})

    assert response.status_code == 403
    assert response.json() == {"error": "media_link_invalid"}


def test_path_climbing_out_of_the_sellers_folder_is_refused(client: TestClient) -> None:
    key = "u1/%2e%2e/u2/p20/200/full.jpg"
    expires = int(_in(60).timestamp())
    sig = signature("u1/../u2/p20/200/full.jpg", user_id=1, expires=expires)

    response = client.get(f"/api/media/{key}", params={"exp": expires, "uid": 1, "sig": sig})

    assert response.status_code == 403


def test_missing_file_is_404(client: TestClient, storage: LocalStorage) -> None:
    storage.delete(KEY)

    response = client.get(sign(KEY, user_id=1, expires_at=_in(60)))

    assert response.status_code == 404
    assert response.json() == {"error": "media_not_found"}


def test_a_link_survives_a_secret_rotation_until_it_expires(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_secret = get_settings().require("JWT_SECRET_KEY")
    url = sign(KEY, user_id=1, expires_at=_in(60))
    monkeypatch.setenv("JWT_SECRET_KEY", "a-brand-new-secret-of-at-least-32-characters")
    monkeypatch.setenv("JWT_SECRET_KEY_PREVIOUS", old_secret)
    get_settings.cache_clear()

    assert client.get(url).status_code == 200

    monkeypatch.delenv("JWT_SECRET_KEY_PREVIOUS")
    get_settings.cache_clear()
    assert client.get(url).status_code == 403


def test_links_made_minutes_apart_are_the_same_so_browsers_cache_them() -> None:
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 11, 25, 10, 0, 1, tzinfo=UTC)
    first = media_url(KEY, user_id=1, now=start)
    assert media_url(KEY, user_id=1, now=start + timedelta(minutes=4)) == first
    assert media_url(KEY, user_id=1, now=start + timedelta(minutes=6)) != first
