"""报告与函件: the Word templates the office edits, and the letters (提醒函 / 督办函) issued from them.

A `DocumentTemplate` is a .docx the office uploaded for one kind of document, checked against the
variables that kind documents; at most one per kind is in force, and without one the built-in template
(`reports.letters.builtin`) is used. A `LetterIssue` is one letter sent: its number (文号, numbered per
kind and year), its subject (a red project or an overdue matter), who issued it when, the .docx as
generated, the data it was filled from and that data's checksum.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.models import BusinessModel, Scope

from .choices import LETTER_KINDS, DocumentKind, SpecialReportStatus

# Reply time of a letter when the office has set none (working days after the letter's date).
DEFAULT_REPLY_WORKING_DAYS = 5


def template_path(instance, filename):
    return f"reports/templates/{instance.kind}/{filename}"


def letter_path(instance, filename):
    return f"reports/letters/{instance.kind}/{instance.year}/{filename}"


class DocumentTemplate(BusinessModel):
    """文书模板: a Word (.docx) template the office edited in WPS or Word for one kind of document, with
    how the documents are issued (发文机关, 文号前缀, 红头, 回复时限). One per kind is in force; without
    one the built-in template is used."""

    kind = models.CharField("文书类型", max_length=30, choices=DocumentKind.choices)
    name = models.CharField("模板名称", max_length=100)
    file = models.FileField("模板文件", upload_to=template_path, max_length=300, editable=False)
    original_name = models.CharField("原文件名", max_length=200, editable=False)
    checksum = models.CharField("文件校验码", max_length=64, editable=False)
    variables = models.JSONField("使用的变量", default=list, blank=True, editable=False)
    issuer_name = models.CharField(
        "发文机关", max_length=100, blank=True, help_text="留空：使用签发人所在单位或“××区项目办”。"
    )
    number_prefix = models.CharField(
        "文号前缀",
        max_length=30,
        blank=True,
        help_text="文号中年份前的部分，例如“南康项办督”；留空：按区划自动生成。",
    )
    red_header = models.BooleanField("套红头", default=False, help_text="在文首印红色发文机关标志和分隔线。")
    reply_working_days = models.PositiveSmallIntegerField(
        "回复时限（工作日）",
        default=DEFAULT_REPLY_WORKING_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="函件要求在成文日期后多少个工作日内回复。",
    )
    note = models.TextField("说明", blank=True)
    is_active = models.BooleanField("启用", default=False, editable=False)
    uploaded_by = models.ForeignKey(
        "org.User",
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField("上传时间", editable=False)

    scope = Scope()

    class Meta:
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"
        ordering = ["kind", "-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(is_active=True),
                name="documenttemplate_one_active_per_kind",
            ),
        ]


class LetterIssue(BusinessModel):
    """发函记录: one 提醒函 or 督办函 sent — its 文号 (numbered per kind and year), its subject (a red
    project or an overdue matter), the addressee, who issued it and when, the template used, the .docx
    as generated, the data it was filled from and that data's checksum."""

    kind = models.CharField("函件类型", max_length=30, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    sequence = models.PositiveIntegerField("序号")
    number = models.CharField("文号", max_length=60, db_index=True)
    title = models.CharField("标题", max_length=300)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name="事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    light = models.ForeignKey(
        "lights.ProjectLight",
        verbose_name="依据的亮灯",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="letters",
    )
    addressee = models.CharField("主送单位", max_length=200)
    issued_on = models.DateField("成文日期")
    issued_by = models.ForeignKey(
        "org.User", verbose_name="签发人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField("签发时间")
    template = models.ForeignKey(
        DocumentTemplate,
        verbose_name="使用模板",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
        help_text="留空表示内置模板。",
    )
    file = models.FileField("函件文件", upload_to=letter_path, max_length=300, editable=False)
    context = models.JSONField("函件数据", default=dict, editable=False)
    context_checksum = models.CharField("数据校验码", max_length=64)

    scope = Scope(
        units=(
            "project__responsible_unit",
            "project__introducing_unit",
            "project__cooperating_units",
            "matter__lead_unit",
            "matter__cooperating_units",
            "matter__project__responsible_unit",
        ),
        regions=("project__region", "matter__region"),
    )

    class Meta:
        verbose_name = "发函记录"
        verbose_name_plural = "发函记录"
        ordering = ["-issued_at", "-id"]
        # 签发函件: the office's permission, like review_progressreport (see reports.services).
        permissions = [("review_letterissue", "Can review 发函记录")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "sequence"], name="letterissue_number_once_per_kind_year"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[str(kind) for kind in LETTER_KINDS]),
                name="letterissue_kind_is_letter",
            ),
            models.CheckConstraint(
                condition=models.Q(project__isnull=False, matter__isnull=True)
                | models.Q(project__isnull=True, matter__isnull=False),
                name="letterissue_one_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "-issued_at"], name="letterissue_project_idx"),
            models.Index(fields=["matter", "-issued_at"], name="letterissue_matter_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def subject(self):
        """The project or the matter the letter is about."""
        return self.project if self.project_id else self.matter


def special_report_path(instance, filename):
    return f"reports/special/{instance.period_code}/{filename}"


class SpecialReport(BusinessModel):
    """专报: one generated 半月一专报 (or monthly / annual summary) — its period and scope parameters, the
    business date (as_of) and the moment whose records it read (recorded_at), the rules version, the
    figures it printed (JSON) and their checksum, the files generated (Word, PDF, Excel), who asked for
    it and when, and the background job's status and progress. Regenerating from the stored parameters
    gives the same figures and checksum (reports.special.services.regenerate_special_report)."""

    period_code = models.CharField(
        "统计期", max_length=20, help_text="2024-03-H1、2024-03-H2、2024-03 或 2024"
    )
    period_label = models.CharField("统计期名称", max_length=40)
    region = models.ForeignKey(
        "org.Region",
        verbose_name="统计区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    parameters = models.JSONField("生成参数", default=dict)
    as_of = models.DateField("统计截至日期")
    recorded_at = models.DateTimeField("数据时点", help_text="按这一时刻的记录计算（历史记录）。")
    rules_version = models.CharField("统计口径版本", max_length=20)
    figures = models.JSONField("统计数据", default=dict, blank=True, editable=False)
    figures_checksum = models.CharField("数据校验码", max_length=64, blank=True, editable=False)
    formats = models.JSONField("文件格式", default=list)
    docx_file = models.FileField(
        "Word 文件", upload_to=special_report_path, max_length=300, blank=True, editable=False
    )
    pdf_file = models.FileField(
        "PDF 文件", upload_to=special_report_path, max_length=300, blank=True, editable=False
    )
    xlsx_file = models.FileField(
        "Excel 附表", upload_to=special_report_path, max_length=300, blank=True, editable=False
    )
    template = models.ForeignKey(
        DocumentTemplate,
        verbose_name="使用模板",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="special_reports",
        help_text="留空表示内置模板。",
    )
    status = models.CharField(
        "状态", max_length=10, choices=SpecialReportStatus.choices, default=SpecialReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField("进度（%）", default=0, validators=[MaxValueValidator(100)])
    error = models.TextField("错误信息", blank=True)
    created_by = models.ForeignKey(
        "org.User", verbose_name="生成人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope = Scope(regions=("region",))

    class Meta:
        verbose_name = "专报"
        verbose_name_plural = "专报"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.period_label}专报"
