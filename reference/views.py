from core import views as generic

from . import filtersets, forms, tables
from .models import EmergingIndustry, Industry


def _sub_industries(industry, user):
    return tables.IndustryTable(industry.children.all().restrict(user, "view"), orderable=False)


class IndustryListView(generic.ObjectListView):
    queryset = Industry.objects.select_related("parent")
    filterset = filtersets.IndustryFilterSet
    table = tables.IndustryTable


class IndustryDetailView(generic.ObjectDetailView):
    queryset = Industry.objects.select_related("parent")
    related = (("下级分类", _sub_industries),)


class IndustryEditView(generic.ObjectEditView):
    queryset = Industry.objects.all()
    form = forms.IndustryForm


class IndustryDeleteView(generic.ObjectDeleteView):
    queryset = Industry.objects.all()


class IndustryImportView(generic.ObjectImportView):
    queryset = Industry.objects.all()
    form = forms.IndustryForm


class IndustryChangelogView(generic.ObjectChangelogView):
    queryset = Industry.objects.all()


class EmergingIndustryListView(generic.ObjectListView):
    queryset = EmergingIndustry.objects.select_related("parent")
    filterset = filtersets.EmergingIndustryFilterSet
    table = tables.EmergingIndustryTable


class EmergingIndustryDetailView(generic.ObjectDetailView):
    queryset = EmergingIndustry.objects.select_related("parent")


class EmergingIndustryEditView(generic.ObjectEditView):
    queryset = EmergingIndustry.objects.all()
    form = forms.EmergingIndustryForm


class EmergingIndustryDeleteView(generic.ObjectDeleteView):
    queryset = EmergingIndustry.objects.all()


class EmergingIndustryImportView(generic.ObjectImportView):
    queryset = EmergingIndustry.objects.all()
    form = forms.EmergingIndustryForm


class EmergingIndustryChangelogView(generic.ObjectChangelogView):
    queryset = EmergingIndustry.objects.all()
