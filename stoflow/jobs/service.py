"""Reading a seller's jobs (the tenant `jobs` table)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from stoflow.models import Job


def recent_jobs(session: Session, *, limit: int = 10) -> list[Job]:
    """The seller's latest jobs, newest first. `session` is that seller's tenant session."""
    return list(session.exec(select(Job).order_by(col(Job.created_at).desc(), col(Job.id).desc()).limit(limit)))
