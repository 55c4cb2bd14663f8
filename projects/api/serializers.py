import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.viewsets import RestrictedSerializer
from org.models import Leader
from projects import services
from projects.choices import STAGE_ORDER, FactorStatus, MilestoneKind, Stage
from projects.forms import not_after_today, planned_years_error
from projects.models import (
    YEAR,
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


def api_errors(error):
    """A Django ValidationError from a service as a DRF one, keyed by field."""
    if not hasattr(error, "error_dict"):
        return serializers.ValidationError(error.messages)
    return serializers.ValidationError(
        {
            "non_field_errors" if name == NON_FIELD_ERRORS else name: messages
            for name, messages in error.message_dict.items()
        }
    )


STAGE_VALUES = "|".join(Stage.values)
STAGE_DESCRIPTION = "；".join(f"{stage.value}：{stage.label}" for stage in Stage)


# The stage fields share one choice set under three names (stage, from_stage, to_stage); as an enum
# the schema generator would name it after whichever it meets first and warn. Documented by pattern.
@extend_schema_field({"type": "string", "pattern": f"^({STAGE_VALUES})$", "description": STAGE_DESCRIPTION})
class StageField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Stage.choices, **kwargs)


@extend_schema_field({"type": "string", "pattern": f"^({STAGE_VALUES})?$", "description": STAGE_DESCRIPTION})
class OptionalStageField(StageField):
    """The stage a transition left; empty for a project's registration."""


class IndustryChainSerializer(RestrictedSerializer):
    class Meta:
        model = IndustryChain
        fields = ("id", "name", "sort_order", "is_active", "is_synthetic")


class ProjectSerializer(RestrictedSerializer):
    """Creating registers the project (code, first stage) through `services.register_project`; the
    stage, its date and reason and the plan-adjusted mark change only through the actions."""

    initial_stage = serializers.ChoiceField(
        choices=[(stage.value, stage.label) for stage in STAGE_ORDER],
        default=Stage.SIGNED,
        write_only=True,
        label="初始阶段",
    )
    registered_on = serializers.DateField(required=False, write_only=True, label="登记日期")
    total_investment_yi = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, label="总投资（亿元）"
    )
    stage = StageField(read_only=True, label="阶段")
    # The latest stored light (lights.selectors.with_latest_light annotates the viewset's rows).
    light = serializers.SerializerMethodField(label="亮灯（最新）")
    light_as_of = serializers.SerializerMethodField(label="最新亮灯的评价日期")

    class Meta:
        model = Project
        fields = (
            "id",
            "code",
            "name",
            "region",
            "introducing_unit",
            "responsible_unit",
            "cooperating_units",
            "liaison_leader",
            "task_force",
            "is_provincial_key",
            "is_city_key",
            "is_district_key",
            "is_provincial_large",
            "is_major",
            "category",
            "industry",
            "industry_chain",
            "emerging_industry",
            "construction_content",
            "address",
            "latitude",
            "longitude",
            "investor_name",
            "investor_credit_code",
            "planned_start_year",
            "planned_end_year",
            "actual_start_year",
            "actual_end_year",
            "total_investment",
            "total_investment_yi",
            "invested_to_date",
            "stage",
            "stage_since",
            "stage_reason",
            "is_plan_adjusted",
            "light",
            "light_as_of",
            "is_synthetic",
            "initial_stage",
            "registered_on",
        )

    def get_light(self, project) -> str | None:
        return getattr(project, "light_level", None)

    def get_light_as_of(self, project) -> datetime.date | None:
        return getattr(project, "light_as_of", None)

    def validate(self, attrs):
        instance = self.instance

        def current(name):
            return attrs[name] if name in attrs else getattr(instance, name, None)

        message = planned_years_error(current("planned_start_year"), current("planned_end_year"))
        if message:
            raise serializers.ValidationError({"planned_end_year": message})
        return attrs

    def create(self, validated_data):
        stage = validated_data.pop("initial_stage", Stage.SIGNED)
        on = validated_data.pop("registered_on", None)
        cooperating_units = validated_data.pop("cooperating_units", [])
        return services.register_project(
            Project(**validated_data),
            stage=stage,
            on=on,
            actor=self.context["request"].user,
            cooperating_units=cooperating_units,
        )

    def update(self, instance, validated_data):
        validated_data.pop("initial_stage", None)
        validated_data.pop("registered_on", None)
        return super().update(instance, validated_data)


