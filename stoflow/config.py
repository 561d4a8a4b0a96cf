"""All of StoFlow's configuration, in one place.

Every setting comes from the environment (or a `.env` file). In development and
tests, secrets that are not set are generated once and kept under the data
directory (`.stoflow/secrets.json`), so a fresh clone runs without any set-up. With
`STOFLOW_ENV=production`, a missing or weak secret stops start-up with a message that
names the variable.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from dotenv import dotenv_values
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Secrets StoFlow needs to run at all; generated in development, required in production.
GENERATED_SECRETS = ("JWT_SECRET_KEY", "ENCRYPTION_KEY")
MIN_SECRET_LENGTH = 32
WEAK_SECRETS = {"secret", "changeme", "change-me", "password", "stoflow", "development"}


class ConfigError(RuntimeError):
    """A configuration value is missing, unknown or malformed; the message names it."""


class Settings(BaseSettings):
    """StoFlow settings. Field names are the environment variable names (upper case)."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",  # unknown keys are reported by _check_unknown_variables
        case_sensitive=False,
    )

    # --- StoFlow itself -------------------------------------------------------
    stoflow_env: Literal["development", "test", "production"] = "development"
    public_url: str = "http://localhost:3000"
    stoflow_data_dir: Path = PROJECT_ROOT / ".stoflow"
    stoflow_admin_email: str = "admin@stoflow.app"
    stoflow_admin_password: SecretStr | None = None
    stoflow_log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    session_ttl_hours: int = Field(default=24 * 14, ge=1, le=24 * 90)
    encryption_key: SecretStr | None = None
    # Rate limits ("N/period", the `limits` notation), shared by every process through Redis.
    rate_limit_sign_in_ip: str = "20/minute"
    rate_limit_sign_in_email: str = "10/15 minutes"
    rate_limit_register_ip: str = "10/hour"
    rate_limit_register_email: str = "5/hour"
    rate_limit_email_link_ip: str = "20/hour"  # password reset and verification resend
    rate_limit_email_link_email: str = "5/hour"
    rate_limit_password_check: str = "10/15 minutes"  # attempts per account: change password, delete account
    # Failed password checks free in a row ("N/period": the count is kept that long);
    # from the N-th on, each failure doubles the wait before the next try (30 s .. 15 min).
    rate_limit_sign_in_failures_ip: str = "50/day"
    rate_limit_sign_in_failures_email: str = "5/day"  # per address, unknown ones alike; per known device
    rate_limit_password_check_failures: str = "5/day"  # per account: change password, delete account
    # The reverse proxies whose X-Forwarded-For (and -Proto) is believed: IP addresses or
    # networks, comma-separated ("10.0.0.0/8, 192.0.2.7"), "*" for any. Empty: none, the
    # client address is the TCP peer's.
    trusted_proxies: str = ""

    # --- E-mail -----------------------------------------------------------------
    # smtp://user:password@host:587 (STARTTLS), smtps://…:465 (TLS), or unset: the
    # development outbox (messages stored, shown to admins, written to the log).
    smtp_url: SecretStr | None = None
    mail_from: str = "StoFlow <no-reply@stoflow.app>"

    # --- Infrastructure -------------------------------------------------------
    database_url: str | None = None
    redis_url: str | None = None

    # --- Tokens ---------------------------------------------------------------
    jwt_secret_key: SecretStr | None = None
    jwt_secret_key_previous: SecretStr | None = None

    # --- Photo storage (local disk, or Cloudflare R2 through the S3 API) ------
    storage_backend: Literal["local", "s3"] = "local"
    r2_account_id: str | None = None
    r2_access_key_id: str | None = None
    r2_secret_access_key: SecretStr | None = None
    r2_bucket_name: str | None = None
    r2_endpoint_url: str | None = None  # any S3 endpoint; default: R2's, from R2_ACCOUNT_ID
    # How long a signed photo link stays valid.
    media_url_ttl_seconds: int = Field(default=900, ge=30, le=7 * 24 * 3600)
    # Let the CSV import fetch photo links on private or local addresses (tests and
    # development only: refused in production, where it would open the private network).
    photo_fetch_allow_private: bool = False

    # --- Billing (Stripe) -----------------------------------------------------
    stripe_secret_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None

    # --- Marketplaces ---------------------------------------------------------
    ebay_client_id: str | None = None
    ebay_client_secret: SecretStr | None = None
    ebay_redirect_uri: str | None = None
    etsy_api_key: str | None = None
    etsy_shared_secret: SecretStr | None = None

    # --- AI (Gemini) ----------------------------------------------------------
    google_api_key: SecretStr | None = None
    # Another server speaking Gemini's REST contract (the sandbox simulator); None: Google's.
    gemini_base_url: str | None = None
    gemini_model: str = "gemini-2.5-flash"
    # AI actions (fill from photos, write a listing) each seller may run per month.
    ai_monthly_credits: int = Field(default=200, ge=0)

    @field_validator("public_url")
    @classmethod
    def _public_url_is_http(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an absolute http(s) URL, e.g. https://app.example.com")
        return value.rstrip("/")

    @field_validator(
        "rate_limit_sign_in_ip",
        "rate_limit_sign_in_email",
        "rate_limit_register_ip",
        "rate_limit_register_email",
        "rate_limit_email_link_ip",
        "rate_limit_email_link_email",
        "rate_limit_password_check",
        "rate_limit_sign_in_failures_ip",
        "rate_limit_sign_in_failures_email",
        "rate_limit_password_check_failures",
    )
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        from limits import parse

        try:
            parse(value)
        except ValueError:
            raise ValueError('must read like "20/minute" or "10/15 minutes"') from None
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _trusted_proxies(cls, value: str) -> str:
        value = value.strip()
        if value == "*":
            return value
        for entry in filter(None, (part.strip() for part in value.split(","))):
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"{entry!r} is not an IP address or network; list the proxies' addresses, e.g. 10.0.0.0/8"
                ) from None
        return value

    @property
    def trusted_proxy_list(self) -> list[str]:
        """TRUSTED_PROXIES as uvicorn's ProxyHeadersMiddleware takes it."""
        return [part.strip() for part in self.trusted_proxies.split(",") if part.strip()]

    @field_validator("database_url")
    @classmethod
    def _database_is_postgres(cls, value: str | None) -> str | None:
        if value is None:
            return None
        scheme = urlsplit(value).scheme
        if not scheme.startswith("postgresql"):
            raise ValueError("must be a PostgreSQL URL (postgresql://...)")
        # SQLAlchemy needs the driver named; psycopg 3 is the one we ship.
        if scheme in ("postgresql", "postgres"):
            value = "postgresql+psycopg" + value[len(scheme) :]
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("redis", "rediss", "unix"):
            raise ValueError("must be a Redis URL (redis://host:port/db)")
        return value

    @field_validator("encryption_key")
    @classmethod
    def _encryption_key_is_fernet(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            try:
                Fernet(value.get_secret_value().encode())
            except (ValueError, TypeError):
                raise ValueError(
                    "must be a Fernet key (32 url-safe base64-encoded bytes); "
                    'generate one with: python -c "from cryptography.fernet import Fernet; '
                    'print(Fernet.generate_key().decode())"'
                ) from None
        return value

    @property
    def is_production(self) -> bool:
        return self.stoflow_env == "production"

    @property
    def public_origin(self) -> str:
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    def require(self, name: str) -> str:
        """The value of a setting that must be set at this point, as a plain string."""
        value = getattr(self, name.lower())
        if value is None:
            raise ConfigError(f"{name.upper()} is not set.")
        return value.get_secret_value() if isinstance(value, SecretStr) else str(value)


def _known_env_names() -> set[str]:
    return {name.upper() for name in Settings.model_fields}


# Keys a .env file may hold for other tools (Reflex, npm, docker compose, the launcher).
FOREIGN_ENV_PREFIXES = ("REFLEX_", "NPM_", "POSTGRES_", "COMPOSE_", "PYTHON")
FOREIGN_ENV_NAMES = {"PORT", "BACKEND_PORT"}


def _check_unknown_variables() -> None:
    """A STOFLOW_* variable, or a .env key, that we do not know is most likely a typo."""
    known = _known_env_names()
    unknown = sorted(name for name in os.environ if name.upper().startswith("STOFLOW_") and name.upper() not in known)
    env_file = Path(".env")
    if env_file.is_file():
        unknown += sorted(
            f"{name} (in .env)"
            for name in dotenv_values(env_file)
            if name.upper() not in known
            and name.upper() not in FOREIGN_ENV_NAMES
            and not name.upper().startswith(FOREIGN_ENV_PREFIXES)
        )
    if unknown:
        raise ConfigError(f"Unknown setting {unknown[0]}. Check its spelling against .env.example.")


def _format_validation_error(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        name = str(item["loc"][0]).upper() if item["loc"] else "?"
        lines.append(f"{name}: {item['msg']}")
    return "Invalid configuration: " + "; ".join(lines)


def _dev_secrets(data_dir: Path) -> dict[str, str]:
    """Secrets for development, generated once and kept under the data directory."""
    path = data_dir / "secrets.json"
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text())
    wanted = {
        "JWT_SECRET_KEY": lambda: secrets.token_urlsafe(48),
        "ENCRYPTION_KEY": lambda: Fernet.generate_key().decode(),
    }
    missing = {name: make() for name, make in wanted.items() if name not in stored}
    if missing:
        stored.update(missing)
        data_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(stored, indent=2))
        tmp.chmod(0o600)
        tmp.replace(path)
    return stored


