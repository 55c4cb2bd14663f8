from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import RestrictedModelViewSet
from core.permissions import has_action
from lights.selectors import with_latest_light
from projects import filtersets, services
from projects.models import (
    AnnualPlan,
    Event,
    FactorNeed,
    IndustryChain,
    Milestone,
    PlanAdjustment,
    Project,
    ProjectFunding,
    StageTransition,
)

from . import serializers


class ReadOnlyRestrictedViewSet(RestrictedModelViewSet):
    """Rows that only services write (阶段变更, 计划调整): read here, POST/PUT/PATCH/DELETE are 405."""

    http_method_names = ["get", "head", "options"]


class MayChangeProjects(permissions.BasePermission):
    """The workflows change a project: the user needs `change` on projects somewhere (the project
    itself must then be in scope, else 404)."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and has_action(user, Project, "change"))


class IndustryChainViewSet(RestrictedModelViewSet):
    queryset = IndustryChain.objects.all()
    serializer_class = serializers.IndustryChainSerializer
    filterset_class = filtersets.IndustryChainFilterSet


class ProjectViewSet(RestrictedModelViewSet):
    queryset = with_latest_light(Project.objects.prefetch_related("cooperating_units"))
    serializer_class = serializers.ProjectSerializer
    filterset_class = filtersets.ProjectFilterSet
    workflow_actions = ("change_stage", "adjust_plan")

    def get_queryset(self):
        if self.action in self.workflow_actions:
            return self.queryset.all().restrict(self.request.user, "change")
        return super().get_queryset()

    @extend_schema(
        request=serializers.ChangeStageSerializer, responses={201: serializers.StageTransitionSerializer}
    )
    @action(detail=True, methods=["post"], url_path="change-stage", permission_classes=[MayChangeProjects])
    def change_stage(self, request, pk=None):
        """阶段变更: moves the project through `services.change_stage`; answers the new transition."""
        project = self.get_object()
        payload = serializers.ChangeStageSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            transition = services.change_stage(
                project,
                to_stage=data["to_stage"],
                on=data["effective_on"],
                reason=data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            raise serializers.api_errors(error) from error
        body = serializers.StageTransitionSerializer(transition, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.AdjustPlanSerializer, responses={201: serializers.PlanAdjustmentSerializer}
    )
    @action(detail=True, methods=["post"], url_path="adjust-plan", permission_classes=[MayChangeProjects])
    def adjust_plan(self, request, pk=None):
        """计划调整: records the baseline and applies the new plan through `services.adjust_plan`."""
        project = self.get_object()
        context = {**self.get_serializer_context(), "project": project}
        payload = serializers.AdjustPlanSerializer(data=request.data, context=context)
        payload.is_valid(raise_exception=True)
        try:
            adjustment = services.adjust_plan(project, actor=request.user, **payload.validated_data)
        except ValidationError as error:
            raise serializers.api_errors(error) from error
        body = serializers.PlanAdjustmentSerializer(adjustment, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


class ProjectFundingViewSet(RestrictedModelViewSet):
    queryset = ProjectFunding.objects.all()
    serializer_class = serializers.ProjectFundingSerializer
    filterset_class = filtersets.ProjectFundingFilterSet


class AnnualPlanViewSet(RestrictedModelViewSet):
    queryset = AnnualPlan.objects.all()
    serializer_class = serializers.AnnualPlanSerializer
    filterset_class = filtersets.AnnualPlanFilterSet


class StageTransitionViewSet(ReadOnlyRestrictedViewSet):
    queryset = StageTransition.objects.all()
    serializer_class = serializers.StageTransitionSerializer
    filterset_class = filtersets.StageTransitionFilterSet


class MilestoneViewSet(RestrictedModelViewSet):
    queryset = Milestone.objects.all()
    serializer_class = serializers.MilestoneSerializer
    filterset_class = filtersets.MilestoneFilterSet


class PlanAdjustmentViewSet(ReadOnlyRestrictedViewSet):
    queryset = PlanAdjustment.objects.all()
    serializer_class = serializers.PlanAdjustmentSerializer
    filterset_class = filtersets.PlanAdjustmentFilterSet


class EventViewSet(RestrictedModelViewSet):
    queryset = Event.objects.prefetch_related("projects")
    serializer_class = serializers.EventSerializer
    filterset_class = filtersets.EventFilterSet


class FactorNeedViewSet(RestrictedModelViewSet):
    queryset = FactorNeed.objects.all()
    serializer_class = serializers.FactorNeedSerializer
    filterset_class = filtersets.FactorNeedFilterSet
