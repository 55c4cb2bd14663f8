"""What the figures read, in bulk, as the records stood at the recorded moment (`core.timetravel`): a
few queries for the whole scope, never one per project.

Each loader takes `moment` (records as they stood then) and the business date `as_of`, and returns
plain tuples or dicts keyed by id. Project-level loaders take `project_ids`, the projects in scope,
passed to the database as one parameter (`core.timetravel.in_ids`).
"""

import datetime
from collections import defaultdict

from django.db.models import Case, F, IntegerField, Q, Value, When

from core.timetravel import decimal, fetch, fetch_as_of, in_ids, rows_as_of, sql_of
from dispatch.choices import ReportStatus
from dispatch.models import DispatchRound, ProgressReport
from projects.choices import MilestoneKind, Stage
from projects.models import AnnualPlan, Milestone, Project, StageTransition

# The same reading as the lights (lights.engine.data): a figure counts once the unit has reported it —
# submitted (awaiting review) or approved; a returned report's figures were not accepted.
REPORTED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
# Plain strings: tested once per transition of every project, where comparing with enum members costs.
STARTED_STAGES = frozenset(
    str(stage) for stage in (Stage.UNDER_CONSTRUCTION, Stage.COMPLETED, Stage.OPERATING)
)
COMPLETED_STAGES = frozenset(str(stage) for stage in (Stage.COMPLETED, Stage.OPERATING))
TIER_FIELDS = tuple(flag for flag, _ in Project.TIER_FLAGS)
PROJECT_FIELDS = (
    "id",
    "code",
    "name",
    "region_id",
    "responsible_unit_id",
    "introducing_unit_id",
    "liaison_leader_id",
    "task_force_id",
    "industry_chain_id",
    "total_investment",
    "planned_start_year",
    "planned_end_year",
    "is_synthetic",
    "stage",
    *TIER_FIELDS,
)


def projects(moment, condition):
    """[tuple of PROJECT_FIELDS] of the projects matching `condition` as they stood at `moment`
    (total_investment as Decimal)."""
    money = PROJECT_FIELDS.index("total_investment")
    rows = fetch_as_of(Project, moment, PROJECT_FIELDS, condition)
    return [(*row[:money], decimal(row[money]), *row[money + 1 :]) for row in rows]


def timelines(moment, project_ids, as_of):
    """{project id: (stage on as_of or None, first day in 在建 or beyond, first day in 竣工 or 投产)} from
    every stage transition recorded by `moment`, in date order (ties by id). A project without any
    transition is absent; one whose transitions all come after `as_of` has stage None."""
    rows = sorted(
        fetch_as_of(
            StageTransition,
            moment,
            ("project_id", "effective_on", "id", "to_stage"),
            in_ids("project_id", project_ids),
        )
    )
    found = {}
    started, finished = STARTED_STAGES, COMPLETED_STAGES
    for project_id, effective_on, _, to_stage in rows:
        entry = found.get(project_id)
        if entry is None:
            entry = found[project_id] = [None, None, None]
        if effective_on <= as_of:
            entry[0] = to_stage
        if entry[1] is None and to_stage in started:
            entry[1] = effective_on
        if entry[2] is None and to_stage in finished:
            entry[2] = effective_on
    return found


def milestones(moment, project_ids):
    """{(project id, kind): (planned_on, actual_on, id)} of the 开工 and 竣工 milestones."""
    rows = fetch_as_of(
        Milestone,
        moment,
        ("project_id", "kind", "planned_on", "actual_on", "id"),
        in_ids("project_id", project_ids)
        & Q(kind__in=(MilestoneKind.CONSTRUCTION_START, MilestoneKind.COMPLETION)),
    )
    return {(project_id, str(kind)): (planned, actual, pk) for project_id, kind, planned, actual, pk in rows}


def annual_plans(moment, project_ids, year, *, months=False):
    """{project id: (amount, month amounts or None, plan id)} of the year's annual plans; the month
    amounts (JSON, costly to decode by the ten thousand) only when `months` is asked for."""
    condition = in_ids("project_id", project_ids) & Q(year=year)
    if months:  # through the ORM, which decodes the JSON
        fields = ("project_id", "amount", "id", "month_amounts")
        rows = rows_as_of(AnnualPlan, moment, fields, condition, tuples=True)
        return {row[0]: (row[1], row[3], row[2]) for row in rows}
    rows = fetch_as_of(AnnualPlan, moment, ("project_id", "amount", "id"), condition)
    return {project_id: (decimal(amount), None, pk) for project_id, amount, pk in rows}


