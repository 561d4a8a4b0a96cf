"""Sign-in protection: growing waits instead of a lockout, the same answers for every
address, the seller's known device never refused, and rate limits shared through Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from stoflow.accounts.devices import DEVICE_COOKIE
from stoflow.accounts.schemas import normalise_email
from stoflow.api import create_api
from stoflow.config import get_settings
from stoflow.db.engine import db_session
from stoflow.models import AuditEvent, OutboxMessage, User
from stoflow.security import rate_limits, throttle
from stoflow.security.throttle import BASE_DELAY_SECONDS, Throttle
from tests.conftest import STRONG_PASSWORD, unique_email

WRONG = "not the password at all"


def new_ip() -> str:
    """An address no other test uses (counts live in Redis for the whole run)."""
    return f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"


def _client(ip: str | None = None) -> TestClient:
    """A browser at its own address, so the counts of other tests do not matter."""
    return TestClient(create_api(), base_url="http://localhost:3000", client=(ip or new_ip(), 40000))


def _login(client: TestClient, email: str, password: str) -> tuple[int, str]:
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    return response.status_code, response.json().get("error", "")


def _answer(client: TestClient, email: str, password: str) -> tuple[int, str, str]:
    """What a stranger sees: status, error code and whether a wait was announced."""
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    return response.status_code, response.json().get("error", ""), "wait" if "Retry-After" in response.headers else ""


def _end_waits(rule: Throttle, key: str) -> None:
    """The wait is over (moved forward in time here): the count stays, the wait goes."""
    throttle._redis().hdel(throttle._redis_key(rule, key), "until")


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch, redis_url: str) -> Iterator[pytest.MonkeyPatch]:
    """Tight limits for one test; `limits.setenv(...)` then `reload()` changes one more."""
    for name, value in {
        "RATE_LIMIT_SIGN_IN_IP": "1000/minute",
        "RATE_LIMIT_SIGN_IN_EMAIL": "1000/minute",
        "RATE_LIMIT_SIGN_IN_FAILURES_IP": "1000/day",
        "RATE_LIMIT_SIGN_IN_FAILURES_EMAIL": "3/day",
        "RATE_LIMIT_REGISTER_IP": "2/hour",
        "RATE_LIMIT_REGISTER_EMAIL": "2/hour",
        "RATE_LIMIT_EMAIL_LINK_IP": "5/hour",
        "RATE_LIMIT_EMAIL_LINK_EMAIL": "2/hour",
        "RATE_LIMIT_PASSWORD_CHECK_FAILURES": "3/day",
    }.items():
        monkeypatch.setenv(name, value)
    reload()
    yield monkeypatch
    reload()


def reload() -> None:
    get_settings.cache_clear()
    rate_limits._limiter.cache_clear()
    throttle._redis.cache_clear()


# --- no lockout, no enumeration ---------------------------------------------------------


def test_registered_and_unknown_addresses_get_the_same_answers(limits: pytest.MonkeyPatch, make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    answers = {
        email: [_answer(_client(), email, f"{WRONG} {attempt}") for attempt in range(6)]
        for email in (seller.email, unique_email("nobody"))
    }
    registered, unknown = answers.values()
    assert registered == unknown
    assert registered == [(401, "invalid_credentials", "")] * 3 + [(429, "rate_limited", "wait")] * 3


def test_a_stranger_cannot_lock_the_seller_out_of_a_device_they_used(limits: pytest.MonkeyPatch, make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    laptop = _client()
    assert _login(laptop, seller.email, STRONG_PASSWORD) == (200, "")
    assert laptop.post("/api/auth/logout").status_code == 200  # signed out, still a known device

    stranger = _client()
    for attempt in range(3):
        assert _login(stranger, seller.email, f"{WRONG} {attempt}") == (401, "invalid_credentials")
    assert _login(stranger, seller.email, STRONG_PASSWORD) == (429, "rate_limited")  # even with the password
    assert _login(_client(), seller.email, STRONG_PASSWORD) == (429, "rate_limited")  # any new device

    # The seller's laptop: the right password works, now and after more of the stranger's tries.
    assert _login(laptop, seller.email, STRONG_PASSWORD) == (200, "")
    with db_session() as db:
        user = db.get(User, seller.id)
        assert user is not None and user.locked_until is None


def test_a_known_device_is_no_free_pass_for_guessing(limits: pytest.MonkeyPatch, make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    laptop = _client()
    assert _login(laptop, seller.email, STRONG_PASSWORD)[0] == 200
    answers = [_login(laptop, seller.email, f"{WRONG} {attempt}") for attempt in range(4)]
    assert answers == [(401, "invalid_credentials")] * 3 + [(429, "rate_limited")]


def test_the_device_cookie_is_httponly_and_opens_nothing_for_another_account(
    limits: pytest.MonkeyPatch,
    make_seller,  # type: ignore[no-untyped-def]
) -> None:
    seller, other = make_seller(), make_seller()
    laptop = _client()
    response = laptop.post("/api/auth/login", json={"email": other.email, "password": STRONG_PASSWORD})
    (cookie,) = [header for header in response.headers.get_list("set-cookie") if header.startswith(DEVICE_COOKIE)]
    assert "HttpOnly" in cookie and "Path=/api/auth" in cookie and "SameSite=strict" in cookie
    laptop.post("/api/auth/logout")
    # Known for `other`, not for `seller`: the stranger's failures on `seller` hold here too.
    for attempt in range(3):
        _login(_client(), seller.email, f"{WRONG} {attempt}")
    assert _login(laptop, seller.email, STRONG_PASSWORD) == (429, "rate_limited")
    forged = _client()
    forged.cookies.set(DEVICE_COOKIE, "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", path="/api/auth")
    assert _login(forged, seller.email, STRONG_PASSWORD) == (429, "rate_limited")


def test_the_per_address_window_counts_a_known_device_apart(limits: pytest.MonkeyPatch, make_seller) -> None:  # type: ignore[no-untyped-def]
    """Every attempt counts in the address's moving window; the seller's device has its own."""
    limits.setenv("RATE_LIMIT_SIGN_IN_EMAIL", "3/minute")
    limits.setenv("RATE_LIMIT_SIGN_IN_FAILURES_EMAIL", "1000/day")
    reload()
    seller = make_seller()
    laptop = _client()
    assert _login(laptop, seller.email, STRONG_PASSWORD)[0] == 200
    strangers = [_login(_client(), seller.email, f"{WRONG} {attempt}")[0] for attempt in range(3)]
    assert strangers == [401, 401, 429]  # the seller's own sign-in counted too
    assert _login(laptop, seller.email, STRONG_PASSWORD)[0] == 200
    own = [_login(laptop, seller.email, f"{WRONG} {attempt}")[0] for attempt in range(3)]
    assert own == [401, 401, 429]  # its own window: no more tries than anyone else


def test_waits_grow_with_each_failure_and_a_success_forgets_them(limits: pytest.MonkeyPatch, make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    key = normalise_email(seller.email)
    retry_after = []
    for _ in range(3):
        _end_waits(Throttle.sign_in_failures_email, key)
        client = _client()
        for _ in range(3 if not retry_after else 1):
            assert _login(client, seller.email, WRONG)[0] == 401
        refused = client.post("/api/auth/login", json={"email": seller.email, "password": WRONG})
        assert refused.status_code == 429
        retry_after.append(int(refused.headers["Retry-After"]))
    assert BASE_DELAY_SECONDS - 2 <= retry_after[0] <= BASE_DELAY_SECONDS
    assert 2 * BASE_DELAY_SECONDS - 2 <= retry_after[1] <= 2 * BASE_DELAY_SECONDS
    assert 4 * BASE_DELAY_SECONDS - 2 <= retry_after[2] <= 4 * BASE_DELAY_SECONDS

    _end_waits(Throttle.sign_in_failures_email, key)
    assert _login(_client(), seller.email, STRONG_PASSWORD)[0] == 200
    assert throttle.wait_seconds(Throttle.sign_in_failures_email, key) == 0
    assert _login(_client(), seller.email, WRONG) == (401, "invalid_credentials")  # counting from zero again


def test_failures_and_waits_are_audited_for_every_address(limits: pytest.MonkeyPatch, make_seller) -> None:  # type: ignore[no-untyped-def]
    seller, nobody = make_seller(), unique_email("nobody")
    for email in (seller.email, nobody):
        client = _client()
        for attempt in range(4):
            _login(client, email, f"{WRONG} {attempt}")
    with db_session() as db:
        for email in (seller.email, nobody):
            events = db.exec(
                select(AuditEvent).where(AuditEvent.target_email == email).order_by(col(AuditEvent.id))
            ).all()
            assert [event.action for event in events] == ["auth.sign_in_failed"] * 3 + ["auth.locked_out"]
            assert events[-1].after == {"wait_seconds": BASE_DELAY_SECONDS, "failures": {"ip": 3, "address": 3}}
            assert all(event.ip for event in events)


def test_per_ip_failures_slow_down_that_ip_only(limits: pytest.MonkeyPatch, make_seller) -> None:  # type: ignore[no-untyped-def]
    limits.setenv("RATE_LIMIT_SIGN_IN_FAILURES_IP", "3/day")
    reload()
    seller = make_seller()
    ip = new_ip()
    answers = [_login(_client(ip), unique_email("spray"), WRONG)[0] for _ in range(4)]
    assert answers == [401, 401, 401, 429]
    assert _login(_client(), seller.email, STRONG_PASSWORD)[0] == 200


# --- one spelling per address ------------------------------------------------------------


def test_full_width_letters_do_not_escape_the_per_address_count(limits: pytest.MonkeyPatch, make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller(email=f"seller.b-{uuid.uuid4().hex[:6]}@probe-shop.fr")
    for attempt in range(3):
        _login(_client(), seller.email, f"{WRONG} {attempt}")
    full_width = seller.email.replace("@p", "@\uff50").replace("seller", "\uff53eller")
    assert full_width != seller.email and normalise_email(full_width) == seller.email
    assert _login(_client(), full_width, STRONG_PASSWORD) == (429, "rate_limited")


# --- rate limits ---------------------------------------------------------------------------


def test_sign_in_attempts_per_ip_are_limited_with_retry_after(limits: pytest.MonkeyPatch, database_url: str) -> None:
    limits.setenv("RATE_LIMIT_SIGN_IN_IP", "3/minute")
    reload()
    client = _client()
    statuses = [client.post("/api/auth/login", json={"email": unique_email(), "password": WRONG}) for _ in range(4)]
    assert [response.status_code for response in statuses] == [401, 401, 401, 429]
    assert statuses[-1].json()["error"] == "rate_limited"
    assert 0 < int(statuses[-1].headers["Retry-After"]) <= 60
    assert _client().post("/api/auth/login", json={"email": unique_email(), "password": WRONG}).status_code == 401


def test_registrations_per_ip_are_limited_and_create_nothing(limits: pytest.MonkeyPatch, database_url: str) -> None:
    client = _client()
    emails = [unique_email() for _ in range(3)]
    statuses = [
        client.post("/api/auth/register", json={"email": e, "password": STRONG_PASSWORD, "country": "FR"}).status_code
        for e in emails
    ]
    assert statuses == [201, 201, 429]
    with db_session() as db:
        assert db.exec(select(User).where(User.email == emails[2])).first() is None


def test_registrations_per_email_are_limited_across_ips_taken_or_not(limits: pytest.MonkeyPatch, make_seller) -> None:  # type: ignore[no-untyped-def]
    for email in (make_seller().email, unique_email()):
        body = {"email": email.upper(), "password": STRONG_PASSWORD, "country": "FR"}
        statuses = [_client().post("/api/auth/register", json=body).status_code for _ in range(3)]
        assert statuses == [201, 201, 429]


def test_invalid_forms_do_not_use_up_someone_else_s_registration_quota(
    limits: pytest.MonkeyPatch, database_url: str
) -> None:
    victim = unique_email("victim")
    for _ in range(5):
        refused = _client().post("/api/auth/register", json={"email": victim, "password": "weak", "country": "FR"})
        assert refused.status_code == 422
    body = {"email": victim, "password": STRONG_PASSWORD, "country": "FR"}
    assert _client().post("/api/auth/register", json=body).status_code == 201
    with db_session() as db:
        assert db.exec(select(User).where(User.email == victim)).first() is not None


@pytest.mark.parametrize("path", ["/api/auth/forgot-password", "/api/auth/resend-verification"])
def test_e_mailed_links_are_limited_per_address_and_per_ip(limits: pytest.MonkeyPatch, make_seller, path: str) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller(verified=False)
    spellings = [seller.email, seller.email.upper(), seller.email.replace("@", "\uff20")]
    assert [_client().post(path, json={"email": email}).status_code for email in spellings] == [202, 202, 429]
    client = _client()
    per_ip = [client.post(path, json={"email": unique_email()}).status_code for _ in range(6)]
    assert per_ip == [202] * 5 + [429]


def test_limits_are_shared_by_every_process_through_redis(limits: pytest.MonkeyPatch, database_url: str) -> None:
    limits.setenv("RATE_LIMIT_SIGN_IN_IP", "3/minute")
    reload()
    ip = new_ip()
    for _ in range(3):
        _client(ip).post("/api/auth/login", json={"email": unique_email(), "password": WRONG})
    # A brand-new limiter (as in another web process) sees the same count.
    rate_limits._limiter.cache_clear()
    with pytest.raises(rate_limits.RateLimited):
        rate_limits.hit(rate_limits.Rule.sign_in_ip, ip)


# --- registration says nothing about the address -----------------------------------------


def test_registering_a_taken_address_answers_like_a_new_one_and_tells_the_owner(make_seller) -> None:  # type: ignore[no-untyped-def]
    owner = make_seller(display_name="Marie Fripes", language="fr")
    new = unique_email()
    answers = [
        _client().post(
            "/api/auth/register",
            json={"email": email, "password": "a different passphrase, quite long", "country": "BE"},
        )
        for email in (owner.email.upper(), new)
    ]
    taken, fresh = answers
    assert taken.status_code == fresh.status_code == 201
    assert taken.json() == {**fresh.json(), "email": owner.email}
    with db_session() as db:
        assert len(db.exec(select(User).where(User.email == owner.email)).all()) == 1
        mails = db.exec(select(OutboxMessage).where(col(OutboxMessage.to_address).in_([owner.email, new]))).all()
    by_address = {mail.to_address: mail for mail in mails}
    assert by_address[new].template == "verify_email"
    notice = by_address[owner.email]
    assert (notice.template, notice.language) == ("account_exists", "fr")
    assert "Vous avez déjà un compte" in notice.body_text and "/forgot-password" in notice.body_text
    assert "Marie Fripes" in notice.body_text  # a verified owner is greeted by name


def test_the_notice_to_an_unverified_address_does_not_greet_by_the_name_someone_typed(make_seller) -> None:  # type: ignore[no-untyped-def]
    """Someone registered this address (with a name of their choice) without owning the mailbox."""
    squatted = make_seller(display_name="Jean Arnaqueur", verified=False)
    _client().post(
        "/api/auth/register",
        json={"email": squatted.email, "password": "a different passphrase, quite long", "country": "FR"},
    )
    with db_session() as db:
        notice = db.exec(
            select(OutboxMessage).where(
                OutboxMessage.to_address == squatted.email, OutboxMessage.template == "account_exists"
            )
        ).one()
    assert "Jean Arnaqueur" not in notice.body_text and "Jean Arnaqueur" not in notice.body_html
