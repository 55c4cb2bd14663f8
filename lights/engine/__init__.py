"""Evaluating the warning rules: each project's light, the worst level among the rules that fire, with
every reason spelled out (rule, numbers, thresholds, consequence).

`evaluate_lights` is pure computation — it writes nothing. It reads what the rules need in a few bulk
queries (`lights.engine.data`), then measures each project per dimension and checks the rules:

- start: not started on `as_of` although the planned start has passed (days / whole months late);
- progress: the annual completion ratio (year-to-date completed ÷ annual plan) against 序时进度, as a
  gap in points or as a percentage of it;
- reporting: reports missed in the last rounds (N of the last M, or N in a row);
- matters: matters open past their deadline (the matters engine counts them);
- statistics: 入库纳统 not done some time after the start;
- persistence, last: the same level (or rule) held period after period, counting the earlier stored
  lights and the current evaluation.
"""

import gc
import math
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from dispatch.models import DEFAULT_STAGES
from projects.models import Project

from ..choices import LEVEL_RANK, Dimension, Level, TimeElapsedMode
from ..rules import PLACEHOLDERS, Rules, number_text
from . import data
from .measures import number, percent, progress_figures, time_elapsed_ratio, whole_months

# Without a round, the projects evaluated are those under dispatch on the date: by their stage then,
# the stages a cadence covers by default (signed … under construction, stalled).
EVALUATED_STAGES = frozenset(str(stage) for stage in DEFAULT_STAGES)
MAX_LOOKBACK = 104  # periods: two years of weekly rounds


@dataclass
class LightResult:
    """One project's light: the worst level among `reasons` (green when none fired), each reason a dict
    (see `Evaluation.reason`), and `figures`, every number measured per dimension, fired or not."""

    project_id: int
    code: str
    name: str
    level: str
    base_level: str = Level.GREEN.value  # the level before any persistence rule raised it
    reasons: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    stage: str = ""
    is_synthetic: bool = False

    @property
    def level_label(self):
        return Level(self.level).label


def evaluate_lights(as_of, *, ruleset, projects=None, round=None, now=None):
    """Each project's light on `as_of` under `ruleset` (a RuleSet or parsed `Rules`), as [LightResult]
    by project code. Writes nothing.

    `round`: evaluate for that dispatch round — its expected projects (unless `projects` is given),
    its reports first, its cadence's earlier rounds and their stored lights. Without a round: the
    projects in `projects` (a Project queryset or ids; default all) that are under dispatch on
    `as_of`, and their stored lights before `as_of`. `now`: the moment of evaluation (reports
    submitted after it count as missed); a round is judged as things stand, an as-of evaluation as
    they stood at the end of `as_of` (or now, if earlier).
    """
    rules = ruleset if isinstance(ruleset, Rules) else ruleset.rules()
    with _collector_paused():
        return Evaluation(as_of, rules, round, now or timezone.now()).run(projects)


