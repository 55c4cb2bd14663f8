from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse
from rest_framework import serializers

from core.api.viewsets import RestrictedSerializer
from reports.choices import LETTER_KINDS, DocumentKind
from reports.models import DEFAULT_REPLY_WORKING_DAYS, DocumentTemplate, LetterIssue


def api_errors(error):
    """A Django ValidationError from a service as a DRF one, keyed by field (Chinese messages kept)."""
    if not hasattr(error, "error_dict"):
        return serializers.ValidationError(error.messages)
    return serializers.ValidationError(
        {
            "non_field_errors" if name == NON_FIELD_ERRORS else name: messages
            for name, messages in error.message_dict.items()
        }
    )


class DocumentTemplateSerializer(RestrictedSerializer):
    file_url = serializers.SerializerMethodField(label="下载地址")

    class Meta:
        model = DocumentTemplate
        fields = (
            "id",
            "kind",
            "name",
            "original_name",
            "checksum",
            "variables",
            "issuer_name",
            "number_prefix",
            "red_header",
            "reply_working_days",
            "note",
            "is_active",
            "uploaded_by",
            "uploaded_at",
            "file_url",
            "is_synthetic",
        )
        read_only_fields = fields

    def get_file_url(self, template) -> str:
        return reverse("reports-api:documenttemplate-file", kwargs={"pk": template.pk})


class TemplateUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices, label="文书类型")
    file = serializers.FileField(label="模板文件（.docx）")
    name = serializers.CharField(
        label="模板名称", required=False, allow_blank=True, default="", max_length=100
    )
    activate = serializers.BooleanField(label="上传后立即启用", required=False, default=True)
    issuer_name = serializers.CharField(
        label="发文机关", required=False, allow_blank=True, default="", max_length=100
    )
    number_prefix = serializers.CharField(
        label="文号前缀", required=False, allow_blank=True, default="", max_length=30
    )
    red_header = serializers.BooleanField(label="套红头", required=False, default=False)
    reply_working_days = serializers.IntegerField(
        label="回复时限（工作日）",
        required=False,
        default=DEFAULT_REPLY_WORKING_DAYS,
        min_value=1,
        max_value=60,
    )
    note = serializers.CharField(label="说明", required=False, allow_blank=True, default="")


class LetterIssueSerializer(RestrictedSerializer):
    file_url = serializers.SerializerMethodField(label="下载地址")

    class Meta:
        model = LetterIssue
        fields = (
            "id",
            "kind",
            "year",
            "sequence",
            "number",
            "title",
            "project",
            "matter",
            "light",
            "addressee",
            "issued_on",
            "issued_by",
            "issued_at",
            "template",
            "context",
            "context_checksum",
            "file_url",
            "is_synthetic",
        )
        read_only_fields = fields

    def get_file_url(self, issue) -> str:
        return reverse("reports-api:letterissue-file", kwargs={"pk": issue.pk})


class IssueLetterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[(kind.value, kind.label) for kind in LETTER_KINDS], label="函件类型"
    )
    subject = serializers.IntegerField(
        label="对象", help_text="提醒函：亮红灯的项目的 id；督办函：逾期事项的 id。", min_value=1
    )
