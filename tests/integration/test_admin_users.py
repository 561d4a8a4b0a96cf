"""Staff manage accounts: admins change them (audited), support only looks, sellers are refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from stoflow.accounts import service as accounts
from stoflow.accounts import tokens
from stoflow.accounts.permissions import PermissionDenied
from stoflow.accounts.service import Identity
from stoflow.accounts.web_session import identity_from_access
from stoflow.admin import users as admin_users
from stoflow.admin.users import PAGE_SIZE, UserAdminError, list_users
from stoflow.audit.service import AuditAction, RequestContext
from stoflow.db.engine import db_session, get_engine
from stoflow.models import AuditEvent, User
from stoflow.models.base import utcnow
from stoflow.security import throttle
from stoflow.security.throttle import Throttle
from tests.conftest import STRONG_PASSWORD, unique_email

CONTEXT = RequestContext(ip="203.0.113.9", user_agent="pytest-staff")
MakeSeller = Callable[..., User]


def identity_of(user: User) -> Identity:
    assert user.id is not None
    return Identity(
        user_id=user.id,
        session_id="test",
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        language=user.language,
    )


@pytest.fixture
def admin(database_url: str) -> Identity:
    with db_session() as db:
        user, _ = accounts.ensure_admin(db, email=unique_email("admin"), password=None)
    return identity_of(user)


@pytest.fixture
def support(make_seller: MakeSeller) -> Identity:
    user = make_seller(email=unique_email("support"))
    with db_session() as db:
        db.exec(update(User).where(col(User.id) == user.id).values(role="support"))
    return identity_of(db_session_get(user.id))


def db_session_get(user_id: int | None) -> User:
    with db_session() as db:
        user = db.get(User, user_id)
        assert user is not None
        return user


def events_for(user_id: int | None, action: AuditAction | None = None) -> list[AuditEvent]:
    with db_session() as db:
        query = select(AuditEvent).where(AuditEvent.target_user_id == user_id)
        if action is not None:
            query = query.where(AuditEvent.action == action.value)
        return list(db.exec(query.order_by(col(AuditEvent.id))))


def unverified(user: User) -> User:
    """The same account with its e-mail address not (yet) verified."""
    with db_session() as db:
        db.exec(update(User).where(col(User.id) == user.id).values(email_verified_at=None))
    return db_session_get(user.id)


def signed_in(user: User) -> str:
    """A live access token for `user` (a new signed-in device)."""
    with db_session() as db:
        pair = tokens.open_family(db, user=db.get(User, user.id), ttl=timedelta(hours=1))  # type: ignore[arg-type]
    assert session_alive(pair.access)
    return pair.access


def session_alive(access: str) -> bool:
    with db_session() as db:
        return identity_from_access(db, access) is not None


# --- listing ---


def test_staff_search_by_email_or_name_and_wildcards_are_literal(
    make_seller: MakeSeller, admin: Identity, support: Identity
) -> None:
    marker = unique_email("x").split("@")[0].split("-")[1]
    by_email = make_seller(email=f"find-{marker}@example.com")
    by_name = make_seller(display_name=f"Boutique {marker}")
    with db_session() as db:
        for reader in (admin, support):
            page = list_users(db, reader, search=marker.upper())
            assert {user.id for user in page.rows} == {by_email.id, by_name.id}
            assert page.total == 2 and page.pages == 1
        # % and _ are characters to find, not wildcards
        assert list_users(db, admin, search="%").total == 0
        assert list_users(db, admin, search=f"{marker[:4]}_{marker[5:]}").total == 0


def test_filters_by_role_and_status(make_seller: MakeSeller, admin: Identity) -> None:
    fresh, locked, gone, verified = unverified(make_seller()), make_seller(), make_seller(), make_seller()
    with db_session() as db:
        db.exec(update(User).where(col(User.id) == locked.id).values(locked_until=utcnow() + timedelta(hours=1)))
        db.exec(update(User).where(col(User.id) == gone.id).values(is_active=False))
        db.exec(
            update(User).where(col(User.id).in_([locked.id, gone.id, verified.id])).values(email_verified_at=utcnow())
        )
    with db_session() as db:

        def ids(**filters: str) -> set[int | None]:
            return {user.id for user in list_users(db, admin, **filters).rows if user.id in mine}

        mine = {fresh.id, locked.id, gone.id, verified.id}
        assert ids(status="unverified") == {fresh.id}
        assert ids(status="locked") == {locked.id}
        assert ids(status="deactivated") == {gone.id}
        assert ids(status="active") == {fresh.id, verified.id}
        assert ids(role="user", status="active") == {fresh.id, verified.id}
        assert ids(role="support") == set()
        admins = list_users(db, admin, role="admin").rows
        assert admins and all(user.role == "admin" for user in admins)
        assert admin.user_id in {user.id for user in list_users(db, admin, role="admin", search=admin.email).rows}


def test_pages_of_twenty_five_newest_first(make_seller: MakeSeller, admin: Identity) -> None:
    marker = unique_email("p").split("@")[0].split("-")[1]
    made = [make_seller(display_name=f"Paged {marker} {n}") for n in range(PAGE_SIZE + 2)]
    with db_session() as db:
        first = list_users(db, admin, search=marker)
        second = list_users(db, admin, search=marker, page=2)
        beyond = list_users(db, admin, search=marker, page=99)
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (PAGE_SIZE + 2, 2, PAGE_SIZE, 2)
    assert first.rows[0].id == made[-1].id and second.rows[-1].id == made[0].id
    assert beyond.page == 2  # clamped to the last page


def test_sellers_cannot_list_users(make_seller: MakeSeller) -> None:
    seller = make_seller()
    with pytest.raises(PermissionDenied), db_session() as db:
        list_users(db, identity_of(seller))


# --- changes, audited ---


def test_verify_marks_the_address_and_records_before_and_after(make_seller: MakeSeller, admin: Identity) -> None:
    seller = unverified(make_seller())
    with db_session() as db:
        assert admin_users.verify_email(db, admin, seller.id, CONTEXT) is True
    with db_session() as db:
        assert admin_users.verify_email(db, admin, seller.id, CONTEXT) is False  # already: nothing recorded
    assert db_session_get(seller.id).email_verified_at is not None
    (event,) = events_for(seller.id, AuditAction.user_verified)
    assert (event.actor_user_id, event.actor_email, event.target_email) == (admin.user_id, admin.email, seller.email)
    assert event.before == {"email_verified_at": None} and event.after["email_verified_at"]
    assert (event.ip, event.user_agent) == ("203.0.113.9", "pytest-staff")


def test_lock_signs_the_user_out_and_unlock_lets_them_back(make_seller: MakeSeller, admin: Identity) -> None:
    seller = make_seller()
    token = signed_in(seller)
    with db_session() as db:
        assert admin_users.lock(db, admin, seller.id, CONTEXT) is True
    assert not session_alive(token)
    locked = db_session_get(seller.id)
    assert locked.locked_until is not None and locked.locked_until > utcnow() + timedelta(days=365 * 50)
    with pytest.raises(accounts.SignInRefused) as refused, db_session() as db:
        accounts.authenticate(db, email=seller.email, password=STRONG_PASSWORD)
    assert refused.value.code == "account_locked"

    with db_session() as db:
        assert admin_users.unlock(db, admin, seller.id, CONTEXT) is True
    unlocked = db_session_get(seller.id)
    assert (unlocked.locked_until, unlocked.failed_sign_ins) == (None, 0)
    with db_session() as db:
        accounts.authenticate(db, email=seller.email, password=STRONG_PASSWORD)

    (lock_event,) = events_for(seller.id, AuditAction.user_locked)
    assert lock_event.before == {"locked_until": None} and lock_event.after["sessions_revoked"] == 1
    assert datetime.fromisoformat(lock_event.after["locked_until"]) == locked.locked_until
    (unlock_event,) = events_for(seller.id, AuditAction.user_unlocked)
    assert datetime.fromisoformat(unlock_event.before["locked_until"]) == locked.locked_until
    assert unlock_event.before["failed_sign_ins"] == 0
    assert unlock_event.after == {"locked_until": None, "failed_sign_ins": 0, "wait_s": 0}


def test_unlock_lifts_the_waits_after_wrong_passwords(make_seller: MakeSeller, admin: Identity) -> None:
    """Strangers' wrong passwords made the address wait: support lets the seller back in at once."""
    seller = make_seller()
    rule = Throttle.sign_in_failures_email
    while throttle.fail(rule, seller.email)[1] == 0:
        pass
    assert throttle.wait_seconds(rule, seller.email) > 0
    with db_session() as db:
        assert admin_users.unlock(db, admin, seller.id) is True
        assert admin_users.unlock(db, admin, seller.id) is False  # nothing left to lift
    assert throttle.wait_seconds(rule, seller.email) == 0
    (event,) = events_for(seller.id, AuditAction.user_unlocked)
    assert event.before["wait_s"] > 0 and event.after["wait_s"] == 0


