"""AI usage: each charged call is a row of public.ai_usage, counted against the seller's
monthly AI credits; calls that spent no token cost nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session, col, select

from stoflow.accounts import gdpr
from stoflow.ai.gemini import AiError, Usage
from stoflow.ai.usage import Feature, credits_left, month_start, require_credit, reserve_credit, settle
from stoflow.config import get_settings
from stoflow.db.engine import db_session
from stoflow.models import AiUsage
from stoflow.pages.product_ai import _Draft, _write
from tests.conftest import STRONG_PASSWORD
from tests.integration.gemini_sim import running_simulator

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
SPENT = Usage("gemini-2.5-flash", input_tokens=1200, output_tokens=300, cost_eur=Decimal("0.000954"))


@pytest.fixture
def three_credits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AI_MONTHLY_CREDITS", "3")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _rows(user_id: int) -> list[AiUsage]:
    with db_session() as db:
        return list(db.exec(select(AiUsage).where(AiUsage.user_id == user_id).order_by(col(AiUsage.id))).all())


def charge(db: Session, user_id: int, feature: Feature, usage: Usage | None, outcome: str = "ok") -> AiUsage | None:
    """One AI call of the seller, as the app records it: a reserved credit, then settled."""
    return settle(db, reserve_credit(db, user_id, feature), usage, outcome)


def _charge_at(user_id: int, at: datetime, outcome: str = "ok") -> None:
    with db_session() as db:
        row = charge(db, user_id, "write_listing", SPENT, outcome)
        assert row is not None
        row.at = at
        db.add(row)


def test_credits_count_this_calendar_month_only(make_seller, three_credits: None) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    _charge_at(seller.id, datetime(2026, 10, 31, 23, 59, tzinfo=UTC))  # last month: not counted
    _charge_at(seller.id, datetime(2026, 11, 1, 0, 0, tzinfo=UTC))
    _charge_at(seller.id, datetime(2026, 11, 19, 8, 0, tzinfo=UTC))

    with db_session() as db:
        assert credits_left(db, seller.id, now=NOW) == 1
        assert require_credit(db, seller.id, now=NOW) == 1
        assert credits_left(db, seller.id, now=datetime(2026, 12, 1, 0, 0, tzinfo=UTC)) == 3  # a new month
    assert month_start(NOW) == datetime(2026, 11, 1, tzinfo=UTC)


def test_an_exhausted_allowance_refuses_the_next_call(make_seller, three_credits: None) -> None:  # type: ignore[no-untyped-def]
    seller, other = make_seller(), make_seller()
    for day in (2, 3, 4):
        _charge_at(seller.id, datetime(2026, 11, day, tzinfo=UTC))

    with db_session() as db, pytest.raises(AiError) as refused:
        require_credit(db, seller.id, now=NOW)
    assert refused.value.code == "ai_credits_exhausted"
    with db_session() as db:
        assert credits_left(db, seller.id, now=NOW) == 0
        assert credits_left(db, other.id, now=NOW) == 3  # per seller


def test_failed_calls_that_spent_no_token_are_not_charged(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    nothing_spent = Usage("gemini-2.5-flash", 0, 0, Decimal(0))
    with db_session() as db:
        assert charge(db, seller.id, "fill_from_photos", None, "ai_unreachable") is None
        assert charge(db, seller.id, "fill_from_photos", None, "ai_quota_exhausted") is None
        assert charge(db, seller.id, "write_listing", nothing_spent, "ai_blocked") is None
        left = credits_left(db, seller.id)
    assert _rows(seller.id) == []
    assert left == get_settings().ai_monthly_credits


def test_a_blocked_call_that_spent_tokens_is_charged_with_its_cost(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    with db_session() as db:
        charge(db, seller.id, "fill_from_photos", SPENT, "ai_blocked")
        charge(db, seller.id, "write_listing", SPENT, "ok")
        left = credits_left(db, seller.id)

    rows = _rows(seller.id)
    assert [(r.feature, r.model, r.input_tokens, r.output_tokens, r.cost_eur, r.outcome) for r in rows] == [
        ("fill_from_photos", "gemini-2.5-flash", 1200, 300, Decimal("0.000954"), "ai_blocked"),
        ("write_listing", "gemini-2.5-flash", 1200, 300, Decimal("0.000954"), "ok"),
    ]
    assert left == get_settings().ai_monthly_credits - 2


def _draft(title: str) -> _Draft:
    return _Draft(category="", title=title, description="", form={"brand": "Levi's"}, fields=[], field_options={})


def test_writing_with_the_simulator_charges_answers_and_blocks_but_not_quota_errors(
    make_seller, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    with running_simulator() as sim:
        monkeypatch.setenv("GOOGLE_API_KEY", sim.api_key)
        monkeypatch.setenv("GEMINI_BASE_URL", sim.base_url)
        get_settings.cache_clear()
        try:
            answer = _write(seller.id, "en", "ebay", _draft("Jeans"), ["Straight cut"])
            with pytest.raises(AiError) as blocked:
                _write(seller.id, "en", "ebay", _draft("Jeans SIM_BLOCK"), [])
            with pytest.raises(AiError) as quota:
                _write(seller.id, "en", "ebay", _draft("Jeans SIM_QUOTA"), [])
        finally:
            get_settings.cache_clear()

    assert len(answer.changes["title"]["title"]) <= 80
    assert (blocked.value.code, quota.value.code) == ("ai_blocked", "ai_quota_exhausted")
    rows = _rows(seller.id)
    assert [(row.feature, row.outcome) for row in rows] == [("write_listing", "ok"), ("write_listing", "ai_blocked")]
    assert all(row.input_tokens > 0 and row.cost_eur > 0 for row in rows)


def test_the_usage_log_goes_with_the_deleted_account(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller, other = make_seller(), make_seller()
    with db_session() as db:
        charge(db, seller.id, "write_listing", SPENT)
        charge(db, other.id, "write_listing", SPENT)

    with db_session() as db:
        gdpr.delete_account(db, user_id=seller.id, password=STRONG_PASSWORD)

    assert _rows(seller.id) == []
    assert len(_rows(other.id)) == 1
