"""What each seller's AI calls cost, and the monthly allowance they are counted against.

Every AI call that spent tokens is a row of `public.ai_usage` (model, tokens, cost in euros,
outcome). A seller may run `ai_monthly_credits` counted calls per calendar month (UTC): a
plain allowance for now; the billing issue will tie it to plans.

What counts: every successful call, and a failed one that still spent tokens (a blocked or
unusable answer is billed by Google). A call that failed before any token was spent (AI not
configured, network down, quota, refused key) costs nothing and is not recorded.

A credit is reserved before the call and settled after it, like a card payment: checking the
allowance before a call of several seconds and writing the row after it would let two calls
made at once both take the seller's last credit. `reserved_credit()` does it all:

- reserve: in one short transaction, under a lock on the seller (`pg_advisory_xact_lock`, so
  the seller's reservations take turns and each sees the ones before it), count the credits
  used, refuse with AiError("ai_credits_exhausted") when none is left, else write a `pending`
  row and commit, which ends the lock. The call itself runs outside any transaction.
- settle: the pending row becomes the call's record (model, tokens, cost, outcome) when the
  call counts, and is deleted when it does not: a call that spent nothing gives its credit back.

A pending row holds its credit for RESERVATION_WINDOW (10 minutes, far longer than a call: at
most 3 attempts of 60 s). One older than that was left by a process that died mid-call: it no
longer counts, and the seller's next reservation deletes it.

The rows belong to the seller's account (`ON DELETE CASCADE`): GDPR deletion removes them
with the user, and the export lists them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, cast

from sqlalchemy import ColumnElement, and_, delete, func, or_
from sqlmodel import Session, col, select

from stoflow.ai.gemini import AiError, AiErrorCode, Usage
from stoflow.config import get_settings
from stoflow.db.engine import db_session
from stoflow.models.base import utcnow
from stoflow.models.public import AiUsage

log = logging.getLogger(__name__)

Feature = Literal["fill_from_photos", "write_listing"]
FEATURES: tuple[Feature, ...] = ("fill_from_photos", "write_listing")
CREDITS_EXHAUSTED = "ai_credits_exhausted"
PENDING = "pending"  # the outcome of a reserved credit whose call has not ended yet
RESERVATION_WINDOW = timedelta(minutes=10)
# First key of pg_advisory_xact_lock(CREDITS_LOCK, user_id), taken by every reservation.
CREDITS_LOCK = 0x5707_00A1


def month_start(now: datetime) -> datetime:
    """The first instant of `now`'s calendar month, in UTC."""
    now = now.astimezone(UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _holding_a_credit(user_id: int, now: datetime) -> ColumnElement[bool]:
    """The seller's rows of this month that use a credit: counted calls, and live reservations.

    No upper bound on `at`: a row written by a server whose clock runs ahead still counts.
    """
    return and_(
        col(AiUsage.user_id) == user_id,
        col(AiUsage.at) >= month_start(now),
        or_(col(AiUsage.outcome) != PENDING, col(AiUsage.at) > now - RESERVATION_WINDOW),
    )


def calls_this_month(db: Session, user_id: int, *, now: datetime | None = None) -> int:
    """How many credits the seller used this calendar month: counted calls and calls in flight."""
    now = now or utcnow()
    statement = select(func.count()).select_from(AiUsage).where(_holding_a_credit(user_id, now))
    return int(db.exec(statement).one())


def credits_left(db: Session, user_id: int, *, now: datetime | None = None) -> int:
    """The seller's AI calls left this month: the monthly allowance minus the credits used so far."""
    return max(0, get_settings().ai_monthly_credits - calls_this_month(db, user_id, now=now))


def require_credit(db: Session, user_id: int, *, now: datetime | None = None) -> int:
    """The credits left, or AiError("ai_credits_exhausted") when none is.

    A check, not a hold: a call is made on a reserved credit (`reserved_credit`).
    """
    left = credits_left(db, user_id, now=now)
    if left <= 0:
        raise AiError(cast(AiErrorCode, CREDITS_EXHAUSTED), f"user {user_id} has no AI credit left this month")
    return left


def is_charged(usage: Usage | None, outcome: str) -> bool:
    """Whether a call counts: it succeeded, or it failed after spending tokens."""
    if usage is None:
        return False
    return outcome == "ok" or usage.input_tokens + usage.output_tokens > 0


def _check(feature: str) -> None:
    if feature not in FEATURES:
        raise ValueError(f"unknown AI feature {feature!r}")


def reserve_credit(db: Session, user_id: int, feature: Feature, *, now: datetime | None = None) -> int:
    """Hold one of the seller's credits for a call about to be made; the reservation's id.

    Reservations of one seller take turns: the lock lasts until `db`'s transaction ends, so
    commit at once (`reserved_credit` does), never after the call. Expects PostgreSQL's default
    READ COMMITTED isolation, so that the count sees the reservations committed before it.
    Raises AiError("ai_credits_exhausted") when no credit is left.
    """
    _check(feature)
    now = now or utcnow()
    db.exec(select(func.pg_advisory_xact_lock(CREDITS_LOCK, user_id)))
    db.exec(
        delete(AiUsage).where(  # type: ignore[call-overload]
            col(AiUsage.user_id) == user_id,
            col(AiUsage.outcome) == PENDING,
            col(AiUsage.at) <= now - RESERVATION_WINDOW,
        )
    )
    require_credit(db, user_id, now=now)
    row = AiUsage(user_id=user_id, feature=feature, model="", outcome=PENDING, at=now)
    db.add(row)
    db.flush()
    assert row.id is not None
    return row.id


def _record(row: AiUsage, usage: Usage, outcome: str) -> None:
    row.model = usage.model[:64]
    row.input_tokens = usage.input_tokens
    row.output_tokens = usage.output_tokens
    row.cost_eur = usage.cost_eur
    row.outcome = outcome[:32]
    log.info(
        "AI call charged: user %s, %s, %s, %d in / %d out tokens, %s EUR, %s",
        row.user_id,
        row.feature,
        usage.model,
        usage.input_tokens,
        usage.output_tokens,
        usage.cost_eur,
        outcome,
    )


def settle(db: Session, reservation_id: int, usage: Usage | None, outcome: str = "ok") -> AiUsage | None:
    """End a reservation with how its call went: the call's row if it counts (see `is_charged`).

    A call that does not count gives its credit back: the reservation is deleted, and None returned.
    """
    row = db.get(AiUsage, reservation_id)
    if row is None:
        log.warning(
            "AI credit reservation %s was gone when settled (%s, %s): stale, or the account deleted",
            reservation_id,
            outcome,
            usage,
        )
        return None
    if row.outcome != PENDING:
        raise ValueError(f"AI credit reservation {reservation_id} is already settled")
    if usage is None or not is_charged(usage, outcome):
        db.delete(row)
        db.flush()
        return None
    _record(row, usage, outcome)
    db.add(row)
    db.flush()
    return row


@dataclass
class Reservation:
    """A credit held for one call; the block tells what the call spent with `spent()`."""

    id: int
    usage: Usage | None = None
    outcome: str = "ok"

    def spent(self, usage: Usage | None, outcome: str = "ok") -> None:
        self.usage, self.outcome = usage, outcome


@contextmanager
def reserved_credit(user_id: int, feature: Feature) -> Iterator[Reservation]:
    """Make the AI call of the block on a credit reserved for it, and settle it on the way out.

    Raises AiError("ai_credits_exhausted"), before the block runs, when no credit is left. The
    block reports the call with `reservation.spent(usage)`; an AiError leaving the block before
    that reports its own usage and code. Whatever happens, the credit is then charged if the
    call counts, and given back if not (the block failed before the call, or nothing was spent).
    Reserving and settling are each their own short transaction.
    """
    with db_session() as db:
        reservation = Reservation(reserve_credit(db, user_id, feature))
    try:
        yield reservation
    except AiError as error:
        if reservation.usage is None:
            reservation.spent(error.usage, error.code)
        raise
    finally:
        with db_session() as db:
            settle(db, reservation.id, reservation.usage, reservation.outcome)
