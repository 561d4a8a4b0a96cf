"""Two sellers for the isolation suite, and the one place that knows how a browser is signed in.

Everything that depends on the session mechanism lives here: which cookies sign a seller
in (`signed_in_cookies`), how they reach a Reflex state (`reflex_router_data`) and an
HTTP route (`api_client`), and whom a set of cookies signs in (`who_is_signed_in`). Today
that is the access JWT + refresh token pair of stoflow.accounts.web_session; when the
mechanism changes, only this module changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from tests.conftest import STRONG_PASSWORD, unique_email
from tests.isolation.factories import FACTORIES, stored_file

BASE_URL = "http://localhost:3000"
SESSION_TTL = timedelta(hours=1)


# --- How a browser is signed in -------------------------------------------------------


def signed_in_cookies(user: int | Any) -> dict[str, str]:
    """The cookies a browser holds once `user` (a user or its id) has signed in, on a new device."""
    from stoflow.accounts import service as accounts
    from stoflow.accounts.tokens import open_family
    from stoflow.accounts.web_session import ACCESS_COOKIE, REFRESH_COOKIE
    from stoflow.db.engine import db_session

    user_id = user if isinstance(user, int) else user.id
    with db_session() as db:
        account = accounts.get_user(db, user_id)
        assert account is not None, f"no user {user_id}"
        pair = open_family(db, user=account, ttl=SESSION_TTL, ip="127.0.0.1", user_agent="isolation-suite")
    return {ACCESS_COOKIE: pair.access, REFRESH_COOKIE: pair.refresh}


def who_is_signed_in(cookies: dict[str, str]) -> int | None:
    """The user these cookies sign in, or None."""
    from stoflow.accounts.tokens import TokenError, session_of_refresh
    from stoflow.accounts.web_session import ACCESS_COOKIE, REFRESH_COOKIE, identity_from_access
    from stoflow.db.engine import db_session

    with db_session() as db:
        try:
            identity = identity_from_access(db, cookies.get(ACCESS_COOKIE))
        except TokenError:
            identity = None
        if identity is not None:
            return identity.user_id
        family = session_of_refresh(db, cookies[REFRESH_COOKIE]) if cookies.get(REFRESH_COOKIE) else None
        return family.user_id if family is not None else None


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def reflex_router_data(
    cookies: dict[str, str],
    *,
    token: str,
    path: str,
    search: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The router data of a websocket event from a browser holding `cookies`, on page `path`
    (a concrete path: `/products/12`) with query string `search` and the page's dynamic
    route arguments `params` (`{"product_id": "12"}`).

    Reflex builds it from the socket handshake (see reflex.app.EventNamespace.on_event)
    and the page's location (`withRouterData` in Reflex's state.js: `query` holds the
    search parameters and the route arguments); `SessionState` reads the session from
    its `headers.cookie`.
    """
    headers = {
        "host": BASE_URL.removeprefix("http://"),
        "origin": BASE_URL,
        "user-agent": "isolation-suite",
        "accept-language": "en",
    }
    if cookies:
        headers["cookie"] = cookie_header(cookies)
    query_string = urlencode(search or {})
    return {
        "pathname": path,
        "asPath": f"{path}?{query_string}" if query_string else path,
        "query": {**(search or {}), **(params or {})},
        "headers": headers,
        "ip": "127.0.0.1",
        "sid": f"sid-{token}",
        "token": token,
    }


def api_client(api: Any, cookies: dict[str, str]) -> TestClient:
    """An HTTP client of the /api app holding `cookies` (no cookies: a stranger)."""
    client = TestClient(api, base_url=BASE_URL, raise_server_exceptions=False)
    for name, value in cookies.items():
        client.cookies.set(name, value)
    return client


# --- The two sellers ------------------------------------------------------------------


