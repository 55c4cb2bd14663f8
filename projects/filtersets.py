import django_filters
from django.db.models import Q

from core.filtersets import BaseFilterSet
from lights.choices import Level
from lights.selectors import with_latest_light
from org.models import Leader, Region, TaskForce, Unit

from .models import (
    AnnualPlan,
    Event,
    FactorNeed,
    IndustryChain,
    Milestone,
    PlanAdjustment,
    Project,
    ProjectFunding,
    StageTransition,
)

PROJECT_SEARCH = ("project__code", "project__name")
NO_LIGHT = "none"


def _project_filter():
    return django_filters.ModelChoiceFilter(queryset=Project.objects.all(), label="项目")


class IndustryChainFilterSet(BaseFilterSet):
    search_fields = ("name",)

    class Meta:
        model = IndustryChain
        fields = ["q", "is_active"]


class ProjectFilterSet(BaseFilterSet):
    search_fields = ("code", "name", "investor_name")
    # Only regions that have projects: all 400-odd divisions would make every list page slow to draw.
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(pk__in=Project.objects.values("region")),
        method="in_region",
        label="所在区划（含下级）",
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(),
        field_name="responsible_unit",
        method="of_unit",
        label="单位（责任、引进或配合）",
    )
    liaison_leader = django_filters.ModelChoiceFilter(queryset=Leader.objects.all(), label="挂点领导")
    task_force = django_filters.ModelChoiceFilter(queryset=TaskForce.objects.all(), label="推进专班")
    industry_chain = django_filters.ModelChoiceFilter(queryset=IndustryChain.objects.all(), label="产业链")
    year = django_filters.NumberFilter(method="active_in_year", label="年度")
    investment_min = django_filters.NumberFilter(
        field_name="total_investment", lookup_expr="gte", label="总投资不低于（万元）"
    )
    investment_max = django_filters.NumberFilter(
        field_name="total_investment", lookup_expr="lte", label="总投资不高于（万元）"
    )
    light = django_filters.ChoiceFilter(
        choices=[*Level.choices, (NO_LIGHT, "未亮灯")], method="with_light", label="亮灯（最新）"
    )

    class Meta:
        model = Project
        fields = [
            "q",
            "stage",
            "region",
            "unit",
            "liaison_leader",
            "task_force",
            "industry_chain",
            "category",
            "is_provincial_key",
            "is_city_key",
            "is_district_key",
            "is_provincial_large",
            "is_major",
            "year",
            "investment_min",
            "investment_max",
            "light",
        ]

    def in_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)

    def of_unit(self, queryset, name, value):
        # A project names a unit in three places (谁引进、谁负责, and the cooperating units).
        matching = Project.objects.filter(
            Q(responsible_unit=value) | Q(introducing_unit=value) | Q(cooperating_units=value)
        )
        return queryset.filter(pk__in=matching.values("pk"))

    def with_light(self, queryset, name, value):
        """Projects whose latest stored light is `value` (none: never lit). The list views annotate
        the latest light already (its column); a queryset without it gets it here."""
        if "light_level" not in queryset.query.annotations:
            queryset = with_latest_light(queryset)
        if value == NO_LIGHT:
            return queryset.filter(light_level__isnull=True)
        return queryset.filter(light_level=value)

    def active_in_year(self, queryset, name, value):
        """Projects planned for the year (start ≤ year ≤ end; a missing end means the start year
        only) or actually under way in it (started by then, not finished before it)."""
        year = int(value)
        planned = Q(planned_start_year__lte=year) & (
            Q(planned_end_year__gte=year) | Q(planned_end_year__isnull=True, planned_start_year=year)
        )
        actual = Q(actual_start_year__lte=year) & (
            Q(actual_end_year__gte=year) | Q(actual_end_year__isnull=True)
        )
        return queryset.filter(planned | actual)


class ProjectFundingFilterSet(BaseFilterSet):
    search_fields = PROJECT_SEARCH
    project = _project_filter()

    class Meta:
        model = ProjectFunding
        fields = ["q", "project", "source"]


class AnnualPlanFilterSet(BaseFilterSet):
    search_fields = PROJECT_SEARCH
    project = _project_filter()

    class Meta:
        model = AnnualPlan
        fields = ["q", "project", "year"]


class StageTransitionFilterSet(BaseFilterSet):
    search_fields = (*PROJECT_SEARCH, "reason")
    project = _project_filter()
    effective_from = django_filters.DateFilter(
        field_name="effective_on", lookup_expr="gte", label="变更日期起"
    )
    effective_to = django_filters.DateFilter(field_name="effective_on", lookup_expr="lte", label="变更日期止")

    class Meta:
        model = StageTransition
        fields = ["q", "project", "from_stage", "to_stage", "effective_from", "effective_to"]


class MilestoneFilterSet(BaseFilterSet):
    search_fields = PROJECT_SEARCH
    project = _project_filter()
    is_done = django_filters.BooleanFilter(
        field_name="actual_on", lookup_expr="isnull", exclude=True, label="已完成"
    )

    class Meta:
        model = Milestone
        fields = ["q", "project", "kind", "is_done"]


class PlanAdjustmentFilterSet(BaseFilterSet):
    search_fields = (*PROJECT_SEARCH, "reason")
    project = _project_filter()
    approver = django_filters.ModelChoiceFilter(queryset=Leader.objects.all(), label="批准领导")

    class Meta:
        model = PlanAdjustment
        fields = ["q", "project", "approver"]


class EventFilterSet(BaseFilterSet):
    search_fields = ("name", "place")
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label="主办区划")
    year = django_filters.NumberFilter(field_name="held_on", lookup_expr="year", label="年度")

    class Meta:
        model = Event
        fields = ["q", "kind", "region", "year"]


class FactorNeedFilterSet(BaseFilterSet):
    search_fields = (*PROJECT_SEARCH, "description")
    project = _project_filter()

    class Meta:
        model = FactorNeed
        fields = ["q", "project", "kind", "status"]
