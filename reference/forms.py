from core.forms import RestrictedModelForm

from .models import EmergingIndustry, Industry


class IndustryForm(RestrictedModelForm):
    class Meta:
        model = Industry
        fields = ["code", "name", "level", "section", "parent", "description"]


class EmergingIndustryForm(RestrictedModelForm):
    class Meta:
        model = EmergingIndustry
        fields = ["code", "name", "level", "parent"]
