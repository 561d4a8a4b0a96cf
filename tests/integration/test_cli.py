"""`python -m stoflow.cli setup`: the first admin's generated password reaches stdout in development only."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from stoflow.accounts.passwords import verify_password
from stoflow.cli import ADMIN_PASSWORD_FILE, create_first_admin
from stoflow.config import get_settings
from stoflow.db.engine import db_session
from stoflow.models import User
from tests.conftest import unique_email


@pytest.mark.parametrize(("environment", "printed"), [("development", True), ("test", False), ("production", False)])
def test_the_generated_admin_password_is_printed_in_development_only(
    environment: str, printed: bool, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    email = unique_email("admin")
    settings = get_settings().model_copy(
        update={
            "stoflow_env": environment,
            "stoflow_admin_email": email,
            "stoflow_admin_password": None,
            "stoflow_data_dir": tmp_path,
        }
    )

    create_first_admin(settings)

    shown = capsys.readouterr().out
    password_file = tmp_path / ADMIN_PASSWORD_FILE
    password = password_file.read_text().strip()
    assert password_file.stat().st_mode & 0o777 == 0o600
    assert (password in shown) is printed
    assert str(password_file) in shown  # where to find it, in every environment
    with db_session() as db:
        admin = db.exec(select(User).where(User.email == email)).one()
        assert admin.role == "admin" and verify_password(password, admin.password_hash)
