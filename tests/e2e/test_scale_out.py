"""Scale-out, end to end: two web processes sharing their state through Redis, two Celery
workers, and a load balancer in front that moves a seller's websocket from one web process
to the other (as when an instance is replaced). The seller's open page keeps working.

One production build serves both: the first process builds it for the balancer's port and
serves the pages; the second runs the backend only (`reflex run --backend-only`).
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from stoflow.db.tenancy import tenant_session
from stoflow.launcher.appserver import build_slot, running_app, running_backend
from stoflow.launcher.embedded import free_port
from stoflow.launcher.tools import LaunchError
from stoflow.models.tenant import Product
from tests.conftest import claim_redis_database, release_redis_database
from tests.e2e.helpers import draft_products, signed_in
from tests.integration.conftest import celery_worker

pytestmark = pytest.mark.e2e

EVENTS = b"/_event"  # Reflex's websocket path
ON_PRODUCTS = re.compile(r"/products/?$")


class Balancer:
    """A TCP proxy on a free port: pages, assets and /api go to the first web process
    (`pages_port`); websockets to the one chosen with `send_sockets_to` (at first the first),
    which also drops the open ones."""

    def __init__(self, pages_port: int, second_port: int) -> None:
        self.port = free_port()
        self.pages_port, self.second_port = pages_port, second_port
        self.sockets_port = pages_port
        self.sockets_opened: Counter[int] = Counter()  # websockets per web process port
        self._open: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="balancer", daemon=True)

    def __enter__(self) -> Balancer:
        self._thread.start()
        if not self._ready.wait(timeout=60):
            raise RuntimeError("the balancer did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=60)

    def send_sockets_to(self, port: int) -> None:
        """New websockets go to `port`; the open ones are cut (the browser reconnects)."""
        done = threading.Event()

        def switch() -> None:
            self.sockets_port = port
            for writer in list(self._open):
                writer.transport.abort()
            done.set()

        self._loop.call_soon_threadsafe(switch)
        assert done.wait(timeout=60)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(asyncio.start_server(self._tunnel, "127.0.0.1", self.port))
        self._ready.set()
        self._loop.run_forever()

    async def _tunnel(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            request_line = await client_reader.readuntil(b"\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            client_writer.close()
            return
        is_socket = request_line.split(b" ")[1].startswith(EVENTS) if request_line.count(b" ") >= 2 else False
        port = self.sockets_port if is_socket else self.pages_port
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            client_writer.close()
            return
        if is_socket:
            self.sockets_opened[port] += 1
            self._open.update((client_writer, server_writer))
        server_writer.write(request_line)
        try:
            await asyncio.gather(_pipe(client_reader, server_writer), _pipe(server_reader, client_writer))
        finally:
            self._open.difference_update((client_writer, server_writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.transport.abort()


@pytest.fixture(scope="module")
def scale_redis(_services: tuple[str, str]) -> Iterator[str]:
    """A Redis database for this deployment only: the other browser tests' worker must not
    take its jobs (this test decides when its workers start)."""
    url, claim = claim_redis_database(_services[1])
    yield url
    release_redis_database(url, claim)


@contextmanager
def two_workers(database_url: str, redis_url: str) -> Iterator[None]:
    """Two Celery workers on `redis_url` (each answers a ping before the next starts)."""
    from stoflow.tasks import app

    broker, backend = app.conf.broker_url, app.conf.result_backend
    try:
        with (
            celery_worker(database_url, redis_url, queues="default", include="stoflow.tasks.catalog", name="scale-1"),
            celery_worker(database_url, redis_url, queues="default", include="stoflow.tasks.catalog", name="scale-2"),
        ):
            yield
    finally:
        app.conf.broker_url, app.conf.result_backend = broker, backend  # the other tests' Redis


@pytest.fixture(scope="module")
def balanced_app(database_url: str, scale_redis: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Balancer]:
    """Two web processes behind a Balancer; websockets go to the first until told otherwise."""
    logs = Path(tmp_path_factory.mktemp("scale-out"))
    first, second = free_port(), free_port()
    balancer = Balancer(pages_port=first, second_port=second)
    urls = {"database_url": database_url, "redis_url": scale_redis}
    try:
        with (
            build_slot() as build_dir,
            running_app(
                **urls, port=first, public_port=balancer.port, build_dir=build_dir, log_path=logs / "web-1.log"
            ),
            running_backend(
                **urls, port=second, public_port=balancer.port, build_dir=build_dir, log_path=logs / "web-2.log"
            ),
            balancer,
        ):
            yield balancer
    except LaunchError as error:
        pytest.fail(str(error))


def _wait_for_a_socket_on(balancer: Balancer, port: int, *, more_than: int = 0) -> None:
    """The page's websocket has reconnected, through the balancer, to the web process on `port`."""
    deadline = time.monotonic() + 60
    while balancer.sockets_opened[port] <= more_than:
        assert time.monotonic() < deadline, f"the page did not reconnect to the web process on port {port}"
        time.sleep(0.05)  # a poll interval


