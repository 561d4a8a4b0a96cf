"""Tasks that exist only for the worker tests (loaded with `celery worker --include`)."""

from __future__ import annotations

from stoflow.db.tenancy import TenantSession
from stoflow.models import Job
from stoflow.tasks import tenant_task


@tenant_task(name="stoflow.tests.record_job")
def record_job(session: TenantSession, kind: str) -> int:
    job = Job(kind=kind, status="succeeded", progress=100)
    session.add(job)
    session.flush()
    assert job.id is not None
    return job.id


@tenant_task(name="stoflow.tests.fail_after_write")
def fail_after_write(session: TenantSession, kind: str) -> None:
    session.add(Job(kind=kind))
    session.flush()
    raise RuntimeError("the task failed after writing")
