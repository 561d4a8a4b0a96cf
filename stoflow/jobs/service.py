"""A seller's jobs (the tenant `jobs` table): reading them, and queueing one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlmodel import Session, col, select

from stoflow.models import Job, JobStatus
from stoflow.models.base import utcnow

R = TypeVar("R")


def recent_jobs(session: Session, *, limit: int = 10) -> list[Job]:
    """The seller's latest jobs, newest first. `session` is that seller's tenant session."""
    return list(session.exec(select(Job).order_by(col(Job.created_at).desc(), col(Job.id).desc()).limit(limit)))


class QueueUnavailable(RuntimeError):
    """The broker could not be reached: the job is recorded as failed (`queue_unavailable`)."""


def send_job(task: Any, user_id: int, job_id: int) -> None:
    """Queue the tenant task `task` for a committed job row, and note the Celery task id.

    When the broker cannot be reached, the job is marked failed with the detail kept in
    its message, and QueueUnavailable is raised for the caller to tell the seller.
    """
    from stoflow.db.tenancy import tenant_session

    try:
        sent = task.apply_async(args=(user_id, job_id), queue="default")
    except Exception as error:
        with tenant_session(user_id) as db:
            job = db.get(Job, job_id)
            if job is not None:
                job.status, job.error, job.finished_at = JobStatus.failed.value, "queue_unavailable", utcnow()
                job.message = repr(error)[:500]
                db.add(job)
        raise QueueUnavailable(str(error)) from error
    with tenant_session(user_id) as db:
        job = db.get(Job, job_id)
        if job is not None and job.task_id is None:
            job.task_id = sent.id
            db.add(job)


@dataclass(frozen=True)
class JobProgress(Generic[R]):
    """What a page shows of a running or finished job: its bar, counts and result so far."""

    job_id: int
    status: str
    progress: int
    message: str
    done: int
    total: int
    result: R
    error: str | None

    @property
    def finished(self) -> bool:
        return JobStatus(self.status).is_final


def read_progress(
    db: Session, job_id: int, kind: str, result_of: Callable[[dict[str, Any] | None], R]
) -> JobProgress[R] | None:
    """The progress of this seller's job `job_id` of `kind` (None: no such job).

    Jobs keep `done`, `count` and `result` in their payload; `result_of` reads the result.
    """
    job = db.get(Job, job_id)
    if job is None or job.kind != kind:
        return None
    return JobProgress(
        job_id=job.id or 0,
        status=job.status,
        progress=job.progress,
        message=job.message,
        done=int(job.payload.get("done", 0)),
        total=int(job.payload.get("count", 0)),
        result=result_of(job.payload.get("result")),
        error=job.error,
    )


def mark_failed(db: Session, job_id: int, error: str, message: Callable[[Job, str], str]) -> Job | None:
    """Mark job `job_id` failed after an unexpected error; what it did before stays.

    `message(job, language)` says so to the seller. Returns the job, or None when it is
    missing or already final.
    """
    db.rollback()
    job = db.get(Job, job_id)
    if job is None or JobStatus(job.status).is_final:
        return None
    language = str(job.payload.get("language", "en"))
    job.status, job.finished_at = JobStatus.failed.value, utcnow()
    job.error = error[:2000]
    job.message = message(job, language)
    db.add(job)
    db.commit()
    return job


# --- A worker's side of a job: each step committed with the job's progress ---------------------


def commit_start(db: Session, job: Job) -> None:
    """The job is running (one more attempt); committed before any work."""
    job.status, job.attempts = JobStatus.running.value, job.attempts + 1
    job.started_at = job.started_at or utcnow()
    db.add(job)
    db.commit()


def commit_step(db: Session, job: Job, *, done: int, total: int, result: dict[str, Any], message: str) -> None:
    """Commit a step's work together with the job's progress: a resumed job starts after it."""
    job.payload = {**job.payload, "done": done, "result": result}
    job.progress = min(100, done * 100 // total) if total else 100
    job.message = message
    db.add(job)
    db.commit()


def commit_success(db: Session, job: Job, *, result: dict[str, Any], message: str) -> None:
    job.status, job.progress, job.finished_at = JobStatus.succeeded.value, 100, utcnow()
    job.payload = {**job.payload, "done": job.payload.get("count", 0), "result": result}
    job.message = message
    db.add(job)
    db.commit()
