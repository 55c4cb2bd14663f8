from core import views as generic

from . import filtersets, forms, tables
from .models import Grant, Leader, PeerGroup, Person, Region, Role, TaskForce, TaskForceMember, Unit, User


def _people_of_unit(unit, user):
    return tables.PersonTable(unit.people.all().restrict(user, "view"), orderable=False)


def _child_units(unit, user):
    return tables.UnitTable(unit.children.all().restrict(user, "view"), orderable=False)


def _members_of(task_force, user):
    return tables.TaskForceMemberTable(task_force.members.all().restrict(user, "view"), orderable=False)


def _grants_of(user_row, user):
    return tables.GrantTable(user_row.grants.all().restrict(user, "view"), orderable=False)


# 行政区划
class RegionListView(generic.ObjectListView):
    queryset = Region.objects.select_related("parent")
    filterset = filtersets.RegionFilterSet
    table = tables.RegionTable


class RegionDetailView(generic.ObjectDetailView):
    queryset = Region.objects.all()


class RegionEditView(generic.ObjectEditView):
    queryset = Region.objects.all()
    form = forms.RegionForm


class RegionDeleteView(generic.ObjectDeleteView):
    queryset = Region.objects.all()


class RegionImportView(generic.ObjectImportView):
    queryset = Region.objects.all()
    form = forms.RegionForm


class RegionChangelogView(generic.ObjectChangelogView):
    queryset = Region.objects.all()


# 单位
class UnitListView(generic.ObjectListView):
    queryset = Unit.objects.select_related("region", "parent")
    filterset = filtersets.UnitFilterSet
    table = tables.UnitTable


class UnitDetailView(generic.ObjectDetailView):
    queryset = Unit.objects.select_related("region", "parent")
    related = (("下级单位", _child_units), ("人员", _people_of_unit))


class UnitEditView(generic.ObjectEditView):
    queryset = Unit.objects.all()
    form = forms.UnitForm


class UnitDeleteView(generic.ObjectDeleteView):
    queryset = Unit.objects.all()


class UnitImportView(generic.ObjectImportView):
    queryset = Unit.objects.all()
    form = forms.UnitForm


class UnitChangelogView(generic.ObjectChangelogView):
    queryset = Unit.objects.all()


# 人员
class PersonListView(generic.ObjectListView):
    queryset = Person.objects.select_related("unit")
    filterset = filtersets.PersonFilterSet
    table = tables.PersonTable


class PersonDetailView(generic.ObjectDetailView):
    queryset = Person.objects.select_related("unit")


class PersonEditView(generic.ObjectEditView):
    queryset = Person.objects.all()
    form = forms.PersonForm


class PersonDeleteView(generic.ObjectDeleteView):
    queryset = Person.objects.all()


class PersonImportView(generic.ObjectImportView):
    queryset = Person.objects.all()
    form = forms.PersonForm


class PersonChangelogView(generic.ObjectChangelogView):
    queryset = Person.objects.all()


# 领导
class LeaderListView(generic.ObjectListView):
    queryset = Leader.objects.select_related("person__unit")
    filterset = filtersets.LeaderFilterSet
    table = tables.LeaderTable


class LeaderDetailView(generic.ObjectDetailView):
    queryset = Leader.objects.select_related("person")


class LeaderEditView(generic.ObjectEditView):
    queryset = Leader.objects.all()
    form = forms.LeaderForm


class LeaderDeleteView(generic.ObjectDeleteView):
    queryset = Leader.objects.all()


class LeaderImportView(generic.ObjectImportView):
    queryset = Leader.objects.all()
    form = forms.LeaderForm


class LeaderChangelogView(generic.ObjectChangelogView):
    queryset = Leader.objects.all()


# 项目推进专班
class TaskForceListView(generic.ObjectListView):
    queryset = TaskForce.objects.select_related("lead_leader__person", "lead_unit")
    filterset = filtersets.TaskForceFilterSet
    table = tables.TaskForceTable


class TaskForceDetailView(generic.ObjectDetailView):
    queryset = TaskForce.objects.select_related("lead_leader__person", "lead_unit")
    related = (("专班成员", _members_of),)


