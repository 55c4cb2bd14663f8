"""Evidence attached to a matter (佐证材料), checked by content and stored under MEDIA."""

from django.db import transaction

from core.history import history_context

from ..attachments import check_attachment
from ..choices import EventKind
from ..models import MatterAttachment
from .common import check_date, effective_date, lock, record, require_lead_unit_or_office, require_open


def add_attachment(matter, *, actor, upload, description="", on=None):
    """Attach an evidence file to an open matter (the lead unit or the office). The upload is checked by
    `matters.attachments.check_attachment`; its refusal is a ValidationError naming the file."""
    with transaction.atomic(), history_context(actor=actor, reason="上传佐证材料"):
        lock(matter)
        require_lead_unit_or_office(actor, matter, "上传佐证材料")
        require_open(matter)
        on = effective_date(on)
        check_date(matter, on)
        checked = check_attachment(upload)
        attachment = MatterAttachment(
            matter=matter,
            original_name=checked.original_name,
            file_type=checked.file_type,
            size=checked.size,
            description=description.strip()[:200],
            uploaded_by=actor,
            is_synthetic=matter.is_synthetic,
        )
        try:
            attachment.file.save(checked.stored_name(), upload, save=False)
            attachment.save()
            record(
                matter,
                EventKind.ATTACHMENT_ADDED,
                actor=actor,
                on=on,
                comment=attachment.description,
                payload={
                    "attachment": attachment.pk,
                    "name": checked.original_name,
                    "type": checked.file_type,
                },
            )
        except Exception:
            # The file is written before the row; a row that was never saved must not leave it behind.
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
            raise
    return attachment
