"""The products page at 10,000 products.

    python bench/catalog.py --products 10000

On an embedded PostgreSQL and Redis (or --database-url / --redis-url), seeds one seller
with N products, each with a photo (files and thumbnail in local storage), starts the
production build and drives Chromium. Prints:

    list_p95_ms            first page of the products query, server side (tenant session included)
    search_p95_ms          search box: Enter -> rows updated in the browser (one Reflex event round trip)
    filter_p95_ms          price filter: Apply -> rows updated in the browser
    page_interactive_ms    median: navigation to /products until the first rows are visible
    state_kb               bytes of state the products page receives over its websocket on load

Budgets (docs/ARCHITECTURE.md): list and search p95 < 150 ms, page < 1000 ms, state < 200 KB.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tenants import fresh_database, percentile

PASSWORD = "correct horse battery staple"
BRANDS = ("Levi's", "Zara", "Nike", "Adidas", "Mango", "Sandro", "Carhartt", "Uniqlo", "Patagonia", "Arket")
KINDS = ("jeans", "jacket", "jumper", "dress", "shirt", "coat", "skirt", "trousers")


def _images() -> tuple[bytes, bytes]:
    from PIL import Image

    full, thumb = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (1024, 768), (120, 80, 200)).save(full, "JPEG", quality=80)
    Image.new("RGB", (400, 300), (120, 80, 200)).save(thumb, "WEBP", quality=70)
    return full.getvalue(), thumb.getvalue()


def seed(products: int) -> tuple[int, str]:
    """One verified seller with `products` products, each with one photo."""
    from sqlalchemy import insert, select

    from stoflow.accounts import service as accounts
    from stoflow.db.engine import db_session, get_engine
    from stoflow.db.migrations import upgrade_all
    from stoflow.db.tenancy import tenant_session
    from stoflow.models.base import utcnow
    from stoflow.models.tenant import Product, ProductPhoto
    from stoflow.reference.seed import seed_reference
    from stoflow.storage import get_storage, photo_key

    upgrade_all()
    seed_reference(get_engine())
    email = "bench-seller@example.com"
    with db_session() as db:
        user = accounts.register(db, email=email, password=PASSWORD, country="FR", display_name="Bench")
        user.email_verified_at = utcnow()
        db.add(user)
        db.flush()
        user_id = user.id
    assert user_id is not None
    rows = [
        {
            "sku": f"SF-{number:06d}",
            "status": ("draft", "published", "published", "sold", "archived")[number % 5],
            "title": f"{BRANDS[number % len(BRANDS)]} {KINDS[number % len(KINDS)]} {number}",
            "description": f"A {KINDS[number % len(KINDS)]} in good condition, item {number}.",
            "brand": BRANDS[number % len(BRANDS)],
            "price": Decimal(5 + number % 200),
            "currency": "EUR",
            "quantity": 1,
            "colors": [],
            "materials": [],
            "attributes": {},
            "measurements": {},
            "version": 1,
            "created_at": utcnow(),
            "updated_at": utcnow(),
        }
        for number in range(products)
    ]
    full, thumb = _images()
    storage = get_storage()
    with tenant_session(user_id) as db:
        for start in range(0, len(rows), 2000):
            db.execute(insert(Product), rows[start : start + 2000])
        ids = list(db.execute(select(Product.id)).scalars())
        photos = []
        for product_id in ids:
            full_key = photo_key(user_id, product_id, "bench", "full")
            thumb_key = photo_key(user_id, product_id, "bench", "thumb")
            storage.put(full_key, full, "image/jpeg")
            storage.put(thumb_key, thumb, "image/webp")
            photos.append(
                {
                    "product_id": product_id,
                    "position": 0,
                    "is_label": False,
                    "full_key": full_key,
                    "thumb_key": thumb_key,
                    "content_type": "image/jpeg",
                    "width": 1024,
                    "height": 768,
                    "size_bytes": len(full),
                    "sha256": "0" * 64,
                    "created_at": utcnow(),
                }
            )
        for start in range(0, len(photos), 2000):
            db.execute(insert(ProductPhoto), photos[start : start + 2000])
    return user_id, email


def list_timings(user_id: int, rounds: int) -> list[float]:
    from stoflow.catalog import products as catalog
    from stoflow.db.tenancy import tenant_session

    durations = []
    for _ in range(rounds):
        started = time.perf_counter()
        with tenant_session(user_id) as db:
            catalog.list_products(db, catalog.ProductQuery())
        durations.append((time.perf_counter() - started) * 1000)
    return durations


def browser_timings(base: str, email: str, rounds: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    figures: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{base}/login")
        page.wait_for_selector("#sign-in-submit:not([disabled])")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_url(re.compile(r"/dashboard/?$"))

        loads, state_bytes = [], []
        received: list[int] = []  # frame sizes of the current load
        page.on("websocket", lambda socket: socket.on("framereceived", lambda payload: received.append(len(payload))))
        for round_number in range(rounds + 1):
            received.clear()
            started = time.perf_counter()
            page.goto(f"{base}/products")
            page.wait_for_selector(".product-row")
            if round_number:  # the first load warms the server up
                loads.append((time.perf_counter() - started) * 1000)
                page.wait_for_timeout(300)
                state_bytes.append(sum(received))

        def pager_text() -> str:
            return page.inner_text("#products-pager")

        def round_trip(action) -> float:  # type: ignore[no-untyped-def]
            """From the action to the pager showing a new count (the event's answer rendered)."""
            before = pager_text()
            started = time.perf_counter()
            action()
            page.wait_for_function(
                "before => document.querySelector('#products-pager')?.textContent !== before", arg=before
            )
            return (time.perf_counter() - started) * 1000

        def reset() -> None:
            before = pager_text()
            page.fill("#products-search", "")
            page.fill("[name=price_max]", "")
            page.click("#products-apply")
            page.wait_for_function(
                "before => document.querySelector('#products-pager')?.textContent !== before", arg=before
            )

        searches, filters = [], []
        for number in range(rounds):
            brand = BRANDS[number % len(BRANDS)]
            page.fill("#products-search", brand.split("'")[0])
            searches.append(round_trip(lambda: page.press("#products-search", "Enter")))
            reset()
            page.fill("[name=price_max]", str(10 + number))
            filters.append(round_trip(lambda: page.click("#products-apply")))
            reset()
        browser.close()
    figures["search_p95_ms"] = percentile(searches, 0.95)
    figures["filter_p95_ms"] = percentile(filters, 0.95)
    figures["page_interactive_ms"] = statistics.median(loads)
    figures["state_kb"] = max(state_bytes) / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--database-url", help="a PostgreSQL server to use instead of an embedded one")
    parser.add_argument("--redis-url", help="a Redis server to use instead of an embedded one")
    args = parser.parse_args()

    from stoflow.launcher.appserver import running_app
    from stoflow.launcher.embedded import EmbeddedServices, free_port

    workdir = Path(tempfile.mkdtemp(prefix="stoflow-bench-catalog-"))
    services = EmbeddedServices(workdir / "services")
    services.start(database=not args.database_url, redis=not args.redis_url)
    try:
        server_url = args.database_url or services.database_url
        redis_url = args.redis_url or services.redis_url
        assert server_url and redis_url
        database_url = fresh_database(server_url)
        os.environ.update(DATABASE_URL=database_url, REDIS_URL=redis_url, STOFLOW_DATA_DIR=str(workdir / "data"))
        started = time.perf_counter()
        user_id, email = seed(args.products)
        print(
            f"  seeded {args.products} products with photos in {time.perf_counter() - started:.1f} s", file=sys.stderr
        )
        listing = list_timings(user_id, args.rounds * 5)
        figures = {"list_p95_ms": percentile(listing, 0.95)}
        extra = {"STOFLOW_DATA_DIR": str(workdir / "data")}
        with running_app(
            database_url=database_url,
            redis_url=redis_url,
            port=free_port(),
            log_path=workdir / "web.log",
            extra_env=extra,
        ) as base:
            figures.update(browser_timings(base, email, args.rounds))
    finally:
        services.stop()
    for name, value in figures.items():
        print(f"{name} {value:.1f}")


if __name__ == "__main__":
    main()
