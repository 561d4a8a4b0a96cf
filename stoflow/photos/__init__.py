"""Product photos: upload checks and processing (`processing`)."""

from __future__ import annotations

from stoflow.photos.processing import (
    MAX_PHOTO_BYTES,
    MAX_PHOTO_PIXELS,
    MAX_PHOTOS_PER_PRODUCT,
    PhotoRejected,
    ProcessedPhoto,
    check_photo_count,
    process_upload,
)

__all__ = [
    "MAX_PHOTOS_PER_PRODUCT",
    "MAX_PHOTO_BYTES",
    "MAX_PHOTO_PIXELS",
    "PhotoRejected",
    "ProcessedPhoto",
    "check_photo_count",
    "process_upload",
]