def test_an_open_page_keeps_working_when_its_websocket_moves_to_the_other_web_process(  # type: ignore[no-untyped-def]
    page: Page, balanced_app: Balancer, database_url: str, scale_redis: str, make_seller
) -> None:
    balancer = balanced_app
    first, second = balancer.pages_port, balancer.second_port
    base = f"http://localhost:{balancer.port}"
    user_id = signed_in(page, base, make_seller)
    draft_products(user_id, 250, sku_prefix="SCALE", title="Jumper")

    page.goto(f"{base}/products")
    expect(page.locator("#tab-draft")).to_contain_text("250")
    page.fill("#products-search", "Jumper 24")  # 24 and 240 to 249
    page.press("#products-search", "Enter")
    expect(page.locator(".product-row")).to_have_count(11)
    page.click("#select-page")
    expect(page.locator("#selection")).to_contain_text("11")
    assert balancer.sockets_opened[first] >= 1 and balancer.sockets_opened[second] == 0

    # The first web process leaves the balancer. The page reconnects to the second, which
    # rehydrates it from the state in Redis and runs the page's on_load for the seller's
    # session: that clears the selection but keeps the search, which only the first
    # process saw. Still the products page, still signed in.
    balancer.send_sockets_to(second)
    _wait_for_a_socket_on(balancer, second)
    expect(page.locator("#selection")).to_be_hidden()
    expect(page.locator(".product-row")).to_have_count(11)
    assert ON_PRODUCTS.search(page.url)

    # Its next events, on the second process: a selection of every matching product, then a
    # bulk change, queued as a job (no worker runs yet); the second process follows it.
    page.fill("#products-search", "")
    page.press("#products-search", "Enter")
    expect(page.locator(".product-row")).to_have_count(25)
    page.click("#select-page")
    page.click("#select-all-matching")
    expect(page.locator("#selection")).to_contain_text("250")
    page.click("#bulk-edit")
    page.fill("#bulk-value", "10")
    page.click("#bulk-apply")
    expect(page.locator("#bulk-job-progress")).to_be_visible()

    # The websocket moves back to the first process; then two workers start and one runs the
    # job. The second process's updates reach the page through Redis (Reflex relays them
    # to the instance that holds the websocket now).
    opened_on_first = balancer.sockets_opened[first]
    balancer.send_sockets_to(first)
    _wait_for_a_socket_on(balancer, first, more_than=opened_on_first)
    # A round trip on the first process before the job runs: the page has settled there.
    # (Reflex relays by Redis pub/sub, fire and forget: an update sent while the page is
    # between processes reaches the state in Redis but not the page until its next event.)
    page.fill("#products-search", "Jumper 24")
    page.press("#products-search", "Enter")
    expect(page.locator(".product-row")).to_have_count(11)
    expect(page.locator("#bulk-job-progress")).to_be_visible()
    with two_workers(database_url, scale_redis):
        # The second process's background task reloads the list when the job ends: the new
        # prices reach the page on the first process through the relay.
        expect(page.locator(".product-row").first).to_contain_text("11.00 EUR", timeout=120_000)
    expect(page.locator("#bulk-job-progress")).to_have_count(0)
    expect(page.locator(".product-row")).to_have_count(11)
    with tenant_session(user_id) as db:
        assert {product.price for product in db.exec(select(Product)).all()} == {Decimal("11.00")}

    page.click("#nav-account")  # and the session holds on the first process too
    expect(page.locator("#profile-save")).to_be_enabled()
