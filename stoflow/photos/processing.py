"""Turning an uploaded file into the photos StoFlow stores: checked, cleaned, resized.

Checks go from cheapest to dearest, and nothing is decoded before the file is known to
be small enough, of an allowed type, and within the pixel limit read from its header:
a 50 KB PNG can claim 2.5 gigapixels (a decompression bomb). The output carries no
metadata at all (EXIF, GPS, XMP, camera serials): the seller's home address must not
travel to marketplaces inside a photo.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 20 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
MAX_PHOTOS_PER_PRODUCT = 24
MAX_LONG_SIDE = 2048
THUMB_LONG_SIDE = 400
FULL_QUALITY = 85
THUMB_QUALITY = 80
FULL_CONTENT_TYPE = "image/jpeg"  # what every marketplace accepts
THUMB_CONTENT_TYPE = "image/webp"

# Pillow refuses (DecompressionBombError) above twice this and warns above it; our own
# check from the header refuses anything above MAX_PHOTO_PIXELS before decoding.
Image.MAX_IMAGE_PIXELS = MAX_PHOTO_PIXELS
pillow_heif.register_heif_opener()

# What the seller reads for each refusal (the UI may translate by code).
REJECTION_MESSAGES = {
    "photo_too_large": f"This file is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB.",
    "photo_not_an_image": "This file is not an image.",
    "photo_type_not_allowed": "Only JPEG, PNG, WebP and HEIC photos are accepted.",
    "photo_too_many_pixels": f"This image has more than {MAX_PHOTO_PIXELS // 1_000_000} megapixels.",
    "photo_corrupt": "This image is damaged or incomplete and cannot be read.",
    "photo_limit_reached": f"A product can have at most {MAX_PHOTOS_PER_PRODUCT} photos.",
}

# Pillow format names we decode, by what the file's first bytes say it is.
_ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "HEIF"}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1", b"heif"}
# Image formats we recognise and refuse (rather than calling them "not an image").
_REFUSED_SIGNATURES = (
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
    b"\x00\x00\x01\x00",  # ICO
    b"8BPS",  # Photoshop
    b"\x00\x00\x00\x0cjP  ",  # JPEG 2000
    b"\xff\x4f\xff\x51",  # JPEG 2000 codestream
    b"qoif",
    b"\xff\x0a",  # JPEG XL codestream
    b"\x00\x00\x00\x0cJXL ",
)
_REFUSED_ISO_BRANDS = {b"avif", b"avis", b"jxl ", b"crx "}


class PhotoRejected(ValueError):
    """An upload StoFlow will not store; `code` names why, the message is for the seller."""

    def __init__(self, code: str, detail: str | None = None) -> None:
        super().__init__(REJECTION_MESSAGES[code])
        self.code = code
        self.detail = detail  # for the log only


@dataclass(frozen=True)
class ProcessedPhoto:
    """A cleaned photo: the full-size JPEG, its WebP thumbnail, and facts about them."""

    full: bytes
    full_type: str
    thumb: bytes
    width: int
    height: int
    sha256: str  # of the uploaded file, to spot the same photo uploaded twice
    thumb_type: str = THUMB_CONTENT_TYPE


def check_photo_count(current: int, adding: int = 1) -> None:
    """Refuse (photo_limit_reached) when a product would have more than MAX_PHOTOS_PER_PRODUCT photos."""
    if current + adding > MAX_PHOTOS_PER_PRODUCT:
        raise PhotoRejected("photo_limit_reached")


def sniff_format(data: bytes) -> str | None:
    """The allowed format the first bytes announce (JPEG, PNG, WEBP, HEIF), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIF"
    return None


def _is_refused_image(data: bytes) -> bool:
    if data.startswith(_REFUSED_SIGNATURES):
        return True
    return data[4:8] == b"ftyp" and data[8:12] in _REFUSED_ISO_BRANDS


