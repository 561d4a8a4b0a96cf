"""A ZIP of photos for the CSV import: names looked up, never extracted; bombs and oddities refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from stoflow.catalog.photo_import import PhotoArchive, ZipError, check_refs, is_link, photo_refs
from stoflow.photos.processing import MAX_PHOTO_BYTES, PhotoRejected

JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 200


def _zip(files: dict[str, bytes], *, compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_entries_of_a_cell_keep_their_order() -> None:
    cell = " a.jpg | https://x.example/b.jpg\nsub/c.jpg ||"
    assert photo_refs(cell) == ["a.jpg", "https://x.example/b.jpg", "sub/c.jpg"]
    assert photo_refs("") == []
    assert is_link("HTTPS://X.example/a.jpg") and not is_link("photos/a.jpg")


def test_files_are_found_by_path_or_by_a_bare_name_unique_in_the_zip() -> None:
    archive = PhotoArchive(
        _zip({"shoot/Red Dress 1.JPG": JPEG, "shoot/a.jpg": JPEG, "other/a.jpg": JPEG, "top.png": JPEG})
    )
    assert archive.read("shoot/red dress 1.jpg") == JPEG  # case does not matter
    assert archive.read("Red Dress 1.jpg") == JPEG
    assert archive.find("shoot/a.jpg") is not None
    assert archive.find("a.jpg") is None  # two files carry that name: ambiguous
    assert archive.find("./top.png") is not None
    assert archive.find("missing.jpg") is None
    with pytest.raises(ZipError) as refused:
        archive.read("missing.jpg")
    assert refused.value.code == "photo_not_in_zip"


def test_hidden_files_and_folders_are_not_photos() -> None:
    archive = PhotoArchive(_zip({"__MACOSX/._a.jpg": b"junk", ".DS_Store": b"junk", "a.jpg": JPEG}))
    assert archive.find("a.jpg") is not None and archive.find("._a.jpg") is None


def test_a_member_larger_than_a_photo_may_be_is_refused_without_being_read_whole() -> None:
    archive = PhotoArchive(_zip({"big.jpg": b"\xff" * (MAX_PHOTO_BYTES + 1)}))
    with pytest.raises(PhotoRejected) as refused:
        archive.read("big.jpg")
    assert refused.value.code == "photo_too_large"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.4 not a zip", "zip_unreadable"),
        (b"PK\x03\x04 truncated", "zip_unreadable"),
        (_zip({"bomb.jpg": b"\x00" * (50 * 1024 * 1024)}, compression=zipfile.ZIP_DEFLATED), "zip_bomb"),
    ],
)
def test_archives_refused_as_a_whole(data: bytes, code: str) -> None:
    with pytest.raises(ZipError) as refused:
        PhotoArchive(data)
    assert refused.value.code == code


def test_an_encrypted_zip_is_refused() -> None:
    data = bytearray(_zip({"a.jpg": JPEG}))
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x1  # the "encrypted" flag a password-protected entry carries
    with pytest.raises(ZipError) as refused:
        PhotoArchive(bytes(data))
    assert refused.value.code == "zip_encrypted"


def test_the_csv_inside_a_zip_is_found_when_there_is_exactly_one() -> None:
    assert PhotoArchive(_zip({"products.csv": b"title\nA\n", "a.jpg": JPEG})).csv_file() == b"title\nA\n"
    assert PhotoArchive(_zip({"a.csv": b"title\n", "b.csv": b"title\n"})).csv_file() is None
    assert PhotoArchive(_zip({"a.jpg": JPEG})).csv_file() is None


def test_row_entries_are_checked_against_the_zip_and_the_limits() -> None:
    archive = PhotoArchive(_zip({"a.jpg": JPEG}))
    assert check_refs(["a.jpg", "https://images.example.com/b.jpg"], archive) is None
    assert check_refs(["a.jpg", "b.jpg"], archive) == "photo_not_in_zip"
    assert check_refs(["a.jpg"], None) == "photo_zip_missing"
    assert check_refs(["http://192.168.0.10/a.jpg"], archive) == "photo_link_private"
    assert check_refs(["ftp://x.example/a.jpg"], archive) == "photo_link_invalid"
    assert check_refs([f"https://images.example.com/{n}.jpg" for n in range(25)], archive) == "photo_limit_reached"
