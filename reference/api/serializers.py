from core.api.viewsets import RestrictedSerializer
from reference.models import EmergingIndustry, Industry


class IndustrySerializer(RestrictedSerializer):
    class Meta:
        model = Industry
        fields = ("id", "code", "name", "level", "section", "parent", "description")


class EmergingIndustrySerializer(RestrictedSerializer):
    class Meta:
        model = EmergingIndustry
        fields = ("id", "code", "name", "level", "parent")
