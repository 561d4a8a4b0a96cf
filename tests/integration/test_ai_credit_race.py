"""AI credits are reserved before the call and settled after it: two calls made at once by a
seller with one credit left get one credit between them, a call that spent nothing gives its
credit back, and a reservation left pending by a dead process stops counting."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import col, select

from stoflow.ai.gemini import AiError, Usage
from stoflow.ai.usage import (
    PENDING,
    RESERVATION_WINDOW,
    credits_left,
    reserve_credit,
    reserved_credit,
    settle,
)
from stoflow.config import get_settings
from stoflow.db.engine import db_session
from stoflow.models import AiUsage
from stoflow.pages.product_ai import _Draft, _fill
from tests.integration.conftest import backend_pid, wait_until_blocked_by
from tests.integration.gemini_sim import running_simulator

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
SPENT = Usage("gemini-2.5-flash", input_tokens=1200, output_tokens=300, cost_eur=Decimal("0.000954"))
NOTHING_SPENT = Usage("gemini-2.5-flash", 0, 0, Decimal(0))


@pytest.fixture
def three_credits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AI_MONTHLY_CREDITS", "3")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _rows(user_id: int) -> list[AiUsage]:
    with db_session() as db:
        return list(db.exec(select(AiUsage).where(AiUsage.user_id == user_id).order_by(col(AiUsage.id))).all())


def _one_credit_left(user_id: int) -> None:
    with db_session() as db:
        for _ in range(2):
            settle(db, reserve_credit(db, user_id, "write_listing"), SPENT)
        assert credits_left(db, user_id) == 1


def _left(user_id: int, now: datetime | None = None) -> int:
    with db_session() as db:
        return credits_left(db, user_id, now=now)


def test_two_calls_at_once_with_one_credit_left_get_one_credit_between_them(  # type: ignore[no-untyped-def]
    make_seller, three_credits: None
) -> None:
    seller = make_seller()
    _one_credit_left(seller.id)
    both_ready = threading.Barrier(2)
    results: list[object] = []

    def reserve() -> None:
        try:
            with db_session() as db:
                both_ready.wait(timeout=60)
                results.append(reserve_credit(db, seller.id, "write_listing"))
                if len(results) == 1:
                    # Commit only once the other call waits for our lock, or has counted without
                    # waiting (what it would do without the lock: then both would pass).
                    wait_until_blocked_by(backend_pid(db), unless=lambda: len(results) == 2)
        except AiError as error:
            results.append(error.code)

    threads = [threading.Thread(target=reserve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(results) == 2
    reserved = [result for result in results if isinstance(result, int)]
    assert len(reserved) == 1
    assert [result for result in results if not isinstance(result, int)] == ["ai_credits_exhausted"]
    assert [row.outcome for row in _rows(seller.id)] == ["ok", "ok", PENDING]
    assert _left(seller.id) == 0


def test_a_reservation_holds_a_credit_until_settled_and_a_charged_one_keeps_it(  # type: ignore[no-untyped-def]
    make_seller, three_credits: None
) -> None:
    seller = make_seller()
    with db_session() as db:
        reservation = reserve_credit(db, seller.id, "fill_from_photos")
    assert _left(seller.id) == 2
    with db_session() as db:
        row = settle(db, reservation, SPENT, "ai_blocked")
    assert row is not None and row.id == reservation
    assert _left(seller.id) == 2
    [settled] = _rows(seller.id)
    assert (settled.feature, settled.model, settled.input_tokens, settled.cost_eur, settled.outcome) == (
        "fill_from_photos",
        "gemini-2.5-flash",
        1200,
        Decimal("0.000954"),
        "ai_blocked",
    )
    with pytest.raises(ValueError), db_session() as db:
        settle(db, reservation, SPENT, "ok")


@pytest.mark.parametrize(("usage", "outcome"), [(None, "ai_unreachable"), (NOTHING_SPENT, "ai_blocked")])
def test_a_reservation_settled_uncharged_gives_the_credit_back(  # type: ignore[no-untyped-def]
    make_seller, three_credits: None, usage: Usage | None, outcome: str
) -> None:
    seller = make_seller()
    _one_credit_left(seller.id)
    with db_session() as db:
        reservation = reserve_credit(db, seller.id, "write_listing")
    assert _left(seller.id) == 0
    with pytest.raises(AiError) as refused, db_session() as db:
        reserve_credit(db, seller.id, "write_listing")
    assert refused.value.code == "ai_credits_exhausted"

    with db_session() as db:
        assert settle(db, reservation, usage, outcome) is None

    assert _left(seller.id) == 1
    assert [row.outcome for row in _rows(seller.id)] == ["ok", "ok"]


def test_a_stale_pending_reservation_no_longer_counts(make_seller, three_credits: None) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    with db_session() as db:
        reserve_credit(db, seller.id, "write_listing", now=NOW - RESERVATION_WINDOW - timedelta(seconds=1))
        reserve_credit(db, seller.id, "write_listing", now=NOW - RESERVATION_WINDOW + timedelta(seconds=1))
    assert _left(seller.id, NOW) == 2  # the older one was left by a dead process: it no longer counts
    assert _left(seller.id, NOW + timedelta(seconds=1)) == 3

    with db_session() as db:
        reserve_credit(db, seller.id, "fill_from_photos", now=NOW)
    rows = _rows(seller.id)  # the next reservation deleted the stale one
    assert [(row.feature, row.at) for row in rows] == [
        ("write_listing", NOW - RESERVATION_WINDOW + timedelta(seconds=1)),
        ("fill_from_photos", NOW),
    ]
    assert _left(seller.id, NOW) == 1


def test_a_reserved_credit_is_settled_whatever_the_block_does(make_seller, three_credits: None) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    with reserved_credit(seller.id, "write_listing") as credit:
        assert _left(seller.id) == 2
        credit.spent(SPENT)
    with pytest.raises(AiError), reserved_credit(seller.id, "write_listing"):
        raise AiError("ai_blocked", "blocked after spending tokens", usage=SPENT)
    with pytest.raises(AiError), reserved_credit(seller.id, "write_listing"):
        raise AiError("ai_unreachable", "nothing spent")
    with pytest.raises(RuntimeError), reserved_credit(seller.id, "write_listing"):
        raise RuntimeError("the process failed before the call")
    with reserved_credit(seller.id, "write_listing"):
        pass  # no call made

    assert [(row.outcome, row.input_tokens) for row in _rows(seller.id)] == [("ok", 1200), ("ai_blocked", 1200)]
    assert _left(seller.id) == 1
    with reserved_credit(seller.id, "fill_from_photos") as credit:
        credit.spent(SPENT)
    with pytest.raises(AiError) as refused, reserved_credit(seller.id, "write_listing"):
        pytest.fail("the block runs only on a reserved credit")
    assert refused.value.code == "ai_credits_exhausted"
    assert len(_rows(seller.id)) == 3


def test_filling_a_product_without_photos_gives_the_credit_back(  # type: ignore[no-untyped-def]
    make_seller, monkeypatch: pytest.MonkeyPatch
) -> None:
    seller = make_seller()
    draft = _Draft(category="", title="Jeans", description="", form={}, fields=[], field_options={})
    with running_simulator() as sim:
        monkeypatch.setenv("GOOGLE_API_KEY", sim.api_key)
        monkeypatch.setenv("GEMINI_BASE_URL", sim.base_url)
        get_settings.cache_clear()
        try:
            with pytest.raises(AiError) as no_photos:
                _fill(seller.id, 0, "en", draft)
        finally:
            get_settings.cache_clear()

    assert no_photos.value.code == "ai_no_photos"
    assert _rows(seller.id) == []
