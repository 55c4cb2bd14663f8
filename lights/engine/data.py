"""What the lights read, in bulk: a few queries for all the projects evaluated, never one per project.

Each loader takes `scope`, the evaluated projects as a subquery of ids (so no list of ten thousand ids
is ever sent as parameters), and returns plain dicts keyed by project id.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from operator import itemgetter

from django.db.models import Case, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from dispatch.choices import ReportStatus
from dispatch.models import DispatchRound, ProgressReport
from projects.choices import MilestoneKind, Stage
from projects.models import AnnualPlan, Milestone, Project, StageTransition

from ..models import ProjectLight

# Figures count once the unit has reported them: submitted (awaiting review) or approved. A returned
# report's figures were not accepted.
REPORTED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
STARTED_STAGES = (Stage.UNDER_CONSTRUCTION, Stage.COMPLETED, Stage.OPERATING)
TIER_FIELDS = tuple(flag for flag, _ in Project.TIER_FLAGS)
ZERO = Decimal(0)
# Up to this many projects are named by their ids in a query (SQLite takes at most 999 parameters in
# older builds); more are selected by the subquery of the evaluated projects.
LISTED_PROJECTS = 900


class ProjectFacts:
    """One evaluated project: its identity, who answers for it, its tier flags and its timeline."""

    __slots__ = (
        "actual_start_year",
        "code",
        "flags",
        "has_transitions",
        "id",
        "is_synthetic",
        "leader",
        "name",
        "planned_start",
        "planned_start_source",
        "planned_start_year",
        "stage",
        "stage_then",
        "started_on",
        "statistics_on",
        "task_force",
        "unit_name",
    )

    def __init__(self, row):
        (self.id, self.code, self.name, self.is_synthetic, self.stage, *flags) = row[: 5 + len(TIER_FIELDS)]
        rest = row[5 + len(TIER_FIELDS) :]
        self.planned_start_year, self.actual_start_year, self.unit_name = rest[:3]
        leader_name, leader_position, self.task_force = rest[3:]
        self.leader = f"{leader_position}{leader_name}" if leader_name else ""  # 副区长石某
        self.flags = {name for name, value in zip(TIER_FIELDS, flags, strict=True) if value}
        self.has_transitions = False
        self.stage_then = self.started_on = self.statistics_on = None
        self.planned_start = self.planned_start_source = None


def projects(base):
    """{id: ProjectFacts} of the projects in `base` (a Project queryset), by code."""
    rows = base.order_by("code").values_list(
        "pk",
        "code",
        "name",
        "is_synthetic",
        "stage",
        *TIER_FIELDS,
        "planned_start_year",
        "actual_start_year",
        "responsible_unit__name",
        "liaison_leader__person__name",
        "liaison_leader__position",
        "task_force__name",
    )
    return {row[0]: ProjectFacts(row) for row in rows}


def timeline(facts, scope, as_of):
    """Fill each project's stage on `as_of`, planned start date, start date and 入库纳统 date.

    Planned start: the 开工 milestone's planned date, else 31 December of the planned start year.
    Started: the earlier of the 开工 milestone's actual date and the first move to 在建 (or beyond)."""
    first_start = {}
    transitions = (
        StageTransition.objects.filter(project_id__in=scope)
        .order_by("project_id", "effective_on", "id")
        .values_list("project_id", "to_stage", "effective_on")
    )
    for project_id, to_stage, effective_on in transitions:
        project = facts.get(project_id)
        if project is None:
            continue
        project.has_transitions = True
        if effective_on <= as_of:
            project.stage_then = to_stage
        if to_stage in STARTED_STAGES and project_id not in first_start:
            first_start[project_id] = effective_on
    milestones = (
        Milestone.objects.filter(
            project_id__in=scope, kind__in=(MilestoneKind.CONSTRUCTION_START, MilestoneKind.STATISTICS_ENTRY)
        )
        .order_by()
        .values_list("project_id", "kind", "planned_on", "actual_on")
    )
    start_milestones = {}
    for project_id, kind, planned_on, actual_on in milestones:
        project = facts.get(project_id)
        if project is None:
            continue
        if kind == MilestoneKind.CONSTRUCTION_START:
            start_milestones[project_id] = (planned_on, actual_on)
        else:
            project.statistics_on = actual_on
    for project in facts.values():
        planned_on, actual_on = start_milestones.get(project.id, (None, None))
        if planned_on is not None:
            project.planned_start, project.planned_start_source = planned_on, "开工节点计划日期"
        elif project.planned_start_year:
            project.planned_start = datetime.date(project.planned_start_year, 12, 31)
            project.planned_start_source = "计划开工年份年末"
        known = [day for day in (actual_on, first_start.get(project.id)) if day is not None]
        project.started_on = min(known) if known else None


