"""One factory per tenant table: a row of a seller, every NOT NULL column filled.

The isolation suite gives seller A a row in every tenant table, with a unique marker in
every free-text column, then searches what seller B gets back for those markers. A
factory is written by hand for each table (no generic fallback), so adding a table means
deciding what a realistic row of it looks like; `test_factories.py` fails until it exists.

A column that cannot hold the marker (a CHECK-constrained status, say) is listed in
CONSTRAINED_COLUMNS with the reason.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, SQLModel, col, select

from stoflow.models import Job, JobAttempt, JobStatus

Factory = Callable[[Session, str], SQLModel]


def make_job(session: Session, marker: str) -> Job:
    job = Job(
        kind=f"publish-{marker}",
        status=JobStatus.failed.value,
        payload={"note": marker, "listing_title": f"Title {marker}"},
        progress=40,
        message=f"Message {marker}",
        error=f"Error {marker}",
        attempts=1,
        task_id=marker,
    )
    session.add(job)
    session.flush()
    return job


def make_job_attempt(session: Session, marker: str) -> JobAttempt:
    # An attempt belongs to the seller's latest job; one is made if the seller has none.
    job = session.exec(select(Job).order_by(col(Job.id).desc())).first() or make_job(session, marker)
    number = len(session.exec(select(JobAttempt).where(JobAttempt.job_id == job.id)).all()) + 1
    attempt = JobAttempt(job_id=job.id, number=number, status=JobStatus.failed.value, error=f"Error {marker}")
    session.add(attempt)
    session.flush()
    return attempt


# Table name (as in stoflow.db.tenancy.tenant_metadata) -> factory.
FACTORIES: dict[str, Factory] = {
    "jobs": make_job,
    "job_attempts": make_job_attempt,
}

# "table.column" -> why the column cannot carry the marker.
CONSTRAINED_COLUMNS: dict[str, str] = {
    "jobs.status": "CHECK ck_jobs_status: one of the JobStatus values",
    "job_attempts.status": "a JobStatus value, read back as one",
}
