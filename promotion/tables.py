import django_tables2 as tables

from core.tables import BaseTable

from .models import PromotionTeam, PromotionTeamMember


class PromotionTeamTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = PromotionTeam
        fields = ("name", "lead_leader", "lead_unit", "focus_industries", "is_active", "is_synthetic")


class PromotionTeamMemberTable(BaseTable):
    person = tables.Column(linkify=True, accessor="person__name", verbose_name="队员")

    class Meta(BaseTable.Meta):
        model = PromotionTeamMember
        fields = ("team", "person", "duty", "is_synthetic")
