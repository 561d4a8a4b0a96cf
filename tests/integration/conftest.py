"""Fixtures shared by integration tests: a real S3 API server and a Storage per backend."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import text
from sqlmodel import Session

from stoflow.config import PROJECT_ROOT
from stoflow.launcher.embedded import free_port
from stoflow.launcher.tools import stop_group
from stoflow.storage import LocalStorage, Storage
from stoflow.storage.s3 import S3Storage

ACCESS_KEY, SECRET_KEY, REGION = "testing-access-key", "testing-secret-key", "us-east-1"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A real S3 API server (moto) on a free local port, for this module."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def new_bucket(endpoint: str) -> str:
    name = f"stoflow-test-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )
    client.create_bucket(Bucket=name)
    return name


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """Each test runs once per backend; S3 tests get a bucket of their own."""
    if request.param == "local":
        return LocalStorage(tmp_path / "media")
    endpoint = request.getfixturevalue("s3_endpoint")
    return S3Storage(new_bucket(endpoint), endpoint, ACCESS_KEY, SECRET_KEY, region=REGION)


def worker_answers(redis_url: str, hostname_prefix: str) -> bool:
    """Does a worker named `hostname_prefix`... answer a ping on the broker `redis_url`?

    Asked through a Celery app of its own: the project's app keeps the connection of the
    first broker it used, and another worker (an earlier module's) must not answer for
    this one.
    """
    from celery import Celery

    probe = Celery(broker=redis_url)
    try:
        replies = probe.control.ping(timeout=0.5)
    finally:
        probe.close()
    return any(hostname.startswith(hostname_prefix) for reply in replies for hostname in reply)


@contextmanager
def celery_worker(
    database_url: str,
    redis_url: str,
    *,
    queues: str,
    include: str,
    name: str,
    extra_env: dict[str, str] | None = None,
) -> Iterator[None]:
    """A real Celery worker (solo pool) on the test Redis, stopped by its own process group."""
    from stoflow.tasks import app

    app.conf.broker_url = app.conf.result_backend = redis_url
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, **(extra_env or {})}
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "stoflow.tasks",
        "worker",
        "--pool",
        "solo",
        "--loglevel",
        "INFO",
        "-Q",
        queues,
        "--include",
        include,
        "--hostname",
        f"{name}-{os.getpid()}@%h",
    ]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not worker_answers(redis_url, f"{name}-{os.getpid()}@"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start")
        yield
    finally:
        stop_group(process, grace_s=20)


# --- Observing PostgreSQL locks ----------------------------------------------------------------

LOCK_WAIT_DEADLINE_S = 60  # generous: a loaded machine may be slow to start the other thread


def backend_pid(session: Session) -> int:
    """The PostgreSQL backend serving `session`'s transaction."""
    return int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())


def wait_until_blocked_by(holder_pid: int, *, unless: Callable[[], bool] = lambda: False) -> bool:
    """Wait until another backend waits for a lock `holder_pid` holds: True then.

    False as soon as `unless()` is true instead (the other side finished without waiting,
    as it would without the lock). Each poll is its own transaction, so it sees fresh
    activity; the wait fails the test after LOCK_WAIT_DEADLINE_S.
    """
    from stoflow.db.engine import get_engine

    deadline = time.monotonic() + LOCK_WAIT_DEADLINE_S
    while True:
        with get_engine().connect() as connection:
            waiting = connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid))"),
                {"holder": holder_pid},
            ).scalar_one()
        if waiting:
            return True
        if unless():
            return False
        if time.monotonic() > deadline:
            pytest.fail(f"no backend waited for a lock of backend {holder_pid} within {LOCK_WAIT_DEADLINE_S} s")
        time.sleep(0.02)  # a poll interval, not a wait for the outcome
