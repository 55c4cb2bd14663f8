import django_filters

from core.filtersets import BaseFilterSet
from org.models import Region, Unit
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

REPORT_SEARCH = ("project__code", "project__name", "unit__name")


def _cadence_filter(field_name="cadence"):
    return django_filters.ModelChoiceFilter(
        queryset=Cadence.objects.all(), field_name=field_name, label="调度频次"
    )


def _round_filter(field_name="round"):
    return django_filters.ModelChoiceFilter(
        queryset=DispatchRound.objects.select_related("cadence"), field_name=field_name, label="调度轮次"
    )


def _unit_filter(field_name="unit"):
    return django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), field_name=field_name, label="单位")


class CadenceFilterSet(BaseFilterSet):
    search_fields = ("name",)
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(pk__in=Cadence.objects.values("region")), label="所属区划"
    )

    class Meta:
        model = Cadence
        fields = ["q", "region", "period_type", "is_active"]


class DispatchRoundFilterSet(BaseFilterSet):
    search_fields = ("label", "cadence__name")
    cadence = _cadence_filter()
    period_from = django_filters.DateFilter(field_name="period_start", lookup_expr="gte", label="周期开始起")
    period_to = django_filters.DateFilter(field_name="period_start", lookup_expr="lte", label="周期开始止")

    class Meta:
        model = DispatchRound
        fields = ["q", "cadence", "period_from", "period_to"]


class ProgressReportFilterSet(BaseFilterSet):
    search_fields = REPORT_SEARCH
    round = _round_filter()
    cadence = _cadence_filter("round__cadence")
    unit = _unit_filter()
    project = django_filters.ModelChoiceFilter(queryset=Project.objects.all(), label="项目")
    is_submitted = django_filters.BooleanFilter(
        field_name="first_submitted_at", lookup_expr="isnull", exclude=True, label="已报送"
    )

    class Meta:
        model = ProgressReport
        fields = ["q", "round", "cadence", "unit", "project", "status", "is_submitted", "confidence"]


class ReportPhotoFilterSet(BaseFilterSet):
    search_fields = ("caption", "report__project__code", "report__project__name")
    round = _round_filter("report__round")
    unit = _unit_filter("report__unit")

    class Meta:
        model = ReportPhoto
        fields = ["q", "round", "unit"]


class ReportReviewFilterSet(BaseFilterSet):
    search_fields = ("comment", "report__project__code", "report__project__name")
    round = _round_filter("report__round")
    unit = _unit_filter("report__unit")

    class Meta:
        model = ReportReview
        fields = ["q", "round", "unit", "action"]


class ValidationRuleFilterSet(BaseFilterSet):
    search_fields = ("name", "message", "left_side", "right_side")
    cadence = _cadence_filter()

    class Meta:
        model = ValidationRule
        fields = ["q", "importance", "cadence", "is_active"]


class LockExceptionFilterSet(BaseFilterSet):
    search_fields = ("reason", "unit__name", "round__label")
    round = _round_filter()
    unit = _unit_filter()

    class Meta:
        model = LockException
        fields = ["q", "round", "unit"]


class ReminderFilterSet(BaseFilterSet):
    search_fields = ("message", "unit__name", "round__label")
    round = _round_filter()
    unit = _unit_filter()

    class Meta:
        model = Reminder
        fields = ["q", "round", "unit", "kind", "channel"]
