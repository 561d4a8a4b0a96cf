"""What each seller's AI calls cost, and the monthly allowance they are counted against.

Every AI call that spent tokens is a row of `public.ai_usage` (model, tokens, cost in euros,
outcome). A seller may run `ai_monthly_credits` counted calls per calendar month (UTC): a
plain allowance for now; the billing issue will tie it to plans.

What counts: every successful call, and a failed one that still spent tokens (a blocked or
unusable answer is billed by Google). A call that failed before any token was spent (AI not
configured, network down, quota, refused key) costs nothing and is not recorded.

The rows belong to the seller's account (`ON DELETE CASCADE`): GDPR deletion removes them
with the user; the export should list them too (stoflow.accounts.gdpr does not yet).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Literal, cast

from sqlalchemy import func
from sqlmodel import Session, col, select

from stoflow.ai.gemini import AiError, AiErrorCode, Usage
from stoflow.config import get_settings
from stoflow.models.base import utcnow
from stoflow.models.public import AiUsage

log = logging.getLogger(__name__)

Feature = Literal["fill_from_photos", "write_listing"]
FEATURES: tuple[Feature, ...] = ("fill_from_photos", "write_listing")
CREDITS_EXHAUSTED = "ai_credits_exhausted"


def month_start(now: datetime) -> datetime:
    """The first instant of `now`'s calendar month, in UTC."""
    now = now.astimezone(UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def calls_this_month(db: Session, user_id: int, *, now: datetime | None = None) -> int:
    """How many counted AI calls the seller made since the start of this calendar month."""
    now = now or utcnow()
    statement = (
        select(func.count())
        .select_from(AiUsage)
        .where(col(AiUsage.user_id) == user_id, col(AiUsage.at) >= month_start(now), col(AiUsage.at) <= now)
    )
    return int(db.exec(statement).one())


def credits_left(db: Session, user_id: int, *, now: datetime | None = None) -> int:
    """The seller's AI calls left this month: the monthly allowance minus the calls counted so far."""
    return max(0, get_settings().ai_monthly_credits - calls_this_month(db, user_id, now=now))


def require_credit(db: Session, user_id: int, *, now: datetime | None = None) -> int:
    """The credits left, or AiError("ai_credits_exhausted") when none is."""
    left = credits_left(db, user_id, now=now)
    if left <= 0:
        raise AiError(cast(AiErrorCode, CREDITS_EXHAUSTED), f"user {user_id} has no AI credit left this month")
    return left


def is_charged(usage: Usage | None, outcome: str) -> bool:
    """Whether a call counts: it succeeded, or it failed after spending tokens."""
    if usage is None:
        return False
    return outcome == "ok" or usage.input_tokens + usage.output_tokens > 0


def charge(db: Session, user_id: int, feature: Feature, usage: Usage | None, outcome: str = "ok") -> AiUsage | None:
    """Record one AI call of the seller if it counts (see `is_charged`); the row, or None."""
    if feature not in FEATURES:
        raise ValueError(f"unknown AI feature {feature!r}")
    if usage is None or not is_charged(usage, outcome):
        return None
    row = AiUsage(
        user_id=user_id,
        feature=feature,
        model=usage.model[:64],
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cost_eur=usage.cost_eur,
        outcome=outcome[:32],
    )
    db.add(row)
    db.flush()
    log.info(
        "AI call charged: user %s, %s, %s, %d in / %d out tokens, %s EUR, %s",
        user_id,
        feature,
        usage.model,
        usage.input_tokens,
        usage.output_tokens,
        usage.cost_eur,
        outcome,
    )
    return row