def _walk_back(scope, wanted, batches, fetch, needed=1):
    """Rows of `fetch(batch, projects)` for batches of periods, newest first, until every project of
    `wanted` (ids) has `needed` rows or the periods run out: {project id: [row, …]}, newest first.

    The newest batch is read for all the projects of `scope` (a subquery) at once; only the projects
    still short of rows are looked up further back, by their ids, so a year of history costs a query
    or two, not a scan of every row of the year (the walk doubles its batch each step)."""
    found = {project_id: [] for project_id in wanted}
    short = set(wanted)
    position, size = 0, needed
    while short and position < len(batches):
        batch = [period for group in batches[position : position + size] for period in group]
        position, size = position + size, size * 2
        if len(short) > LISTED_PROJECTS:
            rows = list(fetch(batch, scope))
        else:
            ordered = sorted(short)
            rows = [
                row
                for start in range(0, len(ordered), LISTED_PROJECTS)
                for row in fetch(batch, ordered[start : start + LISTED_PROJECTS])
            ]
        for row in sorted((row for row in rows if row[0] in short), key=itemgetter(1), reverse=True):
            found[row[0]].append(row)
        short = {project_id for project_id in short if len(found[project_id]) < needed}
    return found


def year_to_date(scope, wanted, as_of):
    """{project id: (year-to-date completed investment, the period end it was reported for)}: the latest
    figure reported for a round ending in `as_of`'s year, by `as_of` (rounds of any cadence)."""
    rounds = list(
        DispatchRound.objects.filter(period_end__gte=datetime.date(as_of.year, 1, 1), period_end__lte=as_of)
        .order_by("-period_end", "-pk")
        .values_list("pk", "period_end")
    )
    ends = dict(rounds)
    batches = [[pk] for pk, _ in rounds]

    def fetch(round_ids, projects):
        rows = (
            ProgressReport.objects.filter(
                round_id__in=round_ids,
                project_id__in=projects,
                status__in=REPORTED,
                investment_year_to_date__isnull=False,
            )
            .order_by()
            .values_list("project_id", "round_id", "investment_year_to_date")
        )
        return ((project_id, (ends[round_id], round_id), amount) for project_id, round_id, amount in rows)

    latest = _walk_back(scope, wanted, batches, fetch)
    return {project_id: (rows[0][2], rows[0][1][0]) for project_id, rows in latest.items() if rows}


def annual_plans(scope, year, *, month_amounts=False):
    """{project id: (amount, month amounts or None)} of the year's annual plans (the month amounts
    only when asked for: reading them is most of the cost)."""
    fields = ("project_id", "amount", "month_amounts") if month_amounts else ("project_id", "amount")
    rows = AnnualPlan.objects.filter(project_id__in=scope, year=year).order_by().values_list(*fields)
    return {row[0]: (row[1], row[2] if month_amounts else None) for row in rows}


