"""报告与函件 API: the templates (list, detail, download, the built-in one, upload, put in force or not)
and the letters (list, detail, download, and `issue`, which calls `services.issue_letter`).

Rows come through `restrict(user, action)`: out of scope is 404. Issuing about a project or matter the
user may see but not issue letters about is 404 as well and writes nothing; a refusal for the
subject's state (not red, not overdue) is 400 with the Chinese reason."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.permissions import has_action
from reports import filtersets, services
from reports.choices import DocumentKind
from reports.letters import spec_for
from reports.models import DocumentTemplate, LetterIssue
from reports.views import docx_response

from . import serializers

DOCX = OpenApiResponse(description="Word 文档（.docx）")


def may(model, action_name):
    """Signed in and holding `action_name` on `model` somewhere (403 otherwise)."""

    class MayAct(permissions.BasePermission):
        def has_permission(self, request, view):
            user = request.user
            return bool(user and user.is_authenticated and has_action(user, model, action_name))

    MayAct.__name__ = f"May{action_name.title()}{model.__name__}"
    return MayAct


def _file(field_file, name):
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise NotFound("文件不存在。") from None
    return docx_response(handle, name)


class RestrictedReadViewSet(viewsets.ReadOnlyModelViewSet):
    """Rows written only by services: list and detail through restrict(user, "view")."""

    ordering_fields = "__all__"

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user, "view")


class DocumentTemplateViewSet(RestrictedReadViewSet):
    """文书模板. POST uploads a .docx (multipart), checked against the kind's variables."""

    queryset = DocumentTemplate.objects.select_related("uploaded_by")
    serializer_class = serializers.DocumentTemplateSerializer
    filterset_class = filtersets.DocumentTemplateFilterSet

    def get_queryset(self):
        if self.action in ("activate", "deactivate"):
            return self.queryset.all().restrict(self.request.user, "change")
        return super().get_queryset()

    @extend_schema(
        request={"multipart/form-data": serializers.TemplateUploadSerializer},
        responses={201: serializers.DocumentTemplateSerializer},
        description="上传模板（.docx）；不是 Word 文档、含宏、使用未列出变量的文件被拒绝（400）。",
    )
    def create(self, request):
        payload = serializers.TemplateUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        upload, kind = data.pop("file"), data.pop("kind")
        try:
            template = services.upload_template(upload, kind=kind, actor=request.user, **data)
        except ValidationError as error:
            raise serializers.api_errors(error) from error
        body = serializers.DocumentTemplateSerializer(template, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=serializers.DocumentTemplateSerializer, description="启用此模板。")
    @action(detail=True, methods=["post"], permission_classes=[may(DocumentTemplate, "change")])
    def activate(self, request, pk=None):
        template = services.activate_template(self.get_object(), actor=request.user)
        return Response(
            serializers.DocumentTemplateSerializer(template, context=self.get_serializer_context()).data
        )

    @extend_schema(
        request=None, responses=serializers.DocumentTemplateSerializer, description="停用，改用内置模板。"
    )
    @action(detail=True, methods=["post"], permission_classes=[may(DocumentTemplate, "change")])
    def deactivate(self, request, pk=None):
        template = services.deactivate_template(self.get_object(), actor=request.user)
        return Response(
            serializers.DocumentTemplateSerializer(template, context=self.get_serializer_context()).data
        )

    @extend_schema(responses={200: DOCX}, description="下载模板文件。")
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        template = self.get_object()
        return _file(template.file, template.original_name or f"{template.name}.docx")

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", enum=DocumentKind.values, required=True, description="文书类型")
        ],
        responses={200: DOCX},
        description="下载某类文书的内置模板。",
    )
    @action(detail=False, methods=["get"])
    def builtin(self, request):
        kind = request.query_params.get("kind", "")
        if kind not in DocumentKind.values:
            raise serializers.api_errors(ValidationError({"kind": f"未知的文书类型“{kind}”。"}))
        spec = spec_for(kind)
        return docx_response(spec.builtin_template(), f"{spec.label}（内置模板）.docx")


class LetterIssueViewSet(RestrictedReadViewSet):
    """发函记录: read here; issued by the `issue` action (the office's `review` permission)."""

    queryset = LetterIssue.objects.select_related("project", "matter", "issued_by", "template")
    serializer_class = serializers.LetterIssueSerializer
    filterset_class = filtersets.LetterIssueFilterSet

    @extend_schema(responses={200: DOCX}, description="下载函件（.docx）。")
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        issue = self.get_object()
        return _file(issue.file, services.letter_file_name(issue))

    @extend_schema(
        request=serializers.IssueLetterSerializer,
        responses={201: serializers.LetterIssueSerializer},
        description="签发函件：提醒函针对最近一次亮红灯的项目，督办函针对逾期未办结的事项（项目办）。",
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[may(LetterIssue, "review")],
    )
    def issue(self, request):
        payload = serializers.IssueLetterSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        kind = payload.validated_data["kind"]
        model = spec_for(kind).subject_model
        try:
            subject = get_object_or_404(
                model.objects.restrict(request.user, "view"), pk=payload.validated_data["subject"]
            )
            issue = services.issue_letter(subject, kind=kind, actor=request.user)
        except (PermissionDenied, Http404):
            raise NotFound("没有这个对象，或您不能对它发函。") from None
        except ValidationError as error:
            raise serializers.api_errors(error) from error
        body = serializers.LetterIssueSerializer(issue, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)
