"""Product photos through the real pipeline: PostgreSQL rows, files in local storage and
on an S3 server; refused uploads leave nothing behind."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from stoflow.catalog import photos as gallery
from stoflow.catalog import products as catalog
from stoflow.catalog.rules import parse_input
from stoflow.db.tenancy import tenant_session
from stoflow.photos.processing import MAX_PHOTOS_PER_PRODUCT, PhotoRejected
from stoflow.storage import Storage, user_prefix


def _jpeg(colour: str = "red", size: tuple[int, int] = (1200, 900)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def product(make_seller):  # type: ignore[no-untyped-def]
    seller = make_seller()
    with tenant_session(seller.id) as db:
        created = catalog.create_product(db, parse_input({"title": "Jacket", "price": "40"}))
        return seller.id, created.id


def _add(storage: Storage, user_id: int, product_id: int, data: bytes, filename: str = "photo.jpg") -> int:
    with tenant_session(user_id) as db:
        return gallery.add_photo(db, storage, user_id=user_id, product_id=product_id, data=data, filename=filename).id  # type: ignore[return-value]


def test_photos_are_stored_ordered_and_signed(storage: Storage, product) -> None:  # type: ignore[no-untyped-def]
    user_id, product_id = product
    first, second, third = (_add(storage, user_id, product_id, _jpeg(c)) for c in ("red", "green", "blue"))
    assert len(storage.list(user_prefix(user_id))) == 6  # full + thumbnail each
    with tenant_session(user_id) as db:
        gallery.reorder(db, product_id, [third, first, second])
        gallery.set_label(db, product_id, second, True)
        views = gallery.views(db, user_id, product_id)
        assert [view.id for view in views] == [third, first, second]
        assert [view.is_label for view in views] == [False, False, True]
        assert all(view.thumb_url.startswith(f"/api/media/u{user_id}/") and "sig=" in view.thumb_url for view in views)
        # The label is never sent to the AI.
        assert len(gallery.photos_for_ai(db, storage, product_id)) == 2
        gallery.make_cover(db, product_id, first)
        assert next(photo.id for photo in gallery.photos_of(db, product_id)) == first
        gallery.delete_photo(db, storage, product_id, third)
        assert [photo.position for photo in gallery.photos_of(db, product_id)] == [0, 1]
    assert len(storage.list(user_prefix(user_id))) == 4


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"%PDF-1.7 this is a contract", "invoice.jpg", "photo_not_an_image"),
        (_jpeg()[:2000], "cut.jpg", "photo_corrupt"),
    ],
)
def test_refused_uploads_leave_nothing_behind(storage: Storage, product, data: bytes, filename: str, code: str) -> None:  # type: ignore[no-untyped-def]
    user_id, product_id = product
    with pytest.raises(PhotoRejected) as refused:
        _add(storage, user_id, product_id, data, filename)
    assert refused.value.code == code
    assert storage.list(user_prefix(user_id)) == []
    with tenant_session(user_id) as db:
        assert gallery.photos_of(db, product_id) == []


def test_at_most_24_photos(storage: Storage, product) -> None:  # type: ignore[no-untyped-def]
    user_id, product_id = product
    small = _jpeg(size=(40, 30))
    for _ in range(MAX_PHOTOS_PER_PRODUCT):
        _add(storage, user_id, product_id, small)
    with pytest.raises(PhotoRejected) as refused:
        _add(storage, user_id, product_id, small)
    assert refused.value.code == "photo_limit_reached"
    assert len(storage.list(user_prefix(user_id))) == 2 * MAX_PHOTOS_PER_PRODUCT


def test_a_photo_of_another_product_cannot_be_touched(storage: Storage, product) -> None:  # type: ignore[no-untyped-def]
    user_id, product_id = product
    photo_id = _add(storage, user_id, product_id, _jpeg())
    with tenant_session(user_id) as db:
        other = catalog.create_product(db, parse_input({"title": "Other"}))
    with pytest.raises(catalog.ProductError) as refused, tenant_session(user_id) as db:
        gallery.delete_photo(db, storage, other.id, photo_id)  # type: ignore[arg-type]
    assert refused.value.code == "photo_not_found"
    assert len(storage.list(user_prefix(user_id))) == 2


def test_a_sold_products_photos_are_locked(storage: Storage, product) -> None:  # type: ignore[no-untyped-def]
    user_id, product_id = product
    with tenant_session(user_id) as db:
        catalog.update_product(
            db,
            product_id,
            parse_input(
                {"title": "Jacket", "description": "Warm", "price": "40", "category": "jeans", "condition": "8"}
            ),
            version=1,
        )
    _add(storage, user_id, product_id, _jpeg())
    with tenant_session(user_id) as db:
        catalog.change_status(db, product_id, "published")
        catalog.change_status(db, product_id, "sold")
    with pytest.raises(catalog.ProductError) as locked:
        _add(storage, user_id, product_id, _jpeg())
    assert locked.value.code == "product_sold_locked"


def test_cover_links_are_the_first_photo_of_each_product(storage: Storage, product) -> None:  # type: ignore[no-untyped-def]
    user_id, product_id = product
    first, second = _add(storage, user_id, product_id, _jpeg("red")), _add(storage, user_id, product_id, _jpeg("blue"))
    with tenant_session(user_id) as db:
        bare = catalog.create_product(db, parse_input({"title": "No photo"}))
        gallery.reorder(db, product_id, [second, first])
        covers = gallery.cover_urls(db, user_id, [product_id, bare.id])  # type: ignore[list-item]
        second_thumb = next(photo.thumb_key for photo in gallery.photos_of(db, product_id) if photo.id == second)
    assert list(covers) == [product_id]
    assert covers[product_id].startswith(f"/api/media/{second_thumb}?")


def test_a_sellers_photos_are_in_the_export_and_gone_with_the_account(
    make_seller, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    from stoflow.accounts import gdpr
    from stoflow.db.engine import db_session
    from stoflow.storage import get_storage
    from tests.conftest import STRONG_PASSWORD, clear_caches

    monkeypatch.setenv("STOFLOW_DATA_DIR", str(tmp_path))
    clear_caches()
    get_storage.cache_clear()
    try:
        seller, neighbour = make_seller(), make_seller()
        storage = get_storage()
        for owner in (seller, neighbour):
            with tenant_session(owner.id) as db:
                item = catalog.create_product(db, parse_input({"title": "Coat"}))
            _add(storage, owner.id, item.id, _jpeg())  # type: ignore[arg-type]

        with db_session() as db:
            archive = zipfile.ZipFile(io.BytesIO(gdpr.export_archive(db, seller.id).data))
        photos = [name for name in archive.namelist() if name.startswith("photos/")]
        assert len(photos) == 1 and photos[0].endswith("full.jpg")
        assert archive.read(photos[0])[:3] == b"\xff\xd8\xff"  # the JPEG itself

        with db_session() as db:
            gdpr.delete_account(db, user_id=seller.id, password=STRONG_PASSWORD)
        assert storage.list(user_prefix(seller.id)) == []
        assert len(storage.list(user_prefix(neighbour.id))) == 2  # the neighbour keeps theirs
    finally:
        monkeypatch.undo()
        clear_caches()
        get_storage.cache_clear()


def test_a_duplicate_gets_its_own_copies_of_the_photos(storage: Storage, product) -> None:  # type: ignore[no-untyped-def]
    user_id, product_id = product
    _add(storage, user_id, product_id, _jpeg("red"))
    label = _add(storage, user_id, product_id, _jpeg("blue"))
    with tenant_session(user_id) as db:
        gallery.set_label(db, product_id, label, True)
        copy = catalog.duplicate(db, product_id)
        assert gallery.copy_photos(db, storage, user_id=user_id, source_id=product_id, target_id=copy.id) == 2  # type: ignore[arg-type]
        copied = gallery.photos_of(db, copy.id)  # type: ignore[arg-type]
        originals = gallery.photos_of(db, product_id)
    assert [photo.is_label for photo in copied] == [False, True]
    assert {photo.full_key for photo in copied}.isdisjoint(photo.full_key for photo in originals)
    assert len(storage.list(user_prefix(user_id))) == 8
    # Deleting the original's photos leaves the copy's files in place.
    with tenant_session(user_id) as db:
        for photo in originals:
            gallery.delete_photo(db, storage, product_id, photo.id)  # type: ignore[arg-type]
    assert all(storage.exists(photo.full_key) for photo in copied)
