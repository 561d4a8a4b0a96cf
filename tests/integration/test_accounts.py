"""Registration, sign-in and sessions against the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, text, update
from sqlmodel import col, select

from stoflow.accounts import service as accounts
from stoflow.accounts import tokens
from stoflow.accounts.schemas import FieldErrors
from stoflow.accounts.web_session import identity_from_access
from stoflow.db.engine import db_session
from stoflow.db.tenancy import list_tenant_schemas, schema_for
from stoflow.models import Tenant, User, UserSession
from stoflow.models.base import utcnow
from tests.conftest import STRONG_PASSWORD, unique_email


def _counts() -> tuple[int, int, int]:
    with db_session() as db:
        users = db.exec(select(func.count()).select_from(User)).one()
        tenants = db.exec(select(func.count()).select_from(Tenant)).one()
        schemas = len(list_tenant_schemas(db.connection()))
    return users, tenants, schemas


def test_registering_creates_the_seller_and_its_schema(make_seller) -> None:  # type: ignore[no-untyped-def]
    email = unique_email()
    seller = make_seller(email=email.upper(), display_name="Anna's Vintage", language="fr")
    with db_session() as db:
        stored = db.get(User, seller.id)
        assert stored is not None
        assert stored.email == email
        assert stored.role == "user" and stored.language == "fr" and stored.display_name == "Anna's Vintage"
        assert stored.password_hash.startswith("$argon2id$")
        assert schema_for(seller.id) in list_tenant_schemas(db.connection())


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"password": "too short"}, "password"),
        ({"language": "de"}, "language"),
    ],
)
def test_bad_registration_creates_nothing(database_url: str, fields: dict[str, str], field: str) -> None:
    before = _counts()
    values = {"email": unique_email(), "password": STRONG_PASSWORD, "country": "FR", **fields}
    with pytest.raises(FieldErrors) as error, db_session() as db:
        accounts.register(db, **values)
    assert field in error.value.errors
    assert _counts() == before


def test_registering_a_taken_email_creates_nothing(make_seller) -> None:  # type: ignore[no-untyped-def]
    email = unique_email()
    make_seller(email=email)
    before = _counts()
    with pytest.raises(accounts.AddressTaken):  # the route answers as for a new address
        make_seller(email=f"  {email.upper().replace('@', chr(0xFF20))} ")
    assert _counts() == before


def test_a_failure_after_provisioning_rolls_the_schema_back(database_url: str) -> None:
    before = _counts()
    with pytest.raises(RuntimeError), db_session() as db:
        user = accounts.register(db, email=unique_email(), password=STRONG_PASSWORD, country="FR")
        assert schema_for(user.id) in list_tenant_schemas(db.connection())
        raise RuntimeError("crash before commit")
    assert _counts() == before


def test_sign_in_and_session_lifecycle(make_seller) -> None:  # type: ignore[no-untyped-def]
    email = unique_email()
    seller = make_seller(email=email)
    with db_session() as db:
        user = accounts.authenticate(db, email=email.upper(), password=STRONG_PASSWORD)
        pair = tokens.open_family(db, user=user, ttl=timedelta(hours=1), ip="203.0.113.9", user_agent="UA")
    with db_session() as db:
        identity = identity_from_access(db, pair.access)
        assert identity is not None and identity.user_id == seller.id and identity.email == email
        stored = db.get(UserSession, pair.session_id)
        assert stored is not None and stored.token_hash != pair.refresh, "only a hash of the token is stored"
        assert stored.ip == "203.0.113.9"
    with db_session() as db:
        tokens.revoke_family(db, pair.session_id)
    with db_session() as db:
        assert identity_from_access(db, pair.access) is None


def test_wrong_password_and_unknown_email_are_refused_alike(make_seller) -> None:  # type: ignore[no-untyped-def]
    email = unique_email()
    make_seller(email=email)
    with db_session() as db:
        with pytest.raises(accounts.SignInRefused) as wrong:
            accounts.authenticate(db, email=email, password="wrong password!!")
        with pytest.raises(accounts.SignInRefused) as unknown:
            accounts.authenticate(db, email=unique_email(), password=STRONG_PASSWORD)
        with pytest.raises(accounts.SignInRefused) as malformed:
            accounts.authenticate(db, email="nonsense", password=STRONG_PASSWORD)
    assert wrong.value.code == unknown.value.code == malformed.value.code == "invalid_credentials"


def test_a_deactivated_account_cannot_sign_in_and_its_sessions_stop(make_seller) -> None:  # type: ignore[no-untyped-def]
    email = unique_email()
    seller = make_seller(email=email)
    with db_session() as db:
        user = accounts.authenticate(db, email=email, password=STRONG_PASSWORD)
        pair = tokens.open_family(db, user=user, ttl=timedelta(hours=1))
    with db_session() as db:
        stored = db.get(User, seller.id)
        assert stored is not None
        stored.is_active = False
        db.add(stored)
    with db_session() as db:
        assert identity_from_access(db, pair.access) is None
        with pytest.raises(accounts.SignInRefused) as refused:
            accounts.authenticate(db, email=email, password=STRONG_PASSWORD)
    assert refused.value.code == "account_inactive"


def test_expired_sessions_are_refused_and_purged(make_seller) -> None:  # type: ignore[no-untyped-def]
    email = unique_email()
    make_seller(email=email)
    with db_session() as db:
        user = accounts.authenticate(db, email=email, password=STRONG_PASSWORD)
        live = tokens.open_family(db, user=user, ttl=timedelta(hours=1))
        old = tokens.open_family(db, user=user, ttl=timedelta(hours=1))
        db.exec(
            update(UserSession)
            .where(col(UserSession.id) == old.session_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    with db_session() as db:
        assert identity_from_access(db, old.access) is None
        assert identity_from_access(db, live.access) is not None
        assert accounts.purge_sessions(db) >= 1
    with db_session() as db:
        assert db.get(UserSession, old.session_id) is None
        assert db.get(UserSession, live.session_id) is not None


def test_first_admin_is_created_once_with_a_generated_password(database_url: str) -> None:
    email = unique_email("admin")
    with db_session() as db:
        admin, generated = accounts.ensure_admin(db, email=email, password=None)
    assert generated is not None and len(generated) >= 16
    assert admin.role == "admin" and admin.email_verified_at is not None
    with db_session() as db:
        again, second = accounts.ensure_admin(db, email=email, password=None)
        assert again.id == admin.id and second is None
        assert accounts.authenticate(db, email=email, password=generated).id == admin.id
        assert db.exec(text(f'SELECT count(*) FROM "{schema_for(admin.id)}".jobs')).one()[0] == 0  # type: ignore[call-overload]


def test_first_admin_with_a_weak_configured_password_is_refused(database_url: str) -> None:
    with pytest.raises(FieldErrors) as error, db_session() as db:
        accounts.ensure_admin(db, email=unique_email("admin"), password="admin")
    assert "STOFLOW_ADMIN_PASSWORD" in error.value.errors
