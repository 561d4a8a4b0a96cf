"""The launcher's checks: busy ports, bun versions, pytest's 'no tests' code, the Procfiles."""

from __future__ import annotations

import shlex
import socket
from pathlib import Path

import pytest

from stoflow.config import PROJECT_ROOT
from stoflow.launcher.tools import LaunchError, check_port_free, exit_code_of_pytest, find_bun, parse_version
from tests.unit.test_deployment_files import assert_command_exists


def test_a_busy_port_is_reported_with_its_number_and_how_to_choose_another() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(LaunchError) as error:
            check_port_free(port, "run")
    message = str(error.value)
    assert f"Port {port} is already in use" in message
    assert f"make run PORT={port + 1}" in message


def test_a_free_port_passes() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    check_port_free(port, "run")


@pytest.mark.parametrize(("code", "expected"), [(0, 0), (1, 1), (2, 2), (5, 1)])
def test_no_tests_collected_is_a_failure(code: int, expected: int) -> None:
    assert exit_code_of_pytest(code) == expected


@pytest.mark.parametrize(("text", "version"), [("1.4.5\n", (1, 4, 5)), ("bun 1.10.0", (1, 10, 0)), ("garbage", None)])
def test_versions_are_parsed(text: str, version: tuple[int, ...] | None) -> None:
    assert parse_version(text) == version


def _fake_bun(path: Path, version: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho {version}\n")
    path.chmod(0o755)
    return path


def test_an_old_bun_is_not_used_and_a_recent_one_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    own = tmp_path / ".stoflow" / "tools" / "node_modules" / ".bin" / "bun"
    _fake_bun(own, "1.2.0")
    assert find_bun(tmp_path) is None
    _fake_bun(own, "1.4.5")
    assert find_bun(tmp_path) == own


@pytest.mark.parametrize("procfile", ["Procfile", "Procfile.dev"])
def test_procfiles_start_web_worker_and_beat_from_this_repository(procfile: str) -> None:
    processes = dict(line.split(":", 1) for line in (PROJECT_ROOT / procfile).read_text().splitlines() if line.strip())
    assert set(processes) == {"web", "worker", "beat"}
    for command in processes.values():
        assert_command_exists(shlex.split(command))
    assert "-Q default,ai,ebay,etsy,vinted" in processes["worker"]
    assert "$PORT" in processes["web"]


def test_ci_runs_make_test() -> None:
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text()


def test_each_test_run_keeps_pytests_temporary_folders_in_its_own_directory(tmp_path: Path) -> None:
    """Two runs side by side must not clean up each other's folders in /tmp/pytest-of-<user>."""
    from stoflow.launcher.__main__ import pytest_command

    command = pytest_command(["tests/unit", "-q"], tmp_path)
    assert f"--basetemp={tmp_path / 'tmp'}" in command
    assert command[-2:] == ["tests/unit", "-q"]
    assert pytest_command([], tmp_path)[-1] == "tests"
    given = pytest_command(["--basetemp=/elsewhere", "tests"], tmp_path)
    assert [arg for arg in given if arg.startswith("--basetemp")] == ["--basetemp=/elsewhere"]
