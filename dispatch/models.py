"""一周一调度: reporting rounds as data sets, each responsible unit reporting each of its projects.

The model follows DHIS2's aggregate reporting fitted to project dispatch: a `Cadence` is the data
set with its period type and deadlines; a `DispatchRound` is one period of it; opening a round
creates one `ProgressReport` per covered project (the expected reports), pre-filled with the last
figures; the unit fills, submits, the office approves or returns; the round locks after its expiry
days unless the office grants the unit a `LockException`.
"""

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.models import BusinessModel, Scope
from projects.choices import Stage

from .choices import (
    Confidence,
    PeriodType,
    ReminderChannel,
    ReminderKind,
    ReportAction,
    ReportStatus,
    RuleImportance,
    RuleOperator,
    Weekday,
)

MONEY = {"max_digits": 14, "decimal_places": 2, "null": True, "blank": True}
# The stages whose projects a round covers unless the cadence says otherwise: projects still being
# prepared, planned or built are dispatched every week; completed, operating and cancelled ones are not.
DEFAULT_STAGES = [Stage.SIGNED, Stage.PREPARING, Stage.PLANNED, Stage.UNDER_CONSTRUCTION, Stage.STALLED]


def default_stages():
    return [str(stage) for stage in DEFAULT_STAGES]


class Cadence(BusinessModel):
    """调度频次: a reporting cadence the office runs (每周调度, 每月调度 …) with its deadlines and the
    units and projects it covers. Several cadences run side by side."""

    name = models.CharField("名称", max_length=60)
    region = models.ForeignKey(
        "org.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="cadences"
    )
    period_type = models.CharField(
        "周期", max_length=20, choices=PeriodType.choices, default=PeriodType.WEEKLY
    )
    start_weekday = models.PositiveSmallIntegerField(
        "每周起始日", choices=Weekday.choices, default=Weekday.MONDAY, help_text="仅每周调度使用。"
    )
    open_offset_days = models.SmallIntegerField(
        "开放填报（周期首日后天数）",
        default=0,
        validators=[MinValueValidator(-31), MaxValueValidator(62)],
        help_text="0 表示周期第一天开放填报；可为负数（提前开放）。",
    )
    due_offset_days = models.SmallIntegerField(
        "截止日（周期末日后天数）",
        default=-2,
        validators=[MinValueValidator(-31), MaxValueValidator(62)],
        help_text="0 表示周期最后一天截止，负数表示末日之前（每周一至周日、周五截止填 -2）。",
    )
    due_time = models.TimeField("截止时刻", default=datetime.time(17, 0))
    grace_days = models.PositiveSmallIntegerField(
        "按时宽限天数", default=0, help_text="截止后仍算按时报送的天数。"
    )
    expiry_days = models.PositiveSmallIntegerField(
        "锁定天数",
        null=True,
        blank=True,
        default=3,
        help_text="截止后若干天锁定，不能再报送（项目办可对单位开例外）；留空表示不锁定。",
    )
    units = models.ManyToManyField(
        "org.Unit",
        verbose_name="覆盖单位",
        blank=True,
        related_name="cadences",
        help_text="留空表示所属区划内负责项目的全部单位。",
    )
    stages = models.JSONField(
        "覆盖阶段", default=default_stages, blank=True, help_text="覆盖的项目阶段；留空表示全部阶段。"
    )
    tier_flags = models.JSONField(
        "覆盖级别",
        default=list,
        blank=True,
        help_text="只覆盖带这些级别标记的项目（省重点、市重点、区重点、省大中型、重大）；留空表示全部项目。",
    )
    is_active = models.BooleanField("启用", default=True)

    scope = Scope(units=("units",), regions=("region",))
    import_keys = ("region", "name")
    _history_m2m_fields = ["units"]

    class Meta:
        verbose_name = "调度频次"
        verbose_name_plural = "调度频次"
        ordering = ["region", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="cadence_name_unique_in_region"),
        ]