def test_role_change_is_recorded_and_the_same_role_records_nothing(make_seller: MakeSeller, admin: Identity) -> None:
    seller = make_seller()
    with db_session() as db:
        assert admin_users.set_role(db, admin, seller.id, "support", CONTEXT) is True
        assert admin_users.set_role(db, admin, seller.id, "support", CONTEXT) is False
    assert db_session_get(seller.id).role == "support"
    (event,) = events_for(seller.id, AuditAction.role_changed)
    assert (event.before, event.after, event.actor_user_id) == ({"role": "user"}, {"role": "support"}, admin.user_id)


def test_unknown_role_and_unknown_user_are_refused(make_seller: MakeSeller, admin: Identity) -> None:
    seller = make_seller()
    with pytest.raises(UserAdminError) as bad_role, db_session() as db:
        admin_users.set_role(db, admin, seller.id, "owner", CONTEXT)
    assert bad_role.value.code == "role_invalid"
    with pytest.raises(UserAdminError) as missing, db_session() as db:
        admin_users.lock(db, admin, 2_000_000_000, CONTEXT)
    assert missing.value.code == "user_not_found"
    assert db_session_get(seller.id).role == "user"


def test_deactivate_revokes_every_session_and_reactivate_restores_sign_in(
    make_seller: MakeSeller, admin: Identity
) -> None:
    seller = make_seller()
    phone, laptop = signed_in(seller), signed_in(seller)
    with db_session() as db:
        assert admin_users.deactivate(db, admin, seller.id, CONTEXT) is True
    assert not session_alive(phone) and not session_alive(laptop)
    assert db_session_get(seller.id).is_active is False
    with pytest.raises(accounts.SignInRefused), db_session() as db:
        accounts.authenticate(db, email=seller.email, password=STRONG_PASSWORD)

    with db_session() as db:
        assert admin_users.reactivate(db, admin, seller.id, CONTEXT) is True
        assert admin_users.reactivate(db, admin, seller.id, CONTEXT) is False
    assert not session_alive(phone)  # revoked sessions stay revoked
    with db_session() as db:
        accounts.authenticate(db, email=seller.email, password=STRONG_PASSWORD)
    (off,) = events_for(seller.id, AuditAction.user_deactivated)
    (on,) = events_for(seller.id, AuditAction.user_reactivated)
    assert (off.before, off.after) == ({"is_active": True}, {"is_active": False, "sessions_revoked": 2})
    assert (on.before, on.after) == ({"is_active": False}, {"is_active": True})


