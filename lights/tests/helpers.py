"""Building what the lights read, in a few lines per test: projects with plans and milestones, a weekly
cadence with its rounds, reported figures and missed reports, rules files."""

import datetime
from decimal import Decimal

from django.utils import timezone

from core.history import history_context
from dispatch import services as dispatch_services
from dispatch.choices import ReportStatus
from dispatch.models import Cadence, ProgressReport
from projects import services as project_services
from projects.choices import MilestoneKind, Stage
from projects.models import Milestone, Project

D = datetime.date
W = Decimal
JUNE_END = D(2024, 6, 30)  # a Sunday: the last day of the Monday–Sunday week of 24 June
LAST_JUNE_WEEK = D(2024, 6, 24)


def at(day, hour=12):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def project(world, name, *, unit=None, stage=Stage.UNDER_CONSTRUCTION, since=None, plan=None, **fields):
    """A project registered at `stage` on `since` (its timeline starts there), with an annual plan for
    2024 of `plan` 万元 (phased by month unless `fields["month_amounts"]` is given)."""
    unit, since = unit or world.unit_a, since or D(2024, 1, 2)
    month_amounts = fields.pop("month_amounts", None)
    row = Project(
        name=name,
        region=fields.pop("region", world.county),
        introducing_unit=unit,
        responsible_unit=unit,
        total_investment=W("50000"),
        **fields,
    )
    registered = project_services.register_project(row, stage=stage, on=since, actor=world.office)
    if plan is not None:
        project_services.set_annual_plan(
            registered, year=2024, amount=W(plan), month_amounts=month_amounts, actor=world.office
        )
    return registered


def milestone(project, kind, *, planned_on=None, actual_on=None):
    with history_context(reason="测试数据"):
        return Milestone.objects.create(
            project=project, kind=kind, planned_on=planned_on, actual_on=actual_on
        )


def planned_start(project, day):
    return milestone(project, MilestoneKind.CONSTRUCTION_START, planned_on=day)


def weekly(world, **overrides):
    values = {"name": "每周调度", "region": world.county, "due_offset_days": -2, "expiry_days": 3}
    return Cadence.objects.create(**(values | overrides))


def open_week(cadence, monday, actor=None):
    """The round of the week starting `monday` (due that Friday 17:00)."""
    return dispatch_services.open_round(cadence, on=monday, actor=actor)


def report(dispatch_round, project, *, year_to_date=None, status=ReportStatus.APPROVED, submitted=None):
    """Mark `project`'s report in the round as reported (figures and first submission inside the week)."""
    submitted = submitted or at(dispatch_round.period_start + datetime.timedelta(days=2))
    ProgressReport.objects.filter(round=dispatch_round, project=project).update(
        status=status,
        investment_year_to_date=None if year_to_date is None else W(year_to_date),
        first_submitted_at=submitted,
        submitted_at=submitted,
    )


EXAMPLE_A = """\
[settings]
time_elapsed_ratio = "months"

[[rule]]
name = "投资进度滞后"
dimension = "progress"
measure = "gap_points"
at_least = 10
at_most = 30
level = "黄"
consequence = "{责任单位}书面说明原因"

[[rule]]
name = "投资进度严重滞后"
dimension = "progress"
measure = "gap_points"
above = 30
level = "红"
consequence = "由{挂点领导}约谈{责任单位}主要负责人"
"""

EXAMPLE_B = """\
[[rule]]
name = "完成率低于序时进度八成"
dimension = "progress"
measure = "ratio_of_schedule"
at_least = 60
below = 80
level = "yellow"
consequence = "责任单位书面说明原因"

[[rule]]
name = "完成率低于序时进度六成"
dimension = "progress"
measure = "ratio_of_schedule"
below = 60
level = "red"
consequence = "由联系领导约谈责任单位主要负责人"
"""


def rules_text(*blocks, settings=""):
    """A rules file of `[[rule]]` blocks given as dicts (values written as TOML)."""
    lines = []
    if settings:
        lines += ["[settings]", f'time_elapsed_ratio = "{settings}"', ""]
    for block in blocks:
        lines.append("[[rule]]")
        for key, value in block.items():
            lines.append(f"{key} = {_toml(value)}")
        lines.append("")
    return "\n".join(lines)


def _toml(value):
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return str(value)


def levels(results):
    return {result.name: result.level for result in results}


def by_name(results):
    return {result.name: result for result in results}


START_RULES = rules_text(
    {
        "name": "逾期未开工",
        "dimension": "start",
        "measure": "days_late",
        "at_least": 30,
        "below": 60,
        "level": "黄",
    },
    {"name": "逾期两月未开工", "dimension": "start", "measure": "days_late", "at_least": 60, "level": "红"},
)

REPORTING_RULES = rules_text(
    {
        "name": "漏报",
        "dimension": "reporting",
        "measure": "missed_of_last",
        "last": 4,
        "at_least": 2,
        "at_most": 2,
        "level": "黄",
    },
    {
        "name": "多次漏报",
        "dimension": "reporting",
        "measure": "missed_of_last",
        "last": 4,
        "at_least": 3,
        "level": "红",
    },
    {
        "name": "连续漏报",
        "dimension": "reporting",
        "measure": "consecutive_missed",
        "at_least": 2,
        "level": "黄",
        "tiers": ["重大"],
    },
)

MATTERS_RULES = rules_text(
    {"name": "问题逾期", "dimension": "matters", "at_least": 1, "at_most": 2, "level": "黄"},
    {
        "name": "多个问题逾期",
        "dimension": "matters",
        "above": 2,
        "level": "红",
        "consequence": "提交{挂点领导}协调",
    },
)

STATISTICS_RULES = rules_text(
    {
        "name": "开工未纳统",
        "dimension": "statistics",
        "measure": "months_since_start",
        "at_least": 3,
        "below": 6,
        "level": "黄",
    },
    {
        "name": "开工半年未纳统",
        "dimension": "statistics",
        "measure": "days_since_start",
        "above": 182,
        "level": "红",
    },
)

PERSISTENCE_RULES = EXAMPLE_A + (
    '\n[[rule]]\nname = "连续三期黄灯"\ndimension = "persistence"\nof_level = "黄"\nat_least = 3\n'
    'level = "红"\nconsequence = "由{挂点领导}约谈{责任单位}主要负责人"\n'
)