class DispatchRound(BusinessModel):
    """调度轮次: one period of a cadence ("2024年第10周"). Its times are fixed when it opens, so a later
    change to the cadence never rewrites a past round."""

    cadence = models.ForeignKey(
        Cadence, verbose_name="调度频次", on_delete=models.PROTECT, related_name="rounds"
    )
    period_start = models.DateField("周期开始")
    period_end = models.DateField("周期结束")
    label = models.CharField("轮次", max_length=60)
    opens_at = models.DateTimeField("开放填报时间")
    due_at = models.DateTimeField("截止时间")
    on_time_until = models.DateTimeField("按时截止（含宽限）")
    locks_at = models.DateTimeField("锁定时间", null=True, blank=True)

    scope = Scope(units=("reports__unit",), regions=("cadence__region",))
    import_keys = ("cadence", "period_start")

    class Meta:
        verbose_name = "调度轮次"
        verbose_name_plural = "调度轮次"
        ordering = ["-period_start", "cadence"]
        constraints = [
            models.UniqueConstraint(fields=["cadence", "period_start"], name="round_once_per_period"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="round_period_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.cadence.name} · {self.label}"


class ProgressReport(BusinessModel):
    """进度报告: one unit's report on one project for one round — investment this period, year to
    date and since start (万元), 形象进度, workers, stage, blockers and delivery confidence."""

    round = models.ForeignKey(
        DispatchRound, verbose_name="调度轮次", on_delete=models.CASCADE, related_name="reports"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="progress_reports"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name="填报单位", on_delete=models.PROTECT, related_name="progress_reports"
    )
    status = models.CharField(
        "状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.PENDING, editable=False
    )
    baseline_year_to_date = models.DecimalField(
        "上期年度累计（万元）", editable=False, default=Decimal("0"), max_digits=14, decimal_places=2
    )
    baseline_since_start = models.DecimalField(
        "上期开工累计（万元）", editable=False, default=Decimal("0"), max_digits=14, decimal_places=2
    )
    investment_period = models.DecimalField("本期完成投资（万元）", **MONEY)
    investment_year_to_date = models.DecimalField("年度累计完成投资（万元）", **MONEY)
    investment_since_start = models.DecimalField("开工累计完成投资（万元）", **MONEY)
    physical_progress = models.TextField("形象进度", blank=True)
    workers_on_site = models.PositiveIntegerField("在场施工人数", null=True, blank=True)
    stage = models.CharField("项目阶段", max_length=24, choices=Stage.choices, blank=True)
    next_steps = models.TextField("下步计划", blank=True)
    blockers = models.TextField("存在问题", blank=True, help_text="需要协调解决的问题，每行一个。")
    confidence = models.CharField("交付信心", max_length=20, choices=Confidence.choices, blank=True)
    confidence_narrative = models.TextField(
        "信心说明", blank=True, help_text="交付信心不是“绿”时必须说明原因。"
    )
    warning_comment = models.TextField("预警说明", blank=True, help_text="校验提出警告时必须说明。")
    first_submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        "org.User",
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        "org.User",
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    review_comment = models.TextField("审核意见", blank=True, editable=False)

    scope = Scope(units=("unit",), regions=("project__region",))
    import_keys = ("round", "project")

    class Meta:
        verbose_name = "进度报告"
        verbose_name_plural = "进度报告"
        ordering = ["round", "unit", "project"]
        permissions = [("review_progressreport", "Can review 进度报告")]
        constraints = [
            models.UniqueConstraint(fields=["round", "project"], name="report_once_per_round"),
        ]
        indexes = [
            models.Index(fields=["round", "unit"], name="report_round_unit_idx"),
            models.Index(fields=["project", "round"], name="report_project_round_idx"),
        ]

    def __str__(self):
        return f"{self.project.name} · {self.round.label}"

    @property
    def is_on_time(self):
        """Submitted for the first time by the round's on-time limit (due time plus grace days)."""
        return bool(self.first_submitted_at and self.first_submitted_at <= self.round.on_time_until)


def photo_path(instance, filename):
    return f"dispatch/photos/{instance.report.round.period_start:%Y}/{instance.report_id}/{filename}"


class ReportPhoto(BusinessModel):
    """现场照片: a site photo attached to a progress report (orientation fixed, with a thumbnail)."""

    report = models.ForeignKey(
        ProgressReport, verbose_name="进度报告", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField("照片", upload_to=photo_path, width_field="width", height_field="height")
    thumbnail = models.ImageField("缩略图", upload_to=photo_path, editable=False)
    caption = models.CharField("说明", max_length=200, blank=True)
    width = models.PositiveIntegerField("宽度", editable=False, default=0)
    height = models.PositiveIntegerField("高度", editable=False, default=0)
    taken_at = models.DateTimeField("拍摄时间", null=True, blank=True, editable=False)

    scope = Scope(units=("report__unit",), regions=("report__project__region",))

    class Meta:
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"
        ordering = ["report", "id"]

    def __str__(self):
        return self.caption or f"照片 {self.pk}"


class ReportReview(BusinessModel):
    """报送审核记录: the timeline of a report — saved, submitted, returned with a comment, approved,
    reopened — with who and when."""

    report = models.ForeignKey(
        ProgressReport, verbose_name="进度报告", on_delete=models.CASCADE, related_name="reviews"
    )
    action = models.CharField("操作", max_length=20, choices=ReportAction.choices)
    comment = models.TextField("意见", blank=True)
    actor = models.ForeignKey(
        "org.User", verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间")

    scope = Scope(units=("report__unit",), regions=("report__project__region",))

    class Meta:
        verbose_name = "报送审核记录"
        verbose_name_plural = "报送审核记录"
        ordering = ["report", "at", "id"]

    def __str__(self):
        return f"{self.report} · {self.get_action_display()}"


class ValidationRule(BusinessModel):
    """校验规则: left side, operator, right side, importance, message — data the office edits.

    Each side is an expression over the report's figures (see `dispatch.expressions`), e.g.
    `investment_since_start` <= `1.1 * total_investment`. A blocking rule stops submission; a
    warning needs a comment. A rule whose figures are missing is skipped.
    """

    name = models.CharField("规则名称", max_length=60, unique=True)
    left_side = models.CharField("左侧表达式", max_length=200)
    operator = models.CharField("比较", max_length=2, choices=RuleOperator.choices)
    right_side = models.CharField("右侧表达式", max_length=200)
    importance = models.CharField(
        "级别", max_length=20, choices=RuleImportance.choices, default=RuleImportance.BLOCKING
    )
    message = models.CharField("提示", max_length=200)
    cadence = models.ForeignKey(
        Cadence,
        verbose_name="仅用于调度频次",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
        help_text="留空表示用于全部调度。",
    )
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    scope = Scope()
    import_keys = ("name",)

    class Meta:
        verbose_name = "校验规则"
        verbose_name_plural = "校验规则"
        ordering = ["sort_order", "name"]


class LockException(BusinessModel):
    """逾期补报许可: the office lets one unit report into a locked round until a given time."""

    round = models.ForeignKey(
        DispatchRound, verbose_name="调度轮次", on_delete=models.CASCADE, related_name="lock_exceptions"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="lock_exceptions"
    )
    until = models.DateTimeField("补报截止")
    reason = models.CharField("原因", max_length=200)

    scope = Scope(units=("unit",), regions=("round__cadence__region",))
    import_keys = ("round", "unit")

    class Meta:
        verbose_name = "补报许可"
        verbose_name_plural = "补报许可"
        ordering = ["round", "unit"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="lock_exception_once")]

    def __str__(self):
        return f"{self.unit} · {self.round.label}"


class Reminder(BusinessModel):
    """催报提醒: a reminder sent to a unit about a round, in the app and by e-mail when configured."""

    round = models.ForeignKey(
        DispatchRound, verbose_name="调度轮次", on_delete=models.CASCADE, related_name="reminders"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField("类型", max_length=20, choices=ReminderKind.choices)
    channel = models.CharField("方式", max_length=20, choices=ReminderChannel.choices)
    message = models.TextField("内容")
    recipients = models.CharField("收件人", max_length=500, blank=True)
    sent_at = models.DateTimeField("发送时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    scope = Scope(units=("unit",), regions=("round__cadence__region",))

    class Meta:
        verbose_name = "催报提醒"
        verbose_name_plural = "催报提醒"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit", "kind", "channel"], name="reminder_once_per_kind"
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.round.label} · {self.get_kind_display()}"
