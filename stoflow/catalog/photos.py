"""A product's photos: add (checked, cleaned, stored), reorder, cover, label flag, delete.

Files go to the Storage under the seller's and product's prefix; rows to the tenant's
`product_photos`. An upload that fails anywhere leaves no file behind: the files are
written only after the image passed every check, and removed again if the row cannot be
saved.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from stoflow.catalog.products import ProductError, get_product
from stoflow.models.tenant.products import ProductPhoto, ProductStatus
from stoflow.photos.processing import PhotoRejected, check_photo_count, process_upload
from stoflow.storage import Storage, photo_key, product_prefix
from stoflow.storage.signing import media_url


@dataclass(frozen=True)
class PhotoView:
    id: int
    position: int
    is_label: bool
    thumb_url: str
    full_url: str
    width: int
    height: int


def photos_of(db: Session, product_id: int) -> list[ProductPhoto]:
    return list(
        db.exec(
            select(ProductPhoto)
            .where(col(ProductPhoto.product_id) == product_id)
            .order_by(col(ProductPhoto.position), col(ProductPhoto.id))
        ).all()
    )


def views(db: Session, user_id: int, product_id: int) -> list[PhotoView]:
    """The gallery with short-lived signed links (never a public folder)."""
    return [
        PhotoView(
            id=photo.id or 0,
            position=photo.position,
            is_label=photo.is_label,
            thumb_url=media_url(photo.thumb_key, user_id=user_id),
            full_url=media_url(photo.full_key, user_id=user_id),
            width=photo.width,
            height=photo.height,
        )
        for photo in photos_of(db, product_id)
    ]


def cover_urls(db: Session, user_id: int, product_ids: list[int]) -> dict[int, str]:
    """The signed thumbnail link of each product's cover (its first photo), in one query."""
    if not product_ids:
        return {}
    rows = db.exec(
        select(ProductPhoto.product_id, ProductPhoto.thumb_key)
        .where(col(ProductPhoto.product_id).in_(product_ids))
        .order_by(col(ProductPhoto.product_id), col(ProductPhoto.position), col(ProductPhoto.id))
        .distinct(col(ProductPhoto.product_id))
    ).all()
    return {product_id: media_url(key, user_id=user_id) for product_id, key in rows}


def _editable(db: Session, product_id: int) -> None:
    product = get_product(db, product_id)
    if product.status == ProductStatus.sold:
        raise ProductError("product_sold_locked")


def add_photo(
    db: Session, storage: Storage, *, user_id: int, product_id: int, data: bytes, filename: str
) -> ProductPhoto:
    """Check, clean and store one uploaded photo; PhotoRejected (nothing stored) otherwise."""
    _editable(db, product_id)
    count = int(
        db.exec(select(func.count()).select_from(ProductPhoto).where(ProductPhoto.product_id == product_id)).one()
    )
    check_photo_count(count)
    processed = process_upload(data, filename=filename)  # every check before any write
    name = uuid.uuid4().hex
    full_key = photo_key(user_id, product_id, name, "full")
    thumb_key = photo_key(user_id, product_id, name, "thumb")
    written: list[str] = []
    try:
        storage.put(full_key, processed.full, processed.full_type)
        written.append(full_key)
        storage.put(thumb_key, processed.thumb, processed.thumb_type)
        written.append(thumb_key)
        photo = ProductPhoto(
            product_id=product_id,
            position=count,
            full_key=full_key,
            thumb_key=thumb_key,
            content_type=processed.full_type,
            width=processed.width,
            height=processed.height,
            size_bytes=len(processed.full),
            sha256=processed.sha256,
        )
        with db.begin_nested():
            db.add(photo)
            db.flush()
    except BaseException:
        for key in written:
            storage.delete(key)
        raise
    return photo


def _photo(db: Session, product_id: int, photo_id: int) -> ProductPhoto:
    photo = db.exec(
        select(ProductPhoto).where(col(ProductPhoto.id) == photo_id, col(ProductPhoto.product_id) == product_id)
    ).first()
    if photo is None:
        raise ProductError("photo_not_found")
    return photo


