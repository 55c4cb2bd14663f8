from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework import serializers

from core.api.viewsets import RestrictedSerializer
from dispatch import expressions
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
from dispatch.services import REPORT_FIELDS
from projects.choices import Stage
from projects.models import Project

# The tier flags a cadence may narrow its coverage to (Project boolean fields), labelled as on a project.
TIER_FLAGS = ("is_major", "is_provincial_key", "is_city_key", "is_district_key", "is_provincial_large")


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


class CadenceSerializer(RestrictedSerializer):
    stages = serializers.ListField(
        child=serializers.ChoiceField(choices=Stage.choices),
        required=False,
        label=Cadence._meta.get_field("stages").verbose_name,
        help_text=Cadence._meta.get_field("stages").help_text,
    )
    tier_flags = serializers.ListField(
        child=serializers.ChoiceField(
            choices=[(flag, Project._meta.get_field(flag).verbose_name) for flag in TIER_FLAGS]
        ),
        required=False,
        label=Cadence._meta.get_field("tier_flags").verbose_name,
        help_text=Cadence._meta.get_field("tier_flags").help_text,
    )

    class Meta:
        model = Cadence
        fields = (
            "id",
            "name",
            "region",
            "period_type",
            "start_weekday",
            "open_offset_days",
            "due_offset_days",
            "due_time",
            "grace_days",
            "expiry_days",
            "units",
            "stages",
            "tier_flags",
            "is_active",
            "is_synthetic",
        )

    def validate_stages(self, value):
        return list(dict.fromkeys(str(stage) for stage in value))

    def validate_tier_flags(self, value):
        return list(dict.fromkeys(value))


class ValidationRuleSerializer(RestrictedSerializer):
    class Meta:
        model = ValidationRule
        fields = (
            "id",
            "name",
            "left_side",
            "operator",
            "right_side",
            "importance",
            "message",
            "cadence",
            "is_active",
            "sort_order",
            "is_synthetic",
        )

    @staticmethod
    def _expression(value):
        try:
            expressions.parse(value)
        except ValidationError as error:
            raise api_errors(error) from error
        return value.strip()

    def validate_left_side(self, value):
        return self._expression(value)

    def validate_right_side(self, value):
        return self._expression(value)


class DispatchRoundSerializer(RestrictedSerializer):
    state = serializers.SerializerMethodField(label="状态")

    class Meta:
        model = DispatchRound
        fields = (
            "id",
            "cadence",
            "label",
            "period_start",
            "period_end",
            "opens_at",
            "due_at",
            "on_time_until",
            "locks_at",
            "state",
            "is_synthetic",
        )
        read_only_fields = fields

    def get_state(self, dispatch_round) -> str:
        from dispatch.selectors import round_state

        return round_state(dispatch_round)


class OpenRoundSerializer(serializers.Serializer):
    on = serializers.DateField(label="日期", help_text="开启包含这一天的周期的轮次。")


class ProgressReportSerializer(RestrictedSerializer):
    """Only the fields a unit fills in are writable (through `services.save_report`); status, the
    baselines and the review fields change through the actions."""

    is_on_time = serializers.BooleanField(read_only=True, label="按时报送")

    class Meta:
        model = ProgressReport
        fields = (
            "id",
            "round",
            "project",
            "unit",
            "status",
            "baseline_year_to_date",
            "baseline_since_start",
            *REPORT_FIELDS,
            "first_submitted_at",
            "submitted_at",
            "submitted_by",
            "reviewed_at",
            "reviewed_by",
            "review_comment",
            "is_on_time",
            "is_synthetic",
        )
        read_only_fields = ("round", "project", "unit", "is_synthetic")


class SubmitReportSerializer(RestrictedSerializer):
    """The last values to fill in before submitting; every field is optional."""

    class Meta:
        model = ProgressReport
        fields = REPORT_FIELDS
        extra_kwargs = {name: {"required": False} for name in REPORT_FIELDS}


class ReviewCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", label="意见")


class ReturnReportSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, label="退回意见")


class ReopenReportSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, label="重新打开原因")


class ReportReviewSerializer(RestrictedSerializer):
    class Meta:
        model = ReportReview
        fields = ("id", "report", "action", "comment", "actor", "at", "is_synthetic")
        read_only_fields = fields


class ReminderSerializer(RestrictedSerializer):
    class Meta:
        model = Reminder
        fields = (
            "id",
            "round",
            "unit",
            "kind",
            "channel",
            "message",
            "recipients",
            "sent_at",
            "read_at",
            "is_synthetic",
        )
        read_only_fields = fields


class ReportPhotoSerializer(RestrictedSerializer):
    class Meta:
        model = ReportPhoto
        fields = (
            "id",
            "report",
            "image",
            "thumbnail",
            "caption",
            "width",
            "height",
            "taken_at",
            "is_synthetic",
        )
        read_only_fields = fields


class LockExceptionSerializer(RestrictedSerializer):
    """Created through `services.grant_lock_exception`: a second grant for the same round and unit
    extends the first (so the unique-together check is the service's, not the serializer's)."""

    class Meta:
        model = LockException
        fields = ("id", "round", "unit", "until", "reason", "is_synthetic")
        read_only_fields = ("is_synthetic",)
        validators = []

    def create(self, validated_data):
        from dispatch import services

        try:
            return services.grant_lock_exception(
                validated_data["round"],
                unit=validated_data["unit"],
                until=validated_data["until"],
                reason=validated_data["reason"],
                actor=self.context["request"].user,
            )
        except ValidationError as error:
            raise api_errors(error) from error


TALLY_FIELDS = ("expected", "submitted", "on_time", "late", "missing", "approved", "returned")


class TallySerializer(serializers.Serializer):
    expected = serializers.IntegerField(label="应报")
    submitted = serializers.IntegerField(label="已报")
    on_time = serializers.IntegerField(label="按时")
    late = serializers.IntegerField(label="逾期")
    missing = serializers.IntegerField(label="未报")
    approved = serializers.IntegerField(label="已审核")
    returned = serializers.IntegerField(label="已退回")
    completeness = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, label="报送率（%）"
    )
    timeliness = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, label="及时率（%）"
    )


class UnitCompletenessSerializer(TallySerializer):
    unit = serializers.IntegerField(source="unit_id", label="单位")
    unit_name = serializers.CharField(label="单位名称")

    def to_representation(self, line):
        return {"unit": line.unit_id, "unit_name": line.unit_name, **TallySerializer(line.tally).data}


class RoundCompletenessSerializer(serializers.Serializer):
    round = serializers.IntegerField(label="调度轮次")
    units = UnitCompletenessSerializer(many=True, label="各单位")
    total = TallySerializer(label="合计")
