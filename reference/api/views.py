from core.api.viewsets import RestrictedModelViewSet
from reference import filtersets
from reference.models import EmergingIndustry, Industry

from . import serializers


class IndustryViewSet(RestrictedModelViewSet):
    queryset = Industry.objects.all()
    serializer_class = serializers.IndustrySerializer
    filterset_class = filtersets.IndustryFilterSet


class EmergingIndustryViewSet(RestrictedModelViewSet):
    queryset = EmergingIndustry.objects.all()
    serializer_class = serializers.EmergingIndustrySerializer
    filterset_class = filtersets.EmergingIndustryFilterSet
