import django_filters

from core.filtersets import BaseFilterSet

from .models import Grant, Leader, PeerGroup, Person, Region, Role, TaskForce, TaskForceMember, Unit, User


class RegionFilterSet(BaseFilterSet):
    search_fields = ("code", "name")
    parent = django_filters.ModelChoiceFilter(queryset=Region.objects.exclude(level="township"), label="上级")
    within = django_filters.ModelChoiceFilter(
        queryset=Region.objects.exclude(level="township"), method="filter_within", label="所在区划（含下级）"
    )

    class Meta:
        model = Region
        fields = ["q", "level", "kind", "is_official", "parent", "within"]

    def filter_within(self, queryset, name, value: int):
        return queryset.filter(path__startswith=value.path) if value else queryset


class UnitFilterSet(BaseFilterSet):
    search_fields = ("code", "name", "short_name")
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.exclude(level="township"), label="所属区划"
    )
    parent = django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), label="上级单位")

    class Meta:
        model = Unit
        fields = ["q", "kind", "region", "parent", "is_accountable", "is_active", "is_synthetic"]


class PersonFilterSet(BaseFilterSet):
    search_fields = ("name", "title", "unit__name")
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), label="所在单位")

    class Meta:
        model = Person
        fields = ["q", "unit", "is_active", "is_synthetic"]


class LeaderFilterSet(BaseFilterSet):
    search_fields = ("person__name", "position")

    class Meta:
        model = Leader
        fields = ["q", "rank", "is_active"]


class TaskForceFilterSet(BaseFilterSet):
    search_fields = ("name", "purpose")
    lead_leader = django_filters.ModelChoiceFilter(queryset=Leader.objects.all(), label="牵头领导")
    lead_unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), label="牵头单位")

    class Meta:
        model = TaskForce
        fields = ["q", "lead_leader", "lead_unit", "is_active"]


class PeerGroupFilterSet(BaseFilterSet):
    search_fields = ("name",)
    regions = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label="成员区划")

    class Meta:
        model = PeerGroup
        fields = ["q", "level", "regions"]


class TaskForceMemberFilterSet(BaseFilterSet):
    search_fields = ("person__name", "task_force__name")
    task_force = django_filters.ModelChoiceFilter(queryset=TaskForce.objects.all(), label="专班")

    class Meta:
        model = TaskForceMember
        fields = ["q", "task_force", "duty"]


class RoleFilterSet(BaseFilterSet):
    search_fields = ("code", "name")

    class Meta:
        model = Role
        fields = ["q"]


class UserFilterSet(BaseFilterSet):
    search_fields = ("username", "person__name")
    unit = django_filters.ModelChoiceFilter(
        field_name="person__unit", queryset=Unit.objects.all(), label="所在单位"
    )

    class Meta:
        model = User
        fields = ["q", "unit", "is_active"]


class GrantFilterSet(BaseFilterSet):
    search_fields = ("user__username", "user__person__name", "role__name")
    role = django_filters.ModelChoiceFilter(queryset=Role.objects.all(), label="角色")
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), label="单位")
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.exclude(level="township"), label="区划")

    class Meta:
        model = Grant
        fields = ["q", "role", "unit", "region"]
