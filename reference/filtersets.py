import django_filters

from core.filtersets import BaseFilterSet

from .models import EmergingIndustry, Industry


class IndustryFilterSet(BaseFilterSet):
    search_fields = ("code", "name", "description")
    parent = django_filters.CharFilter(field_name="parent__code", label="上级代码")

    class Meta:
        model = Industry
        fields = ["q", "level", "section", "parent"]


class EmergingIndustryFilterSet(BaseFilterSet):
    search_fields = ("code", "name")

    class Meta:
        model = EmergingIndustry
        fields = ["q", "level"]
