from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Manager
from django.utils import timezone
from rest_framework import serializers

from core.api.viewsets import RestrictedSerializer
from core.models import RestrictedQuerySet
from matters import selectors, services
from matters.choices import EscalationLevel, Node
from matters.models import (
    ExtensionRequest,
    Matter,
    MatterAttachment,
    MatterEvent,
    MatterKind,
    MatterPause,
    WorkdayOverride,
)


def api_errors(error):
    """A Django ValidationError from the engine as a DRF one, keyed by field (Chinese messages kept)."""
    if not hasattr(error, "error_dict"):
        return serializers.ValidationError(error.messages)
    return serializers.ValidationError(
        {
            "non_field_errors" if name == NON_FIELD_ERRORS else name: messages
            for name, messages in error.message_dict.items()
        }
    )


class ScopedSerializer(RestrictedSerializer):
    """`RestrictedSerializer` that also narrows the related fields ModelSerializer builds itself: their
    queryset is the model's manager, not a queryset, so the base class leaves them unrestricted."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return fields
        for field in fields.values():
            target = getattr(field, "child_relation", field)
            queryset = getattr(target, "queryset", None)
            if isinstance(queryset, Manager) and isinstance(queryset.all(), RestrictedQuerySet):
                target.queryset = queryset.all().restrict(user, "view")
        return fields


class MatterKindSerializer(ScopedSerializer):
    class Meta:
        model = MatterKind
        fields = (
            "id",
            "code",
            "name",
            "code_prefix",
            "nodes",
            "clocks",
            "is_pausable",
            "escalation_ladder",
            "extension_approver",
            "yellow_window_days",
            "requires_evidence",
            "is_active",
            "sort_order",
            "is_synthetic",
        )
        read_only_fields = ("is_synthetic",)

    def validate(self, attrs):
        # The kind checks its own nodes, clocks and ladder (MatterKind.clean), with Chinese messages.
        kind = MatterKind(**{**self._current(), **attrs})
        try:
            kind.clean()
        except ValidationError as error:
            raise api_errors(error) from error
        return attrs

    def _current(self):
        if self.instance is None:
            return {}
        return {name: getattr(self.instance, name) for name in ("nodes", "clocks", "escalation_ladder")}


# Fixed once the matter is assigned: the deadline moves by extensions and pauses only.
ASSIGNMENT_ONLY = ("kind", "opened_on", "deadline")


class MatterSerializer(ScopedSerializer):
    """A matter. POST assigns it (交办) through `services.assign_matter` — the deadline is the date
    given, else `deadline_days` working days after the opening date, else the kind's 办结 clock;
    PATCH/PUT change what was assigned through `services.update_matter` (the office's). The node,
    level and dates move only through the actions."""

    deadline_days = serializers.IntegerField(
        write_only=True,
        required=False,
        min_value=1,
        max_value=250,
        label="办结时限（工作日）",
        help_text="不给 deadline 时，按交办日期后这么多个工作日计算；都不给则按事项类型的办结时限。",
    )
    light = serializers.SerializerMethodField(label="亮灯")

    class Meta:
        model = Matter
        fields = (
            "id",
            "code",
            "kind",
            "title",
            "description",
            "source",
            "source_report",
            "source_line",
            "requester",
            "project",
            "category",
            "lead_unit",
            "cooperating_units",
            "responsible_leader",
            "responsible_person",
            "solution",
            "feedback",
            "opened_on",
            "deadline",
            "deadline_days",
            "original_deadline",
            "node",
            "escalation_level",
            "light",
            "paused_since",
            "closed_on",
            "region",
            "is_synthetic",
        )
        read_only_fields = (
            "code",
            "source_report",
            "source_line",
            "feedback",
            "original_deadline",
            "node",
            "escalation_level",
            "paused_since",
            "closed_on",
            "region",
            "is_synthetic",
        )
        extra_kwargs = {"opened_on": {"required": False}, "deadline": {"required": False}}

    def get_light(self, matter) -> str | None:
        light = selectors.matter_light(matter, today=timezone.localdate())
        return str(light) if light else None

    def validate(self, attrs):
        if self.instance is not None:
            for name in ASSIGNMENT_ONLY:
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError(
                        {name: "交办后不能修改（办结期限只能通过延期申请变更）。"}
                    )
            if "deadline_days" in attrs:
                raise serializers.ValidationError({"deadline_days": "交办后不能修改办结时限。"})
        elif attrs.get("deadline") and attrs.get("deadline_days"):
            raise serializers.ValidationError({"deadline_days": "办结期限请只填日期或工作日数之一。"})
        return attrs

    def create(self, validated_data):
        data = dict(validated_data)
        cooperating = data.pop("cooperating_units", [])
        deadline_days = data.pop("deadline_days", None)
        try:
            return services.assign_matter(
                Matter(**data),
                actor=self.context["request"].user,
                deadline_days=deadline_days,
                cooperating_units=cooperating,
            )
        except ValidationError as error:
            raise api_errors(error) from error

    def update(self, instance, validated_data):
        data = {name: value for name, value in validated_data.items() if name not in ASSIGNMENT_ONLY}
        cooperating = data.pop("cooperating_units", None)
        try:
            return services.update_matter(
                instance, actor=self.context["request"].user, cooperating_units=cooperating, **data
            )
        except ValidationError as error:
            raise api_errors(error) from error


class MatterEventSerializer(ScopedSerializer):
    class Meta:
        model = MatterEvent
        fields = (
            "id",
            "matter",
            "kind",
            "effective_on",
            "at",
            "actor",
            "from_node",
            "to_node",
            "from_level",
            "to_level",
            "deadline",
            "comment",
            "payload",
            "is_synthetic",
        )
        read_only_fields = fields


class ExtensionRequestSerializer(ScopedSerializer):
    class Meta:
        model = ExtensionRequest
        fields = (
            "id",
            "matter",
            "previous_deadline",
            "requested_deadline",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decided_on",
            "decision_comment",
            "is_synthetic",
        )
        read_only_fields = fields


class MatterPauseSerializer(ScopedSerializer):
    class Meta:
        model = MatterPause
        fields = ("id", "matter", "started_on", "ended_on", "reason", "is_synthetic")
        read_only_fields = fields


class MatterAttachmentSerializer(ScopedSerializer):
    """The file itself is fetched from `download` (the attachment's `file/` action), never from MEDIA."""

    download = serializers.SerializerMethodField(label="下载地址")

    class Meta:
        model = MatterAttachment
        fields = (
            "id",
            "matter",
            "original_name",
            "file_type",
            "size",
            "description",
            "uploaded_by",
            "created_at",
            "download",
            "is_synthetic",
        )
        read_only_fields = fields

    def get_download(self, attachment) -> str:
        from django.urls import reverse

        url = reverse("matters-api:matterattachment-file", kwargs={"pk": attachment.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class WorkdayOverrideSerializer(ScopedSerializer):
    class Meta:
        model = WorkdayOverride
        fields = ("id", "date", "is_working_day", "note", "is_synthetic")
        read_only_fields = ("is_synthetic",)


# Action payloads ---------------------------------------------------------------------------------


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", label="说明")


class FeedbackSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, label="办理情况")


class ReviewSerializer(serializers.Serializer):
    passed = serializers.BooleanField(
        label="复核通过", help_text="true 复核通过；false 退回重办（须写意见）。"
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", label="复核意见")


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, label="重新打开原因")
    deadline = serializers.DateField(required=False, allow_null=True, default=None, label="新的办结期限")


class ExtendSerializer(serializers.Serializer):
    requested_deadline = serializers.DateField(label="申请延至")
    reason = serializers.CharField(allow_blank=True, label="延期理由")


class DecideExtensionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(label="同意延期")
    comment = serializers.CharField(required=False, allow_blank=True, default="", label="审批意见")


class EscalateSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, label="升级原因")
    to_level = serializers.ChoiceField(
        choices=EscalationLevel.choices,
        required=False,
        allow_null=True,
        default=None,
        label="升级至",
        help_text="须高于当前层级；不给则升至上一级。",
    )


class PauseSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, label="暂停原因")


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, label="留言")


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(label="文件", help_text="PDF、JPEG/PNG/WebP 图片、.docx 或 .xlsx。")
    description = serializers.CharField(required=False, allow_blank=True, default="", label="说明")


class AsOfSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, label="截至日期", help_text="默认今天。")


class BoardColumnSerializer(serializers.Serializer):
    node = serializers.ChoiceField(choices=Node.choices, label="节点")
    label = serializers.CharField(label="节点名称")
    count = serializers.IntegerField(label="事项数")


class BoardSerializer(serializers.Serializer):
    columns = BoardColumnSerializer(many=True, label="各节点")
    total = serializers.IntegerField(label="合计")
    lights = serializers.DictField(child=serializers.IntegerField(), label="未销号事项亮灯数")


class OverdueRowSerializer(serializers.Serializer):
    matter = serializers.IntegerField(source="matter.pk", label="事项")
    code = serializers.CharField(source="matter.code", label="事项编号")
    title = serializers.CharField(source="matter.title", label="事项名称")
    kind = serializers.IntegerField(source="matter.kind_id", label="事项类型")
    project = serializers.IntegerField(source="matter.project_id", allow_null=True, label="项目")
    lead_unit = serializers.IntegerField(source="matter.lead_unit_id", label="牵头单位")
    node = serializers.CharField(source="matter.node_then", label="当日节点")
    deadline = serializers.DateField(label="当日办结期限")
    working_days_overdue = serializers.IntegerField(label="逾期工作日")
    level = serializers.ChoiceField(choices=EscalationLevel.choices, label="当日升级层级")
    level_label = serializers.CharField(label="升级层级名称")
