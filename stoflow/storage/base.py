"""The storage port: what StoFlow needs from a place that keeps files, and its key rules.

Keys are plain relative paths (`u12/p345/678/full.jpg`). The same rules hold for every
backend, so a key that works on a developer's disk works on Cloudflare R2 and the other
way round, and no key can climb out of the local root (`..`, absolute paths).
"""

from __future__ import annotations

import re
from typing import BinaryIO, Literal, Protocol, runtime_checkable

MAX_KEY_LENGTH = 512
_KEY_CHARACTERS = re.compile(r"[A-Za-z0-9/_.\-]*")

PhotoVariant = Literal["full", "thumb"]
# Processing writes the full-size photo as JPEG (what every marketplace accepts) and the
# thumbnail as WebP (smallest for the catalogue grid).
VARIANT_EXTENSIONS: dict[str, str] = {"full": "jpg", "thumb": "webp"}
CONTENT_TYPES: dict[str, str] = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}


class StorageError(RuntimeError):
    """The storage backend failed or refused an operation."""


class StorageNotFound(StorageError):
    """No file is stored under this key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"No stored file under {key!r}.")
        self.key = key


class InvalidStorageKey(StorageError, ValueError):
    """The key breaks the key rules (characters, `..`, absolute path, length)."""


@runtime_checkable
class Storage(Protocol):
    """Where photos are kept. Every method takes keys that pass `validate_key`."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key`, replacing what was there (readers never see half a file)."""
        ...

    def put_file(self, key: str, source: BinaryIO, content_type: str) -> None:
        """Store what `source` holds from its current position, streamed (a large ZIP is never in memory)."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes stored under `key`; raise StorageNotFound when there are none."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A seekable file holding what is stored under `key` (the caller closes it); StorageNotFound."""
        ...

    def delete(self, key: str) -> None:
        """Remove the file under `key`; nothing happens when it does not exist."""
        ...

    def delete_prefix(self, prefix: str) -> int:
        """Remove every file under a folder prefix (ending with `/`); return how many."""
        ...

    def list(self, prefix: str = "") -> list[str]:
        """The keys starting with `prefix`, sorted."""
        ...

    def exists(self, key: str) -> bool:
        """Whether a file is stored under `key`."""
        ...


def _check_text(value: str, what: str) -> None:
    if len(value) > MAX_KEY_LENGTH:
        raise InvalidStorageKey(f"The storage {what} is longer than {MAX_KEY_LENGTH} characters.")
    if not _KEY_CHARACTERS.fullmatch(value):
        raise InvalidStorageKey(f"The storage {what} {value!r} may only hold letters, digits and / _ . -")
    if value.startswith("/"):
        raise InvalidStorageKey(f"The storage {what} {value!r} must be relative (no leading /).")
    # A segment starting with a dot covers `.` and `..`, and keeps the names of the local
    # backend's temporary files (`.tmp-…`) out of reach.
    segments = value.split("/")
    for segment in segments[:-1] if value.endswith("/") else segments:
        if segment == "":
            raise InvalidStorageKey(f"The storage {what} {value!r} has an empty path segment (//).")
        if segment.startswith("."):
            raise InvalidStorageKey(f"The storage {what} {value!r} has a segment starting with a dot.")


def validate_key(key: str) -> str:
    """Return `key` when it is a valid file key, or raise InvalidStorageKey."""
    if not key or key.endswith("/"):
        raise InvalidStorageKey(f"The storage key {key!r} must name a file.")
    _check_text(key, "key")
    return key


def validate_prefix(prefix: str) -> str:
    """Return `prefix` when it is a valid listing prefix (it may be empty), or raise InvalidStorageKey."""
    if prefix:
        _check_text(prefix, "prefix")
    return prefix


def validate_folder_prefix(prefix: str) -> str:
    """A prefix that deletion may use: non-empty and ending with `/`, so `u1/` never reaches `u10/`."""
    if not prefix or not prefix.endswith("/"):
        raise InvalidStorageKey(f"A prefix to delete must name a folder ending with '/', not {prefix!r}.")
    return validate_prefix(prefix)


def user_prefix(user_id: int) -> str:
    """The folder holding every file of one seller (deleted with the account)."""
    return f"u{int(user_id)}/"


def product_prefix(user_id: int, product_id: int) -> str:
    """The folder holding every file of one product (deleted when the product is purged)."""
    return f"{user_prefix(user_id)}p{int(product_id)}/"


def photo_key(user_id: int, product_id: int, photo_id: int | str, variant: PhotoVariant) -> str:
    """Where one variant of a product photo is stored: `u{user}/p{product}/{photo}/{variant}.{ext}`."""
    extension = VARIANT_EXTENSIONS.get(variant)
    if extension is None:
        raise ValueError(f"Unknown photo variant {variant!r}; expected one of {sorted(VARIANT_EXTENSIONS)}.")
    return validate_key(f"{product_prefix(user_id, product_id)}{photo_id}/{variant}.{extension}")


def content_type_for(key: str) -> str:
    """The MIME type of a stored file, from its extension."""
    extension = key.rsplit(".", 1)[-1].lower() if "." in key.rsplit("/", 1)[-1] else ""
    return CONTENT_TYPES.get(extension, "application/octet-stream")
