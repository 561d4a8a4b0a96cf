"""Small checks the launcher makes before starting anything: ports, bun, exit codes."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
from pathlib import Path

MIN_BUN_VERSION = (1, 4, 4)
PYTEST_NO_TESTS = 5


class LaunchError(RuntimeError):
    """Something prevents starting; the message says what and how to fix it."""


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def check_port_free(port: int, command: str) -> None:
    if port_in_use(port):
        raise LaunchError(
            f"Port {port} is already in use. Stop the program using it, or choose another port: "
            f"make {command} PORT={port + 1}"
        )


def parse_version(text: str) -> tuple[int, ...] | None:
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", text)
    return tuple(int(part) for part in match.groups()) if match else None


def bun_version(path: Path) -> tuple[int, ...] | None:
    try:
        output = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return parse_version(output)


def find_bun(project_root: Path) -> Path | None:
    """A bun >= 1.4.4: the project's own (installed by bootstrap), else one on PATH."""
    candidates = [project_root / ".stoflow" / "tools" / "node_modules" / ".bin" / "bun"]
    on_path = shutil.which("bun")
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.exists():
            version = bun_version(candidate)
            if version is not None and version >= MIN_BUN_VERSION:
                return candidate
    return None


def exit_code_of_pytest(pytest_code: int) -> int:
    """pytest's exit code, except that 'no tests ran' (5) is a failure, never a pass."""
    return 1 if pytest_code == PYTEST_NO_TESTS else pytest_code


def stop_group(process: subprocess.Popen, *, grace_s: float = 30) -> None:  # type: ignore[type-arg]
    """Stop a process started with start_new_session=True and everything it started: its
    process group, by PID (never by name); SIGKILL after `grace_s`."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass
