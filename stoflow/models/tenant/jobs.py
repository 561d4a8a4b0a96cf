"""Background jobs of one seller, and each attempt Celery made at them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from stoflow.models.base import timestamp


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in (JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled)


class Job(SQLModel, table=True):
    """A unit of background work (publish, sync, withdraw, ...) with live progress."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')", name="ck_jobs_status"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="ck_jobs_progress"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=64, index=True)
    status: str = Field(default=JobStatus.queued.value, max_length=16, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    progress: int = Field(default=0)
    message: str = Field(default="")
    error: str | None = Field(default=None)
    attempts: int = Field(default=0)
    task_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = timestamp(index=True)
    started_at: datetime | None = timestamp(nullable=True)
    finished_at: datetime | None = timestamp(nullable=True)


class JobAttempt(SQLModel, table=True):
    """One try of a job by a worker; kept for the job's history."""

    __tablename__ = "job_attempts"

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(
        sa_column=Column(Integer, ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    number: int
    status: str = Field(max_length=16)
    error: str | None = Field(default=None)
    started_at: datetime = timestamp()
    finished_at: datetime | None = timestamp(nullable=True)
