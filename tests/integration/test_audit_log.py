"""Security events land in the audit log, and only staff can read it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from stoflow.accounts import self_service
from stoflow.accounts import service as accounts
from stoflow.accounts.permissions import PermissionDenied
from stoflow.api import create_api
from stoflow.audit.service import PAGE_SIZE, AuditAction, RequestContext, record, search
from stoflow.db.engine import db_session
from stoflow.models import AuditEvent, OutboxMessage, User
from tests.conftest import STRONG_PASSWORD, unique_email


@pytest.fixture
def client(database_url: str, redis_url: str) -> TestClient:
    return TestClient(create_api(), base_url="http://localhost:3000", headers={"User-Agent": "pytest-browser"})


def _events(email: str) -> list[AuditEvent]:
    with db_session() as db:
        query = select(AuditEvent).where((AuditEvent.target_email == email) | (AuditEvent.actor_email == email))
        return list(db.exec(query.order_by(AuditEvent.id)))


def test_register_verify_sign_in_and_out_are_logged_with_where_from(client: TestClient) -> None:
    email = unique_email()
    client.post("/api/auth/register", json={"email": email, "password": STRONG_PASSWORD, "country": "FR"})
    with db_session() as db:
        body = db.exec(select(OutboxMessage.body_text).where(OutboxMessage.to_address == email)).one()
        token = re.search(r"token=([\w-]+)", body).group(1)  # type: ignore[union-attr]
        self_service.verify_email(db, token, context=RequestContext(ip="203.0.113.1", user_agent="pytest-browser"))
    client.post("/api/auth/login", json={"email": email, "password": STRONG_PASSWORD})
    client.post("/api/auth/logout")
    client.post("/api/auth/login", json={"email": email, "password": STRONG_PASSWORD})
    events = _events(email)
    assert [event.action for event in events] == [
        "account.registered",
        "account.email_verified",
        "auth.sign_in",
        "auth.sign_out",
        "auth.sign_in",
    ]
    assert all(event.user_agent == "pytest-browser" and event.ip for event in events)
    assert events[0].actor_user_id == events[0].target_user_id is not None


def test_failed_sign_ins_are_logged_even_for_unknown_accounts(client: TestClient) -> None:
    known, unknown = unique_email(), unique_email("nobody")
    client.post("/api/auth/register", json={"email": known, "password": STRONG_PASSWORD, "country": "FR"})
    client.post("/api/auth/login", json={"email": known.upper(), "password": "wrong password!!"})
    client.post("/api/auth/login", json={"email": unknown, "password": "wrong password!!"})
    failed_known = [e for e in _events(known) if e.action == "auth.sign_in_failed"]
    failed_unknown = _events(unknown)
    assert len(failed_known) == 1 and failed_known[0].after == {"reason": "invalid_credentials"}
    assert [e.action for e in failed_unknown] == ["auth.sign_in_failed"]
    assert failed_unknown[0].actor_user_id is None


def test_language_change_keeps_before_and_after(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller(language="en")
    with db_session() as db:
        accounts.set_language(db, user_id=seller.id, language="fr", context=RequestContext(ip="198.51.100.7"))
        accounts.set_language(db, user_id=seller.id, language="fr")  # no change, no event
    changes = [e for e in _events(seller.email) if e.action == "account.language_changed"]
    assert len(changes) == 1
    assert (changes[0].before, changes[0].after, changes[0].ip) == (
        {"language": "en"},
        {"language": "fr"},
        "198.51.100.7",
    )


def test_only_staff_may_read_the_log(make_seller) -> None:  # type: ignore[no-untyped-def]
    seller = make_seller()
    with db_session() as db:
        with pytest.raises(PermissionDenied):
            search(db, reader=seller)
        support = User(email=unique_email("support"), password_hash="x", role="support")
        db.add(support)
        db.flush()
        assert search(db, reader=support).total >= 1


def test_search_filters_and_pages_newest_first(database_url: str) -> None:
    email = unique_email("paged")
    with db_session() as db:
        for number in range(PAGE_SIZE + 5):
            record(db, AuditAction.sign_in_failed, target_email=email, after={"n": number})
        record(db, AuditAction.signed_in, target_email=email)
    admin = accounts.Identity(user_id=1, session_id="s", email="a@b.c", display_name="A", role="admin", language="en")
    with db_session() as db:
        first = search(db, reader=admin, email=email.upper(), action="auth.sign_in_failed")
        second = search(db, reader=admin, email=email, action="auth.sign_in_failed", page=2)
        beyond = search(db, reader=admin, email=email, action="auth.sign_in_failed", page=99)
    assert (first.total, first.pages, len(first.events)) == (PAGE_SIZE + 5, 2, PAGE_SIZE)
    assert first.events[0].after == {"n": PAGE_SIZE + 4}, "newest first"
    assert [event.after for event in second.events] == [{"n": n} for n in range(4, -1, -1)]
    assert beyond.page == 2
