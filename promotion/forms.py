from core.forms import RestrictedModelForm

from .models import PromotionTeam, PromotionTeamMember


class PromotionTeamForm(RestrictedModelForm):
    class Meta:
        model = PromotionTeam
        fields = ["name", "lead_leader", "lead_unit", "focus_industries", "is_active"]


class PromotionTeamMemberForm(RestrictedModelForm):
    class Meta:
        model = PromotionTeamMember
        fields = ["team", "person", "duty"]
