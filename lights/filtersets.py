import django_filters
from django.forms import DateInput

from core.filtersets import BaseFilterSet
from dispatch.models import DispatchRound
from org.models import Region, Unit
from projects.models import Project

from .models import ProjectLight, RuleSet


class RuleSetFilterSet(BaseFilterSet):
    search_fields = ("note", "text")

    class Meta:
        model = RuleSet
        fields = ["q", "is_active"]


class ProjectLightFilterSet(BaseFilterSet):
    search_fields = ("project__code", "project__name")
    project = django_filters.CharFilter(field_name="project__code", label="项目编码")
    round = django_filters.ModelChoiceFilter(
        queryset=DispatchRound.objects.select_related("cadence"), label="调度轮次"
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(), field_name="project__responsible_unit", label="责任单位"
    )
    # Only regions that have projects, as on the project list.
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(pk__in=Project.objects.values("region")),
        field_name="project__region",
        method="in_region",
        label="所在区划（含下级）",
    )
    ruleset = django_filters.ModelChoiceFilter(queryset=RuleSet.objects.all(), label="规则版本")
    as_of_from = django_filters.DateFilter(
        field_name="as_of", lookup_expr="gte", label="评价日期起", widget=DateInput(attrs={"type": "date"})
    )
    as_of_to = django_filters.DateFilter(
        field_name="as_of", lookup_expr="lte", label="评价日期止", widget=DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = ProjectLight
        fields = ["q", "project", "round", "level", "unit", "region", "ruleset", "as_of_from", "as_of_to"]

    def in_region(self, queryset, name, value):
        return queryset.filter(project__region__path__startswith=value.path)
