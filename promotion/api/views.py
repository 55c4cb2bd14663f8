from core.api.viewsets import RestrictedModelViewSet
from promotion import filtersets
from promotion.models import PromotionTeam, PromotionTeamMember

from . import serializers


class PromotionTeamViewSet(RestrictedModelViewSet):
    queryset = PromotionTeam.objects.all()
    serializer_class = serializers.PromotionTeamSerializer
    filterset_class = filtersets.PromotionTeamFilterSet


class PromotionTeamMemberViewSet(RestrictedModelViewSet):
    queryset = PromotionTeamMember.objects.all()
    serializer_class = serializers.PromotionTeamMemberSerializer
    filterset_class = filtersets.PromotionTeamMemberFilterSet
