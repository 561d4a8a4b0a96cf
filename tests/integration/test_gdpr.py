"""Download my data, delete my account: against the real database and real schemas."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Column, Date, DateTime, Integer, LargeBinary, MetaData, Numeric, Table, Uuid, func, text, update
from sqlmodel import Session, col, select

from stoflow.accounts import gdpr, tokens
from stoflow.accounts import service as accounts
from stoflow.accounts.schemas import FieldErrors
from stoflow.audit.service import AuditAction, RequestContext, record, record_own
from stoflow.db.engine import db_session
from stoflow.db.tenancy import schema_for, tenant_session, tenant_tables
from stoflow.models import AuditEvent, Job, JobAttempt, Tenant, User, UserSession
from stoflow.models.base import utcnow
from stoflow.models.public import EmailToken, Role
from tests.conftest import STRONG_PASSWORD, unique_email


def _files(archive: gdpr.ExportArchive) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive.data)) as opened:
        assert opened.testzip() is None
        return {name: opened.read(name) for name in opened.namelist()}


def _json(files: dict[str, bytes], name: str) -> Any:
    return json.loads(files[name])


def _export(user_id: int) -> gdpr.ExportArchive:
    with db_session() as db:
        return gdpr.export_archive(db, user_id, context=RequestContext(ip="203.0.113.1", user_agent="Exporter/1"))


def _sign_in(db: Session, user_id: int, user_agent: str) -> str:
    user = db.get(User, user_id)
    assert user is not None
    pair = tokens.open_family(db, user=user, ttl=timedelta(days=1), ip="203.0.113.7", user_agent=user_agent)
    return pair.refresh


def _schema_exists(schema: str) -> bool:
    with db_session() as db:
        query = text("SELECT count(*) FROM information_schema.schemata WHERE schema_name = :name")
        return db.connection().execute(query, {"name": schema}).scalar_one() == 1


def _deletion_event(db: Session, user_id: int) -> AuditEvent | None:
    query = select(AuditEvent).where(
        AuditEvent.action == AuditAction.account_deleted.value, AuditEvent.target_user_id == user_id
    )
    return db.exec(query).one_or_none()


def _add_job(user_id: int, kind: str) -> None:
    with tenant_session(user_id) as session:
        job = Job(kind=kind, payload={"title": f"{kind} title"})
        session.add(job)
        session.flush()
        assert job.id is not None
        session.add(JobAttempt(job_id=job.id, number=1, status="succeeded"))


def test_export_holds_the_sellers_account_sessions_log_and_rows_and_nobody_elses(make_seller) -> None:  # type: ignore[no-untyped-def]
    anna = make_seller(display_name="Anna's Vintage", language="fr")
    ben = make_seller()
    _add_job(anna.id, "anna.publish")
    _add_job(ben.id, "ben.sync")
    with db_session() as db:
        _sign_in(db, anna.id, "AnnaBrowser/1.0")
        _sign_in(db, ben.id, "BenBrowser/2.0")
        record_own(db, AuditAction.language_changed, user_id=anna.id, email=anna.email, after={"language": "fr"})
        record_own(db, AuditAction.language_changed, user_id=ben.id, email=ben.email, after={"language": "ben"})
        record(
            db,
            AuditAction.user_locked,
            actor_id=999_999,
            actor_email="staff-member@stoflow.example",
            target_id=anna.id,
            target_email=anna.email,
            context=RequestContext(ip="198.51.100.99", user_agent="StaffBrowser/3"),
        )

    archive = _export(anna.id)
    files = _files(archive)

    assert archive.filename == f"stoflow-export-{utcnow():%Y%m%d}.zip"
    account = _json(files, "account.json")
    assert account["email"] == anna.email
    assert account["display_name"] == "Anna's Vintage" and account["language"] == "fr" and account["role"] == "user"
    assert datetime.fromisoformat(account["created_at"]) == anna.created_at
    assert {"last_login_at", "email_verified_at", "country"} <= account.keys()

    sessions = _json(files, "sessions.json")
    assert [session["user_agent"] for session in sessions] == ["AnnaBrowser/1.0"]
    assert sessions[0]["ip"] == "203.0.113.7" and sessions[0]["revoked_at"] is None

    log = _json(files, "audit_log.json")
    assert {"action": "account.language_changed", "by": "you", "after": {"language": "fr"}}.items() <= log[0].items()
    staff_event = next(event for event in log if event["action"] == AuditAction.user_locked)
    assert staff_event["by"] == "staff" and staff_event["ip"] is None and staff_event["user_agent"] is None
    assert all(event["after"] != {"language": "ben"} for event in log)

    jobs = _json(files, "data/jobs.json")
    assert [(job["kind"], job["payload"]) for job in jobs] == [("anna.publish", {"title": "anna.publish title"})]
    assert datetime.fromisoformat(jobs[0]["created_at"]).tzinfo is not None
    assert [attempt["job_id"] for attempt in _json(files, "data/job_attempts.json")] == [jobs[0]["id"]]

    everything = b"\n".join(files.values())
    for foreign in (ben.email.encode(), b"ben.sync", b"BenBrowser", b"staff-member@stoflow.example", b"198.51.100.99"):
        assert foreign not in everything
    readme = files["README.txt"].decode()
    assert "account.json" in readme and "English" in readme and "Français" in readme

    with db_session() as db:
        exported = db.exec(
            select(AuditEvent).where(
                AuditEvent.action == AuditAction.data_exported.value, AuditEvent.target_user_id == anna.id
            )
        ).one()
    assert exported.actor_user_id == anna.id and exported.ip == "203.0.113.1"
    assert exported.after == {"filename": archive.filename}


def test_export_never_contains_a_password_or_token_hash(make_seller) -> None:  # type: ignore[no-untyped-def]
    anna = make_seller()
    with db_session() as db:
        tokens = [_sign_in(db, anna.id, "Phone/1"), _sign_in(db, anna.id, "Laptop/1")]
        db.add(
            EmailToken(
                user_id=anna.id,
                purpose="reset_password",
                token_hash=accounts.token_hash("emailed-secret"),
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
    with db_session() as db:
        user = db.get(User, anna.id)
        assert user is not None
        secrets = [user.password_hash, *db.exec(select(UserSession.token_hash).where(UserSession.user_id == anna.id))]
    secrets += [*tokens, accounts.token_hash("emailed-secret"), "emailed-secret"]

    files = _files(_export(anna.id))

    assert len(_json(files, "sessions.json")) == 2
    everything = b"\n".join(files.values())
    for secret in secrets:
        assert secret.encode() not in everything
    assert b"argon2" not in everything and b"token_hash" not in everything and b"password_hash" not in everything


def test_every_tenant_table_has_its_file_in_the_export(make_seller) -> None:  # type: ignore[no-untyped-def]
    anna = make_seller()
    names = set(_files(_export(anna.id)))
    assert tenant_tables(), "tenant_metadata holds the seller's tables"
    for table in tenant_tables():
        assert f"data/{table.name}.json" in names


def test_a_new_tenant_table_is_exported_with_its_values_as_json(make_seller, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    anna = make_seller()
    ref = uuid.uuid4()
    probe = Table(
        "gdpr_probe",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("ref", Uuid),
        Column("price", Numeric(10, 2)),
        Column("thumbnail", LargeBinary),
        Column("listed_on", Date),
        Column("sold_at", DateTime(timezone=True)),
    )
    with tenant_session(anna.id) as session:
        probe.create(session.connection())
        session.connection().execute(
            probe.insert().values(
                id=2,
                ref=ref,
                price=Decimal("19.90"),
                thumbnail=b"\x00\xffpng",
                listed_on=date(2024, 5, 1),
                sold_at=datetime.fromisoformat("2024-05-02T10:30:00+00:00"),
            )
        )
        session.connection().execute(probe.insert().values(id=1))
    monkeypatch.setattr(gdpr, "tenant_tables", lambda: [*tenant_tables(), probe])

    rows = _json(_files(_export(anna.id)), "data/gdpr_probe.json")

    assert [row["id"] for row in rows] == [1, 2]
    assert rows[1] == {
        "id": 2,
        "ref": str(ref),
        "price": "19.90",
        "thumbnail": "AP9wbmc=",
        "listed_on": "2024-05-01",
        "sold_at": "2024-05-02T10:30:00+00:00",
    }


def test_registered_photo_sources_land_under_photos(make_seller, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    anna = make_seller()
    seen: list[int] = []

    def photos_of(user_id: int) -> list[tuple[str, bytes]]:
        seen.append(user_id)
        return [("products/12/front.jpg", b"\xff\xd8jpeg")]

    monkeypatch.setattr(gdpr, "PHOTO_SOURCES", [photos_of])
    files = _files(_export(anna.id))
    assert seen == [anna.id]
    assert files["photos/products/12/front.jpg"] == b"\xff\xd8jpeg"

    monkeypatch.setattr(gdpr, "PHOTO_SOURCES", [lambda user_id: [("../../etc/passwd", b"x")]])
    with pytest.raises(ValueError):
        _export(anna.id)


def test_deleting_with_a_wrong_password_changes_nothing(make_seller) -> None:  # type: ignore[no-untyped-def]
    anna = make_seller()
    _add_job(anna.id, "anna.publish")
    with pytest.raises(FieldErrors) as error, db_session() as db:
        gdpr.delete_account(db, user_id=anna.id, password="not my password at all")
    assert error.value.errors == {"password": "password_wrong"}

    assert _schema_exists(schema_for(anna.id))
    with db_session() as db:
        assert db.get(User, anna.id) is not None
        assert db.get(Tenant, anna.id) is not None
        assert _deletion_event(db, anna.id) is None
    with tenant_session(anna.id) as session:
        assert [job.kind for job in session.exec(select(Job))] == ["anna.publish"]


def test_deleting_removes_schema_account_sessions_and_files_and_keeps_the_audit_event(
    make_seller, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    email = unique_email()
    anna, ben = make_seller(email=email), make_seller()
    _add_job(anna.id, "anna.publish")
    _add_job(ben.id, "ben.sync")
    with db_session() as db:
        _sign_in(db, anna.id, "AnnaBrowser/1.0")
        _sign_in(db, ben.id, "BenBrowser/2.0")
    deleted_files: list[int] = []
    monkeypatch.setattr(gdpr, "FILE_DELETERS", [deleted_files.append])

    with db_session() as db:
        returned = gdpr.delete_account(
            db, user_id=anna.id, password=STRONG_PASSWORD, context=RequestContext(ip="203.0.113.5")
        )

    assert returned == email
    assert deleted_files == [anna.id]
    assert not _schema_exists(schema_for(anna.id))
    with db_session() as db:
        assert db.get(User, anna.id) is None
        assert db.get(Tenant, anna.id) is None
        assert db.exec(select(func.count()).select_from(UserSession).where(UserSession.user_id == anna.id)).one() == 0
        event = _deletion_event(db, anna.id)
        assert event is not None
        assert event.actor_user_id == anna.id and event.before == {"email": email} and event.ip == "203.0.113.5"
        # Ben is untouched.
        assert db.get(User, ben.id) is not None and db.get(Tenant, ben.id) is not None
        assert db.exec(select(func.count()).select_from(UserSession).where(UserSession.user_id == ben.id)).one() == 1
    assert _schema_exists(schema_for(ben.id))
    with tenant_session(ben.id) as session:
        assert [job.kind for job in session.exec(select(Job))] == ["ben.sync"]


def test_a_deleted_email_can_register_again_and_gets_a_fresh_empty_space(make_seller) -> None:  # type: ignore[no-untyped-def]
    email = unique_email()
    anna = make_seller(email=email)
    _add_job(anna.id, "old.publish")
    with db_session() as db:
        gdpr.delete_account(db, user_id=anna.id, password=STRONG_PASSWORD)

    with db_session() as db:
        again = accounts.register(db, email=email, password=STRONG_PASSWORD, country="FR")
    assert again.id is not None and again.id != anna.id
    assert _schema_exists(schema_for(again.id))
    with tenant_session(again.id) as session:
        assert session.exec(select(Job)).all() == []
    log = _json(_files(_export(again.id)), "audit_log.json")
    assert all(event["action"] != AuditAction.account_deleted for event in log)


def test_the_last_active_admin_cannot_delete_their_account(make_seller) -> None:  # type: ignore[no-untyped-def]
    first, second = make_seller(), make_seller()
    with db_session() as db:
        # Only in this transaction (rolled back below): these two are the only active admins.
        db.exec(update(User).where(col(User.role) == Role.admin.value).values(is_active=False))
        db.exec(update(User).where(col(User.id).in_([first.id, second.id])).values(role=Role.admin.value))

        assert gdpr.delete_account(db, user_id=first.id, password=STRONG_PASSWORD) == first.email
        with pytest.raises(FieldErrors) as error:
            gdpr.delete_account(db, user_id=second.id, password=STRONG_PASSWORD)
        assert error.value.errors == {"form": "last_admin"}
        assert db.get(User, second.id) is not None
        db.rollback()
    assert _schema_exists(schema_for(first.id))


def test_an_unknown_account_cannot_be_exported_or_deleted(database_url: str) -> None:
    with pytest.raises(gdpr.AccountNotFound), db_session() as db:
        gdpr.export_archive(db, 2_000_000_000)
    with pytest.raises(gdpr.AccountNotFound), db_session() as db:
        gdpr.delete_account(db, user_id=2_000_000_000, password=STRONG_PASSWORD)


def test_the_export_lists_the_sellers_ai_usage_only(make_seller) -> None:  # type: ignore[no-untyped-def]
    from stoflow.ai.gemini import Usage
    from stoflow.ai.usage import reserve_credit, settle

    seller, other = make_seller(), make_seller()
    with db_session() as db:
        mine, others = reserve_credit(db, seller.id, "write_listing"), reserve_credit(db, other.id, "fill_from_photos")
        settle(db, mine, Usage("gemini-2.5-flash", 120, 80, Decimal("0.000210")))
        settle(db, others, Usage("gemini-2.5-flash", 999, 99, Decimal("0.001")))
    usage = _json(_files(_export(seller.id)), "ai_usage.json")
    assert [(row["feature"], row["input_tokens"], row["outcome"]) for row in usage] == [("write_listing", 120, "ok")]
