"""SQLModel tables. Public tables live in `public`; tenant tables have no schema and are
mapped to `user_{id}` by the tenant session (see stoflow.db.tenancy)."""

from stoflow.models.public import AuditEvent, Role, Tenant, User, UserSession
from stoflow.models.tenant import Job, JobAttempt, JobStatus

__all__ = ["AuditEvent", "Job", "JobAttempt", "JobStatus", "Role", "Tenant", "User", "UserSession"]
