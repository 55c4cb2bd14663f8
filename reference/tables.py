import django_tables2 as tables

from core.tables import BaseTable

from .models import EmergingIndustry, Industry


class IndustryTable(BaseTable):
    code = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Industry
        fields = ("code", "name", "level", "section", "parent")


class EmergingIndustryTable(BaseTable):
    code = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = EmergingIndustry
        fields = ("code", "name", "level", "parent")
