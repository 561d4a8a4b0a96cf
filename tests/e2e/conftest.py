"""A production build of StoFlow on a free port, and Debian's Chromium to drive it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from stoflow.config import PROJECT_ROOT
from stoflow.launcher.appserver import running_app
from stoflow.launcher.embedded import free_port
from stoflow.launcher.tools import LaunchError
from tests.integration.conftest import celery_worker
from tests.integration.gemini_sim import RunningSimulator, running_simulator

SCREENSHOTS = PROJECT_ROOT / "test-results" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# The tests' photo sites run on 127.0.0.1: let the import fetch from them (never in production).
LOCAL_PHOTO_LINKS = {"PHOTO_FETCH_ALLOW_PRIVATE": "true"}


@pytest.fixture(scope="session")
def gemini_simulator() -> Iterator[RunningSimulator]:
    """The Gemini simulator (sandbox/gemini) the app server's AI calls go to."""
    with running_simulator() as simulator:
        yield simulator


@pytest.fixture(scope="session")
def app_server(
    database_url: str, redis_url: str, gemini_simulator: RunningSimulator, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    log_path = Path(tmp_path_factory.mktemp("web")) / "web.log"
    env = {
        "GOOGLE_API_KEY": gemini_simulator.api_key,
        "GEMINI_BASE_URL": gemini_simulator.base_url,
        **LOCAL_PHOTO_LINKS,
    }
    try:
        with running_app(
            database_url=database_url, redis_url=redis_url, port=free_port(), log_path=log_path, extra_env=env
        ) as base:
            yield base
    except LaunchError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def worker(database_url: str, redis_url: str) -> Iterator[None]:
    """A Celery worker for the app's background jobs (photo imports, large bulk changes)."""
    with celery_worker(
        database_url,
        redis_url,
        queues="default",
        include="stoflow.tasks.catalog",
        name="e2e",
        extra_env=LOCAL_PHOTO_LINKS,
    ):
        yield


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


def settle_animations(page: Page) -> None:
    """Wait until the page's CSS animations and transitions (drawer, toasts, skeletons) end."""
    page.wait_for_function(
        "() => document.getAnimations().every("
        "a => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)"
    )


@pytest.fixture
def shoot() -> Callable[[Page, str], None]:
    """Save a screenshot under test-results/screenshots (to look at, not compared)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> None:
        settle_animations(page)
        # Written whole under a temporary name, then renamed: another run may be saving
        # the same screenshot at the same moment.
        target = SCREENSHOTS / f"{name}.png"
        partial = target.with_name(f".{name}.{os.getpid()}.png")
        partial.write_bytes(page.screenshot(full_page=True))
        partial.replace(target)

    return take


# The machine running CI has two cores shared by the server, the browser and the tests (and
# maybe another test run): give each expectation far more than Playwright's 5 s before
# calling it a failure. A passing expectation returns as soon as it holds.
expect.set_options(timeout=30_000)
