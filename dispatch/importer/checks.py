"""The form's checks on many reports at once: `services.check_report`'s fixed checks, and the office's
validation rules compiled once instead of once per report.

`services.check_report` reads the rules (and, without a plan given, the annual plan) for every report.
`RuleBook` takes the rules once, compiled by `dispatch.expressions.comparison` — the same evaluator
`check_report` goes through via `expressions.holds` — and makes the fixed checks on the figures
alone, so a report gets exactly the findings `check_report` gives it (tests/test_importer.py compares
them). A report may be a `ProgressReport` or any object with its fields and a `project` with `stage`,
`total_investment` and `pk` (the importer's light rows).
"""

from decimal import Decimal

from projects import services as project_services
from projects.choices import Stage
from projects.models import Project

from .. import expressions
from ..choices import Confidence, RuleImportance
from ..models import ProgressReport
from ..services import Finding, report_values

CENT = Decimal("0.01")
BLOCKING = RuleImportance.BLOCKING
STAGE_LABELS = {value: str(label) for value, label in Stage.choices}
NEGATIVE = tuple(
    (name, f"{ProgressReport._meta.get_field(name).verbose_name}不能为负数。")
    for name in ("investment_year_to_date", "investment_since_start")
)


class RuleBook:
    """The active rules of a round, compiled once; `findings(report, annual_plan=…)` as check_report."""

    def __init__(self, rules):
        self.rules = [
            (rule, expressions.comparison(rule.left_side, rule.operator, rule.right_side)) for rule in rules
        ]
        self.next_stages = {}  # project stage -> the stages it may move to (not for stalled projects)

    def findings(self, report, *, annual_plan):
        """Every failed check of `report`; `annual_plan` is the project's plan for the round's year
        (None when it has none), read in advance for all reports."""
        findings = self.fixed_findings(report)
        # Given any amount, report_values reads no plan (it would query one when given None).
        values = report_values(report, annual_plan=CENT)
        values["annual_plan"] = annual_plan
        for rule, test in self.rules:
            if test.holds(values) is False:
                findings.append(Finding(rule, rule.importance, rule.message))
        return findings

    def fixed_findings(self, report):
        """The checks of `services.check_report` that are not rules, in its order."""
        findings = []
        for name, message in NEGATIVE:
            value = getattr(report, name)
            if value is not None and value < 0:
                findings.append(Finding(None, BLOCKING, message, name))
        if report.investment_period is None:
            findings.append(
                Finding(None, BLOCKING, "请填写本期、年度累计或开工累计完成投资。", "investment_period")
            )
        confidence = report.confidence
        if confidence and confidence != Confidence.GREEN and not report.confidence_narrative.strip():
            findings.append(
                Finding(None, BLOCKING, "交付信心不是“绿”时须填写信心说明。", "confidence_narrative")
            )
        if not confidence:
            findings.append(Finding(None, BLOCKING, "请选择交付信心。", "confidence"))
        project = report.project
        if report.stage and report.stage != project.stage and report.stage not in self.allowed(project):
            current, wanted = project.stage, report.stage
            findings.append(
                Finding(
                    None,
                    BLOCKING,
                    f"项目当前为“{STAGE_LABELS.get(current, current)}”，"
                    f"不能报为“{STAGE_LABELS.get(wanted, wanted)}”。",
                    "stage",
                )
            )
        return findings

    def allowed(self, project):
        """`projects.services.allowed_next_stages`, asked once per stage (a stalled project's depends
        on its own transitions: asked for each)."""
        if project.stage == Stage.STALLED:
            return project_services.allowed_next_stages(Project(pk=project.pk, stage=project.stage))
        if project.stage not in self.next_stages:
            self.next_stages[project.stage] = project_services.allowed_next_stages(project)
        return self.next_stages[project.stage]
