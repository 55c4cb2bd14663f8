"""问题协调 API: kinds and workday overrides as data; matters assigned and changed through the engine;
every step of the loop a POST action calling ONE service; timelines, extension requests, pauses and
evidence read here; the board counts, the overdue list on a date and the user's own matters.

A matter outside the user's view scope is 404; so is an action the engine refuses to this user
(PermissionDenied), which changes nothing. A refusal for the matter's state is 400 with the engine's
Chinese message."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.viewsets import RestrictedModelViewSet
from core.permissions import has_action
from matters import filtersets, selectors, services
from matters.choices import ExtensionStatus, Light, Node
from matters.models import (
    ExtensionRequest,
    Matter,
    MatterAttachment,
    MatterEvent,
    MatterKind,
    MatterPause,
    WorkdayOverride,
)
from matters.views.boards import board_tally, office_queue
from matters.views.matter_page import CONTENT_TYPES, IMAGE_TYPES

from . import serializers

NOT_ALLOWED = "没有这个事项，或您不能办理这一步。"


class CanViewMatters(permissions.BasePermission):
    """Signed in and allowed to view matters somewhere (403 otherwise); the matter must then be in the
    user's view scope (404 otherwise) and the engine decides whether the user may take the step."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and has_action(user, Matter, "view"))


class RestrictedReadViewSet(viewsets.ReadOnlyModelViewSet):
    """Rows that only services write: list and detail through restrict(user, "view")."""

    ordering_fields = "__all__"

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user, "view")


class MatterKindViewSet(RestrictedModelViewSet):
    queryset = MatterKind.objects.all()
    serializer_class = serializers.MatterKindSerializer
    filterset_class = filtersets.MatterKindFilterSet


class WorkdayOverrideViewSet(RestrictedModelViewSet):
    """节假日调整: the office's working days (调休) and rest days for years the holiday library does not
    know yet; every deadline computed afterwards uses them."""

    queryset = WorkdayOverride.objects.all()
    serializer_class = serializers.WorkdayOverrideSerializer
    filterset_class = filtersets.WorkdayOverrideFilterSet


def _act(call):
    """Run one service call: its PermissionDenied is 404 (nothing changed), its ValidationError 400."""
    try:
        return call()
    except PermissionDenied:
        raise NotFound(NOT_ALLOWED) from None
    except ValidationError as error:
        raise serializers.api_errors(error) from error


def matter_action(payload, doc, **options):
    """A POST action on one matter taking `payload` and answering the matter as it is afterwards."""

    def decorate(function):
        function = action(detail=True, methods=["post"], permission_classes=[CanViewMatters], **options)(
            function
        )
        return extend_schema(request=payload, responses=serializers.MatterSerializer, description=doc)(
            function
        )

    return decorate


