import django_tables2 as tables

from core.tables import BaseTable

from .models import Grant, Leader, PeerGroup, Person, Region, Role, TaskForce, TaskForceMember, Unit, User


class RegionTable(BaseTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Region
        fields = ("code", "name", "level", "kind", "parent", "is_official", "source")
        sequence = ("code", "name", "level", "kind", "parent", "is_official")


class UnitTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Unit
        fields = (
            "code",
            "name",
            "short_name",
            "kind",
            "region",
            "parent",
            "is_accountable",
            "is_active",
            "is_synthetic",
        )
        sequence = ("name", "code")


class PersonTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Person
        fields = ("name", "unit", "title", "phone", "is_active", "is_synthetic")


class LeaderTable(BaseTable):
    person = tables.Column(linkify=True, verbose_name="人员", accessor="person__name")

    class Meta(BaseTable.Meta):
        model = Leader
        fields = ("person", "position", "rank", "sort_order", "is_active", "is_synthetic")


class TaskForceTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = TaskForce
        fields = ("name", "lead_leader", "lead_unit", "purpose", "is_active", "is_synthetic")


class PeerGroupTable(BaseTable):
    name = tables.Column(linkify=True)
    regions = tables.ManyToManyColumn(verbose_name="成员区划")

    class Meta(BaseTable.Meta):
        model = PeerGroup
        fields = ("name", "region", "level", "regions", "sort_order", "is_synthetic")


class TaskForceMemberTable(BaseTable):
    person = tables.Column(linkify=True, accessor="person__name", verbose_name="成员")

    class Meta(BaseTable.Meta):
        model = TaskForceMember
        fields = ("task_force", "person", "duty", "is_synthetic")


class RoleTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Role
        fields = ("code", "name", "description")
        sequence = ("name", "code")


class UserTable(BaseTable):
    username = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = User
        fields = ("username", "person", "person__unit", "is_active", "last_login")


class GrantTable(BaseTable):
    id = tables.Column(linkify=True, verbose_name="编号")

    class Meta(BaseTable.Meta):
        model = Grant
        fields = ("id", "user", "role", "unit", "region")
