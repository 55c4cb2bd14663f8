"""Matters evidence files: judged by their content, not their name."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from matters import services

from .conftest import new_matter
from .services_helpers import pdf, refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
D = datetime.date


# Evidence ---------------------------------------------------------------------------------------


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("现场.png", buffer.getvalue(), "image/png")


def office_file(name, parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part, "<x/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def test_evidence_files_are_judged_by_their_content(setup, settings):
    w = setup.world
    matter = new_matter(setup)
    accepted = [
        services.add_attachment(matter, actor=w.reporter_a, upload=upload, on=D(2024, 3, 4))
        for upload in (
            pdf(),
            png(),
            office_file("会议纪要.docx", ["[Content_Types].xml", "word/document.xml"]),
            office_file("台账.xlsx", ["[Content_Types].xml", "xl/workbook.xml"]),
        )
    ]
    assert [(a.file_type, a.original_name, a.file.name.rsplit(".", 1)[1]) for a in accepted] == [
        ("pdf", "交地确认书.pdf", "pdf"),
        ("image", "现场.png", "png"),
        ("docx", "会议纪要.docx", "docx"),
        ("xlsx", "台账.xlsx", "xlsx"),
    ]
    assert accepted[0].file.read().startswith(b"%PDF-")
    assert accepted[0].size == len(pdf().read())
    settings.MATTER_ATTACHMENT_MAX_BYTES = 1024 * 1024
    for upload, message in (
        (
            SimpleUploadedFile("脚本.pdf", b"#!/bin/sh\nrm -rf /\n"),
            "附件“脚本.pdf”的格式不支持：只能上传 PDF、JPEG/PNG/WebP 图片、.docx 或 .xlsx。",
        ),
        (
            office_file("宏.docx", ["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"]),
            "附件“宏.docx”不是有效的 Word（.docx）或 Excel（.xlsx）文件（含宏的文件不能上传）。",
        ),
        (SimpleUploadedFile("空.pdf", b""), "附件“空.pdf”是空文件。"),
        (
            SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * 1024 * 1024),
            "附件“大.pdf”超过 1 MB，请压缩或拆分后再上传。",
        ),
    ):
        refused(
            lambda upload=upload: services.add_attachment(
                matter, actor=w.reporter_a, upload=upload, on=D(2024, 3, 4)
            ),
            matter,
            ValidationError,
            message,
        )
    refused(
        lambda: services.add_attachment(matter, actor=w.reporter_b, upload=pdf(), on=D(2024, 3, 4)),
        matter,
        PermissionDenied,
        "只有牵头单位（唐江镇人民政府）或项目办才能上传佐证材料。",
    )
