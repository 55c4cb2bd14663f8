from core import views as generic

from . import filtersets, forms, tables
from .models import PromotionTeam, PromotionTeamMember


def _members_of(team, user):
    return tables.PromotionTeamMemberTable(team.members.all().restrict(user, "view"), orderable=False)


class PromotionTeamListView(generic.ObjectListView):
    queryset = PromotionTeam.objects.select_related("lead_leader__person", "lead_unit")
    filterset = filtersets.PromotionTeamFilterSet
    table = tables.PromotionTeamTable


class PromotionTeamDetailView(generic.ObjectDetailView):
    queryset = PromotionTeam.objects.select_related("lead_leader__person", "lead_unit")
    related = (("队员", _members_of),)


class PromotionTeamEditView(generic.ObjectEditView):
    queryset = PromotionTeam.objects.all()
    form = forms.PromotionTeamForm


class PromotionTeamDeleteView(generic.ObjectDeleteView):
    queryset = PromotionTeam.objects.all()


class PromotionTeamImportView(generic.ObjectImportView):
    queryset = PromotionTeam.objects.all()
    form = forms.PromotionTeamForm


class PromotionTeamChangelogView(generic.ObjectChangelogView):
    queryset = PromotionTeam.objects.all()


class PromotionTeamMemberListView(generic.ObjectListView):
    queryset = PromotionTeamMember.objects.select_related("team", "person")
    filterset = filtersets.PromotionTeamMemberFilterSet
    table = tables.PromotionTeamMemberTable


class PromotionTeamMemberDetailView(generic.ObjectDetailView):
    queryset = PromotionTeamMember.objects.select_related("team", "person")


class PromotionTeamMemberEditView(generic.ObjectEditView):
    queryset = PromotionTeamMember.objects.all()
    form = forms.PromotionTeamMemberForm


class PromotionTeamMemberDeleteView(generic.ObjectDeleteView):
    queryset = PromotionTeamMember.objects.all()


class PromotionTeamMemberImportView(generic.ObjectImportView):
    queryset = PromotionTeamMember.objects.all()
    form = forms.PromotionTeamMemberForm


class PromotionTeamMemberChangelogView(generic.ObjectChangelogView):
    queryset = PromotionTeamMember.objects.all()
