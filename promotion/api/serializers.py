from core.api.viewsets import RestrictedSerializer
from promotion.models import PromotionTeam, PromotionTeamMember


class PromotionTeamSerializer(RestrictedSerializer):
    class Meta:
        model = PromotionTeam
        fields = ("id", "name", "lead_leader", "lead_unit", "focus_industries", "is_active", "is_synthetic")


class PromotionTeamMemberSerializer(RestrictedSerializer):
    class Meta:
        model = PromotionTeamMember
        fields = ("id", "team", "person", "duty", "is_synthetic")