class ProjectFundingSerializer(RestrictedSerializer):
    class Meta:
        model = ProjectFunding
        fields = ("id", "project", "source", "amount", "is_synthetic")


class AnnualPlanSerializer(RestrictedSerializer):
    month_amounts = serializers.ListField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0),
        required=False,
        label="分月计划（万元）",
        help_text="12 个月的计划投资；不填则按年度数逐月平均分配（尾差计入 12 月）。",
    )

    class Meta:
        model = AnnualPlan
        fields = ("id", "project", "year", "amount", "month_amounts", "is_synthetic")

    def validate(self, attrs):
        amount = attrs.get("amount", getattr(self.instance, "amount", None))
        if "month_amounts" in attrs or "amount" in attrs or self.instance is None:
            months = attrs.get("month_amounts")
            if months is None and self.instance is not None and "amount" not in attrs:
                months = self.instance.month_amounts
            try:
                attrs["month_amounts"] = [str(month) for month in services.monthly_plan(amount, months)]
            except ValidationError as error:
                raise api_errors(error) from error
        return attrs


class StageTransitionSerializer(RestrictedSerializer):
    from_stage = OptionalStageField(read_only=True, label="原阶段")
    to_stage = StageField(read_only=True, label="新阶段")

    class Meta:
        model = StageTransition
        fields = (
            "id",
            "project",
            "from_stage",
            "to_stage",
            "effective_on",
            "reason",
            "actor",
            "is_synthetic",
        )


class MilestoneSerializer(RestrictedSerializer):
    class Meta:
        model = Milestone
        fields = ("id", "project", "kind", "planned_on", "actual_on", "baseline_on", "is_synthetic")

    def validate_actual_on(self, value):
        try:
            return not_after_today(value, "实际日期")
        except ValidationError as error:
            raise api_errors(error) from error


class PlanAdjustmentSerializer(RestrictedSerializer):
    class Meta:
        model = PlanAdjustment
        fields = (
            "id",
            "project",
            "reason",
            "approver",
            "approved_on",
            "baseline",
            "adjusted",
            "is_synthetic",
        )


class EventSerializer(RestrictedSerializer):
    class Meta:
        model = Event
        fields = ("id", "name", "kind", "held_on", "place", "region", "projects", "is_synthetic")


class FactorNeedSerializer(RestrictedSerializer):
    class Meta:
        model = FactorNeed
        fields = (
            "id",
            "project",
            "kind",
            "description",
            "quantity",
            "unit_of_measure",
            "needed_by",
            "status",
            "secured_on",
            "is_synthetic",
        )

    def validate(self, attrs):
        def current(name):
            return attrs[name] if name in attrs else getattr(self.instance, name, None)

        if current("status") == FactorStatus.SECURED and not current("secured_on"):
            raise serializers.ValidationError({"secured_on": "状态为“已保障”时须填写保障日期。"})
        return attrs


class ChangeStageSerializer(serializers.Serializer):
    to_stage = StageField(label="新阶段")
    effective_on = serializers.DateField(label="变更日期")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200, label="原因")


class AdjustPlanSerializer(serializers.Serializer):
    reason = serializers.CharField(label="调整原因")
    approver = serializers.PrimaryKeyRelatedField(queryset=Leader.objects.all(), label="批准领导")
    approved_on = serializers.DateField(label="批准日期")
    total_investment = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, label="调整后总投资（万元）"
    )
    planned_start_year = serializers.IntegerField(
        required=False, validators=YEAR["validators"], label="调整后计划开工年份"
    )
    planned_end_year = serializers.IntegerField(
        required=False, validators=YEAR["validators"], label="调整后计划竣工年份"
    )
    milestone_dates = serializers.DictField(
        child=serializers.DateField(), required=False, label="节点调整后计划日期（节点代码: 日期）"
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["approver"].queryset = Leader.objects.restrict(self.context["request"].user, "view")
        return fields

    def validate_milestone_dates(self, value):
        unknown = sorted(set(value) - set(MilestoneKind.values))
        if unknown:
            raise serializers.ValidationError(f"未知的节点：{'、'.join(unknown)}。")
        return value

    def validate(self, attrs):
        project = self.context["project"]
        start = attrs.get("planned_start_year") or project.planned_start_year
        end = attrs.get("planned_end_year") or project.planned_end_year
        message = planned_years_error(start, end)
        if message:
            raise serializers.ValidationError({"planned_end_year": message})
        return attrs
