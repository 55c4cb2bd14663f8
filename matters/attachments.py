"""Evidence files (佐证材料) for 销号: decide from the bytes, never from the name, that an upload is a PDF,
a JPEG/PNG/WebP picture, a Word document (.docx) or an Excel workbook (.xlsx) of a sane size.

A renamed script or a macro-carrying Office file (.docm/.xlsm renamed .docx/.xlsx: a `vbaProject.bin`
part) must not reach the disk as "evidence"; the stored name is a random one with the extension of
the type found, so nothing a user typed ends up in a path.
"""

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

from .choices import AttachmentType

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# The part each Office format must have, and what no accepted file may carry (macros).
OFFICE_MAIN_PARTS = {AttachmentType.DOCX: "word/document.xml", AttachmentType.XLSX: "xl/workbook.xml"}
MACRO_PART_SUFFIX = "vbaproject.bin"


def max_bytes():
    """The largest attachment accepted, in bytes (settings.MATTER_ATTACHMENT_MAX_BYTES, 20 MB by default)."""
    return getattr(settings, "MATTER_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


@dataclass(frozen=True)
class CheckedFile:
    """What an accepted upload is: its type, the extension it is stored under, its size and the name
    the user gave it (for display only)."""

    file_type: str
    extension: str
    size: int
    original_name: str

    def stored_name(self):
        return f"{uuid.uuid4().hex}.{self.extension}"


def _office_type(upload):
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = {name.lower() for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[content_types].xml" not in names or any(name.endswith(MACRO_PART_SUFFIX) for name in names):
        return None
    for file_type, part in OFFICE_MAIN_PARTS.items():
        if part in names:
            return file_type
    return None


def _image_extension(upload):
    upload.seek(0)
    try:
        with Image.open(upload, formats=tuple(IMAGE_FORMATS)) as image:
            image.verify()
            return IMAGE_FORMATS.get(image.format)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None


def check_attachment(upload):
    """Check `upload` (a Django UploadedFile) and return its `CheckedFile`.

    Refuses, with a Chinese message naming the file: an empty file, more than `max_bytes()`, and
    anything that is not a PDF, a JPEG/PNG/WebP picture, a .docx or a .xlsx (judged by content)."""
    name = PurePath(upload.name or "附件").name[:200]
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": f"附件“{name}”是空文件。"})
    limit = max_bytes()
    if size > limit:
        raise ValidationError(
            {"file": f"附件“{name}”超过 {limit // (1024 * 1024)} MB，请压缩或拆分后再上传。"}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return CheckedFile(AttachmentType.PDF, "pdf", size, name)
    if head.startswith(b"PK\x03\x04"):
        office = _office_type(upload)
        upload.seek(0)
        if office is not None:
            return CheckedFile(office, str(office), size, name)
        raise ValidationError(
            {"file": f"附件“{name}”不是有效的 Word（.docx）或 Excel（.xlsx）文件（含宏的文件不能上传）。"}
        )
    extension = _image_extension(upload)
    upload.seek(0)
    if extension is not None:
        return CheckedFile(AttachmentType.IMAGE, extension, size, name)
    raise ValidationError(
        {"file": f"附件“{name}”的格式不支持：只能上传 PDF、JPEG/PNG/WebP 图片、.docx 或 .xlsx。"}
    )
