"""Where photos live: one `Storage` interface, two backends (local disk, S3/Cloudflare R2).

`get_storage()` returns the backend the settings choose (STORAGE_BACKEND). Services take
a `Storage` and never know which one it is; tests pass a `LocalStorage(tmp_path)`.
"""

from __future__ import annotations

from functools import lru_cache

from stoflow.config import ConfigError, get_settings
from stoflow.storage.base import (
    InvalidStorageKey,
    PhotoVariant,
    Storage,
    StorageError,
    StorageNotFound,
    content_type_for,
    photo_key,
    product_prefix,
    user_prefix,
    validate_key,
)
from stoflow.storage.local import LocalStorage

__all__ = [
    "InvalidStorageKey",
    "LocalStorage",
    "PhotoVariant",
    "Storage",
    "StorageError",
    "StorageNotFound",
    "content_type_for",
    "get_storage",
    "photo_key",
    "product_prefix",
    "user_prefix",
    "validate_key",
]


@lru_cache(maxsize=1)
def get_storage() -> Storage:
    """The process-wide storage backend, from the settings (read once; `cache_clear()` to re-read)."""
    settings = get_settings()
    if settings.storage_backend == "local":
        return LocalStorage(settings.stoflow_data_dir / "media")

    missing = [
        name
        for name in ("R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY", "R2_BUCKET_NAME")
        if getattr(settings, name.lower()) is None
    ]
    if settings.r2_endpoint_url is None and settings.r2_account_id is None:
        missing.insert(0, "R2_ACCOUNT_ID (or R2_ENDPOINT_URL)")
    if missing:
        raise ConfigError(f"STORAGE_BACKEND=s3 needs {', '.join(missing)} to be set.")

    # Imported here: boto3 is slow to import and only the s3 backend needs it.
    from stoflow.storage.s3 import S3Storage, r2_endpoint

    return S3Storage(
        bucket=settings.require("R2_BUCKET_NAME"),
        endpoint_url=settings.r2_endpoint_url or r2_endpoint(settings.require("R2_ACCOUNT_ID")),
        access_key=settings.require("R2_ACCESS_KEY_ID"),
        secret_key=settings.require("R2_SECRET_ACCESS_KEY"),
    )
