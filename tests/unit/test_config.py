"""Configuration: bad values stop start-up with a message naming the variable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from stoflow.config import ConfigError, load_settings

GOOD_SECRET = "x" * 20 + "Q7v0-secret-material-long-enough"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("STOFLOW_ENV", "JWT_SECRET_KEY", "ENCRYPTION_KEY", "PUBLIC_URL", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env file of the developer's
    monkeypatch.setenv("STOFLOW_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_development_generates_secrets_once_and_keeps_them(clean_env: Path) -> None:
    first = load_settings()
    second = load_settings()
    assert first.jwt_secret_key is not None and len(first.jwt_secret_key.get_secret_value()) >= 32
    assert first.jwt_secret_key == second.jwt_secret_key
    assert first.encryption_key == second.encryption_key
    stored = clean_env / "data" / "secrets.json"
    assert json.loads(stored.read_text())["JWT_SECRET_KEY"] == first.jwt_secret_key.get_secret_value()
    assert stored.stat().st_mode & 0o077 == 0, "the secrets file must be readable by its owner only"


def test_unknown_environment_name_is_refused_with_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STOFLOW_ENV", "staging")
    with pytest.raises(ConfigError, match="STOFLOW_ENV"):
        load_settings()


def test_misspelt_stoflow_variable_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STOFLOW_ADMIN_EMAL", "me@example.com")
    with pytest.raises(ConfigError, match="STOFLOW_ADMIN_EMAL"):
        load_settings()


def test_unknown_key_in_env_file_is_reported(clean_env: Path) -> None:
    (clean_env / ".env").write_text("SOME_TYPO_SETTING=1\n")
    with pytest.raises(ConfigError, match="SOME_TYPO_SETTING"):
        load_settings()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://root@localhost/db"),
        ("REDIS_URL", "http://localhost:6379"),
        ("PUBLIC_URL", "localhost:3000"),
        ("ENCRYPTION_KEY", "not-a-fernet-key"),
        ("SESSION_TTL_HOURS", "many"),
    ],
)
def test_malformed_values_name_their_variable(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_settings()


def test_plain_postgres_url_gets_the_psycopg_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db:5432/stoflow")
    assert load_settings().database_url == "postgresql+psycopg://u:p@db:5432/stoflow"


def _production(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    monkeypatch.setenv("STOFLOW_ENV", "production")
    monkeypatch.setenv("PUBLIC_URL", "https://app.stoflow.example")
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_production_refuses_to_start_without_a_jwt_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    _production(monkeypatch, ENCRYPTION_KEY=Fernet.generate_key().decode())
    with pytest.raises(ConfigError, match="JWT_SECRET_KEY"):
        load_settings()


def test_production_refuses_a_weak_jwt_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    _production(monkeypatch, JWT_SECRET_KEY="changeme", ENCRYPTION_KEY=Fernet.generate_key().decode())
    with pytest.raises(ConfigError, match="JWT_SECRET_KEY is too weak"):
        load_settings()


def test_production_refuses_to_start_without_an_encryption_key(monkeypatch: pytest.MonkeyPatch) -> None:
    _production(monkeypatch, JWT_SECRET_KEY=GOOD_SECRET)
    with pytest.raises(ConfigError, match="ENCRYPTION_KEY"):
        load_settings()


def test_production_needs_https(monkeypatch: pytest.MonkeyPatch) -> None:
    _production(monkeypatch, JWT_SECRET_KEY=GOOD_SECRET, ENCRYPTION_KEY=Fernet.generate_key().decode())
    monkeypatch.setenv("PUBLIC_URL", "http://app.stoflow.example")
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        load_settings()


def test_production_refuses_photo_links_to_private_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    """The development switch would let a seller's CSV reach the private network."""
    _production(
        monkeypatch,
        JWT_SECRET_KEY=GOOD_SECRET,
        ENCRYPTION_KEY=Fernet.generate_key().decode(),
        PHOTO_FETCH_ALLOW_PRIVATE="true",
    )
    with pytest.raises(ConfigError, match="PHOTO_FETCH_ALLOW_PRIVATE"):
        load_settings()


def test_production_with_strong_secrets_starts_and_generates_nothing(
    monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> None:
    key = Fernet.generate_key().decode()
    _production(monkeypatch, JWT_SECRET_KEY=GOOD_SECRET, ENCRYPTION_KEY=key)
    settings = load_settings()
    assert settings.is_production
    assert settings.require("ENCRYPTION_KEY") == key
    assert not (clean_env / "data" / "secrets.json").exists()


def test_env_file_may_hold_other_tools_settings(clean_env: Path) -> None:
    (clean_env / ".env").write_text(
        "POSTGRES_PASSWORD=x\nREFLEX_LOGLEVEL=info\nPORT=3001\nPUBLIC_URL=http://localhost:3001\n"
    )
    assert load_settings().public_url == "http://localhost:3001"
