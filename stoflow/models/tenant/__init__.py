"""Tenant tables: declared once, without a schema; each seller has a copy in `user_{id}`."""

from stoflow.models.tenant.jobs import Job, JobAttempt, JobStatus

__all__ = ["Job", "JobAttempt", "JobStatus"]
