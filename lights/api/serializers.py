from rest_framework import serializers

from core.api.viewsets import RestrictedSerializer
from lights.choices import Level
from lights.models import ProjectLight, RuleSet
from lights.rules import RulesError, parse_rules
from lights.views.display import applies_text, condition_text

RULES_HELP = "规则文件文本（TOML），格式见《预警规则文件说明》（docs/lights.md）。"


def rule_data(rule):
    """One parsed rule as the API shows it: what the file says, and the condition in words."""
    return {
        "line": rule.line,
        "name": rule.name,
        "dimension": rule.dimension,
        "dimension_label": rule.dimension_label,
        "measure": rule.measure,
        "measure_label": rule.measure_label,
        "unit": rule.unit,
        "thresholds": rule.bounds.as_dict(),
        "condition": condition_text(rule),
        "level": rule.level,
        "consequence": rule.consequence,
        "tiers": list(rule.tiers),
        "stages": list(rule.stages),
        "applies": applies_text(rule),
        "last": rule.last,
        "of_level": rule.of_level,
        "of_rule": rule.of_rule,
    }


def rules_data(rules):
    return {
        "time_elapsed_ratio": rules.time_elapsed_ratio,
        "rules": [rule_data(rule) for rule in rules.rules],
    }


def refused(error):
    """A refused rules file as the API answers it: the messages under `text` (each names its line) and
    the same as {line, message} under `errors`."""
    return {
        "text": [message for _, message in error.errors],
        "errors": [{"line": line, "message": message} for line, message in error.errors],
    }


class ParsedRuleSerializer(serializers.Serializer):
    """A rule as read from the file (documentation of the shape only; built by `rule_data`)."""

    line = serializers.IntegerField(label="所在行")
    name = serializers.CharField(label="规则名称")
    dimension = serializers.CharField(label="维度")
    dimension_label = serializers.CharField(label="维度名称")
    measure = serializers.CharField(label="指标")
    measure_label = serializers.CharField(label="指标名称")
    unit = serializers.CharField(label="单位")
    thresholds = serializers.DictField(child=serializers.FloatField(), label="阈值")
    condition = serializers.CharField(label="条件")
    level = serializers.ChoiceField(choices=Level.choices, label="亮灯")
    consequence = serializers.CharField(label="后果")
    tiers = serializers.ListField(child=serializers.CharField(), label="适用项目级别")
    stages = serializers.ListField(child=serializers.CharField(), label="适用项目阶段")
    applies = serializers.CharField(label="适用项目")
    last = serializers.IntegerField(allow_null=True, label="最近轮数")
    of_level = serializers.CharField(allow_null=True, label="持续级别")
    of_rule = serializers.CharField(allow_null=True, label="持续触发的规则")


class RuleSetSerializer(RestrictedSerializer):
    """A version of the rules. Creating one publishes `text` as the next version and puts it in force
    (`services.save_ruleset`); a refused file answers 400 with each error naming its line."""

    text = serializers.CharField(trim_whitespace=False, label="规则文本", help_text=RULES_HELP)
    created_by = serializers.StringRelatedField(read_only=True, label="创建人")
    time_elapsed_ratio = serializers.SerializerMethodField(label="序时进度算法")
    rules = serializers.SerializerMethodField(label="规则")

    class Meta:
        model = RuleSet
        fields = (
            "id",
            "version",
            "is_active",
            "note",
            "text",
            "time_elapsed_ratio",
            "rules",
            "created_by",
            "created_at",
        )
        read_only_fields = ("version", "is_active", "created_at")

    def validate_text(self, value):
        try:
            parse_rules(value)
        except RulesError as error:
            raise serializers.ValidationError([message for _, message in error.errors]) from None
        return value

    def _parsed(self, ruleset):
        try:
            return ruleset.rules()
        except RulesError:
            return None

    def get_time_elapsed_ratio(self, ruleset) -> str | None:
        parsed = self._parsed(ruleset)
        return parsed.time_elapsed_ratio if parsed else None

    def get_rules(self, ruleset) -> list[dict]:
        parsed = self._parsed(ruleset)
        return [rule_data(rule) for rule in parsed.rules] if parsed else []


class RulesTextSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False, label="规则文本", help_text=RULES_HELP)


class ValidatedRulesSerializer(serializers.Serializer):
    valid = serializers.BooleanField(label="是否通过")
    time_elapsed_ratio = serializers.CharField(label="序时进度算法")
    rules = ParsedRuleSerializer(many=True, label="规则")


class ProjectLightSerializer(RestrictedSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True, label="项目编码")
    project_name = serializers.CharField(source="project.name", read_only=True, label="项目名称")
    ruleset_version = serializers.IntegerField(source="ruleset.version", read_only=True, label="规则版本号")

    class Meta:
        model = ProjectLight
        fields = (
            "id",
            "project",
            "project_code",
            "project_name",
            "round",
            "as_of",
            "level",
            "reasons",
            "figures",
            "ruleset",
            "ruleset_version",
            "evaluated_at",
            "is_synthetic",
        )
        read_only_fields = fields


class EvaluateSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, label="评价日期", help_text="不填为今天。")
    text = serializers.CharField(
        required=False,
        trim_whitespace=False,
        label="规则文本",
        help_text="不填时按现行规则评价。" + RULES_HELP,
    )


class EvaluatedLightSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project_id", label="项目")
    code = serializers.CharField(label="项目编码")
    name = serializers.CharField(label="项目名称")
    level = serializers.ChoiceField(choices=Level.choices, label="亮灯")
    stage = serializers.CharField(label="评价日的阶段")
    reasons = serializers.ListField(child=serializers.DictField(), label="亮灯原因")
    figures = serializers.DictField(label="评价数据")


class EvaluationSerializer(serializers.Serializer):
    as_of = serializers.DateField(label="评价日期")
    rules_version = serializers.IntegerField(allow_null=True, label="规则版本（按提交的文本评价时为空）")
    counts = serializers.DictField(child=serializers.IntegerField(), label="各级亮灯项目数")
    results = EvaluatedLightSerializer(many=True, label="各项目亮灯")
