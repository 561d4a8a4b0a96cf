"""SQLModel tables. Public tables live in `public`; tenant tables have no schema and are
mapped to `user_{id}` by the tenant session (see stoflow.db.tenancy)."""

from stoflow.models.public import (
    AuditEvent,
    EmailToken,
    EmailTokenPurpose,
    OutboxMessage,
    RetiredRefreshToken,
    Role,
    Tenant,
    User,
    UserSession,
)
from stoflow.models.tenant import Job, JobAttempt, JobStatus

__all__ = [
    "AuditEvent",
    "EmailToken",
    "EmailTokenPurpose",
    "Job",
    "JobAttempt",
    "JobStatus",
    "OutboxMessage",
    "RetiredRefreshToken",
    "Role",
    "Tenant",
    "User",
    "UserSession",
]