def process_upload(data: bytes, *, filename: str) -> ProcessedPhoto:
    """Check an uploaded photo by its content and return its cleaned full-size and thumbnail versions.

    Raise PhotoRejected with code photo_too_large, photo_not_an_image, photo_type_not_allowed,
    photo_too_many_pixels or photo_corrupt. The file name is only used in log lines: the
    content alone decides the type.
    """
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoRejected("photo_too_large", f"{filename}: {len(data)} bytes")
    image_format = sniff_format(data)
    if image_format is None:
        code = "photo_type_not_allowed" if _is_refused_image(data) else "photo_not_an_image"
        raise PhotoRejected(code, f"{filename}: starts with {data[:12]!r}")

    image = _open(data, image_format, filename)
    width, height = image.size
    if width * height > MAX_PHOTO_PIXELS:
        raise PhotoRejected("photo_too_many_pixels", f"{filename}: {width}x{height}")
    if width < 1 or height < 1:
        raise PhotoRejected("photo_corrupt", f"{filename}: {width}x{height}")

    target = _fit((width, height), MAX_LONG_SIDE)
    if image_format == "JPEG":
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still gives at least the target size.
        image.draft("RGB", target)
    try:
        image.load()  # the full decode: truncated or damaged data fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected("photo_too_many_pixels", filename) from None
    except Exception as error:  # Pillow raises OSError, SyntaxError, ValueError… on bad data
        raise PhotoRejected("photo_corrupt", f"{filename}: {error!r}") from None
    try:
        image = ImageOps.exif_transpose(image)
    except Exception as error:  # a damaged EXIF block: keep the pixels as they are
        log.info("Ignoring unreadable EXIF orientation in %s: %r", filename, error)
    try:
        image = _to_srgb(image)
    except Exception as error:
        raise PhotoRejected("photo_corrupt", f"{filename}: {error!r}") from None

    full = _resized(image, MAX_LONG_SIDE)
    thumb = _resized(full, THUMB_LONG_SIDE)
    return ProcessedPhoto(
        full=_encode(full, "JPEG", quality=FULL_QUALITY, optimize=True, progressive=True),
        full_type=FULL_CONTENT_TYPE,
        thumb=_encode(thumb, "WEBP", quality=THUMB_QUALITY, method=4),
        width=full.width,
        height=full.height,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _open(data: bytes, image_format: str, filename: str) -> Image.Image:
    """Read the header only, with the one decoder the magic bytes named."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # someone relaxed Pillow globally: truncation must still be refused
        log.warning("ImageFile.LOAD_TRUNCATED_IMAGES is set; truncated photos may pass")
    try:
        return Image.open(io.BytesIO(data), formats=[_ALLOWED_FORMATS[image_format]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected("photo_too_many_pixels", filename) from None
    except UnidentifiedImageError:
        raise PhotoRejected("photo_not_an_image", f"{filename}: {image_format} header unreadable") from None
    except Exception as error:
        raise PhotoRejected("photo_corrupt", f"{filename}: {error!r}") from None


def _fit(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, long_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(image: Image.Image) -> Image.Image:
    """A fresh RGB image with no metadata: colours converted from an embedded profile, alpha on white."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L", "LA"):
        try:
            converted = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                _SRGB,
                outputMode="RGBA" if image.mode in ("RGBA", "LA") else "RGB",
            )
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError) as error:
            log.info("Ignoring an unusable colour profile: %r", error)

    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        # 16-bit greyscale (some PNGs): keep the 8 most significant bits.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    clean = Image.new("RGB", image.size, "white")
    if has_alpha:
        rgba = image.convert("RGBA")
        clean.paste(rgba, mask=rgba.getchannel("A"))
    else:
        clean.paste(image if image.mode == "RGB" else image.convert("RGB"))
    return clean


def _resized(image: Image.Image, long_side: int) -> Image.Image:
    """`image` scaled down (never up) so its long side is at most `long_side`."""
    size = _fit(image.size, long_side)
    if size == image.size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    # Only the pixels: no exif=, icc_profile= or xmp= is passed, and `image` carries no info.
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()
