"""End to end, against the production server: a seller's client token, replayed from another
browser or sent with an upload, opens nothing without the seller's own session; an upload
is refused before its body is read when it is anonymous or too large."""

from __future__ import annotations

import json
import socket
import time
import uuid
from urllib.parse import urlsplit

import httpx
import pytest
import redis
from playwright.sync_api import Browser, Page, expect
from reflex_base.utils.format import format_event_handler

from stoflow.catalog import products as catalog
from stoflow.catalog.photos import photos_of
from stoflow.catalog.rules import parse_input
from stoflow.db.tenancy import tenant_session
from stoflow.pages.product_photos import ProductPhotosState
from tests.e2e.helpers import jpeg_file
from tests.e2e.test_shell import ON_DASHBOARD, ON_SIGN_IN, sign_in

pytestmark = pytest.mark.e2e

PHOTO_UPLOAD = format_event_handler(ProductPhotosState.upload)
REPLAY_DEADLINE_S = 60


def _product(user_id: int, title: str) -> int:
    with tenant_session(user_id) as db:
        product = catalog.create_product(db, parse_input({"title": title, "price": "4711.37"}))
        return product.id or 0


def _signed_in_page(browser: Browser, base: str, email: str) -> Page:
    page = browser.new_context().new_page()
    sign_in(page, base, email)
    page.wait_for_url(ON_DASHBOARD)
    return page


def _token(page: Page) -> str:
    return str(page.evaluate("() => window.sessionStorage.getItem('token')"))


def _replay(browser: Browser, base: str, token: str) -> tuple[Page, list[str]]:
    """A browser without cookies, whose tab carries `token`, opening the products page.

    Reflex gives a socket a new token while the old one is still connected elsewhere;
    the replay is retried until the server took this token (the seller's tab has closed).
    """
    deadline = time.monotonic() + REPLAY_DEADLINE_S
    while True:
        context = browser.new_context()
        context.add_init_script(f"window.sessionStorage.setItem('token', {json.dumps(token)})")
        page = context.new_page()
        frames: list[str] = []
        record = frames.append
        page.on("websocket", lambda ws, record=record: ws.on("framereceived", lambda data: record(str(data))))
        page.goto(f"{base}/products")
        page.wait_for_url(ON_SIGN_IN)
        if _token(page) == token or time.monotonic() > deadline:
            return page, frames
        context.close()


def _stored_state(redis_url: str, token: str) -> bytes:
    client = redis.Redis.from_url(redis_url)
    try:
        return b"".join((client.get(key) or b"") for key in client.scan_iter(match=f"{token}*"))
    finally:
        client.close()


def test_a_replayed_client_token_shows_nothing_and_uploads_nothing(  # type: ignore[no-untyped-def]
    browser: Browser, app_server: str, redis_url: str, make_seller, tmp_path
) -> None:
    seller, other = make_seller(display_name="Ines Depot"), make_seller(display_name="Other Shop")
    title = f"Secret coat {uuid.uuid4().hex[:8]}"
    product_id = _product(seller.id, title)

    own = _signed_in_page(browser, app_server, seller.email)
    own.goto(f"{app_server}/products")
    expect(own.get_by_text(title)).to_be_visible()
    token = _token(own)
    # What the server keeps of that page (in Redis) holds the page's data, never its cookies.
    stored = _stored_state(redis_url, token)
    assert title.encode() in stored
    for cookie in own.context.cookies():
        if cookie["name"].startswith("stoflow_") and cookie["httpOnly"]:
            assert cookie["value"].encode() not in stored, f"{cookie['name']} is kept in Redis"
    own.context.close()  # the seller's tab is gone; its token is still in the attacker's hands

    replayed, frames = _replay(browser, app_server, token)
    assert _token(replayed) == token, "the server never took the replayed token"
    received = "\n".join(frames) + replayed.content()
    assert title not in received and "4711.37" not in received and seller.email not in received

    # The same token with an upload: anonymous, then with another seller's session.
    photo = jpeg_file(tmp_path, "coat.jpg", (90, 60, 30)).read_bytes()
    upload = {"files": ("coat.jpg", photo, "image/jpeg")}
    headers = {"Reflex-Client-Token": token, "Reflex-Event-Handler": PHOTO_UPLOAD}
    anonymous = httpx.post(f"{app_server}/_upload", headers=headers, files=upload, timeout=30)
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "not_signed_in"

    intruder = _signed_in_page(browser, app_server, other.email)
    cookies = {cookie["name"]: cookie["value"] for cookie in intruder.context.cookies()}
    foreign = httpx.post(f"{app_server}/_upload", headers=headers, files=upload, cookies=cookies, timeout=30)
    assert foreign.status_code == 403 and foreign.json()["error"] == "not_your_page"

    with tenant_session(seller.id) as db:
        assert photos_of(db, product_id) == []


def test_an_oversized_upload_is_refused_before_its_body_is_sent(app_server: str) -> None:
    """600 MB announced (24 photos of 20 MB is the most), not a byte sent: the answer comes at once."""
    url = urlsplit(app_server)
    request = (
        f"POST /_upload HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Reflex-Client-Token: {uuid.uuid4()}\r\nReflex-Event-Handler: {PHOTO_UPLOAD}\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {600 * 1024 * 1024}\r\n\r\n"
    )
    with socket.create_connection((url.hostname, url.port), timeout=30) as connection:
        connection.sendall(request.encode())
        answer = connection.recv(65536).decode(errors="replace")
    status_line, _, rest = answer.partition("\r\n")
    assert " 413 " in status_line, answer
    assert "too large" in rest.lower()


def test_an_upload_to_an_unknown_handler_or_a_get_is_refused(app_server: str) -> None:
    sneaky = httpx.post(
        f"{app_server}/_upload",
        headers={"Reflex-Client-Token": str(uuid.uuid4()), "Reflex-Event-Handler": "reflex___state____state.hydrate"},
        files={"files": ("a.txt", b"hello", "text/plain")},
        timeout=30,
    )
    assert sneaky.status_code == 400
    assert httpx.get(f"{app_server}/_upload/anything.jpg", timeout=30).status_code == 404
