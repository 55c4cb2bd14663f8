"""预警亮灯 API: the rule versions (read; publish a new one through `services.save_ruleset`; check a
file without saving; put a version back in force), the stored lights (read, filtered like the list
page), a project's light history, and an evaluation that saves nothing."""

from collections import Counter

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import METHOD_ACTIONS
from core.permissions import has_action
from lights import filtersets, selectors, services
from lights.choices import Level
from lights.models import ProjectLight, RuleSet
from lights.rules import RulesError, parse_rules
from projects.models import Project

from . import serializers


def may(model, action_name):
    """A permission class: signed in and holding `action_name` on `model` somewhere (403 otherwise)."""

    class MayAct(permissions.BasePermission):
        def has_permission(self, request, view):
            user = request.user
            return bool(user and user.is_authenticated and has_action(user, model, action_name))

    MayAct.__name__ = f"May{action_name.title()}{model.__name__}"
    return MayAct


class RuleSetViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """预警规则版本: a version is never changed or deleted; POST publishes the next one."""

    http_method_names = ["get", "post", "head", "options"]
    queryset = RuleSet.objects.select_related("created_by")
    serializer_class = serializers.RuleSetSerializer
    filterset_class = filtersets.RuleSetFilterSet
    ordering_fields = ("version", "created_at")

    def get_queryset(self):
        return self.queryset.all().restrict(
            self.request.user, METHOD_ACTIONS.get(self.request.method, "view")
        )

    @extend_schema(
        responses={
            201: serializers.RuleSetSerializer,
            200: OpenApiResponse(
                serializers.RuleSetSerializer, description="文本与现行规则相同，未发布新版本。"
            ),
        }
    )
    def create(self, request, *args, **kwargs):
        """发布预警规则: checks the text (400 lists each error with its line), saves it as the next
        version and puts it in force (201); text identical to the rules in force publishes nothing (200)."""
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        current = selectors.active_ruleset()
        try:
            ruleset = services.save_ruleset(
                payload.validated_data["text"],
                actor=request.user,
                note=payload.validated_data.get("note", ""),
            )
        except RulesError as error:
            return Response(serializers.refused(error), status=status.HTTP_400_BAD_REQUEST)
        unchanged = current is not None and ruleset.pk == current.pk
        body = self.get_serializer(ruleset).data
        return Response(body, status=status.HTTP_200_OK if unchanged else status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.RulesTextSerializer,
        responses={
            200: serializers.ValidatedRulesSerializer,
            400: OpenApiResponse(
                description="{valid: false, text: [“第 N 行：……”], errors: [{line, message}]}"
            ),
        },
    )
    @action(detail=False, methods=["post"], permission_classes=[may(RuleSet, "view")])
    def validate(self, request):
        """检查规则文件: the parsed rules, or every error with its line; saves nothing."""
        payload = serializers.RulesTextSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            rules = parse_rules(payload.validated_data["text"])
        except RulesError as error:
            return Response(
                {"valid": False, **serializers.refused(error)}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response({"valid": True, **serializers.rules_data(rules)})

    @extend_schema(request=None, responses=serializers.RuleSetSerializer)
    @action(detail=True, methods=["post"], permission_classes=[may(RuleSet, "change")])
    def activate(self, request, pk=None):
        """恢复为现行规则: puts this version back in force (`services.activate_ruleset`)."""
        ruleset = get_object_or_404(RuleSet.objects.restrict(request.user, "change"), pk=pk)
        services.activate_ruleset(ruleset, actor=request.user)
        return Response(self.get_serializer(ruleset).data)


class ProjectLightViewSet(viewsets.ReadOnlyModelViewSet):
    """项目亮灯: written only by `services.record_round_lights`; filtered as on the list page."""

    queryset = ProjectLight.objects.select_related("project", "ruleset")
    serializer_class = serializers.ProjectLightSerializer
    filterset_class = filtersets.ProjectLightFilterSet
    ordering_fields = ("as_of", "level", "evaluated_at", "id")

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user, "view")

    @extend_schema(responses=serializers.ProjectLightSerializer(many=True))
    @action(
        detail=False,
        methods=["get"],
        url_path=r"projects/(?P<project_pk>[0-9]+)",
        url_name="project-history",
        pagination_class=None,
        filterset_class=None,
    )
    def project_history(self, request, project_pk=None):
        """亮灯历史: a project's lights, newest first (the project must be in scope, else 404)."""
        project = get_object_or_404(Project.objects.restrict(request.user, "view"), pk=project_pk)
        lights = selectors.light_history(project, lights=self.get_queryset())
        return Response(self.get_serializer(lights, many=True).data)


class EvaluateView(APIView):
    """试算: evaluates the rules (the text given, else the rules in force) on `as_of` over the
    projects the user may view; saves nothing."""

    permission_classes = [may(ProjectLight, "view")]

    @extend_schema(
        request=serializers.EvaluateSerializer,
        responses={
            200: serializers.EvaluationSerializer,
            400: OpenApiResponse(
                description="规则文本有误：{text: [“第 N 行：……”], errors: [{line, message}]}"
            ),
        },
    )
    def post(self, request):
        payload = serializers.EvaluateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        as_of = payload.validated_data.get("as_of") or timezone.localdate()
        text = payload.validated_data.get("text")
        if text:
            try:
                rules, version = parse_rules(text), None
            except RulesError as error:
                return Response(serializers.refused(error), status=status.HTTP_400_BAD_REQUEST)
        else:
            rules = selectors.active_ruleset()
            if rules is None:
                raise exceptions.ValidationError({"text": ["尚未发布预警规则；请提交规则文本（text）。"]})
            version = rules.version
        results = selectors.evaluate_lights(
            as_of, ruleset=rules, projects=Project.objects.restrict(request.user, "view")
        )
        counts = Counter(result.level for result in results)
        body = {
            "as_of": as_of,
            "rules_version": version,
            "counts": {level.value: counts.get(level.value, 0) for level in Level},
            "results": results,
        }
        return Response(serializers.EvaluationSerializer(body).data)
