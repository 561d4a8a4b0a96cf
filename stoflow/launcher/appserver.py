"""A production build of StoFlow in a subprocess on a given port: for the browser tests
and the benchmarks (`make run` uses honcho and the Procfile instead)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from stoflow.config import PROJECT_ROOT
from stoflow.launcher.tools import LaunchError, find_bun

START_TIMEOUT_S = 900  # a first production build installs and compiles the frontend


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=5)
        return True
    except urllib.error.HTTPError:
        return True  # 401/503 still means the server is up
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def running_app(
    *, database_url: str, redis_url: str, port: int, log_path: Path, extra_env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Build and serve StoFlow on `port` (one port, production mode); yields its base URL.

    Stopped by its own process group on exit. LaunchError (with the log's tail) if it
    does not come up.
    """
    base = f"http://localhost:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "REFLEX_REDIS_URL": redis_url,
        "PORT": str(port),
        "PUBLIC_URL": base,
        "STOFLOW_ENV": "test",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "NPM_CONFIG_REGISTRY": os.environ.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org"),
        **(extra_env or {}),
    }
    bun = find_bun(PROJECT_ROOT)
    if bun is not None:
        env["REFLEX_BUN_PATH"] = str(bun)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                str(PROJECT_ROOT / ".venv" / "bin" / "reflex"),
                "run", "--env", "prod", "--single-port",
                "--frontend-port", str(port), "--backend-port", str(port),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not answers(f"{base}/api/auth/me"):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise LaunchError(f"StoFlow did not start; its log:\n{log_path.read_text()[-5000:]}")
                time.sleep(2)
            while not answers(f"{base}/login/"):  # the pages are served once the build is mounted
                time.sleep(1)
            yield base
        finally:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