@dataclass
class Seller:
    """A registered seller and what the suite knows of its data."""

    user_id: int
    email: str
    display_name: str
    rows: dict[str, list[Any]] = field(default_factory=dict)  # tenant table -> rows made
    markers: list[str] = field(default_factory=list)  # strings only this seller's data holds
    session_ids: list[str] = field(default_factory=list)
    session_tokens: list[str] = field(default_factory=list)
    role: str = "user"

    @property
    def secrets(self) -> list[str]:
        """What must never reach another seller: markers, e-mail, name, session tokens."""
        return [*self.markers, self.email, self.display_name, *self.session_tokens]

    @property
    def numbers(self) -> list[Decimal | int]:
        """The odd numbers of this seller's rows (prices, sizes, ids: see `numeric_markers`)."""
        return numeric_markers(self)

    @property
    def storage_prefix(self) -> str:
        """Where the storage backend keeps this seller's files (stoflow.catalog.photos)."""
        return f"u{self.user_id}/"

    @property
    def probes(self) -> list[int | str]:
        """The identifiers of this seller's things, as another seller could send them."""
        ids: list[int | str] = [self.user_id]
        for rows in self.rows.values():
            ids.extend(row.id for row in rows if isinstance(getattr(row, "id", None), int))
        found: list[int | str] = []
        for value in [*ids, *(str(i) for i in ids), self.email, *self.session_ids, f"user_{self.user_id}"]:
            if value not in found:
                found.append(value)
        return found


# Integer columns below this are counts, positions, versions, years: too common to be a marker.
MIN_NUMERIC_MARKER = 100_000
MIN_PRICE_MARKER = Decimal(1000)  # the factories' prices are 1000.01 to 9999.99


def numeric_markers(seller: Seller) -> list[Decimal | int]:
    """Every number of the seller's rows another seller could not guess: each decimal of
    four digits or more (a price: 4711.37), each integer of MIN_NUMERIC_MARKER or more (a size in bytes,
    a width; the victim's ids, which `move_sequences` puts above it)."""
    from stoflow.db.tenancy import tenant_metadata

    found: dict[str, Decimal | int] = {}
    tables = tenant_metadata().tables
    for table_name, rows in seller.rows.items():
        for row in rows:
            for column in tables[table_name].columns:
                value = getattr(row, column.name, None)
                price = isinstance(value, Decimal) and abs(value) >= MIN_PRICE_MARKER
                count = isinstance(value, int) and not isinstance(value, bool) and abs(value) >= MIN_NUMERIC_MARKER
                if price or count:
                    found[str(value)] = value
    return list(found.values())


# Every seller made by this suite in this run: a leak of any of them (not only of the
# module's A) is reported.
KNOWN_SELLERS: list[Seller] = []


@dataclass
class Sellers:
    a: Seller  # the victim: data in every tenant table
    b: Seller  # the one signed in, trying A's ids
    support: Seller  # read-only staff (role `support`), trying A's ids too


# Where seller A's ids start, table by table (its schema's sequences are moved there):
# unlike any other seller's ids, so an id of A's found in what B gets is a leak.
VICTIM_ID_BASE = 7_310_000
VICTIM_ID_STEP = 10_000


def move_sequences(seller: Seller) -> None:
    """Make the seller's next ids odd and its own: table N starts at VICTIM_ID_BASE + N * STEP."""
    from sqlalchemy import text

    from stoflow.db.tenancy import schema_for, tenant_session, tenant_tables

    schema = schema_for(seller.user_id)
    with tenant_session(seller.user_id) as tenant:
        for index, table in enumerate(tenant_tables()):
            for column in table.primary_key.columns:
                sequence = tenant.execute(
                    text("SELECT pg_get_serial_sequence(:table, :column)"),
                    {"table": f"{schema}.{table.name}", "column": column.name},
                ).scalar()
                if sequence is not None:
                    start = VICTIM_ID_BASE + index * VICTIM_ID_STEP + seller.user_id % 1000
                    tenant.execute(text("SELECT setval(:sequence, :start)"), {"sequence": sequence, "start": start})


