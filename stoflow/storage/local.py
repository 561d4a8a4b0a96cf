"""Photos on the local disk: the default backend (development, single-server installs)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from stoflow.storage.base import (
    StorageNotFound,
    validate_folder_prefix,
    validate_key,
    validate_prefix,
)

_TEMP_PREFIX = ".tmp-"


class LocalStorage:
    """Files under `root`, one per key. Writes are atomic (temporary file, then rename)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        return self.root / validate_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.put_file(key, io.BytesIO(data), content_type)

    def put_file(self, key: str, source: BinaryIO, content_type: str) -> None:
        # The content type is not kept: it follows from the key's extension (content_type_for).
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=_TEMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as temp:
                shutil.copyfileobj(source, temp)
                temp.flush()
                os.fsync(temp.fileno())
            os.replace(temp_name, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)
            raise

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise StorageNotFound(key) from None

    def open(self, key: str) -> BinaryIO:
        path = self._path(key)
        try:
            return path.open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise StorageNotFound(key) from None

    def delete(self, key: str) -> None:
        path = self._path(key)
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            path.unlink()
        self._prune_empty_folders(path.parent)

    def delete_prefix(self, prefix: str) -> int:
        validate_folder_prefix(prefix)
        keys = self.list(prefix)
        for key in keys:
            path = self.root / key
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        folder = self.root / prefix
        if folder.is_dir():
            for directory in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
                with contextlib.suppress(OSError):
                    directory.rmdir()
            self._prune_empty_folders(folder)
        return len(keys)

    def list(self, prefix: str = "") -> list[str]:
        validate_prefix(prefix)
        # Walk only the deepest folder the prefix names completely.
        folder = self.root / prefix.rsplit("/", 1)[0] if "/" in prefix else self.root
        if not folder.is_dir():
            return []
        keys = []
        for directory, _subdirs, files in os.walk(folder):
            relative = Path(directory).relative_to(self.root).as_posix()
            base = "" if relative == "." else relative + "/"
            for name in files:
                key = base + name
                if not name.startswith(".") and key.startswith(prefix):
                    keys.append(key)
        return sorted(keys)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def _prune_empty_folders(self, folder: Path) -> None:
        """Remove empty folders left by deletions, up to (not including) the root."""
        root = self.root.resolve()
        current = folder
        while current.resolve() != root and root in current.resolve().parents:
            try:
                current.rmdir()
            except OSError:  # not empty, or already gone
                return
            current = current.parent
