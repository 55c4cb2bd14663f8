import django_tables2 as tables
from django.utils.html import format_html

from core.tables import BaseTable
from projects.choices import Stage
from projects.models import Project

from .models import (
    Cadence,
    DispatchRound,
    LockException,
    ProgressReport,
    Reminder,
    ReportPhoto,
    ReportReview,
    ValidationRule,
)

STAGE_LABELS = dict(Stage.choices)
TIER_LABELS = dict(Project.TIER_FLAGS)


def _record_link(record):
    return record.get_absolute_url()


def choice_labels(values, labels):
    return "、".join(str(labels.get(value, value)) for value in values or ())


class CadenceTable(BaseTable):
    name = tables.Column(linkify=True)
    units = tables.ManyToManyColumn(verbose_name="覆盖单位")

    class Meta(BaseTable.Meta):
        model = Cadence
        fields = (
            "name",
            "region",
            "period_type",
            "start_weekday",
            "open_offset_days",
            "due_offset_days",
            "due_time",
            "grace_days",
            "expiry_days",
            "units",
            "stages",
            "tier_flags",
            "is_active",
            "is_synthetic",
        )
        sequence = fields

    def render_stages(self, value):
        return choice_labels(value, STAGE_LABELS)

    def render_tier_flags(self, value):
        return choice_labels(value, TIER_LABELS)


class DispatchRoundTable(BaseTable):
    label = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = DispatchRound
        fields = (
            "label",
            "cadence",
            "period_start",
            "period_end",
            "opens_at",
            "due_at",
            "on_time_until",
            "locks_at",
            "is_synthetic",
        )
        sequence = fields


class ProgressReportTable(BaseTable):
    project = tables.Column(verbose_name="项目", linkify=_record_link, order_by=("project__code",))
    is_on_time = tables.BooleanColumn(verbose_name="按时报送", orderable=False, null=True)

    class Meta(BaseTable.Meta):
        model = ProgressReport
        fields = (
            "project",
            "round",
            "unit",
            "status",
            "investment_period",
            "investment_year_to_date",
            "investment_since_start",
            "stage",
            "confidence",
            "physical_progress",
            "workers_on_site",
            "submitted_at",
            "is_on_time",
            "reviewed_at",
            "is_synthetic",
        )
        sequence = fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("physical_progress", "workers_on_site", "reviewed_at", "is_synthetic"):
            self.columns.hide(name)

    def render_is_on_time(self, record):
        if record.first_submitted_at is None:
            return "—"
        if record.is_on_time:
            return format_html('<span class="badge text-bg-success">按时</span>')
        return format_html('<span class="badge text-bg-warning">迟报</span>')


class ReportPhotoTable(BaseTable):
    caption = tables.Column(verbose_name="照片", linkify=_record_link, accessor="pk")
    report = tables.Column(verbose_name="进度报告")

    class Meta(BaseTable.Meta):
        model = ReportPhoto
        fields = ("caption", "report", "width", "height", "taken_at", "is_synthetic")

    def render_caption(self, record):
        return str(record)


class ReportReviewTable(BaseTable):
    report = tables.Column(verbose_name="进度报告", linkify=_record_link, order_by=("report__id",))

    class Meta(BaseTable.Meta):
        model = ReportReview
        fields = ("report", "action", "comment", "actor", "at")


class ValidationRuleTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = ValidationRule
        fields = (
            "name",
            "left_side",
            "operator",
            "right_side",
            "importance",
            "message",
            "cadence",
            "is_active",
            "sort_order",
            "is_synthetic",
        )


class LockExceptionTable(BaseTable):
    unit = tables.Column(verbose_name="单位", linkify=_record_link, order_by=("unit__code",))

    class Meta(BaseTable.Meta):
        model = LockException
        fields = ("unit", "round", "until", "reason", "is_synthetic")


class ReminderTable(BaseTable):
    unit = tables.Column(verbose_name="单位", linkify=_record_link, order_by=("unit__code",))

    class Meta(BaseTable.Meta):
        model = Reminder
        fields = ("unit", "round", "kind", "channel", "message", "recipients", "sent_at", "read_at")