def rounds(moment, first_day, last_day):
    """The dispatch rounds whose period ended in [first_day, last_day], as they stood at `moment`:
    [dict(id, cadence_id, label, period_start, period_end, due_at, on_time_until)], by period end."""
    rows = rows_as_of(
        DispatchRound,
        moment,
        ("id", "cadence_id", "label", "period_start", "period_end", "due_at", "on_time_until"),
        Q(period_end__gte=first_day, period_end__lte=last_day),
    )
    return sorted(rows, key=lambda row: (row["period_end"], row["id"]))


def year_to_date(moment, project_ids, year_rounds):
    """{project id: (investment_year_to_date, investment_since_start, report id, round id)}: each
    project's latest reported figure — submitted or approved — in a round of the year so far
    (`year_rounds`, the rounds whose period ended from 1 January to `as_of`), latest by period end then
    report id.

    Rounds are read newest first, in batches of 1, 2, 4 … period ends: a project found in a batch has no
    reported figure in a later round, so only the projects still missing are looked up further back —
    with weekly rounds almost every project is found in the first batch or two."""
    by_end = defaultdict(list)
    for row in year_rounds:
        by_end[row["period_end"]].append(row["id"])
    ends = sorted(by_end, reverse=True)
    found, missing = {}, set(project_ids)
    start, size = 0, 1
    while ends[start:] and missing:
        batch = ends[start : start + size]
        round_ids = [pk for end in batch for pk in by_end[end]]
        order = {pk: end for end in batch for pk in by_end[end]}
        rows = fetch_as_of(
            ProgressReport,
            moment,
            ("project_id", "round_id", "id", "investment_year_to_date", "investment_since_start"),
            Q(round_id__in=round_ids)
            & in_ids("project_id", missing)
            & Q(status__in=REPORTED, investment_year_to_date__isnull=False),
        )
        best = {}
        for project_id, round_id, pk, year_to_date, since_start in rows:
            key = (order[round_id], pk)
            if project_id not in best or key > best[project_id][0]:
                best[project_id] = (key, (decimal(year_to_date), decimal(since_start), pk, round_id))
        for project_id, (_, value) in best.items():
            found[project_id] = value
        missing -= set(best)
        start, size = start + size, size * 2
    return found


def reporting_tally(moment, project_ids, round_ids, cutoff):
    """[(round id, unit id, expected, submitted, on time)] of the reports expected in `round_ids` for
    the projects in scope, as they stood at `moment`: submitted = first submitted by `cutoff` (the end
    of `as_of`), on time = first submitted by the round's on-time limit too (dispatch's counting)."""
    if not round_ids or not project_ids:
        return []
    union = rows_as_of(
        ProgressReport,
        moment,
        ("round_id", "unit_id"),
        in_ids("round_id", round_ids) & in_ids("project_id", project_ids),
        tuples=True,
        submitted=_flag(Q(first_submitted_at__lte=cutoff)),
        on_time=_flag(
            Q(first_submitted_at__lte=cutoff) & Q(first_submitted_at__lte=F("round__on_time_until"))
        ),
    )
    compiled = sql_of(union)
    if compiled is None:
        return []
    sql, params = compiled
    return fetch(
        "SELECT t.round_id, t.unit_id, COUNT(*), SUM(t.submitted), SUM(t.on_time) "
        f"FROM ({sql}) t GROUP BY t.round_id, t.unit_id",
        params,
    )


def reporting_exceptions(moment, project_ids, round_ids, cutoff):
    """[(report id, round id, unit id, project id, submitted, on time)] of the reports in `round_ids`
    that were missing or late at `cutoff`: the lists behind "未报" and "迟报"."""
    if not round_ids or not project_ids:
        return []
    rows = rows_as_of(
        ProgressReport,
        moment,
        ("id", "round_id", "unit_id", "project_id"),
        in_ids("round_id", round_ids)
        & in_ids("project_id", project_ids)
        & (
            Q(first_submitted_at__isnull=True)
            | Q(first_submitted_at__gt=cutoff)
            | Q(first_submitted_at__gt=F("round__on_time_until"))
        ),
        tuples=True,
        submitted=_flag(Q(first_submitted_at__lte=cutoff)),
    )
    return list(rows)


def _flag(condition):
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def matters_in_period(moment, project_ids, first_day, as_of):
    """[dict] of the matters on the projects in scope that were opened or closed from `first_day` to
    `as_of`, as they stood at `moment`."""
    from matters.models import Matter

    return list(
        rows_as_of(
            Matter,
            moment,
            ("id", "code", "title", "category", "lead_unit_id", "project_id", "opened_on", "closed_on"),
            in_ids("project_id", project_ids)
            & Q(opened_on__lte=as_of)
            & (Q(opened_on__gte=first_day) | Q(closed_on__gte=first_day, closed_on__lte=as_of)),
        )
    )


