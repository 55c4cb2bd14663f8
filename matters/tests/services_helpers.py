"""Helpers shared by the matters service tests: what a refused action must leave as it was, the
timeline of a matter, and a small valid PDF upload."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from matters.models import ExtensionRequest, Matter, MatterAttachment, MatterEvent, MatterPause


def snapshot(matter):
    """Everything a refused action must leave as it was."""
    row = Matter.objects.filter(pk=matter.pk).values().get()
    row.pop("updated_at")
    return (
        row,
        list(MatterEvent.objects.filter(matter_id=matter.pk).values_list("pk", flat=True)),
        Matter.history.filter(id=matter.pk).count(),
        list(ExtensionRequest.objects.filter(matter_id=matter.pk).values_list("pk", "status")),
        list(MatterPause.objects.filter(matter_id=matter.pk).values_list("pk", "ended_on")),
        MatterAttachment.objects.filter(matter_id=matter.pk).count(),
    )


def refused(action, matter, error, message):
    """`action()` raises `error` with `message` and changes nothing."""
    before = snapshot(matter)
    with pytest.raises(error) as raised:
        action()
    shown = raised.value.messages if isinstance(raised.value, ValidationError) else [str(raised.value)]
    assert message in shown
    assert snapshot(matter) == before


def events(matter):
    return list(matter.events.order_by("effective_on", "id").values_list("kind", "effective_on"))


def pdf(name="交地确认书.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
