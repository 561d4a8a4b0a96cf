"""Photo uploads: checked by content, cleaned of metadata, turned upright, resized."""

from __future__ import annotations

import io
import struct
import zlib

import pillow_heif
import pytest
from PIL import ExifTags, Image

from stoflow.photos import MAX_PHOTOS_PER_PRODUCT, PhotoRejected, check_photo_count, process_upload
from stoflow.photos.processing import MAX_LONG_SIDE, THUMB_LONG_SIDE

RED = (220, 20, 20)
BLUE = (20, 20, 220)


def _encode(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def _camera_exif(orientation: int) -> Image.Exif:
    """EXIF as a phone writes it: orientation, camera, and where the photo was taken."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12 serial 0042"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 3.0)
    return exif


def _marked_photo(size: tuple[int, int] = (600, 400)) -> Image.Image:
    """Blue, with a red block in the stored top-left corner (to see where it ends up)."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 4, size[1] // 4))
    return image


def _is_close(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=False))


def _assert_no_metadata(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    assert not image.getexif(), "EXIF left in the output"
    assert "exif" not in image.info
    assert "xmp" not in image.info and "XML:com.adobe.xmp" not in image.info
    assert b"Exif\x00\x00" not in data
    assert b"PhoneMaker" not in data and b"serial 0042" not in data


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _one_colour_png(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG of one colour, built row by row: tiny on disk and in memory."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def _bomb_header_png(width: int, height: int) -> bytes:
    """A PNG that claims width x height pixels but carries almost no data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + _png_chunk(b"IEND", b"")
    )


def _rejection(data: bytes, filename: str = "photo.jpg") -> str:
    with pytest.raises(PhotoRejected) as caught:
        process_upload(data, filename=filename)
    assert str(caught.value), "a refusal must carry a message for the seller"
    return caught.value.code


# --- What is accepted, and how it comes out ----------------------------------------


def test_phone_jpeg_is_turned_upright_and_loses_exif_and_gps() -> None:
    upload = _encode(_marked_photo(), "JPEG", exif=_camera_exif(orientation=6), xmp=b"<x:xmpmeta>secret</x:xmpmeta>")
    assert Image.open(io.BytesIO(upload)).getexif().get_ifd(ExifTags.IFD.GPSInfo), "the test photo must carry GPS"

    photo = process_upload(upload, filename="IMG_0001.jpg")

    assert (photo.width, photo.height) == (400, 600), "orientation 6 turns a landscape sensor image upright"
    full = Image.open(io.BytesIO(photo.full))
    assert full.format == "JPEG" and full.size == (400, 600) and photo.full_type == "image/jpeg"
    # Orientation 6 is a quarter turn clockwise: the stored top-left corner shows top-right.
    rgb = full.convert("RGB")
    assert _is_close(rgb.getpixel((390, 10)), RED)
    assert _is_close(rgb.getpixel((10, 10)), BLUE)
    _assert_no_metadata(photo.full)
    _assert_no_metadata(photo.thumb)
    assert b"secret" not in photo.full


def test_png_transparency_is_flattened_on_white() -> None:
    image = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    image.paste((*RED, 255), (0, 0, 150, 200))

    photo = process_upload(_encode(image, "PNG"), filename="cutout.png")

    full = Image.open(io.BytesIO(photo.full))
    assert full.mode == "RGB"
    assert _is_close(full.getpixel((50, 100)), RED)
    assert _is_close(full.getpixel((250, 100)), (255, 255, 255))


def test_webp_upload_becomes_a_jpeg_and_a_webp_thumbnail() -> None:
    photo = process_upload(_encode(_marked_photo(), "WEBP", quality=90), filename="shoe.webp")

    assert Image.open(io.BytesIO(photo.full)).format == "JPEG"
    thumb = Image.open(io.BytesIO(photo.thumb))
    assert thumb.format == "WEBP" and photo.thumb_type == "image/webp"
    assert thumb.size == (400, 267)


def test_heic_from_an_iphone_is_accepted_without_its_metadata() -> None:
    pillow_heif.register_heif_opener()
    upload = _encode(_marked_photo((640, 480)), "HEIF", exif=_camera_exif(orientation=1).tobytes())
    assert upload[4:12] == b"ftypheic"

    photo = process_upload(upload, filename="IMG_4242.HEIC")

    assert (photo.width, photo.height) == (640, 480)
    assert Image.open(io.BytesIO(photo.full)).format == "JPEG"
    _assert_no_metadata(photo.full)


def test_large_photo_is_scaled_to_2048_on_its_long_side() -> None:
    photo = process_upload(_encode(_marked_photo((4000, 3000)), "JPEG", quality=90), filename="big.jpg")

    assert (photo.width, photo.height) == (MAX_LONG_SIDE, 1536)
    assert Image.open(io.BytesIO(photo.full)).size == (2048, 1536)
    assert max(Image.open(io.BytesIO(photo.thumb)).size) == THUMB_LONG_SIDE


def test_small_photo_is_never_upscaled() -> None:
    photo = process_upload(_encode(_marked_photo((120, 90)), "PNG"), filename="tiny.png")

    assert (photo.width, photo.height) == (120, 90)
    assert Image.open(io.BytesIO(photo.thumb)).size == (120, 90)


def test_fingerprint_is_the_uploaded_files_sha256() -> None:
    import hashlib

    upload = _encode(_marked_photo(), "PNG")
    assert process_upload(upload, filename="a.png").sha256 == hashlib.sha256(upload).hexdigest()


def test_the_file_name_does_not_decide_the_type() -> None:
    png_named_jpg = _encode(_marked_photo(), "PNG")
    assert process_upload(png_named_jpg, filename="really-a-png.jpg").width == 600


# --- What is refused ---------------------------------------------------------------


def test_pdf_renamed_jpg_is_not_an_image() -> None:
    pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    assert _rejection(pdf, "holiday.jpg") == "photo_not_an_image"


@pytest.mark.parametrize("data", [b"", b"hello, I am a text file", b"\xff\xd8\xff" + b"\x00" * 64])
def test_garbage_is_not_an_image_or_corrupt(data: bytes) -> None:
    assert _rejection(data) in {"photo_not_an_image", "photo_corrupt"}


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "TIFF"])
def test_other_image_types_are_not_allowed(image_format: str) -> None:
    upload = _encode(_marked_photo((64, 48)), image_format)
    assert _rejection(upload, f"photo.{image_format.lower()}") == "photo_type_not_allowed"


def test_truncated_jpeg_is_corrupt() -> None:
    noisy = Image.effect_noise((800, 600), 64).convert("RGB")
    upload = _encode(noisy, "JPEG", quality=95)
    assert _rejection(upload[: len(upload) // 2]) == "photo_corrupt"


def test_truncated_png_is_corrupt() -> None:
    upload = _encode(Image.effect_noise((400, 300), 64), "PNG")
    assert _rejection(upload[: len(upload) // 2], "photo.png") == "photo_corrupt"


@pytest.mark.parametrize(
    "pillow_warning",
    [
        # Pillow only warns between 1x and 2x its limit: our own check from the header refuses.
        pytest.param("ignore", marks=pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")),
        # Where warnings are errors, Pillow's warning itself becomes the same refusal.
        pytest.param("error", marks=pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")),
    ],
)
def test_decompression_bomb_of_64_megapixels_is_refused_from_its_header(pillow_warning: str) -> None:
    bomb = _one_colour_png(8000, 8000)  # 64 MP of one colour, a few KB
    assert len(bomb) < 100_000
    assert _rejection(bomb, "bomb.png") == "photo_too_many_pixels"


def test_png_claiming_fifty_thousand_pixels_square_is_refused_without_decoding() -> None:
    # Decoding 2.5 gigapixels would need 7.5 GB: being refused at all proves it was not decoded.
    assert _rejection(_bomb_header_png(50_000, 50_000), "bomb.png") == "photo_too_many_pixels"


def test_file_over_20_mb_is_refused_before_anything_is_read() -> None:
    # The header claims 2.5 gigapixels: had it been read first, the code would be photo_too_many_pixels.
    huge = _bomb_header_png(50_000, 50_000)
    huge += b"\x00" * (21 * 1024 * 1024 - len(huge))
    assert _rejection(huge, "huge.png") == "photo_too_large"


def test_a_product_holds_at_most_24_photos() -> None:
    assert MAX_PHOTOS_PER_PRODUCT == 24
    check_photo_count(23)
    with pytest.raises(PhotoRejected) as caught:
        check_photo_count(24)
    assert caught.value.code == "photo_limit_reached"
