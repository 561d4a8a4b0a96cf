"""The Celery application and the helper that gives a task its seller's session."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Concatenate, ParamSpec, TypeVar

from celery import Celery, Task
from celery.schedules import crontab
from kombu import Queue

from stoflow.config import ConfigError, get_settings
from stoflow.db.tenancy import TenantSession, tenant_session

QUEUES = ("default", "ai", "ebay", "etsy", "vinted")

P = ParamSpec("P")
R = TypeVar("R")


def _broker_url() -> str:
    url = get_settings().redis_url
    if not url:
        raise ConfigError("REDIS_URL is not set: Celery needs Redis as its broker (make run starts one).")
    return url


def create_app() -> Celery:
    celery = Celery("stoflow")
    broker = _broker_url()
    celery.conf.update(
        broker_url=broker,
        result_backend=broker,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        result_expires=timedelta(days=1),
        timezone="UTC",
        enable_utc=True,
        # A task is acknowledged once done, so a worker that dies mid-task gives it back.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=15 * 60,
        task_soft_time_limit=14 * 60,
        task_queues=[Queue(name) for name in QUEUES],
        task_default_queue="default",
        task_routes={f"stoflow.{name}.*": {"queue": name} for name in QUEUES if name != "default"},
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        beat_schedule={
            "purge-expired-sessions": {
                "task": "stoflow.maintenance.purge_expired_sessions",
                "schedule": timedelta(hours=1),
            },
            # Products in the Trash for over 30 days, with their files; at night, once a day.
            "purge-trash": {
                "task": "stoflow.catalog.purge_trash",
                "schedule": crontab(hour=3, minute=17),
            },
        },
    )
    return celery


app = create_app()


def tenant_task(*task_args: Any, **task_options: Any) -> Callable[[Callable[Concatenate[TenantSession, P], R]], Task]:
    """Declare a task whose first argument is the seller's `user_id`.

    The wrapped function receives that seller's tenant session instead; the session
    commits when the function returns and rolls back if it raises. Only the server
    ever writes `user_id` into a task's arguments.

        @tenant_task(name="stoflow.ebay.publish_listing")
        def publish_listing(session, job_id: int) -> None: ...

        publish_listing.delay(user_id, job_id)
    """

    def decorator(function: Callable[Concatenate[TenantSession, P], R]) -> Task:
        @functools.wraps(function)
        def run(user_id: int, *args: P.args, **kwargs: P.kwargs) -> R:
            with tenant_session(int(user_id)) as session:
                return function(session, *args, **kwargs)

        return app.task(*task_args, **task_options)(run)

    return decorator
