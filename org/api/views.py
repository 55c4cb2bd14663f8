from core.api.viewsets import RestrictedModelViewSet
from org import filtersets
from org.models import Grant, Leader, PeerGroup, Person, Region, Role, TaskForce, TaskForceMember, Unit, User

from . import serializers


class RegionViewSet(RestrictedModelViewSet):
    queryset = Region.objects.all()
    serializer_class = serializers.RegionSerializer
    filterset_class = filtersets.RegionFilterSet


class UnitViewSet(RestrictedModelViewSet):
    queryset = Unit.objects.all()
    serializer_class = serializers.UnitSerializer
    filterset_class = filtersets.UnitFilterSet


class PersonViewSet(RestrictedModelViewSet):
    queryset = Person.objects.all()
    serializer_class = serializers.PersonSerializer
    filterset_class = filtersets.PersonFilterSet


class LeaderViewSet(RestrictedModelViewSet):
    queryset = Leader.objects.select_related("person")
    serializer_class = serializers.LeaderSerializer
    filterset_class = filtersets.LeaderFilterSet


class TaskForceViewSet(RestrictedModelViewSet):
    queryset = TaskForce.objects.all()
    serializer_class = serializers.TaskForceSerializer
    filterset_class = filtersets.TaskForceFilterSet


class PeerGroupViewSet(RestrictedModelViewSet):
    queryset = PeerGroup.objects.prefetch_related("regions")
    serializer_class = serializers.PeerGroupSerializer
    filterset_class = filtersets.PeerGroupFilterSet


class TaskForceMemberViewSet(RestrictedModelViewSet):
    queryset = TaskForceMember.objects.all()
    serializer_class = serializers.TaskForceMemberSerializer
    filterset_class = filtersets.TaskForceMemberFilterSet


class RoleViewSet(RestrictedModelViewSet):
    queryset = Role.objects.prefetch_related("permissions")
    serializer_class = serializers.RoleSerializer
    filterset_class = filtersets.RoleFilterSet


class UserViewSet(RestrictedModelViewSet):
    queryset = User.objects.all()
    serializer_class = serializers.UserSerializer
    filterset_class = filtersets.UserFilterSet


class GrantViewSet(RestrictedModelViewSet):
    queryset = Grant.objects.all()
    serializer_class = serializers.GrantSerializer
    filterset_class = filtersets.GrantFilterSet