def reporting(scope, *, rounds_back, dispatch_round=None, cutoff):
    """{project id: [[(round label, missed), …] per cadence, newest round first]} over the last
    `rounds_back` rounds of each cadence that were due by `cutoff` (for a round: its own cadence, up
    to and including it). Only rounds that expected a report from the project appear; a report is
    missed when it was not submitted by `cutoff`."""
    rounds = DispatchRound.objects.filter(due_at__lte=cutoff)
    if dispatch_round is not None:
        rounds = rounds.filter(
            cadence_id=dispatch_round.cadence_id, period_start__lte=dispatch_round.period_start
        )
    ranked = (
        rounds.order_by()
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("cadence_id")], order_by=[F("period_start").desc()])
        )
        .filter(rank__lte=rounds_back)
        .values_list("pk", "cadence_id", "rank", "label")
    )
    chosen = {pk: (cadence_id, rank, label) for pk, cadence_id, rank, label in ranked}
    if not chosen:
        return {}
    # Missed is decided in the query: no submission times to convert, forty thousand of them a year.
    missed = Case(
        When(Q(first_submitted_at__isnull=True) | Q(first_submitted_at__gt=cutoff), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    reports = (
        ProgressReport.objects.filter(round_id__in=list(chosen), project_id__in=scope)
        .order_by()
        .annotate(missed=missed)
        .values_list("project_id", "round_id", "missed")
    )
    by_project = defaultdict(lambda: defaultdict(list))
    for project_id, round_id, was_missed in reports:
        cadence_id, rank, label = chosen[round_id]
        by_project[project_id][cadence_id].append((rank, label, bool(was_missed)))
    return {
        project_id: [[(label, missed) for _, label, missed in sorted(items)] for items in cadences.values()]
        for project_id, cadences in by_project.items()
    }


def earlier_lights(scope, wanted, *, as_of, lights_back, dispatch_round=None, rules=False):
    """{project id: [(base level, names of the rules fired or None) of its earlier lights, newest first;
    None for a round without one]} — the rules' names only when asked for (a persistence rule following
    one rule).

    For a round: the stored lights of the `lights_back` rounds of the same cadence before it (a round
    in which the project has no light breaks a run). Otherwise: the project's last `lights_back`
    stored lights dated before `as_of`."""
    stored = ("fired_rules",) if rules else ()
    if dispatch_round is not None:
        previous = list(
            DispatchRound.objects.filter(
                cadence_id=dispatch_round.cadence_id, period_start__lt=dispatch_round.period_start
            )
            .order_by("-period_start")
            .values_list("pk", flat=True)[:lights_back]
        )
        history = defaultdict(lambda: [None] * len(previous))
        if not previous:
            return history
        position = {pk: index for index, pk in enumerate(previous)}
        rows = (
            ProjectLight.objects.filter(round_id__in=previous, project_id__in=scope)
            .order_by()
            .values_list("project_id", "round_id", "base_level", *stored)
        )
        for project_id, round_id, base_level, *given in rows:
            history[project_id][position[round_id]] = (base_level, _names(given))
        return history
    dates = list(
        ProjectLight.objects.filter(as_of__lt=as_of)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .distinct()
    )

    def fetch(days, projects):
        rows = (
            ProjectLight.objects.filter(as_of__in=days, project_id__in=projects)
            .order_by()
            .values_list("project_id", "as_of", "id", "base_level", *stored)
        )
        return ((project_id, (day, pk), base, given) for project_id, day, pk, base, *given in rows)

    found = _walk_back(scope, wanted, [[day] for day in dates], fetch, needed=lights_back)
    return {
        project_id: [(base, _names(given)) for _, _, base, given in rows[:lights_back]]
        for project_id, rows in found.items()
        if rows
    }


def _names(given):
    """The rule names of a stored light's fired_rules, when they were read."""
    return given[0].split("\n") if given else None


def overdue_matters(as_of, project_ids):
    """{project id: number of its matters open and past their deadline on `as_of`} (the matters
    engine's count). Many projects are not named one by one: the county's counts are asked for."""
    from matters.selectors import overdue_counts_by_project

    project_ids = list(project_ids)
    if len(project_ids) > LISTED_PROJECTS:
        return overdue_counts_by_project(as_of)
    return overdue_counts_by_project(as_of, project_ids=project_ids)


def end_of_day(day):
    """The last moment of `day` in the local time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
