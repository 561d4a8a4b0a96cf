"""The launcher's processes: the Gemini simulator of `make run`, the embedded Redis, the data
directory of each test run and the build directories of the apps that tests start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stoflow.config import PROJECT_ROOT
from stoflow.launcher.__main__ import run_data_directory
from stoflow.launcher.appserver import build_slot, reflex_environment
from stoflow.launcher.embedded import EmbeddedServices

HOLD_LOCK = """
import fcntl, os, sys
descriptor = os.open(sys.argv[1], os.O_CREAT | os.O_RDWR)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


def _holding(lock: Path) -> subprocess.Popen[str]:
    """Another process holding an flock on `lock` until its stdin closes."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def _release(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(timeout=60)


def test_each_test_run_has_its_own_data_directory_and_leftovers_of_dead_runs_go(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = tmp_path / dead.stdout.strip()
    (leftover / "pg").mkdir(parents=True)
    (leftover / "owner.lock").touch()
    other_run = tmp_path / "other"
    other_run.mkdir()
    holder = _holding(other_run / "owner.lock")
    running = tmp_path / str(holder.pid)
    running.mkdir()
    (running / "pg").mkdir()
    os.link(other_run / "owner.lock", running / "owner.lock")  # the same lock: held by the other run
    try:
        with run_data_directory(tmp_path) as ours:
            assert ours == tmp_path / str(os.getpid()) and ours.is_dir()
            assert not leftover.exists()  # its owner is gone
            assert (running / "pg").is_dir()  # a run in progress is never touched
        assert not ours.exists()
        assert (running / "pg").is_dir()
    finally:
        _release(holder)


def test_build_slots_are_held_one_process_at_a_time_and_freed_when_the_holder_dies(tmp_path: Path) -> None:
    tmp_path.joinpath("0.lock").touch()
    holder = _holding(tmp_path / "0.lock")
    try:
        with build_slot(tmp_path) as first, build_slot(tmp_path) as second:
            assert (first, second) == (tmp_path / "1", tmp_path / "2")
    finally:
        holder.kill()
        holder.wait(timeout=60)
    with build_slot(tmp_path) as again:
        assert again == tmp_path / "0"


def test_an_app_started_by_tests_builds_outside_the_checkouts_web_directory(tmp_path: Path) -> None:
    """`make run` serves .web, built for its port: tests and benchmarks must never rebuild it."""
    env = reflex_environment(
        database_url="postgresql+psycopg://u@/d", redis_url="redis://127.0.0.1:1/0", port=4123, build_dir=tmp_path
    )
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from reflex.utils import prerequisites as p; "
            "print(json.dumps([str(p.get_web_dir()), str(p.get_states_dir())]))",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    web, states = (Path(path) for path in json.loads(where.stdout.strip().splitlines()[-1]))
    assert web == tmp_path / "web" and states == tmp_path / "states"
    assert not web.resolve().is_relative_to((PROJECT_ROOT / ".web").resolve())
    assert env["PUBLIC_URL"] == env["REFLEX_API_URL"] == "http://localhost:4123"


def test_make_run_without_a_gemini_key_starts_the_simulator_and_points_the_app_at_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import json
    import time
    import urllib.request

    from stoflow.launcher.__main__ import SANDBOX_GEMINI_KEY, gemini_sandbox
    from tests.conftest import clear_caches

    for name in ("GOOGLE_API_KEY", "GEMINI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    clear_caches()
    env: dict[str, str] = dict(os.environ)
    try:
        with gemini_sandbox(env):
            assert env["GOOGLE_API_KEY"] == SANDBOX_GEMINI_KEY
            url = f"{env['GEMINI_BASE_URL']}/v1beta/models/gemini-2.5-flash:generateContent"
            body = json.dumps({"contents": [{"role": "user", "parts": [{"text": "Hello"}]}]}).encode()
            request = urllib.request.Request(
                url, data=body, headers={"Content-Type": "application/json", "x-goog-api-key": SANDBOX_GEMINI_KEY}
            )
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(request, timeout=5) as response:
                        assert "candidates" in json.loads(response.read())
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the simulator did not answer"
                    time.sleep(0.3)
    finally:
        clear_caches()


def test_a_configured_gemini_key_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from stoflow.launcher.__main__ import gemini_sandbox
    from tests.conftest import clear_caches

    monkeypatch.setenv("GOOGLE_API_KEY", "a-real-key")
    clear_caches()
    env = {"GOOGLE_API_KEY": "a-real-key"}
    try:
        with gemini_sandbox(env):
            assert env == {"GOOGLE_API_KEY": "a-real-key"}
    finally:
        clear_caches()


def test_the_embedded_redis_stops_even_with_other_clients_connected(tmp_path: Path) -> None:
    """A client left connected (a worker, a pool) must not keep the server running after us."""
    import psutil
    import redis

    services = EmbeddedServices(tmp_path)
    services.start(database=False, redis=True)
    assert services.redis_url is not None
    pid = services._redis.pid
    other = redis.Redis.from_url(services.redis_url)
    other.ping()
    try:
        services.stop()
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    finally:
        if psutil.pid_exists(pid):
            psutil.Process(pid).kill()
        other.close()


def test_test_runs_sharing_one_redis_server_each_claim_a_database_of_their_own(
    _services: tuple[str, str], redis_url: str
) -> None:
    """With REDIS_URL set for two runs, Celery queues, Reflex states and rate limits must not mix."""
    import redis

    from tests.conftest import RUN_CLAIM_KEY, claim_redis_database, release_redis_database

    server = _services[1]
    first_url, first = claim_redis_database(server)
    redis.Redis.from_url(first_url).set("celery-queue-of-the-first-run", "task")
    second_url, second = claim_redis_database(server)
    try:
        assert len({redis_url, first_url, second_url}) == 3  # this run's own database included
        assert redis.Redis.from_url(first_url).get("celery-queue-of-the-first-run") == b"task"
    finally:
        release_redis_database(second_url, second)
    release_redis_database(first_url, first)
    third_url, third = claim_redis_database(server)  # a released database is taken again, emptied
    try:
        assert third_url == first_url
        assert redis.Redis.from_url(third_url).keys() == [RUN_CLAIM_KEY.encode()]
    finally:
        release_redis_database(third_url, third)


def test_a_second_set_up_in_the_same_checkout_waits_for_the_first() -> None:
    """Two `make test` started together must not install into the same .venv at once."""
    holder = _holding(PROJECT_ROOT / ".stoflow" / "bootstrap.lock")  # a set-up in progress
    try:
        second = subprocess.Popen(
            ["bash", str(PROJECT_ROOT / "scripts" / "bootstrap.sh")],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        with pytest.raises(subprocess.TimeoutExpired):
            second.wait(timeout=3)  # still waiting for the first
    finally:
        _release(holder)
    output, _ = second.communicate(timeout=300)
    assert second.returncode == 0 and "[bootstrap] Ready." in output
