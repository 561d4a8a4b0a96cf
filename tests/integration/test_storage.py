"""The photo storage: the same behaviour on the local disk and on a real S3 server (moto)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from stoflow.config import ConfigError, get_settings
from stoflow.photos import PhotoRejected, process_upload
from stoflow.storage import (
    InvalidStorageKey,
    LocalStorage,
    Storage,
    StorageNotFound,
    get_storage,
    photo_key,
    product_prefix,
    user_prefix,
)
from stoflow.storage.s3 import S3Storage
from tests.integration.conftest import ACCESS_KEY, SECRET_KEY, new_bucket


def test_put_then_get_returns_the_same_bytes(storage: Storage) -> None:
    key = photo_key(1, 10, 100, "full")
    storage.put(key, b"\xff\xd8\xffjpeg bytes", "image/jpeg")

    assert storage.get(key) == b"\xff\xd8\xffjpeg bytes"
    assert storage.exists(key)


def test_put_replaces_what_was_there(storage: Storage) -> None:
    key = photo_key(1, 10, 100, "thumb")
    storage.put(key, b"first", "image/webp")
    storage.put(key, b"second", "image/webp")

    assert storage.get(key) == b"second"
    assert storage.list() == [key]


def test_a_large_file_goes_in_and_out_as_a_stream(storage: Storage, tmp_path: Path) -> None:
    """A 12 MB ZIP of an import is copied from the upload's temporary file and read back as a file."""
    key = "u1/imports/20260101T000000-archive.zip"
    content = bytes(range(256)) * (12 * 1024 * 1024 // 256)
    source = tmp_path / "upload.zip"
    source.write_bytes(content)
    with source.open("rb") as upload:
        storage.put_file(key, upload, "application/zip")

    with storage.open(key) as stored:
        stored.seek(0, io.SEEK_END)
        assert stored.tell() == len(content)
        stored.seek(len(content) - 256)
        assert stored.read() == content[-256:]
    assert storage.get(key) == content


def test_missing_file_raises_not_found(storage: Storage) -> None:
    with pytest.raises(StorageNotFound):
        storage.get("u1/p1/1/full.jpg")
    with pytest.raises(StorageNotFound):
        storage.open("u1/p1/1/full.jpg")
    assert not storage.exists("u1/p1/1/full.jpg")


def test_list_returns_the_keys_under_a_prefix_sorted(storage: Storage) -> None:
    keys = [photo_key(1, 10, 2, "full"), photo_key(1, 10, 1, "thumb"), photo_key(1, 11, 1, "full")]
    for key in keys:
        storage.put(key, b"x", "image/jpeg")
    storage.put("u2/p10/1/full.jpg", b"x", "image/jpeg")

    assert storage.list(product_prefix(1, 10)) == ["u1/p10/1/thumb.webp", "u1/p10/2/full.jpg"]
    assert storage.list(user_prefix(1)) == sorted(keys)
    assert storage.list("u1/p1") == sorted(keys), "a prefix need not end at a folder"
    assert storage.list("u3/") == []
    assert len(storage.list()) == 4


def test_delete_removes_one_file_and_is_idempotent(storage: Storage) -> None:
    kept, deleted = photo_key(1, 10, 1, "full"), photo_key(1, 10, 1, "thumb")
    storage.put(kept, b"a", "image/jpeg")
    storage.put(deleted, b"b", "image/webp")

    storage.delete(deleted)
    storage.delete(deleted)

    assert storage.list() == [kept]


def test_delete_prefix_purges_a_product_and_not_its_neighbours(storage: Storage) -> None:
    for photo in range(3):
        storage.put(photo_key(1, 10, photo, "full"), b"x", "image/jpeg")
        storage.put(photo_key(1, 10, photo, "thumb"), b"x", "image/webp")
    storage.put(photo_key(1, 100, 1, "full"), b"x", "image/jpeg")  # p100 starts with "p10"
    storage.put(photo_key(1, 11, 1, "full"), b"x", "image/jpeg")

    assert storage.delete_prefix(product_prefix(1, 10)) == 6

    assert storage.list() == ["u1/p100/1/full.jpg", "u1/p11/1/full.jpg"]
    assert storage.delete_prefix(product_prefix(1, 10)) == 0


def test_delete_prefix_of_a_seller_leaves_other_sellers_alone(storage: Storage) -> None:
    storage.put(photo_key(1, 10, 1, "full"), b"x", "image/jpeg")
    storage.put(photo_key(1, 20, 1, "full"), b"x", "image/jpeg")
    storage.put(photo_key(10, 10, 1, "full"), b"x", "image/jpeg")  # u10 starts with "u1"

    assert storage.delete_prefix(user_prefix(1)) == 2

    assert storage.list() == ["u10/p10/1/full.jpg"]


@pytest.mark.parametrize("prefix", ["", "u1", "u1/p10"])
def test_delete_prefix_only_takes_whole_folders(storage: Storage, prefix: str) -> None:
    storage.put(photo_key(1, 10, 1, "full"), b"x", "image/jpeg")
    with pytest.raises(InvalidStorageKey):
        storage.delete_prefix(prefix)
    assert storage.exists(photo_key(1, 10, 1, "full"))


@pytest.mark.parametrize(
    "key",
    ["../x", "u1/../../etc/passwd", "/etc/passwd", "u1/./x.jpg", "u1//x.jpg", "u1/.hidden", "u1/x y.jpg", "", "u1/"],
)
def test_keys_that_could_escape_or_confuse_are_refused(storage: Storage, key: str) -> None:
    with pytest.raises(InvalidStorageKey):
        storage.put(key, b"x", "image/jpeg")
    with pytest.raises(InvalidStorageKey):
        storage.get(key)
    with pytest.raises(InvalidStorageKey):
        storage.exists(key)
    with pytest.raises(InvalidStorageKey):
        storage.delete(key)
    assert storage.list() == []


def test_photo_id_cannot_smuggle_a_path() -> None:
    with pytest.raises(InvalidStorageKey):
        photo_key(1, 10, "../../u2", "full")


def test_refused_uploads_leave_nothing_in_storage(storage: Storage) -> None:
    """The upload flow processes first and stores only what passed: a refusal writes nothing."""
    good = io.BytesIO()
    Image.new("RGB", (300, 200), "green").save(good, format="PNG")
    uploads = [
        b"%PDF-1.7\n%%EOF\n",  # a PDF renamed .jpg
        good.getvalue()[: len(good.getvalue()) // 2],  # truncated
        b"\x89PNG\r\n\x1a\n" + b"\x00" * (21 * 1024 * 1024),  # too large
        good.getvalue(),
    ]
    for number, upload in enumerate(uploads):
        try:
            photo = process_upload(upload, filename="photo.jpg")
        except PhotoRejected:
            continue
        storage.put(photo_key(1, 10, number, "full"), photo.full, photo.full_type)
        storage.put(photo_key(1, 10, number, "thumb"), photo.thumb, photo.thumb_type)

    assert storage.list() == ["u1/p10/3/full.jpg", "u1/p10/3/thumb.webp"]


def test_local_storage_leaves_no_temporary_files_or_empty_folders(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "media")
    storage.put(photo_key(1, 10, 1, "full"), b"x" * 10_000, "image/jpeg")
    storage.put(photo_key(1, 10, 1, "full"), b"y", "image/jpeg")

    assert [p.name for p in (tmp_path / "media/u1/p10/1").iterdir()] == ["full.jpg"]
    storage.delete_prefix(user_prefix(1))
    assert list((tmp_path / "media").iterdir()) == []


# --- Choosing the backend from the settings ---------------------------------------


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.setenv("STOFLOW_DATA_DIR", str(tmp_path))
    for name in ("STORAGE_BACKEND", "R2_ACCOUNT_ID", "R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY", "R2_BUCKET_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("R2_ENDPOINT_URL", raising=False)
    get_settings.cache_clear()
    get_storage.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()
    get_storage.cache_clear()


def test_local_disk_under_the_data_dir_is_the_default(fresh_settings: pytest.MonkeyPatch, tmp_path: Path) -> None:
    storage = get_storage()
    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path / "media"


def test_s3_backend_without_r2_settings_names_what_is_missing(fresh_settings: pytest.MonkeyPatch) -> None:
    fresh_settings.setenv("STORAGE_BACKEND", "s3")
    fresh_settings.setenv("R2_BUCKET_NAME", "photos")
    with pytest.raises(ConfigError, match=r"R2_ACCOUNT_ID.*R2_ACCESS_KEY_ID.*R2_SECRET_ACCESS_KEY"):
        get_storage()


def test_s3_backend_from_settings_talks_to_the_endpoint(fresh_settings: pytest.MonkeyPatch, s3_endpoint: str) -> None:
    bucket = new_bucket(s3_endpoint)
    for name, value in {
        "STORAGE_BACKEND": "s3",
        "R2_ENDPOINT_URL": s3_endpoint,
        "R2_ACCESS_KEY_ID": ACCESS_KEY,
        "R2_SECRET_ACCESS_KEY": SECRET_KEY,
        "R2_BUCKET_NAME": bucket,
    }.items():
        fresh_settings.setenv(name, value)

    storage = get_storage()
    storage.put("u1/p1/1/full.jpg", b"x", "image/jpeg")

    assert isinstance(storage, S3Storage)
    assert storage.list() == ["u1/p1/1/full.jpg"]


def test_r2_endpoint_comes_from_the_account_id(fresh_settings: pytest.MonkeyPatch) -> None:
    for name, value in {
        "STORAGE_BACKEND": "s3",
        "R2_ACCOUNT_ID": "abc123",
        "R2_ACCESS_KEY_ID": ACCESS_KEY,
        "R2_SECRET_ACCESS_KEY": SECRET_KEY,
        "R2_BUCKET_NAME": "photos",
    }.items():
        fresh_settings.setenv(name, value)

    storage = get_storage()

    assert isinstance(storage, S3Storage)
    assert storage.endpoint_url == "https://abc123.r2.cloudflarestorage.com"


def test_listing_and_purging_go_past_one_page_of_a_thousand(storage: Storage) -> None:
    # S3 lists and deletes at most 1,000 objects per call: a big seller spans several pages.
    keys = {photo_key(7, product, photo, "full") for product in range(1, 36) for photo in range(1, 31)}
    for key in keys:
        storage.put(key, b"x", "image/jpeg")

    assert storage.list(user_prefix(7)) == sorted(keys)
    assert storage.delete_prefix(user_prefix(7)) == 1050
    assert storage.list() == []
