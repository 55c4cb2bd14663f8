"""Evidence files of matters and the office's working-day adjustments."""

from django.db import models

from core.models import BusinessModel, Scope

from ..choices import (
    AttachmentType,
)
from .matter import Matter


def attachment_path(instance, filename):
    return f"matters/attachments/{instance.matter.opened_on:%Y}/{instance.matter_id}/{filename}"


class MatterAttachment(BusinessModel):
    """佐证材料: a file attached to a matter (the evidence 销号 needs): PDF, picture, Word or Excel,
    checked by its content, stored under MEDIA and served only through permission-checked views."""

    matter = models.ForeignKey(
        Matter, verbose_name="事项", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path, max_length=300)
    original_name = models.CharField("原文件名", max_length=200)
    file_type = models.CharField("文件类型", max_length=10, choices=AttachmentType.choices)
    size = models.PositiveIntegerField("大小（字节）")
    description = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        "org.User", verbose_name="上传人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope = Scope(
        units=("matter__lead_unit", "matter__cooperating_units", "matter__project__responsible_unit"),
        regions=("matter__region",),
    )

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["matter", "id"]

    def __str__(self):
        return self.description or self.original_name


class WorkdayOverride(BusinessModel):
    """工作日调整: a day the office declares working (调休上班) or rest (放假), for years the holiday
    library does not know yet (the State Council publishes each year's holidays in the autumn before).
    It wins over the library and the weekend."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("上班", help_text="勾选：当天上班（调休）；不勾选：当天放假。")
    note = models.CharField("说明", max_length=100, blank=True, help_text="例如：2027年春节调休。")

    scope = Scope(public_view=True)
    import_keys = ("date",)

    class Meta:
        verbose_name = "工作日调整"
        verbose_name_plural = "工作日调整"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_working_day else '放假'}"