@contextmanager
def _collector_paused():
    """Python's cycle collector paused for the block. An evaluation makes hundreds of thousands of small
    objects without cycles (rows, figures, reasons); the collector kept rescanning them and took a third
    of the time of a county's evaluation. Plain reference counting still frees them as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _base(projects, dispatch_round):
    if projects is None:
        if dispatch_round is None:
            return Project.objects.all()
        return Project.objects.filter(progress_reports__round=dispatch_round)
    if isinstance(projects, QuerySet):
        return projects
    return Project.objects.filter(pk__in=[getattr(item, "pk", item) for item in projects])


class Evaluation:
    """One evaluation: the date, the rules, the round (or None) and the moment it is made."""

    def __init__(self, as_of, rules, dispatch_round, now):
        self.as_of, self.rules, self.round, self.now = as_of, rules, dispatch_round, now
        self.cutoff = now if dispatch_round is not None else min(now, data.end_of_day(as_of))
        # 序时进度 is the same for every project unless it follows each project's own plan.
        self.by_plan = rules.time_elapsed_ratio == TimeElapsedMode.PLAN
        self.schedule = time_elapsed_ratio(as_of, rules.time_elapsed_ratio)
        # Worked out once, not once per project: which dimensions are measured, and for each rule
        # (persistence apart) the key of its measure.
        self.dimensions = rules.dimensions
        measurers = (
            (Dimension.START, self.start),
            (Dimension.PROGRESS, self.progress),
            (Dimension.REPORTING, self.reporting),
            (Dimension.MATTERS, self.matters),
            (Dimension.STATISTICS, self.statistics),
        )
        self.measurers = [
            (str(dimension), measure) for dimension, measure in measurers if dimension in self.dimensions
        ]
        self.checks = [
            (rule, str(rule.dimension), rule.measure if rule.last is None else (rule.measure, rule.last))
            for rule in rules.rules
            if rule.dimension != Dimension.PERSISTENCE
        ]
        self.persistence_rules = rules.of_dimension(Dimension.PERSISTENCE)
        # What every reason of a rule repeats, worked out once per rule.
        self.wording = {
            rule.name: (
                Level(rule.level),
                f"{rule.measure_label} {rule.bounds.text()} {rule.unit}",
                rule.bounds.as_dict(),
            )
            for rule in rules.rules
        }

    def run(self, projects):
        base = _base(projects, self.round)
        scope = base.order_by().values("pk")
        facts = data.projects(base)
        data.timeline(facts, scope, self.as_of)
        for project in facts.values():
            if project.stage_then is None and (self.round is not None or not project.has_transitions):
                project.stage_then = project.stage
        if self.round is None:
            facts = {pk: p for pk, p in facts.items() if p.stage_then in EVALUATED_STAGES}
        wanted = list(facts)
        dimensions = self.dimensions
        if Dimension.PROGRESS in dimensions:
            self.plans = data.annual_plans(scope, self.as_of.year, month_amounts=self.by_plan)
            self.completed = data.year_to_date(scope, wanted, self.as_of)
        if Dimension.REPORTING in dimensions:
            self.reports = data.reporting(
                scope, rounds_back=self._reporting_lookback(), dispatch_round=self.round, cutoff=self.cutoff
            )
        if Dimension.MATTERS in dimensions:
            self.overdue = data.overdue_matters(self.as_of, facts) if facts else {}
        if Dimension.PERSISTENCE in dimensions:
            self.earlier = data.earlier_lights(
                scope,
                wanted,
                as_of=self.as_of,
                lights_back=self._persistence_lookback(),
                dispatch_round=self.round,
                rules=any(rule.of_rule for rule in self.persistence_rules),
            )
        return [self.light(project) for project in facts.values()]

    def _reporting_lookback(self):
        back = 1
        for rule in self.rules.of_dimension(Dimension.REPORTING):
            if rule.measure == "missed_of_last":
                back = max(back, rule.last)
            else:  # enough rounds to tell the largest threshold from one more
                back = max(back, math.floor(rule.bounds.largest_finite()) + 1)
        return min(back, MAX_LOOKBACK)

    def _persistence_lookback(self):
        back = 1
        for rule in self.rules.of_dimension(Dimension.PERSISTENCE):
            back = max(back, math.floor(rule.bounds.largest_finite()))
        return min(back, MAX_LOOKBACK)

    # -- one project ---------------------------------------------------------------------------

    def light(self, project):
        figures, measures = {}, {}
        for dimension, measure in self.measurers:
            figures[dimension], measures[dimension] = measure(project)
        reasons = []
        stage, flags = project.stage_then, project.flags
        for rule, dimension, key in self.checks:
            value = measures[dimension].get(key)
            if value is not None and rule.bounds.contains(value) and rule.applies_to(stage, flags):
                reasons.append(self.reason(rule, value, project, figures[dimension]))
        base = _worst(reasons)
        if self.persistence_rules:
            reasons += self.persistence(project, base, reasons, figures)
        return _result(project, _worst(reasons), base, reasons, figures)

    def start(self, project):
        figures = {
            "planned_start": _iso(project.planned_start),
            "planned_start_source": project.planned_start_source,
            "started_on": _iso(project.started_on),
        }
        started = (
            (project.started_on is not None and project.started_on <= self.as_of)
            or project.stage_then in data.STARTED_STAGES
            or (
                project.started_on is None
                and project.actual_start_year is not None
                and project.actual_start_year <= self.as_of.year
            )
        )
        if started or project.planned_start is None or self.as_of <= project.planned_start:
            return figures, {}
        days = (self.as_of - project.planned_start).days
        months = whole_months(project.planned_start, self.as_of)
        figures |= {"days_late": days, "months_late": months}
        return figures, {"days_late": days, "months_late": months}

    def progress(self, project):
        plan = self.plans.get(project.id)
        completed, reported_for = self.completed.get(project.id, (data.ZERO, None))
        figures = {"year_to_date": str(completed), "reported_for": _iso(reported_for)}
        if plan is None or not plan[0]:
            return figures | {"annual_plan": None}, {}
        amount, month_amounts = plan
        schedule, basis = self.schedule
        if self.by_plan:
            schedule, basis = time_elapsed_ratio(
                self.as_of, self.rules.time_elapsed_ratio, amount=amount, month_amounts=month_amounts
            )
        ratio, gap, of_schedule = progress_figures(completed, amount, schedule)
        figures |= {
            "annual_plan": str(amount),
            "ratio": number(ratio),
            "time_elapsed_ratio": number(schedule),
            "time_elapsed_basis": str(basis),
            "gap_points": number(gap),
            "ratio_of_schedule": number(of_schedule),
        }
        if not schedule:  # nothing of the year is due yet: no lag to speak of
            return figures, {}
        return figures, {"gap_points": gap, "ratio_of_schedule": of_schedule}

    def reporting(self, project):
        cadences = self.reports.get(project.id, [])
        missed_labels = [label for rounds in cadences for label, missed in rounds if missed]
        consecutive = 0
        for rounds in cadences:
            run = 0
            for _, missed in rounds:
                if not missed:
                    break
                run += 1
            consecutive = max(consecutive, run)
        measures = {"consecutive_missed": consecutive}
        figures = {"consecutive_missed": consecutive, "missed_rounds": missed_labels, "missed_of_last": {}}
        for rule in self.rules.of_dimension(Dimension.REPORTING):
            if rule.last is not None:
                recent = [[label for label, missed in rounds[: rule.last] if missed] for rounds in cadences]
                worst = max(recent, key=len, default=[])
                measures[("missed_of_last", rule.last)] = len(worst)
                figures["missed_of_last"][str(rule.last)] = {"missed": len(worst), "rounds": worst}
        return figures, measures

    def matters(self, project):
        overdue = self.overdue.get(project.id, 0)
        return {"overdue": overdue}, {"overdue_count": overdue}

    def statistics(self, project):
        figures = {"started_on": _iso(project.started_on), "entered_on": _iso(project.statistics_on)}
        started = project.started_on
        entered = project.statistics_on is not None and project.statistics_on <= self.as_of
        if started is None or started > self.as_of or entered:
            return figures, {}
        days, months = (self.as_of - started).days, whole_months(started, self.as_of)
        figures |= {"days_since_start": days, "months_since_start": months}
        return figures, {"days_since_start": days, "months_since_start": months}

    def persistence(self, project, base, reasons, figures):
        earlier = self.earlier.get(project.id, ())
        fired, counts = [], {}
        fired_now = [reason["rule"] for reason in reasons]
        for rule in self.persistence_rules:
            if not rule.applies_to(project.stage_then, project.flags):
                continue
            count = 0
            if _holds(rule, base, fired_now):
                count = 1
                for stored in earlier:
                    if stored is None or not _holds(rule, *stored):
                        break
                    count += 1
            counts[rule.name] = count
            if rule.bounds.contains(count):
                fired.append(self.reason(rule, count, project, {"consecutive_periods": count}))
        figures["persistence"] = counts
        return fired

    # -- reasons -------------------------------------------------------------------------------

    def reason(self, rule, value, project, figures):
        """A fired rule as stored: rule, dimension, measure, level, value and unit, thresholds, the
        dimension's figures, the consequence (placeholders filled) and a sentence saying it all."""
        level, threshold_text, thresholds = self.wording[rule.name]
        return {
            "rule": rule.name,
            "dimension": rule.dimension,
            "measure": rule.measure,
            "level": level.value,
            "value": number(value),
            "unit": rule.unit,
            "thresholds": dict(thresholds),
            "threshold_text": threshold_text,
            "figures": figures,
            "consequence": _consequence(rule.consequence, project),
            "text": f"{self.describe(rule, value, figures)}（{level.label}：{threshold_text}）",
        }

    def describe(self, rule, value, figures):
        """What was found, in the office's words."""
        dimension = rule.dimension
        if dimension == Dimension.START:
            return (
                f"计划开工日期 {figures['planned_start']}（{figures['planned_start_source']}），"
                f"至 {self.as_of} 仍未开工，已逾期 {figures['days_late']} 天（{figures['months_late']} 个月）"
            )
        if dimension == Dimension.PROGRESS:
            text = (
                f"年度计划投资 {figures['annual_plan']} 万元，年度累计完成 {figures['year_to_date']} 万元，"
                f"完成率 {percent(figures['ratio'])}，序时进度 {percent(figures['time_elapsed_ratio'])}"
            )
            if rule.measure == "gap_points":
                return f"{text}，落后序时进度 {number_text(value)} 个百分点"
            return f"{text}，完成率相当于序时进度的 {number_text(value)}%"
        if dimension == Dimension.REPORTING:
            if rule.measure == "missed_of_last":
                labels = _round_names(figures["missed_of_last"][str(rule.last)]["rounds"])
                return f"最近 {rule.last} 轮调度中 {value} 轮未报送（{labels}）"
            return f"连续 {value} 轮调度未报送（{_round_names(figures['missed_rounds'][:value])}）"
        if dimension == Dimension.MATTERS:
            return f"有 {value} 件问题逾期未办结"
        if dimension == Dimension.STATISTICS:
            return (
                f"{figures['started_on']} 开工，至 {self.as_of} 已 {figures['months_since_start']} 个月"
                f"（{figures['days_since_start']} 天）仍未入库纳统"
            )
        if rule.of_rule:
            return f"规则“{rule.of_rule}”已连续 {value} 期触发（含本期）"
        return f"已连续 {value} 期{Level(rule.of_level).label}及以上（含本期）"


