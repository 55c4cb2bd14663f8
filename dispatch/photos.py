"""Site photos: decide that an upload is a real JPEG, PNG or WebP picture of a sane size, turn it
upright, and re-encode it as a JPEG with a thumbnail.

The format is what Pillow finds when it opens the bytes, never the file name: phones name HEIC
files ".jpg", and a renamed script must not reach the disk as a "photo". Re-encoding drops
everything but the pixels (EXIF location tags, embedded payloads), and the 40-megapixel cap keeps a
small file that declares a huge canvas (a decompression bomb) from filling the web worker's memory.
"""

import datetime
import io
import uuid
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
STORED_LONG_SIDE = 2560
THUMBNAIL_LONG_SIDE = 320
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80
EXIF_DATE_FORMAT = "%Y:%m:%d %H:%M:%S"


def max_bytes():
    """The largest upload accepted, in bytes (settings.PHOTO_MAX_BYTES, 10 MB by default)."""
    return getattr(settings, "PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES)


def _size_label(size):
    """10485760 → "10 MB", 1572864 → "1.5 MB", 512000 → "500 KB"."""
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"


@dataclass(frozen=True)
class PreparedPhoto:
    """What is stored for one upload: the upright JPEG, its thumbnail, their file names, the stored
    image's size and when the photo was taken (None when the camera did not say)."""

    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int
    taken_at: datetime.datetime | None


def _taken_at(image):
    """EXIF DateTimeOriginal as an aware datetime: with its OffsetTimeOriginal when the camera wrote
    one, else in the server's time zone (the county's: phones record local time)."""
    try:
        exif = image.getexif()
        details = exif.get_ifd(ExifTags.IFD.Exif)
    except Exception:  # a broken EXIF block is no reason to refuse the photo
        return None
    value = details.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTimeOriginal)
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.strptime(value.strip("\x00 ").strip(), EXIF_DATE_FORMAT)
    except ValueError:
        return None
    offset = details.get(ExifTags.Base.OffsetTimeOriginal)
    if isinstance(offset, str):
        try:
            return datetime.datetime.strptime(
                f"{moment:%Y-%m-%d %H:%M:%S}{offset.strip()}", "%Y-%m-%d %H:%M:%S%z"
            )
        except ValueError:
            pass
    return timezone.make_aware(moment)


def _upright_rgb(image):
    """The picture turned as the camera meant it, in RGB; transparency goes on white (JPEG has none)."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image, long_side, quality):
    copy = image.copy()
    copy.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    copy.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue(), copy.size


def prepare_photo(upload):
    """Check `upload` (a Django UploadedFile) and return the `PreparedPhoto` to store.

    Refuses, with a Chinese message naming the file: more than `max_bytes()`, anything Pillow does not
    open as JPEG, PNG or WebP, more than 40 megapixels, and files that cannot be decoded."""
    name = PurePath(upload.name or "照片").name
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(f"照片“{name}”超过 {_size_label(limit)}，请压缩后再上传。")
    not_a_picture = ValidationError(f"照片“{name}”不是 JPEG/PNG/WebP 图片。")
    too_large = ValidationError(
        f"照片“{name}”像素过多（超过 {MAX_PIXELS // 10_000} 万像素），请缩小后再上传。"
    )
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice that; anything over ours is refused anyway.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            source = Image.open(upload, formats=ACCEPTED_FORMATS)
        except Image.DecompressionBombError:
            raise too_large from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise not_a_picture from None
        try:
            if source.format not in ACCEPTED_FORMATS:
                raise not_a_picture
            if source.width * source.height > MAX_PIXELS:
                raise too_large
            source.load()
            taken_at = _taken_at(source)
            upright = _upright_rgb(source)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise ValidationError(f"照片“{name}”已损坏或不完整，无法读取。") from None
        finally:
            source.close()
    stem = uuid.uuid4().hex
    image_bytes, (width, height) = _jpeg(upright, STORED_LONG_SIDE, JPEG_QUALITY)
    thumbnail_bytes, _ = _jpeg(upright, THUMBNAIL_LONG_SIDE, THUMBNAIL_QUALITY)
    return PreparedPhoto(
        image=ContentFile(image_bytes, name=f"{stem}.jpg"),
        thumbnail=ContentFile(thumbnail_bytes, name=f"{stem}-thumbnail.jpg"),
        width=width,
        height=height,
        taken_at=taken_at,
    )
