"""Refresh-token families against the real database: rotation, reuse detection, revocation."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from stoflow.accounts import tokens
from stoflow.accounts.service import token_hash
from stoflow.accounts.tokens import TokenError, TokenPair
from stoflow.audit.service import RequestContext
from stoflow.db.engine import db_session
from stoflow.models import AuditEvent, User, UserSession
from stoflow.models.base import utcnow
from stoflow.models.public import RetiredRefreshToken
from tests.integration.conftest import backend_pid, wait_until_blocked_by

TTL = timedelta(days=14)


def open_family(user_id: int, **options: Any) -> TokenPair:
    with db_session() as db:
        user = db.get(User, user_id)
        assert user is not None
        return tokens.open_family(db, user=user, ttl=options.pop("ttl", TTL), **options)


def rotate(refresh: str, **options: Any) -> TokenPair:
    with db_session() as db:
        return tokens.rotate(db, refresh, **options)


def refusal(refresh: str, **options: Any) -> str:
    with pytest.raises(TokenError) as error:
        rotate(refresh, **options)
    return error.value.code


def family(pair: TokenPair) -> UserSession:
    with db_session() as db:
        row = db.get(UserSession, pair.session_id)
        assert row is not None
        return row


def is_live(pair: TokenPair) -> bool:
    with db_session() as db:
        return tokens.live_session(db, pair.session_id) is not None


def test_opening_a_family_stores_only_hashes(make_seller, db: Session) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    user = db.get(User, seller.id)
    assert user is not None
    pair = tokens.open_family(db, user=user, ttl=TTL, ip="203.0.113.9", user_agent="Firefox")
    db.commit()
    row = db.get(UserSession, pair.session_id)
    assert row is not None and row.user_id == seller.id
    assert row.token_hash == token_hash(pair.refresh)
    assert row.ip == "203.0.113.9" and row.user_agent == "Firefox"
    assert pair.refresh_expires_at == row.expires_at
    assert user.last_login_at == row.created_at
    stored = db.execute(
        text("SELECT s::text FROM public.user_sessions s WHERE id = :id"), {"id": pair.session_id}
    ).scalar_one()
    for secret in (pair.refresh, pair.access, *pair.refresh.split("."), *pair.access.split(".")):
        assert secret not in stored
    claims = tokens.verify_access(pair.access)
    assert claims.user_id == seller.id and claims.session_id == pair.session_id


def test_rotation_gives_a_new_pair_of_the_same_family(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    first = open_family(seller.id)
    second = rotate(first.refresh)
    assert second.session_id == first.session_id
    assert second.refresh_expires_at == first.refresh_expires_at
    assert second.refresh != first.refresh and second.access != first.access
    assert family(first).token_hash == token_hash(second.refresh)
    with db_session() as db:
        assert db.get(RetiredRefreshToken, token_hash(first.refresh)) is not None
    third = rotate(second.refresh)
    assert tokens.verify_access(third.access).session_id == first.session_id


def test_a_replayed_refresh_token_revokes_the_family_and_is_audited_despite_a_rollback(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    stolen = open_family(seller.id)
    legitimate = rotate(stolen.refresh)
    with pytest.raises(TokenError) as error, db_session() as db:  # db_session rolls back on the error
        tokens.rotate(db, stolen.refresh, context=RequestContext(ip="198.51.100.7", user_agent="curl"))
    assert error.value.code == "token_reused"
    assert family(stolen).revoked_at is not None
    assert refusal(legitimate.refresh) == "session_revoked"
    assert not is_live(legitimate)
    with db_session() as db:
        events = db.exec(
            select(AuditEvent).where(
                AuditEvent.action == "auth.refresh_token_reused", AuditEvent.target_user_id == seller.id
            )
        ).all()
    assert len(events) == 1
    assert events[0].ip == "198.51.100.7" and events[0].target_email == seller.email
    assert events[0].after == {"session_id": str(stolen.session_id), "family_was_live": True}
    # Replaying it again is still recognised as reuse.
    assert refusal(stolen.refresh) == "token_reused"


def test_a_revoked_familys_access_token_is_well_signed_but_not_live(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    pair = open_family(seller.id)
    with db_session() as db:
        live = tokens.live_session(db, pair.session_id)
        assert live is not None and live[1].id == seller.id
        assert tokens.revoke_family(db, pair.session_id) is True
        assert tokens.revoke_family(db, pair.session_id) is False
    assert tokens.verify_access(pair.access).session_id == pair.session_id
    assert not is_live(pair)
    assert refusal(pair.refresh) == "session_revoked"


def test_rotating_one_family_leaves_the_others_alone(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller, other_seller = make_seller(), make_seller()
    mine, my_other_device, theirs = open_family(seller.id), open_family(seller.id), open_family(other_seller.id)
    untouched = {pair.session_id: family(pair).token_hash for pair in (my_other_device, theirs)}
    rotate(mine.refresh)
    assert refusal(mine.refresh) == "token_reused"
    assert not is_live(mine)
    for pair in (my_other_device, theirs):
        assert family(pair).token_hash == untouched[pair.session_id]
        assert family(pair).revoked_at is None
        assert rotate(pair.refresh).session_id == pair.session_id


def test_a_token_unknown_to_its_family_is_invalid(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    pair = open_family(seller.id)
    with db_session() as db:
        row = db.get(UserSession, pair.session_id)
        assert row is not None
        # Well signed for this family, but never stored (e.g. its sign-in was rolled back).
        unknown = tokens._sign(
            token_type="refresh", user_id=seller.id, session_id=row.id, issued=utcnow(), expires=row.expires_at
        )
    assert refusal(unknown) == "token_invalid"
    assert family(pair).revoked_at is None


def test_session_of_refresh_finds_the_family_of_the_current_or_previous_token(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    first = open_family(seller.id)
    second = rotate(first.refresh)
    with db_session() as db:
        for token in (first.refresh, second.refresh):
            found = tokens.session_of_refresh(db, token)
            assert found is not None and found.id == first.session_id
        assert tokens.session_of_refresh(db, second.access) is None
        assert tokens.session_of_refresh(db, "not.a.token") is None
    # Not rotated by looking it up.
    assert rotate(second.refresh).session_id == first.session_id
    with db_session() as db:
        assert tokens.session_of_refresh(db, first.refresh) is None  # two generations old
    with db_session() as db:
        tokens.revoke_family(db, first.session_id)
    with db_session() as db:
        assert tokens.session_of_refresh(db, second.refresh) is None


def test_an_expired_family_is_refused(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    pair = open_family(seller.id, ttl=timedelta(hours=1))
    assert refusal(pair.refresh, now=utcnow() + timedelta(hours=2)) == "token_expired"
    with db_session() as db:
        row = db.get(UserSession, pair.session_id)
        assert row is not None
        row.expires_at = utcnow() - timedelta(minutes=1)  # cut short after the token was issued
        db.add(row)
    assert refusal(pair.refresh) == "session_revoked"
    assert not is_live(pair)
    with db_session() as db:
        assert tokens.session_of_refresh(db, pair.refresh) is None


def test_a_deactivated_users_families_are_refused(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    pair = open_family(seller.id)
    with db_session() as db:
        user = db.get(User, seller.id)
        assert user is not None
        user.is_active = False
        db.add(user)
    assert refusal(pair.refresh) == "session_revoked"
    assert not is_live(pair)
    with db_session() as db:
        assert tokens.session_of_refresh(db, pair.refresh) is None


def test_two_simultaneous_rotations_of_one_token_cannot_both_succeed(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    pair = open_family(seller.id)
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def exchange() -> None:
        start.wait()
        try:
            outcomes.append(rotate(pair.refresh))
        except Exception as error:  # the outcome is what is checked
            outcomes.append(error)

    threads = [threading.Thread(target=exchange) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 2
    winners = [outcome for outcome in outcomes if isinstance(outcome, TokenPair)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, TokenError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert losers[0].code == "token_reused"


def test_a_rotation_waits_for_a_concurrent_one_on_the_same_family(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    pair = open_family(seller.id)
    outcomes: list[object] = []

    def exchange() -> None:
        try:
            outcomes.append(rotate(pair.refresh))
        except Exception as error:  # the outcome is what is checked
            outcomes.append(error)

    with db_session() as first:
        winner = tokens.rotate(first, pair.refresh)
        second = threading.Thread(target=exchange)
        second.start()
        blocked = wait_until_blocked_by(backend_pid(first), unless=lambda: bool(outcomes))
        assert blocked and not outcomes, "the second rotation must wait for the family's lock"
    second.join(timeout=60)
    assert len(outcomes) == 1 and isinstance(outcomes[0], TokenError) and outcomes[0].code == "token_reused"
    assert family(winner).revoked_at is not None