# --- refused ---

WRITES = [
    ("verify", lambda db, who, user_id: admin_users.verify_email(db, who, user_id, CONTEXT)),
    ("lock", lambda db, who, user_id: admin_users.lock(db, who, user_id, CONTEXT)),
    ("unlock", lambda db, who, user_id: admin_users.unlock(db, who, user_id, CONTEXT)),
    ("set_role", lambda db, who, user_id: admin_users.set_role(db, who, user_id, "admin", CONTEXT)),
    ("deactivate", lambda db, who, user_id: admin_users.deactivate(db, who, user_id, CONTEXT)),
    ("reactivate", lambda db, who, user_id: admin_users.reactivate(db, who, user_id, CONTEXT)),
]


@pytest.mark.parametrize(("attempted", "write"), WRITES, ids=[name for name, _ in WRITES])
def test_support_can_look_but_every_change_is_refused_and_audited(
    make_seller: MakeSeller, support: Identity, attempted: str, write: Callable[..., bool]
) -> None:
    seller = make_seller()
    with db_session() as db:
        db.exec(
            update(User)
            .where(col(User.id) == seller.id)
            .values(failed_sign_ins=2, is_active=False, email_verified_at=None)
        )
    before = db_session_get(seller.id)
    with db_session() as db:
        assert seller.id in {user.id for user in list_users(db, support, search=seller.email).rows}
    with pytest.raises(PermissionDenied), db_session() as db:  # db_session rolls back on the way out
        write(db, support, seller.id)
    after = db_session_get(seller.id)
    assert after.model_dump() == before.model_dump()
    (refusal,) = events_for(seller.id, AuditAction.permission_denied)
    assert (refusal.actor_user_id, refusal.actor_email) == (support.user_id, support.email)
    assert (refusal.target_email, refusal.ip) == (seller.email, "203.0.113.9")
    assert refusal.after == {"permission": "users.write", "attempted": attempted}
    assert [event.action for event in events_for(seller.id) if event.action.startswith("admin.")] == []