def overdue_matters(moment, as_of, project_ids):
    """[dict] of the project matters open, not paused and past their deadline on `as_of`, as the
    matters, their events and their pauses were recorded at `moment` — the matters engine's definition
    (`matters.selectors.overdue_matters`: the deadline and node of the latest events effective by
    `as_of`, a pause covering `as_of` stops the clock), read through history so that a closing or an
    extension entered after `moment` leaves the figures of a past report unchanged. By deadline, code."""
    from matters.choices import Node
    from matters.models import Matter, MatterEvent, MatterPause

    candidates = rows_as_of(
        Matter,
        moment,
        ("id", "code", "title", "category", "lead_unit_id", "project_id", "opened_on", "closed_on"),
        in_ids("project_id", project_ids)
        & Q(opened_on__lte=as_of, original_deadline__lt=as_of)
        & ~Q(closed_on__lte=as_of),
    )
    # No deadline is earlier than the original one (extensions and pauses only move it later), and a
    # matter closed by as_of and still closed at `moment` was closed all along since.
    matters = {row["id"]: row for row in candidates}
    if not matters:
        return []
    events = defaultdict(list)
    for matter_id, effective_on, pk, deadline, to_node in fetch_as_of(
        MatterEvent,
        moment,
        ("matter_id", "effective_on", "id", "deadline", "to_node"),
        in_ids("matter_id", matters) & Q(effective_on__lte=as_of),
    ):
        events[matter_id].append((effective_on, pk, deadline, to_node))
    paused = {
        matter_id
        for matter_id, ended_on in fetch_as_of(
            MatterPause,
            moment,
            ("matter_id", "ended_on"),
            in_ids("matter_id", matters) & Q(started_on__lte=as_of),
        )
        if ended_on is None or ended_on > as_of
    }
    closed = str(Node.CLOSED)
    found = []
    for matter_id, row in matters.items():
        timeline = sorted(events.get(matter_id, ()), reverse=True)
        deadline = next((event[2] for event in timeline if event[2] is not None), None)
        node = next((event[3] for event in timeline if event[3]), None)
        if deadline is None or deadline >= as_of or matter_id in paused or node == closed:
            continue
        found.append({**row, "deadline_then": deadline})
    return sorted(found, key=lambda row: (row["deadline_then"], row["code"]))


def latest_lights(moment, project_ids, as_of):
    """{project id: (level, light date, light id)}: each project's latest stored light dated on or
    before `as_of`, as recorded at `moment`. Read newest dates first, in windows of 7, 14, 28 … days,
    so that weekly lights are found in the first window or two."""
    from lights.models import ProjectLight

    found, missing = {}, set(project_ids)
    bounds = _date_bounds(ProjectLight, moment, "as_of", as_of)
    if bounds is None:
        return found
    oldest, newest = bounds
    high, span = newest, 7
    while missing and high >= oldest:
        low = high - datetime.timedelta(days=span - 1)
        rows = fetch_as_of(
            ProjectLight,
            moment,
            ("project_id", "as_of", "id", "level"),
            in_ids("project_id", missing) & Q(as_of__gte=low, as_of__lte=high),
        )
        best = {}
        for project_id, day, pk, level in rows:
            if project_id not in best or (day, pk) > best[project_id][:2]:
                best[project_id] = (day, pk, level)
        for project_id, (day, pk, level) in best.items():
            found[project_id] = (level, day, pk)
        missing -= set(best)
        high, span = low - datetime.timedelta(days=1), span * 2
    return found


def _date_bounds(model, moment, field, last_day):
    """(earliest, latest) of `field` up to `last_day` over the rows of `model` as they stood at
    `moment` — or wider: the current rows and every historical state of the rows changed since (a row
    deleted or moved after `moment` still counts with the date it had) — or None when there are none.
    Bounds for a search by date windows, read through the indexes."""
    from django.db.models import Max, Min

    from core.timetravel import changed_after, historical_model

    spans = [
        model._base_manager.filter(**{f"{field}__lte": last_day}).aggregate(low=Min(field), high=Max(field)),
        historical_model(model)
        ._default_manager.filter(id__in=changed_after(model, moment), **{f"{field}__lte": last_day})
        .aggregate(low=Min(field), high=Max(field)),
    ]
    lows = [span["low"] for span in spans if span["low"] is not None]
    highs = [span["high"] for span in spans if span["high"] is not None]
    return (min(lows), max(highs)) if lows else None