def _worst(reasons):
    """The worst level among `reasons` (green when there are none)."""
    return max((reason["level"] for reason in reasons), key=LEVEL_RANK.__getitem__, default=Level.GREEN)


def _holds(rule, base_level, fired):
    """Whether a period shows the condition a persistence rule follows: its level before persistence
    (`base_level`) at least the rule's level, or its rule among the names of the rules `fired` (a
    persistence rule never follows another, so their names need not be told apart)."""
    if rule.of_rule:
        return rule.of_rule in (fired or ())
    return LEVEL_RANK[base_level] >= LEVEL_RANK[rule.of_level]  # Level members hash as their values


def _consequence(text, project):
    """The consequence with {责任单位} / {挂点领导} / {推进专班} filled for `project` (the word itself when
    the project has none)."""
    if "{" not in text:
        return text
    values = dict(zip(PLACEHOLDERS, (project.unit_name, project.leader, project.task_force), strict=True))
    for placeholder, value in values.items():
        text = text.replace(f"{{{placeholder}}}", value or placeholder)
    return text


def _round_names(labels):
    """ "2024年第9周、2024年第10周" (round labels without their dates)."""
    return "、".join(label.split("（")[0] for label in labels)


def _iso(day):
    return day.isoformat() if day is not None else None


def _result(project, level, base_level, reasons, figures):
    return LightResult(
        project_id=project.id,
        code=project.code,
        name=project.name,
        level=str(level),
        base_level=str(base_level),
        reasons=reasons,
        figures=figures,
        stage=project.stage_then or "",
        is_synthetic=project.is_synthetic,
    )