class MatterViewSet(RestrictedModelViewSet):
    """事项. POST assigns (交办, `services.assign_matter`); PATCH/PUT change what was assigned (the
    office, `services.update_matter`); DELETE removes a matter assigned by mistake (with its timeline).
    Each step of the loop is its own POST action below."""

    queryset = Matter.objects.select_related("kind", "project", "lead_unit").prefetch_related(
        "cooperating_units"
    )
    serializer_class = serializers.MatterSerializer
    filterset_class = filtersets.MatterFilterSet

    def get_queryset(self):
        method = self.request.method
        if self.action in ("update", "partial_update"):
            # Changing the assignment is the office's: others see no such row to change.
            return self.queryset.all().restrict(self.request.user, "review")
        if (method == "POST" and self.action != "create") or method == "GET":
            return self.queryset.all().restrict(self.request.user, "view")
        return super().get_queryset()

    def perform_update(self, serializer):
        try:
            super().perform_update(serializer)
        except PermissionDenied:
            raise NotFound(NOT_ALLOWED) from None

    def _answer(self, matter):
        matter = self.get_queryset().get(pk=matter.pk)
        return Response(serializers.MatterSerializer(matter, context=self.get_serializer_context()).data)

    def _payload(self, serializer_class):
        payload = serializer_class(data=self.request.data)
        payload.is_valid(raise_exception=True)
        return payload.validated_data

    @matter_action(serializers.CommentSerializer, "签收（牵头单位）。")
    def sign(self, request, pk=None):
        matter, data = self.get_object(), self._payload(serializers.CommentSerializer)
        _act(lambda: services.sign_matter(matter, actor=request.user, comment=data["comment"]))
        return self._answer(matter)

    @matter_action(serializers.CommentSerializer, "开始办理（牵头单位）。")
    def handle(self, request, pk=None):
        matter, data = self.get_object(), self._payload(serializers.CommentSerializer)
        _act(lambda: services.start_handling(matter, actor=request.user, comment=data["comment"]))
        return self._answer(matter)

    @matter_action(serializers.FeedbackSerializer, "反馈办理情况（牵头单位）。")
    def feedback(self, request, pk=None):
        matter, data = self.get_object(), self._payload(serializers.FeedbackSerializer)
        _act(lambda: services.submit_feedback(matter, actor=request.user, text=data["text"]))
        return self._answer(matter)

    @matter_action(serializers.ReviewSerializer, "复核：通过或退回重办（项目办）。")
    def review(self, request, pk=None):
        matter, data = self.get_object(), self._payload(serializers.ReviewSerializer)
        _act(
            lambda: services.review_matter(
                matter, actor=request.user, passed=data["passed"], comment=data["comment"]
            )
        )
        return self._answer(matter)

    @matter_action(serializers.CommentSerializer, "销号（项目办）；须先上传佐证材料（见 attachments）。")
    def close(self, request, pk=None):
        matter, data = self.get_object(), self._payload(serializers.CommentSerializer)
        _act(lambda: services.close_matter(matter, actor=request.user, comment=data["comment"]))
        return self._answer(matter)

    @matter_action(serializers.ReopenSerializer, "重新打开已销号的事项（项目办）。")
    def reopen(self, request, pk=None):
        matter, data = self.get_object(), self._payload(serializers.ReopenSerializer)
        _act(
            lambda: services.reopen_matter(
                matter, actor=request.user, reason=data["reason"], deadline=data["deadline"]
            )
        )
        return self._answer(matter)

    @matter_action(serializers.ExtendSerializer, "申请延期（牵头单位）。")
    def extend(self, request, pk=None):
        matter, data = self.get_object(), self._payload(serializers.ExtendSerializer)
        _act(
            lambda: services.request_extension(
                matter,
                actor=request.user,
                requested_deadline=data["requested_deadline"],
                reason=data["reason"],
            )
        )
        return self._answer(matter)

    @matter_action(
        serializers.DecideExtensionSerializer,
        "审批待审批的延期申请（项目办或责任领导，按事项类型）。",
        url_path="decide-extension",
        url_name="decide-extension",
    )
    def decide_extension(self, request, pk=None):
        matter, data = self.get_object(), self._payload(serializers.DecideExtensionSerializer)

        def decide():
            extension = matter.extension_requests.filter(status=ExtensionStatus.PENDING).first()
            if extension is None:
                raise ValidationError("该事项没有待审批的延期申请。")
            return services.decide_extension(
                extension, actor=request.user, approve=data["approve"], comment=data["comment"]
            )

        _act(decide)
        return self._answer(matter)

    @matter_action(serializers.EscalateSerializer, "人工升级督办（项目办）。")
    def escalate(self, request, pk=None):
        matter, data = self.get_object(), self._payload(serializers.EscalateSerializer)
        _act(
            lambda: services.escalate_matter(
                matter, actor=request.user, reason=data["reason"], to_level=data["to_level"]
            )
        )
        return self._answer(matter)

    @matter_action(serializers.PauseSerializer, "暂停计时（可暂停的事项类型）。")
    def pause(self, request, pk=None):
        matter, data = self.get_object(), self._payload(serializers.PauseSerializer)
        _act(lambda: services.pause_matter(matter, actor=request.user, reason=data["reason"]))
        return self._answer(matter)

    @matter_action(serializers.CommentSerializer, "恢复计时，期限顺延暂停的工作日。")
    def resume(self, request, pk=None):
        matter, data = self.get_object(), self._payload(serializers.CommentSerializer)
        _act(lambda: services.resume_matter(matter, actor=request.user, comment=data["comment"]))
        return self._answer(matter)

    @matter_action(serializers.NoteSerializer, "留言。")
    def comment(self, request, pk=None):
        matter, data = self.get_object(), self._payload(serializers.NoteSerializer)
        _act(lambda: services.add_comment(matter, actor=request.user, text=data["text"]))
        return self._answer(matter)

    @extend_schema(
        request={"multipart/form-data": serializers.AttachmentUploadSerializer},
        responses={201: serializers.MatterAttachmentSerializer},
        description="上传一个佐证材料（牵头单位或项目办），按内容检查文件类型。",
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[CanViewMatters],
        parser_classes=[MultiPartParser, FormParser],
    )
    def attachments(self, request, pk=None):
        matter, data = self.get_object(), self._payload(serializers.AttachmentUploadSerializer)
        attachment = _act(
            lambda: services.add_attachment(
                matter, actor=request.user, upload=data["file"], description=data["description"]
            )
        )
        body = serializers.MatterAttachmentSerializer(attachment, context=self.get_serializer_context()).data
        return Response(body, status=201)

    @extend_schema(responses=serializers.MatterEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def timeline(self, request, pk=None):
        """办理记录: the matter's events in the order they took effect."""
        matter = self.get_object()
        events = matter.events.select_related("actor").order_by("effective_on", "at", "id")
        return Response(
            serializers.MatterEventSerializer(events, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(responses=serializers.BoardSerializer)
    @action(detail=False, methods=["get"], pagination_class=None)
    def board(self, request):
        """看板: how many matters (filtered like the list) stand at each node, and the lights of the open
        ones today — each a single grouped query."""
        counts, by_light = board_tally(self.filter_queryset(self.get_queryset()))
        body = {
            "columns": [{"node": node.value, "label": node.label, "count": counts[node]} for node in Node],
            "total": sum(counts.values()),
            "lights": {light.value: by_light.get(str(light.label), 0) for light in Light},
        }
        return Response(serializers.BoardSerializer(body).data)

    @extend_schema(
        parameters=[OpenApiParameter("as_of", str, description="截至日期 YYYY-MM-DD，默认今天。")],
        responses=serializers.OverdueRowSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def overdue(self, request):
        """逾期清单: matters open and past their deadline on `as_of` as the records stood that day, with
        the working days overdue and the escalation level then; filtered like the list, paged."""
        params = serializers.AsOfSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        as_of = params.validated_data.get("as_of") or timezone.localdate()
        rows = self.filter_queryset(self.get_queryset())
        matters = self.paginate_queryset(selectors.overdue_matters(as_of, rows).select_related("kind"))
        calendar = selectors.working_calendar()
        lines = [
            selectors.OverdueRow(
                matter,
                matter.deadline_then,
                calendar.working_days_between(matter.deadline_then, as_of),
                matter.level_then or "unit",
            )
            for matter in matters
        ]
        return self.get_paginated_response(serializers.OverdueRowSerializer(lines, many=True).data)

    @extend_schema(responses=serializers.MatterSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="mine", filterset_class=None)
    def mine(self, request):
        """我的事项: open matters led or cooperated on by the user's unit or with the user as responsible
        person or leader, and — for the office — those waiting for its 复核, 销号 or extension decision."""
        mine = selectors.my_matters(request.user)
        queue = office_queue(request.user)
        rows = (
            (
                Matter.objects.filter(pk__in=mine.values("pk"))
                | Matter.objects.filter(pk__in=queue.values("pk"))
            )
            .select_related("kind", "project", "lead_unit")
            .prefetch_related("cooperating_units")
        )
        page = self.paginate_queryset(rows.order_by("deadline", "code"))
        return self.get_paginated_response(
            serializers.MatterSerializer(page, many=True, context=self.get_serializer_context()).data
        )


class MatterEventViewSet(RestrictedReadViewSet):
    queryset = MatterEvent.objects.select_related("matter")
    serializer_class = serializers.MatterEventSerializer
    filterset_class = filtersets.MatterEventFilterSet


class ExtensionRequestViewSet(RestrictedReadViewSet):
    queryset = ExtensionRequest.objects.select_related("matter")
    serializer_class = serializers.ExtensionRequestSerializer
    filterset_class = filtersets.ExtensionRequestFilterSet


class MatterPauseViewSet(RestrictedReadViewSet):
    queryset = MatterPause.objects.select_related("matter")
    serializer_class = serializers.MatterPauseSerializer
    filterset_class = filtersets.MatterPauseFilterSet


class MatterAttachmentViewSet(RestrictedReadViewSet):
    queryset = MatterAttachment.objects.select_related("matter")
    serializer_class = serializers.MatterAttachmentSerializer
    filterset_class = filtersets.MatterAttachmentFilterSet

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path="file", url_name="file", filterset_class=None)
    def file(self, request, pk=None):
        """The evidence file itself, to users who may view it (404 otherwise)."""
        attachment = self.get_object()
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise NotFound("文件不存在。") from None
        extension = attachment.file.name.rsplit(".", 1)[-1].lower()
        content_type = CONTENT_TYPES.get(attachment.file_type) or IMAGE_TYPES.get(
            extension, "application/octet-stream"
        )
        return FileResponse(
            handle, content_type=content_type, as_attachment=True, filename=attachment.original_name
        )
