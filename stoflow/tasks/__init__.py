"""Celery: `celery -A stoflow.tasks worker` / `celery -A stoflow.tasks beat`.

Tasks are thin: they take ids (a `user_id` first for seller work), open a session,
and call services. Importing this package registers every task.
"""

from stoflow.tasks import catalog, maintenance  # noqa: F401  (registers the tasks)
from stoflow.tasks.app import app, tenant_task

__all__ = ["app", "tenant_task"]
