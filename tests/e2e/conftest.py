"""A production build of StoFlow on a free port, and Debian's Chromium to drive it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from stoflow.config import PROJECT_ROOT
from stoflow.launcher.embedded import free_port
from stoflow.launcher.tools import find_bun

START_TIMEOUT_S = 900  # a first production build installs and compiles the frontend
SCREENSHOTS = PROJECT_ROOT / "test-results" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=5)
        return True
    except urllib.error.HTTPError:
        return True  # 401/503 still means the server is up
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def app_server(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
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
    }
    bun = find_bun(PROJECT_ROOT)
    if bun is not None:
        env["REFLEX_BUN_PATH"] = str(bun)
    log_path = Path(tmp_path_factory.mktemp("web")) / "web.log"
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
            while not _answers(f"{base}/api/auth/me"):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"StoFlow did not start; its log:\n{log_path.read_text()[-5000:]}")
                time.sleep(2)
            # The pages themselves are served once the build is mounted.
            while not _answers(f"{base}/login/"):
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


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-GB"}


@pytest.fixture
def shoot() -> Callable[[Page, str], None]:
    """Save a screenshot under test-results/screenshots (to look at, not compared)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> None:
        page.wait_for_timeout(300)  # let transitions (drawer, toasts, skeletons) settle
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


# The machine running CI has two cores shared by the server, the browser and the tests:
# give each expectation more time than Playwright's 5 s before calling it a failure.
expect.set_options(timeout=15_000)
