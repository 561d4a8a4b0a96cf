"""docker-compose.yml and the Dockerfile start processes that exist in this repository."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from pathlib import Path

import pytest
import yaml

from stoflow.config import PROJECT_ROOT

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())


def _defines(module: str, name: str) -> bool:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin, f"module {module} does not exist"
    tree = ast.parse(Path(spec.origin).read_text())
    return any(
        isinstance(node, (ast.Assign, ast.ImportFrom))
        and (
            any(isinstance(t, ast.Name) and t.id == name for t in getattr(node, "targets", []))
            or any((alias.asname or alias.name) == name for alias in getattr(node, "names", []))
        )
        for node in tree.body
    )


def assert_command_exists(command: list[str]) -> None:
    """The program a process command starts is one of ours and can be found."""
    program = command[0]
    if program in ("python", "python3") and command[1] == "-m":
        assert importlib.util.find_spec(command[2]) is not None, f"no module {command[2]}"
    elif program == "celery":
        module = command[command.index("-A") + 1]
        assert _defines(module, "app"), f"{module} has no Celery `app`"
        assert command[command.index("-A") + 2] in ("worker", "beat")
    elif program == "reflex":
        assert command[1] == "run"
        config = (PROJECT_ROOT / "rxconfig.py").read_text()
        app_name = re.search(r'app_name="(\w+)"', config)
        assert app_name, "rxconfig.py names no app"
        assert _defines(f"{app_name[1]}.{app_name[1]}", "app"), "the Reflex app module defines no `app`"
    else:
        pytest.fail(f"unexpected program {program!r} in {command}")


@pytest.mark.parametrize("service", ["setup", "web", "worker", "beat"])
def test_compose_services_run_our_processes(service: str) -> None:
    definition = COMPOSE["services"][service]
    assert definition["build"] == "."
    assert_command_exists(definition["command"])


def test_compose_runs_postgres_16_and_redis_7_with_health_checks() -> None:
    services = COMPOSE["services"]
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert "healthcheck" in services["postgres"] and "healthcheck" in services["redis"]


def test_app_processes_wait_for_setup_and_use_the_compose_servers() -> None:
    for service in ("web", "worker", "beat"):
        definition = COMPOSE["services"][service]
        assert definition["depends_on"]["setup"]["condition"] == "service_completed_successfully"
        assert definition["environment"]["STOFLOW_ENV"] == "production"
        assert "@postgres:5432/" in definition["environment"]["DATABASE_URL"]
        assert definition["environment"]["REDIS_URL"].startswith("redis://redis:6379")
        assert definition["env_file"] == ".env"


def test_dockerfile_default_command_is_the_web_process() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    command = re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert command, "the Dockerfile has no CMD"
    assert_command_exists(json.loads(command[1]))
    assert "requirements.txt" in dockerfile and "constraints.txt" in dockerfile


def test_every_setting_is_explained_in_env_example() -> None:
    from stoflow.config import Settings

    example = (PROJECT_ROOT / ".env.example").read_text()
    for name in Settings.model_fields:
        assert re.search(rf"^#? ?{name.upper()}=", example, re.MULTILINE), f"{name.upper()} missing in .env.example"