class TaskForceEditView(generic.ObjectEditView):
    queryset = TaskForce.objects.all()
    form = forms.TaskForceForm


class TaskForceDeleteView(generic.ObjectDeleteView):
    queryset = TaskForce.objects.all()


class TaskForceImportView(generic.ObjectImportView):
    queryset = TaskForce.objects.all()
    form = forms.TaskForceForm


class TaskForceChangelogView(generic.ObjectChangelogView):
    queryset = TaskForce.objects.all()


# 考核分类
class PeerGroupListView(generic.ObjectListView):
    queryset = PeerGroup.objects.prefetch_related("regions")
    filterset = filtersets.PeerGroupFilterSet
    table = tables.PeerGroupTable


class PeerGroupDetailView(generic.ObjectDetailView):
    queryset = PeerGroup.objects.prefetch_related("regions")


class PeerGroupEditView(generic.ObjectEditView):
    queryset = PeerGroup.objects.all()
    form = forms.PeerGroupForm


class PeerGroupDeleteView(generic.ObjectDeleteView):
    queryset = PeerGroup.objects.all()


class PeerGroupImportView(generic.ObjectImportView):
    queryset = PeerGroup.objects.all()
    form = forms.PeerGroupForm


class PeerGroupChangelogView(generic.ObjectChangelogView):
    queryset = PeerGroup.objects.all()


# 专班成员
class TaskForceMemberListView(generic.ObjectListView):
    queryset = TaskForceMember.objects.select_related("task_force", "person")
    filterset = filtersets.TaskForceMemberFilterSet
    table = tables.TaskForceMemberTable


class TaskForceMemberDetailView(generic.ObjectDetailView):
    queryset = TaskForceMember.objects.select_related("task_force", "person")


class TaskForceMemberEditView(generic.ObjectEditView):
    queryset = TaskForceMember.objects.all()
    form = forms.TaskForceMemberForm


class TaskForceMemberDeleteView(generic.ObjectDeleteView):
    queryset = TaskForceMember.objects.all()


class TaskForceMemberImportView(generic.ObjectImportView):
    queryset = TaskForceMember.objects.all()
    form = forms.TaskForceMemberForm


class TaskForceMemberChangelogView(generic.ObjectChangelogView):
    queryset = TaskForceMember.objects.all()


# 角色
class RoleListView(generic.ObjectListView):
    queryset = Role.objects.all()
    filterset = filtersets.RoleFilterSet
    table = tables.RoleTable


class RoleDetailView(generic.ObjectDetailView):
    queryset = Role.objects.prefetch_related("permissions")


class RoleEditView(generic.ObjectEditView):
    queryset = Role.objects.all()
    form = forms.RoleForm


class RoleDeleteView(generic.ObjectDeleteView):
    queryset = Role.objects.all()


class RoleChangelogView(generic.ObjectChangelogView):
    queryset = Role.objects.all()


# 用户
class UserListView(generic.ObjectListView):
    queryset = User.objects.select_related("person__unit")
    filterset = filtersets.UserFilterSet
    table = tables.UserTable


class UserDetailView(generic.ObjectDetailView):
    queryset = User.objects.select_related("person__unit")
    related = (("授权", _grants_of),)


class UserEditView(generic.ObjectEditView):
    queryset = User.objects.all()
    form = forms.UserForm


class UserDeleteView(generic.ObjectDeleteView):
    queryset = User.objects.all()


class UserChangelogView(generic.ObjectChangelogView):
    queryset = User.objects.all()


# 授权
class GrantListView(generic.ObjectListView):
    queryset = Grant.objects.select_related("user", "role", "unit", "region")
    filterset = filtersets.GrantFilterSet
    table = tables.GrantTable


class GrantDetailView(generic.ObjectDetailView):
    queryset = Grant.objects.select_related("user", "role", "unit", "region")


class GrantEditView(generic.ObjectEditView):
    queryset = Grant.objects.all()
    form = forms.GrantForm


class GrantDeleteView(generic.ObjectDeleteView):
    queryset = Grant.objects.all()


class GrantImportView(generic.ObjectImportView):
    queryset = Grant.objects.all()
    form = forms.GrantForm


class GrantChangelogView(generic.ObjectChangelogView):
    queryset = Grant.objects.all()
