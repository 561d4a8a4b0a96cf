"""A production build of StoFlow in a subprocess on a given port: for the browser tests
and the benchmarks (`make run` uses honcho and the Procfile instead).

Reflex bakes the backend's port into the frontend it builds (`env.json`), so a build is
good for one port only. Tests and benchmarks therefore never build into `.web` (the
directory `make run` serves from): each running app builds into a build slot of this
checkout, `.stoflow/builds/<n>/`, which it holds with an exclusive file lock for as long
as it runs. A slot is kept after the run, so the next run reuses its installed
`node_modules` and only compiles and bundles again; two runs at the same time take two
slots.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path

from stoflow.config import PROJECT_ROOT
from stoflow.launcher.tools import LaunchError, find_bun, stop_group

START_TIMEOUT_S = 900  # a first production build installs and compiles the frontend
BUILDS = PROJECT_ROOT / ".stoflow" / "builds"


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=5)
        return True
    except urllib.error.HTTPError:
        return True  # 401/503 still means the server is up
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def build_slot(builds: Path = BUILDS) -> Iterator[Path]:
    """The first build directory under `builds` that no other process holds; held until exit.

    The lock is an flock on `<n>.lock`: the kernel releases it when its holder dies, so a
    crashed run never keeps a slot.
    """
    builds.mkdir(parents=True, exist_ok=True)
    for number in itertools.count():
        descriptor = os.open(builds / f"{number}.lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        try:
            yield builds / str(number)
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
            os.close(descriptor)
        return


def reflex_environment(
    *, database_url: str, redis_url: str, port: int, build_dir: Path, public_port: int | None = None
) -> dict[str, str]:
    """What `reflex run` needs to serve StoFlow on `port`, building into `build_dir`.

    `public_port` (default `port`) is the port the browser talks to, baked into the
    build: a proxy's, when one stands in front.
    """
    public = f"http://localhost:{public_port or port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "REFLEX_REDIS_URL": redis_url,
        "PORT": str(port),
        "PUBLIC_URL": public,
        "REFLEX_API_URL": public,
        "REFLEX_WEB_WORKDIR": str(build_dir / "web"),
        "REFLEX_STATES_WORKDIR": str(build_dir / "states"),
        "STOFLOW_ENV": "test",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "NPM_CONFIG_REGISTRY": os.environ.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org"),
    }
    bun = find_bun(PROJECT_ROOT)
    if bun is not None:
        env["REFLEX_BUN_PATH"] = str(bun)
    return env


@contextmanager
def reflex_process(command: list[str], env: Mapping[str, str], log_path: Path, ready_url: str) -> Iterator[int]:
    """Start `reflex <command>` in its own process group; yield its PID once `ready_url` answers.

    Stopped by its own process group on exit. LaunchError (with the log's tail) if it
    does not come up.
    """
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(PROJECT_ROOT / ".venv" / "bin" / "reflex"), *command],
            cwd=PROJECT_ROOT,
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not answers(ready_url):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise LaunchError(f"StoFlow did not start; its log:\n{log_path.read_text()[-5000:]}")
                time.sleep(1)  # a poll interval: the loop waits for the answer
            yield process.pid
        finally:
            stop_group(process)


@contextmanager
def running_app(
    *,
    database_url: str,
    redis_url: str,
    port: int,
    log_path: Path,
    extra_env: Mapping[str, str] | None = None,
    build_dir: Path | None = None,
    public_port: int | None = None,
) -> Iterator[str]:
    """Build and serve StoFlow on `port` (one port, production mode); yields its base URL.

    The frontend is built into `build_dir`, or into a free build slot of this checkout
    (never `.web`). Stopped by its own process group on exit.
    """
    with build_slot() if build_dir is None else nullcontext(build_dir) as directory:
        env = {
            **reflex_environment(
                database_url=database_url, redis_url=redis_url, port=port, build_dir=directory, public_port=public_port
            ),
            **(extra_env or {}),
        }
        base = f"http://localhost:{port}"
        command = ["run", "--env", "prod", "--single-port", "--frontend-port", str(port), "--backend-port", str(port)]
        with reflex_process(command, env, log_path, f"{base}/api/auth/me"):
            deadline = time.monotonic() + START_TIMEOUT_S
            while not answers(f"{base}/login/"):  # the pages are served once the build is mounted
                if time.monotonic() > deadline:
                    raise LaunchError(f"StoFlow answered but served no page; its log:\n{log_path.read_text()[-5000:]}")
                time.sleep(0.5)
            yield base


@contextmanager
def running_backend(
    *,
    database_url: str,
    redis_url: str,
    port: int,
    public_port: int,
    build_dir: Path,
    log_path: Path,
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Another web process of an app already built in `build_dir`: the backend only (events,
    uploads, /api), no build and no pages. Yields its base URL.

    For scale-out: the pages come from the first process or a proxy in front, both built
    for `public_port`; state is shared through Redis.
    """
    env = {
        **reflex_environment(
            database_url=database_url, redis_url=redis_url, port=port, build_dir=build_dir, public_port=public_port
        ),
        "REFLEX_STATES_WORKDIR": str(build_dir / f"states-{port}"),  # Reflex empties it at start
        "REFLEX_BACKEND_ONLY": "true",  # read by rxconfig.py too (no frontend port)
        **(extra_env or {}),
    }
    base = f"http://localhost:{port}"
    command = ["run", "--env", "prod", "--backend-port", str(port)]
    with reflex_process(command, env, log_path, f"{base}/api/auth/me"):
        yield base