def seed_tenant(seller: Seller, *, rounds: int) -> None:
    """Give `seller` `rounds` rows in every tenant table, each with a marker of its own, and
    a file in the storage backend for every key a row names (under the seller's prefix)."""
    from stoflow.db.tenancy import tenant_session, tenant_tables
    from stoflow.storage import get_storage

    storage = get_storage()
    with tenant_session(seller.user_id) as tenant:
        for _ in range(rounds):
            for table in tenant_tables():
                factory = FACTORIES.get(table.name)
                if factory is None:
                    continue  # test_factories fails for it
                marker = uuid.uuid4().hex
                row = factory(tenant, marker)
                seller.rows.setdefault(table.name, []).append(row)
                seller.markers.append(marker)
                for column in table.columns:
                    if column.name.endswith("_key") and isinstance(key := getattr(row, column.name), str):
                        storage.put(key, stored_file(marker), "image/jpeg")


def seed_public(seller: Seller) -> None:
    """Give `seller` a row of its own in the public tables a seller's activity fills: an
    e-mail link (its token is a secret), a message in the outbox (its body too), AI usage."""
    from stoflow.accounts import email_links
    from stoflow.accounts import service as accounts
    from stoflow.db.engine import db_session
    from stoflow.models import AiUsage, EmailTokenPurpose, OutboxMessage

    marker = uuid.uuid4().hex
    with db_session() as db:
        account = accounts.get_user(db, seller.user_id)
        assert account is not None
        token = email_links.issue(db, account, EmailTokenPurpose.reset_password)
        db.add(
            OutboxMessage(
                to_address=seller.email,
                subject=f"Subject {marker}",
                body_text=f"Reset {email_links.url(EmailTokenPurpose.reset_password, token)} {marker}",
                body_html=f"<p>{marker}</p>",
                template="reset_password",
                language="en",
            )
        )
        db.add(AiUsage(user_id=seller.user_id, feature="write_listing", model=f"model-{marker}"[:64], outcome="ok"))
    seller.markers.extend((marker, token))


def _register(tag: str, *, role: str = "user") -> Seller:
    from stoflow.accounts import service as accounts
    from stoflow.db.engine import db_session
    from stoflow.models.base import utcnow

    marker = uuid.uuid4().hex
    display_name = f"{tag} {marker}"
    with db_session() as db:
        user = accounts.register(
            db, email=unique_email(f"iso-{tag}"), password=STRONG_PASSWORD, display_name=display_name, country="FR"
        )
        assert user.id is not None
        user.email_verified_at = utcnow()  # a seller who can sign in
        user.role = role
        db.add(user)
        seller = Seller(user_id=user.id, email=user.email, display_name=display_name, role=role)
    return seller


def _open_session(seller: Seller) -> None:
    """A live session of the seller's own (its id is a probe; its tokens are secrets)."""
    cookies = signed_in_cookies(seller.user_id)
    from stoflow.accounts.tokens import session_of_refresh
    from stoflow.accounts.web_session import REFRESH_COOKIE
    from stoflow.db.engine import db_session

    with db_session() as db:
        family = session_of_refresh(db, cookies[REFRESH_COOKIE])
        assert family is not None
        seller.session_ids.append(str(family.id))
    seller.session_tokens.extend(cookies.values())


@pytest.fixture(scope="module")
def sellers(database_url: str, redis_url: str) -> Iterator[Sellers]:
    """Seller A with two rows in every tenant table (ids of its own), files in storage, rows
    in the public tables and a live session; seller B with one row in every tenant table;
    a support agent."""
    a, b, support = _register("a"), _register("b"), _register("support", role="support")
    move_sequences(a)
    seed_tenant(a, rounds=2)
    seed_public(a)
    seed_tenant(b, rounds=1)
    _open_session(a)
    KNOWN_SELLERS.extend((a, b, support))
    yield Sellers(a=a, b=b, support=support)