def _check_production_secrets(settings: Settings) -> None:
    for name in GENERATED_SECRETS:
        value = getattr(settings, name.lower())
        if value is None:
            raise ConfigError(f"{name} must be set when STOFLOW_ENV=production.")
        raw = value.get_secret_value()
        if name == "JWT_SECRET_KEY" and (len(raw) < MIN_SECRET_LENGTH or raw.lower() in WEAK_SECRETS):
            raise ConfigError(
                f"{name} is too weak: use at least {MIN_SECRET_LENGTH} random characters "
                '(python -c "import secrets; print(secrets.token_urlsafe(48))").'
            )
    previous = settings.jwt_secret_key_previous
    if previous is not None and len(previous.get_secret_value()) < MIN_SECRET_LENGTH:
        raise ConfigError(f"JWT_SECRET_KEY_PREVIOUS is too weak: use at least {MIN_SECRET_LENGTH} characters.")
    if not settings.public_url.startswith("https://"):
        raise ConfigError("PUBLIC_URL must be an https:// URL when STOFLOW_ENV=production.")
    if settings.photo_fetch_allow_private:
        raise ConfigError("PHOTO_FETCH_ALLOW_PRIVATE must not be set when STOFLOW_ENV=production.")


def load_settings() -> Settings:
    """Read and check the configuration; raise ConfigError naming the bad variable."""
    _check_unknown_variables()
    try:
        settings = Settings()
    except ValidationError as error:
        raise ConfigError(_format_validation_error(error)) from None
    if settings.is_production:
        _check_production_secrets(settings)
        return settings
    generated = _dev_secrets(settings.stoflow_data_dir)
    updates = {
        name.lower(): SecretStr(generated[name])
        for name in GENERATED_SECRETS
        if getattr(settings, name.lower()) is None
    }
    return settings.model_copy(update=updates) if updates else settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return load_settings()
