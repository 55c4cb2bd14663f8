"""一周一调度 API: cadences, rules and lock exceptions as data; rounds and reports read here and moved
only through `dispatch.services`; the completeness of a round counted over the user's own reports."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.permissions import METHOD_ACTIONS
from core.api.viewsets import RestrictedModelViewSet
from core.permissions import has_action
from dispatch import filtersets, selectors, services
from dispatch.models import (
    Cadence,
    DispatchRound,
    LockException,
    ProgressReport,
    Reminder,
    ReportPhoto,
    ReportReview,
    ValidationRule,
)

from . import serializers


def may(model, action_name):
    """A permission class: signed in and holding `action_name` on `model` somewhere (403 otherwise);
    the row itself must then be in the user's scope for that action (404 otherwise)."""

    class MayAct(permissions.BasePermission):
        def has_permission(self, request, view):
            user = request.user
            return bool(user and user.is_authenticated and has_action(user, model, action_name))

    MayAct.__name__ = f"May{action_name.title()}{model.__name__}"
    return MayAct


class RestrictedReadViewSet(viewsets.ReadOnlyModelViewSet):
    """Rows that only services write: list and detail through restrict(user, "view")."""

    ordering_fields = "__all__"

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user, "view")


class CadenceViewSet(RestrictedModelViewSet):
    queryset = Cadence.objects.select_related("region").prefetch_related("units")
    serializer_class = serializers.CadenceSerializer
    filterset_class = filtersets.CadenceFilterSet

    def get_queryset(self):
        if self.action == "open_round":
            return self.queryset.all().restrict(self.request.user, "view")
        return super().get_queryset()

    @extend_schema(
        request=serializers.OpenRoundSerializer,
        responses={200: serializers.DispatchRoundSerializer, 201: serializers.DispatchRoundSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="open-round",
        permission_classes=[may(DispatchRound, "add")],
    )
    def open_round(self, request, pk=None):
        """开启调度: opens (or completes) the round of the period holding `on` through
        `services.open_round`; 201 when the round is new, 200 when it existed."""
        cadence = self.get_object()
        payload = serializers.OpenRoundSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        on = payload.validated_data["on"]
        existed = cadence.rounds.filter(period_start__lte=on, period_end__gte=on).exists()
        try:
            dispatch_round = services.open_round(cadence, on=on, actor=request.user)
        except ValidationError as error:
            raise serializers.api_errors(error) from error
        body = serializers.DispatchRoundSerializer(dispatch_round, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


class ValidationRuleViewSet(RestrictedModelViewSet):
    queryset = ValidationRule.objects.all()
    serializer_class = serializers.ValidationRuleSerializer
    filterset_class = filtersets.ValidationRuleFilterSet


class LockExceptionViewSet(RestrictedModelViewSet):
    """补报许可: granted (or extended) through `services.grant_lock_exception`; its time and reason
    corrected by PATCH/PUT; revoked by DELETE."""

    queryset = LockException.objects.select_related("round", "unit")
    serializer_class = serializers.LockExceptionSerializer
    filterset_class = filtersets.LockExceptionFilterSet


class DispatchRoundViewSet(RestrictedReadViewSet):
    queryset = DispatchRound.objects.select_related("cadence")
    serializer_class = serializers.DispatchRoundSerializer
    filterset_class = filtersets.DispatchRoundFilterSet

    @extend_schema(responses=serializers.RoundCompletenessSerializer)
    @action(detail=True, methods=["get"])
    def completeness(self, request, pk=None):
        """报送情况: per unit expected, submitted, on time, late, missing, approved and returned reports,
        completeness and timeliness (%), and the total — over the reports the user may view."""
        dispatch_round = self.get_object()
        reports = ProgressReport.objects.restrict(request.user, "view")
        lines, total = selectors.round_completeness(dispatch_round, reports=reports)
        body = serializers.RoundCompletenessSerializer(
            {"round": dispatch_round.pk, "units": lines, "total": total}
        ).data
        return Response(body)


class ProgressReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """进度报告: opened with their round, never created or deleted here. PATCH fills in (saves a draft)
    through `services.save_report`; submit, return, approve and reopen are the workflow actions."""

    http_method_names = ["get", "patch", "post", "head", "options"]
    queryset = ProgressReport.objects.select_related("round__cadence", "project", "unit")
    serializer_class = serializers.ProgressReportSerializer
    filterset_class = filtersets.ProgressReportFilterSet
    ordering_fields = "__all__"
    # The permission each action needs on the report: restrict() to it, so a row out of scope is 404.
    action_permissions = {
        "submit": "change",
        "return_report": "review",
        "approve": "review",
        "reopen": "review",
    }

    def get_queryset(self):
        needed = self.action_permissions.get(self.action) or METHOD_ACTIONS.get(self.request.method, "view")
        return self.queryset.all().restrict(self.request.user, needed)

    def _answer(self, report):
        return Response(
            serializers.ProgressReportSerializer(report, context=self.get_serializer_context()).data
        )

    def perform_update(self, serializer):
        try:
            services.save_report(serializer.instance, actor=self.request.user, **serializer.validated_data)
        except ValidationError as error:
            raise serializers.api_errors(error) from error

    @extend_schema(request=serializers.SubmitReportSerializer, responses=serializers.ProgressReportSerializer)
    @action(detail=True, methods=["post"], permission_classes=[may(ProgressReport, "change")])
    def submit(self, request, pk=None):
        """报送: submits the report with any last values through `services.submit_report`; a failed
        check answers 400 with the rules' messages."""
        report = self.get_object()
        payload = serializers.SubmitReportSerializer(report, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        try:
            services.submit_report(report, actor=request.user, **payload.validated_data)
        except ValidationError as error:
            raise serializers.api_errors(error) from error
        return self._answer(report)

    @extend_schema(responses=serializers.ReportReviewSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def timeline(self, request, pk=None):
        """审核记录: the report's saved / submitted / returned / approved / reopened entries, in order."""
        report = self.get_object()
        entries = report.reviews.select_related("actor").order_by("at", "id")
        return Response(
            serializers.ReportReviewSerializer(entries, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(request=serializers.ReturnReportSerializer, responses=serializers.ProgressReportSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="return",
        url_name="return",
        permission_classes=[may(ProgressReport, "review")],
    )
    def return_report(self, request, pk=None):
        """退回: sends a submitted report back with a comment (`services.return_report`)."""
        report = self.get_object()
        payload = serializers.ReturnReportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.return_report(report, comment=payload.validated_data["comment"], actor=request.user)
        except ValidationError as error:
            raise serializers.api_errors(error) from error
        return self._answer(report)

    @extend_schema(
        request=serializers.ReviewCommentSerializer, responses=serializers.ProgressReportSerializer
    )
    @action(detail=True, methods=["post"], permission_classes=[may(ProgressReport, "review")])
    def approve(self, request, pk=None):
        """审核通过: approves a submitted report (`services.approve_report`)."""
        report = self.get_object()
        payload = serializers.ReviewCommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.approve_report(report, comment=payload.validated_data["comment"], actor=request.user)
        except ValidationError as error:
            raise serializers.api_errors(error) from error
        return self._answer(report)

    @extend_schema(request=serializers.ReopenReportSerializer, responses=serializers.ProgressReportSerializer)
    @action(detail=True, methods=["post"], permission_classes=[may(ProgressReport, "review")])
    def reopen(self, request, pk=None):
        """重新打开: reopens a submitted or approved report for correction (`services.reopen_report`)."""
        report = self.get_object()
        payload = serializers.ReopenReportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.reopen_report(report, reason=payload.validated_data["reason"], actor=request.user)
        except ValidationError as error:
            raise serializers.api_errors(error) from error
        return self._answer(report)


class ReportReviewViewSet(RestrictedReadViewSet):
    queryset = ReportReview.objects.select_related("report")
    serializer_class = serializers.ReportReviewSerializer
    filterset_class = filtersets.ReportReviewFilterSet


class ReminderViewSet(RestrictedReadViewSet):
    queryset = Reminder.objects.select_related("round", "unit")
    serializer_class = serializers.ReminderSerializer
    filterset_class = filtersets.ReminderFilterSet


class ReportPhotoViewSet(RestrictedReadViewSet):
    queryset = ReportPhoto.objects.all()
    serializer_class = serializers.ReportPhotoSerializer
    filterset_class = filtersets.ReportPhotoFilterSet
