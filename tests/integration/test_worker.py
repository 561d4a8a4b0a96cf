"""A real Celery worker on the Redis broker: tenant tasks, beat's purge task, health."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from celery.exceptions import TimeoutError as CeleryTimeout
from fastapi.testclient import TestClient
from sqlmodel import select

from stoflow.accounts import email_links, tokens
from stoflow.accounts import service as accounts
from stoflow.db.engine import db_session
from stoflow.db.tenancy import tenant_session
from stoflow.models import EmailToken, EmailTokenPurpose, Job, UserSession
from stoflow.models.base import utcnow
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.integration.conftest import celery_worker

pytestmark = pytest.mark.worker


@pytest.fixture(scope="module")
def worker(database_url: str, redis_url: str) -> Iterator[None]:
    with celery_worker(
        database_url,
        redis_url,
        queues="default,ai,ebay,etsy,vinted",
        include="tests.integration.worker_tasks",
        name="test",
    ):
        yield


def test_tenant_task_writes_into_the_sellers_schema_only(worker, make_seller) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.worker_tasks import record_job

    anna, ben = make_seller(), make_seller()
    job_id = record_job.delay(anna.id, "from-the-worker").get(timeout=60)
    with tenant_session(anna.id) as session:
        job = session.get(Job, job_id)
        assert job is not None and job.kind == "from-the-worker"
    with tenant_session(ben.id) as session:
        assert session.exec(select(Job)).all() == []


def test_a_failing_tenant_task_rolls_back_its_writes(worker, make_seller) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.worker_tasks import fail_after_write

    seller = make_seller()
    result = fail_after_write.delay(seller.id, "half-done")
    with pytest.raises(RuntimeError, match="failed after writing"):
        result.get(timeout=60)
    with tenant_session(seller.id) as session:
        assert session.exec(select(Job)).all() == []


def test_a_pickled_message_is_never_executed(worker, make_seller) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.worker_tasks import record_job

    seller = make_seller()
    pickled = record_job.apply_async(args=(seller.id, "pickled"), serializer="pickle")
    # The solo worker takes messages in order: once the JSON message sent after it has run,
    # the pickled one has been seen, and refused.
    record_job.delay(seller.id, "after-the-pickled-one").get(timeout=60)
    assert pickled.state == "PENDING"
    with tenant_session(seller.id) as session:
        assert session.exec(select(Job.kind)).all() == ["after-the-pickled-one"]


def test_purge_task_deletes_expired_sessions(worker, make_seller) -> None:  # type: ignore[no-untyped-def]
    from stoflow.tasks.maintenance import purge_expired_sessions

    email = unique_email()
    make_seller(email=email)
    with db_session() as db:
        user = accounts.authenticate(db, email=email, password=STRONG_PASSWORD)
        expired = db.get(UserSession, tokens.open_family(db, user=user, ttl=timedelta(hours=1)).session_id)
        assert expired is not None
        expired.expires_at = utcnow() - timedelta(minutes=1)
        db.add(expired)
        email_links.issue(db, user, EmailTokenPurpose.reset_password, now=utcnow() - timedelta(days=8))
        email_links.issue(db, user, EmailTokenPurpose.verify_email)  # still valid: kept
        user_id = user.id
    try:
        purged = purge_expired_sessions.delay().get(timeout=60)
    except CeleryTimeout:
        pytest.fail("the worker did not run the purge task")
    assert purged >= 1
    with db_session() as db:
        assert db.get(UserSession, expired.id) is None
        purposes = db.exec(select(EmailToken.purpose).where(EmailToken.user_id == user_id)).all()
        assert purposes == ["verify_email"]


def test_purge_task_is_scheduled_on_beat() -> None:
    from stoflow.tasks import app

    entry = app.conf.beat_schedule["purge-expired-sessions"]
    assert entry["task"] in app.tasks


def test_health_is_ok_with_a_worker(worker) -> None:  # type: ignore[no-untyped-def]
    from stoflow.api import create_api

    response = TestClient(create_api()).get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok", "worker": "ok"}
