"""The door of Reflex's /_upload route (stoflow.api.upload_guard), with real sessions and a real
Redis page state: who may send files to a page, and how much, decided before the body is read.

Behind the door stands a recorder in place of Reflex's upload route: it says whether a
request got through and what body it received. The end-to-end test
(tests/e2e/test_session_binding.py) sends the same attacks to the production server.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from reflex_base.utils.format import format_event_handler

from stoflow.api.upload_guard import UploadGuard
from stoflow.pages.product_photos import ProductPhotosState
from stoflow.state.session import page_owner
from tests.isolation.conftest import Sellers, cookie_header, signed_in_cookies
from tests.isolation.test_client_token import Page, _on_one_page

PHOTO_UPLOAD = format_event_handler(ProductPhotosState.upload)
BODY = b"--x\r\nContent-Disposition: form-data; name=files; filename=a.jpg\r\n\r\n\xff\xd8\xff\r\n--x--\r\n"


class Recorder:
    """Stands for Reflex's upload route."""

    def __init__(self) -> None:
        self.called = False
        self.body = b""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.called = True
        while True:
            message = await receive()
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


async def _post(
    page: Page,
    *,
    cookies: dict[str, str],
    handler: str = PHOTO_UPLOAD,
    length: int | None = None,
    method: str = "POST",
    path: str = "/_upload",
) -> tuple[int, dict[str, Any], Recorder, int]:
    """Send an upload to the door; (status, answer, the route behind it, body chunks the door read)."""
    recorder = Recorder()
    guard = UploadGuard(recorder, lambda token: page_owner(page.manager, token))
    headers = [
        (b"reflex-client-token", page.token.encode()),
        (b"reflex-event-handler", handler.encode()),
        (b"content-type", b"multipart/form-data; boundary=x"),
    ]
    if cookies:
        headers.append((b"cookie", cookie_header(cookies).encode()))
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    reads = 0

    async def receive() -> dict[str, Any]:
        nonlocal reads
        reads += 1
        return {"type": "http.request", "body": BODY, "more_body": False}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": headers, "query_string": b""}
    await guard(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body or b"{}"), recorder, reads


def _sellers_page(sellers: Sellers, redis_url: str, attempt: Any) -> Any:
    """A's products page (bound to A), then `attempt(page)`."""

    async def scenario(page: Page) -> Any:
        await page.load(signed_in_cookies(sellers.a.user_id))
        return await attempt(page)

    return _on_one_page(redis_url, scenario)


@pytest.mark.parametrize("who", ["nobody", "seller B"])
def test_an_upload_to_a_sellers_page_without_the_sellers_session_is_refused_unread(
    sellers: Sellers, redis_url: str, who: str
) -> None:
    cookies = {} if who == "nobody" else signed_in_cookies(sellers.b.user_id)
    status, answer, behind, reads = _sellers_page(
        sellers, redis_url, lambda page: _post(page, cookies=cookies, length=len(BODY))
    )
    assert (status, answer["error"]) == ((401, "not_signed_in") if who == "nobody" else (403, "not_your_page"))
    assert answer["message"]
    assert not behind.called and reads == 0


def test_the_seller_uploads_to_the_sellers_own_page(sellers: Sellers, redis_url: str) -> None:
    cookies = signed_in_cookies(sellers.a.user_id)
    status, _, behind, _ = _sellers_page(
        sellers, redis_url, lambda page: _post(page, cookies=cookies, length=len(BODY))
    )
    assert status == 200 and behind.called and behind.body == BODY


def test_a_signed_in_seller_may_not_upload_into_a_page_of_nobody(sellers: Sellers, redis_url: str) -> None:
    """A made-up token names a fresh page that belongs to nobody: no files go there either."""
    cookies = signed_in_cookies(sellers.b.user_id)
    status, answer, behind, _ = _on_one_page(redis_url, lambda page: _post(page, cookies=cookies, length=len(BODY)))
    assert (status, answer["error"], behind.called) == (403, "not_your_page", False)


@pytest.mark.parametrize(
    ("length", "handler", "expected"),
    [
        (600 * 1024 * 1024, PHOTO_UPLOAD, (413, "too_large")),  # 24 photos of 20 MB at most
        (None, PHOTO_UPLOAD, (411, "length_required")),
        (100, "reflex___state____state.hydrate", (400, "unknown_handler")),
    ],
)
def test_size_and_handler_are_checked_before_the_body_is_read(
    sellers: Sellers, redis_url: str, length: int | None, handler: str, expected: tuple[int, str]
) -> None:
    """Even the seller's own session cannot send more than the handler declared, or to a handler that takes none."""
    cookies = signed_in_cookies(sellers.a.user_id)
    status, answer, behind, reads = _sellers_page(
        sellers, redis_url, lambda page: _post(page, cookies=cookies, length=length, handler=handler)
    )
    assert (status, answer["error"]) == expected
    assert not behind.called and reads == 0


def test_a_body_longer_than_it_declared_is_cut_off(sellers: Sellers, redis_url: str) -> None:
    cookies = signed_in_cookies(sellers.a.user_id)
    with pytest.raises(Exception, match="past its Content-Length"):
        _sellers_page(sellers, redis_url, lambda page: _post(page, cookies=cookies, length=10))


@pytest.mark.parametrize(("method", "path"), [("GET", "/_upload/photo.jpg"), ("GET", "/_upload"), ("PUT", "/_upload")])
def test_nothing_else_is_served_under_the_upload_path(sellers: Sellers, redis_url: str, method: str, path: str) -> None:
    status, _, behind, _ = _sellers_page(
        sellers, redis_url, lambda page: _post(page, cookies={}, method=method, path=path, length=0)
    )
    assert status == 404 and not behind.called
