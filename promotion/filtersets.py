import django_filters

from core.filtersets import BaseFilterSet
from org.models import Leader, Unit

from .models import PromotionTeam, PromotionTeamMember


class PromotionTeamFilterSet(BaseFilterSet):
    search_fields = ("name", "focus_industries")
    lead_leader = django_filters.ModelChoiceFilter(queryset=Leader.objects.all(), label="带队领导")
    lead_unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), label="牵头单位")

    class Meta:
        model = PromotionTeam
        fields = ["q", "lead_leader", "lead_unit", "is_active"]


class PromotionTeamMemberFilterSet(BaseFilterSet):
    search_fields = ("person__name", "team__name")
    team = django_filters.ModelChoiceFilter(queryset=PromotionTeam.objects.all(), label="招商队")

    class Meta:
        model = PromotionTeamMember
        fields = ["q", "team", "duty"]
