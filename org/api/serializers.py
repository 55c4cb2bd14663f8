from rest_framework import serializers

from core.api.viewsets import RestrictedSerializer
from org.models import Grant, Leader, PeerGroup, Person, Region, Role, TaskForce, TaskForceMember, Unit, User

READ_ONLY = ("id", "created_at", "updated_at")


class RegionSerializer(RestrictedSerializer):
    class Meta:
        model = Region
        fields = (
            "id",
            "code",
            "name",
            "level",
            "kind",
            "parent",
            "is_official",
            "source",
            "path",
            *READ_ONLY[1:],
        )
        read_only_fields = ("path", *READ_ONLY)


class UnitSerializer(RestrictedSerializer):
    class Meta:
        model = Unit
        fields = (
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "region",
            "is_accountable",
            "sort_order",
            "is_active",
            "is_synthetic",
            "path",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("path", *READ_ONLY)


class PersonSerializer(RestrictedSerializer):
    class Meta:
        model = Person
        fields = (
            "id",
            "name",
            "unit",
            "title",
            "phone",
            "is_active",
            "is_synthetic",
            "created_at",
            "updated_at",
        )
        read_only_fields = READ_ONLY


class LeaderSerializer(RestrictedSerializer):
    name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Leader
        fields = ("id", "person", "name", "rank", "position", "sort_order", "is_active", "is_synthetic")
        read_only_fields = READ_ONLY


class TaskForceSerializer(RestrictedSerializer):
    class Meta:
        model = TaskForce
        fields = ("id", "name", "lead_leader", "lead_unit", "purpose", "is_active", "is_synthetic")
        read_only_fields = READ_ONLY


class PeerGroupSerializer(RestrictedSerializer):
    class Meta:
        model = PeerGroup
        fields = ("id", "name", "region", "level", "regions", "sort_order", "is_synthetic")
        read_only_fields = READ_ONLY


class TaskForceMemberSerializer(RestrictedSerializer):
    class Meta:
        model = TaskForceMember
        fields = ("id", "task_force", "person", "duty", "is_synthetic")
        read_only_fields = READ_ONLY


class RoleSerializer(RestrictedSerializer):
    permissions = serializers.SlugRelatedField(many=True, slug_field="codename", read_only=True)

    class Meta:
        model = Role
        fields = ("id", "code", "name", "description", "permissions")
        read_only_fields = READ_ONLY


class UserSerializer(RestrictedSerializer):
    class Meta:
        model = User
        fields = ("id", "username", "person", "is_active", "last_login", "date_joined")
        read_only_fields = ("id", "last_login", "date_joined")


class GrantSerializer(RestrictedSerializer):
    class Meta:
        model = Grant
        fields = ("id", "user", "role", "unit", "region", "created_at")
        read_only_fields = READ_ONLY

    def validate(self, attrs):
        unit = attrs.get("unit", getattr(self.instance, "unit", None))
        region = attrs.get("region", getattr(self.instance, "region", None))
        if bool(unit) == bool(region):
            raise serializers.ValidationError("授权须指定单位或区划之一（只能选一个）。")
        return attrs
