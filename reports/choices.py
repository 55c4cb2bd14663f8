from django.db import models


class DocumentKind(models.TextChoices):
    """What a document template is for. The 专报 kinds join this list when the special report is built;
    each kind documents its variables and has a built-in template (`reports.letters.kinds`)."""

    REMINDER_LETTER = "reminder_letter", "提醒函"
    SUPERVISION_LETTER = "supervision_letter", "督办函"
    SPECIAL_REPORT = "special_report", "半月一专报"


# The kinds that are letters (函件): issued one at a time to one subject and numbered per kind and year.
LETTER_KINDS = (DocumentKind.REMINDER_LETTER, DocumentKind.SUPERVISION_LETTER)


class SpecialReportStatus(models.TextChoices):
    """Where the background job generating a 专报 stands."""

    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