def test_a_seller_is_refused_a_change_even_after_the_caller_rolls_back(make_seller: MakeSeller) -> None:
    seller, target = make_seller(), make_seller()
    token = signed_in(target)
    with Session(get_engine()) as db:
        with pytest.raises(PermissionDenied):
            admin_users.lock(db, identity_of(seller), target.id, CONTEXT)
        db.rollback()
    assert session_alive(token) and db_session_get(target.id).locked_until is None
    (refusal,) = events_for(target.id, AuditAction.permission_denied)
    assert refusal.actor_user_id == seller.id
    assert refusal.after == {"permission": "users.write", "attempted": "lock"}


# --- guard rails ---


@pytest.mark.parametrize(
    "change",
    [
        lambda db, me: admin_users.set_role(db, me, me.user_id, "user", CONTEXT),
        lambda db, me: admin_users.lock(db, me, me.user_id, CONTEXT),
        lambda db, me: admin_users.deactivate(db, me, me.user_id, CONTEXT),
    ],
    ids=["demote", "lock", "deactivate"],
)
def test_an_admin_cannot_demote_lock_or_deactivate_themself(admin: Identity, change: Callable[..., bool]) -> None:
    with pytest.raises(UserAdminError) as refused, db_session() as db:
        change(db, admin)
    assert refused.value.code == "cannot_change_self"
    me = db_session_get(admin.user_id)
    assert (me.role, me.is_active, me.locked_until) == ("admin", True, None)


@pytest.mark.parametrize(
    "change",
    [
        lambda db, who, user_id: admin_users.set_role(db, who, user_id, "support", CONTEXT),
        lambda db, who, user_id: admin_users.deactivate(db, who, user_id, CONTEXT),
    ],
    ids=["demote", "deactivate"],
)
def test_the_last_active_admin_cannot_be_demoted_or_deactivated(
    admin: Identity, database_url: str, change: Callable[..., bool]
) -> None:
    """Two admins demote each other at once: the first wins, the second finds the last admin."""
    with db_session() as db:
        other, _ = accounts.ensure_admin(db, email=unique_email("admin"), password=None)
    with Session(get_engine()) as db:
        # Inside a transaction rolled back afterwards: every admin but `other` stops being one,
        # `admin` included (its identity, read before, still says admin).
        db.exec(update(User).where(col(User.role) == "admin", col(User.id) != other.id).values(role="user"))
        with pytest.raises(UserAdminError) as refused:
            change(db, admin, other.id)
        assert refused.value.code == "last_admin"
        # A locked admin cannot sign in: it does not count as the admin that remains.
        db.exec(
            update(User)
            .where(col(User.id) == admin.user_id)
            .values(role="admin", locked_until=utcnow() + timedelta(days=1))
        )
        with pytest.raises(UserAdminError):
            change(db, admin, other.id)
        db.rollback()
    assert db_session_get(other.id).role == "admin"


def test_an_admin_can_demote_another_admin_while_one_remains(admin: Identity) -> None:
    with db_session() as db:
        other, _ = accounts.ensure_admin(db, email=unique_email("admin"), password=None)
    with db_session() as db:
        assert admin_users.set_role(db, admin, other.id, "user", CONTEXT) is True
    assert db_session_get(other.id).role == "user"