def reorder(db: Session, product_id: int, photo_ids: list[int]) -> None:
    """Put the photos in this order (the first is the cover); ids must be exactly the product's."""
    _editable(db, product_id)
    photos = {photo.id or 0: photo for photo in photos_of(db, product_id)}
    if sorted(photo_ids) != sorted(photos):
        raise ProductError("photo_not_found")
    for position, photo_id in enumerate(photo_ids):
        photos[photo_id].position = position
        db.add(photos[photo_id])
    db.flush()


def make_cover(db: Session, product_id: int, photo_id: int) -> None:
    ordered = [photo.id or 0 for photo in photos_of(db, product_id)]
    _photo(db, product_id, photo_id)
    reorder(db, product_id, [photo_id, *(other for other in ordered if other != photo_id)])


def set_label(db: Session, product_id: int, photo_id: int, is_label: bool) -> None:
    """Flag the care-label photo: never published, never sent to the AI. One per product."""
    _editable(db, product_id)
    target = _photo(db, product_id, photo_id)
    for photo in photos_of(db, product_id):
        flag = is_label and photo.id == target.id
        if photo.is_label != flag:
            photo.is_label = flag
            db.add(photo)
    db.flush()


def delete_photo(db: Session, storage: Storage, product_id: int, photo_id: int) -> None:
    _editable(db, product_id)
    photo = _photo(db, product_id, photo_id)
    db.delete(photo)
    db.flush()
    for key in (photo.full_key, photo.thumb_key):
        storage.delete(key)  # a missing file is no error
    reorder(db, product_id, [other.id or 0 for other in photos_of(db, product_id)])


def delete_product_files(storage: Storage, user_id: int, product_id: int) -> int:
    """Every file of a product (when it leaves the Trash for good)."""
    return storage.delete_prefix(product_prefix(user_id, product_id))


def photos_for_ai(db: Session, storage: Storage, product_id: int) -> list[tuple[bytes, str]]:
    """The product pictures the AI may see: every photo but the label, in gallery order."""
    return [
        (storage.get(photo.full_key), photo.content_type) for photo in photos_of(db, product_id) if not photo.is_label
    ]


__all__ = ["PhotoRejected", "PhotoView", "add_photo", "delete_photo", "make_cover", "reorder", "set_label", "views"]


# --- a seller's files as a whole (GDPR export, account deletion) -------------------------


def seller_photos(user_id: int) -> Iterator[tuple[str, bytes]]:
    """Every full-size photo of a seller, as (path in the export, content)."""
    from stoflow.storage import get_storage, user_prefix

    storage = get_storage()
    prefix = user_prefix(user_id)
    for key in storage.list(prefix):
        if key.rsplit("/", 1)[-1].startswith("full."):
            yield key[len(prefix) :].lstrip("/"), storage.get(key)


def delete_seller_files(user_id: int) -> None:
    """Every file of a seller (their account is being deleted)."""
    from stoflow.storage import get_storage, user_prefix

    get_storage().delete_prefix(user_prefix(user_id))


def copy_photos(db: Session, storage: Storage, *, user_id: int, source_id: int, target_id: int) -> int:
    """Give product `target_id` its own copies of `source_id`'s photos (files and rows).

    Copies, not shared keys: deleting a photo of one never takes the other's. Returns how
    many were copied; a failure removes the files already copied.
    """
    written: list[str] = []
    try:
        for photo in photos_of(db, source_id):
            name = uuid.uuid4().hex
            full_key = photo_key(user_id, target_id, name, "full")
            thumb_key = photo_key(user_id, target_id, name, "thumb")
            storage.put(full_key, storage.get(photo.full_key), photo.content_type)
            written.append(full_key)
            storage.put(thumb_key, storage.get(photo.thumb_key), "image/webp")
            written.append(thumb_key)
            db.add(
                ProductPhoto(
                    product_id=target_id,
                    position=photo.position,
                    is_label=photo.is_label,
                    full_key=full_key,
                    thumb_key=thumb_key,
                    content_type=photo.content_type,
                    width=photo.width,
                    height=photo.height,
                    size_bytes=photo.size_bytes,
                    sha256=photo.sha256,
                )
            )
        db.flush()
    except BaseException:
        for key in written:
            storage.delete(key)
        raise
    return len(written) // 2
