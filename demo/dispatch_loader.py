"""Loading ten weeks of Nankang's weekly dispatch (`demo.dispatch_data`), idempotently and fast.

The cadence is synced like every demo row. Each round that is not there yet is written with the rows
the dispatch services would have written had they run at the time: `open_round` (one pending report per
project covered *then* — by its stage on the round's first day, so the 23 projects signed on 1 March
only appear in week 10, and the projects completed in January drop out after their last week),
`submit_report`, `return_report`, a second `submit_report`, `approve_report`, each step with its review
timeline entry, its history record and its reason, at a time inside the round's window.

Through the services the ten rounds took over two minutes (about 14 s a round for 233 reports on this
machine), so reports, their timeline and their history are written in bulk with
`core.bulk.HistoryWriter`, one step at a time, in the services' order. Reminders and the
补报许可 go through `send_reminders` and `grant_lock_exception`, at the moment they were due, so they see
the reports as they stood. The projects themselves are not touched: the figures are built backwards so
that each project's last approved report gives exactly its 累计完成投资 in the library, as
`approve_report` would have left it (the figures: `demo.dispatch_plans`). A round already loaded is left
as it is.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from core.bulk import HistoryWriter, model_columns
from core.history import current_request_id, history_context
from dispatch import services
from dispatch.choices import PeriodType, ReminderKind, ReportAction, ReportStatus
from dispatch.models import Cadence, DispatchRound, LockException, ProgressReport, Reminder, ReportReview
from dispatch.periods import periods_between, round_times
from org.models import Region, Unit, User
from projects.models import Project

from . import data as org_data
from . import dispatch_data as data
from . import projects_data
from .dispatch_plans import _at, _plans, _stage_on, _values
from .loader import _sync

DISPATCH_MODELS = (Cadence, DispatchRound, ProgressReport, ReportReview, Reminder, LockException)
REASON = "演示数据（调度）"
REPORTER_PERSONAS = ("township_a", "township_b")


def load_dispatch(result):
    """The cadence 每周调度 of Nankang and its rounds for weeks 1–10 of 2024 with their reports."""
    with history_context(actor=None, reason=REASON):
        region = Region.objects.get(code=org_data.NANKANG_REGION)
        cadence = _sync(Cadence, {"region": region, "name": data.CADENCE}, data.CADENCE_VALUES, result)
        loaded = set(cadence.rounds.values_list("period_start", flat=True))
        periods = periods_between(PeriodType.WEEKLY, data.FIRST_DAY, data.LAST_DAY, start_weekday=0)
        if all(period.start in loaded for period in periods):
            return
        world = _World(cadence, region, periods)
        for week, period in enumerate(periods, start=1):
            if period.start not in loaded:
                _load_round(world, week, period, result)


class _World:
    """What every round needs, read once: the projects with their demo specs and timelines, the
    users who act, and each project's invented weekly figures."""

    def __init__(self, cadence, region, periods):
        self.cadence, self.periods = cadence, periods
        specs = {spec.name: spec for spec in projects_data.PROJECTS}
        self.projects = [
            (project, specs[project.name])
            for project in Project.objects.filter(region=region, name__in=specs)
            .select_related("responsible_unit")
            .order_by("code")
        ]
        self.office = User.objects.filter(username=org_data.PERSONAS["office"].username).first()
        reporters = {}
        for key in REPORTER_PERSONAS:
            persona = org_data.PERSONAS[key]
            user = User.objects.filter(username=persona.username, is_synthetic=True).first()
            unit = Unit.objects.filter(code=persona.unit_code).first()
            if user and unit:
                reporters[unit.pk] = user
        self.reporters = reporters
        self.times = {period.start: round_times(cadence, period) for period in periods}
        self.plans = {}  # project id -> _Plan


# One round ----------------------------------------------------------------------------------------


def _load_round(world, week, period, result):
    plans = _plans(world)
    cadence, times = world.cadence, round_times(world.cadence, period)
    opening = f"开启调度：{period.label}"
    with history_context(actor=None, reason=opening):
        dispatch_round = DispatchRound(
            cadence=cadence,
            period_start=period.start,
            period_end=period.end,
            label=period.label,
            opens_at=times.opens_at,
            due_at=times.due_at,
            on_time_until=times.on_time_until,
            locks_at=times.locks_at,
            is_synthetic=True,
        )
        dispatch_round.save()
    result.created[DispatchRound] += 1
    request_id, now = current_request_id(), timezone.now()

    def writer(actor, reason):
        return HistoryWriter(actor=actor, reason=reason, request_id=request_id, now=now)

    rows, steps = [], []
    for project, _ in world.projects:
        plan = plans[project.pk]
        if week not in plan.weeks:
            continue
        row, report_steps = _report(world, plan, week, dispatch_round, now)
        rows.append(row)
        steps += report_steps
    if not rows:
        return
    writer(None, opening).create(ProgressReport, rows)
    result.created[ProgressReport] += len(rows)
    by_project = {row["project_id"]: row for row in rows}
    for step in steps:
        step["row"] = by_project[step["project_id"]]

    # Reminders go out when the office sends them, seeing the reports as they stand then.
    before_due = times.due_at - datetime.timedelta(hours=8)
    overdue = times.due_at + datetime.timedelta(hours=16)
    exception_at = times.locks_at + datetime.timedelta(hours=17)
    moments = (
        (before_due, lambda: _remind(dispatch_round, ReminderKind.BEFORE_DUE, world, before_due, result)),
        (overdue, lambda: _remind(dispatch_round, ReminderKind.OVERDUE, world, overdue, result)),
        (exception_at, lambda: _grant_exceptions(dispatch_round, week, world, exception_at, result)),
    )
    steps.sort(key=lambda step: (step["at"], step["order"]))
    pending = list(steps)
    for moment, act in moments:
        _apply_steps(writer, [step for step in pending if step["at"] < moment], result)
        pending = [step for step in pending if step["at"] >= moment]
        act()
    _apply_steps(writer, pending, result)


def _report(world, plan, week, dispatch_round, now):
    """The report row as `open_round` writes it, and the steps that follow it."""
    project, spec = plan.project, plan.spec
    fate = plan.weeks[week]
    # open_round takes the baselines from the reports submitted by the time the round opens.
    reported_before = [
        earlier
        for earlier, earlier_fate in plan.weeks.items()
        if earlier < week
        and earlier_fate["submitted_at"]
        and earlier_fate["submitted_at"] < dispatch_round.opens_at
    ]
    previous = max(reported_before, default=0)
    row = {name: None for name in model_columns(ProgressReport)}
    row.update(
        created_at=now,
        updated_at=now,
        is_synthetic=True,
        round_id=dispatch_round.pk,
        project_id=project.pk,
        unit_id=project.responsible_unit_id,
        status=ReportStatus.PENDING,
        baseline_year_to_date=plan.year_to_date[previous - 1] if previous else Decimal(0),
        baseline_since_start=plan.since_start(previous) if previous else plan.start,
        stage=_stage_on(spec, dispatch_round.period_start),
        physical_progress="",
        next_steps="",
        blockers="",
        confidence="",
        confidence_narrative="",
        warning_comment="",
        review_comment="",
    )
    if fate["kind"] == "missing":
        return row, []
    submitted = fate["submitted_at"]
    reporter = world.reporters.get(project.responsible_unit_id)
    values = _values(plan, week, previous, submitted.date(), fate)
    steps = [_submit(project, submitted, reporter, values, 0, first=True)]
    last_submission = submitted
    if fate["returned"]:
        returned_at = submitted + datetime.timedelta(hours=2, minutes=fate["review_minute"])
        steps.append(_review(project, returned_at, world.office, ReportAction.RETURN, fate["comment"], 1))
        if fate["resubmitted"]:
            last_submission = returned_at + datetime.timedelta(hours=3)
            better = values | {"physical_progress": values["physical_progress"] + data.RESUBMIT_NOTE}
            steps.append(_submit(project, last_submission, reporter, better, 2, first=False))
    if fate["approved"]:
        monday = dispatch_round.period_end + datetime.timedelta(days=1)
        approved_at = max(_at(monday, 10, 0), last_submission + datetime.timedelta(hours=1))
        approved_at += datetime.timedelta(minutes=fate["review_minute"])
        steps.append(_review(project, approved_at, world.office, ReportAction.APPROVE, "", 3))
    return row, steps


def _submit(project, at, actor, values, order, *, first):
    return {"project_id": project.pk, "at": at, "order": order, "action": ReportAction.SUBMIT,
            "actor": actor, "values": values, "first": first}  # fmt: skip


def _review(project, at, actor, action, comment, order):
    return {"project_id": project.pk, "at": at, "order": order, "action": action, "actor": actor,
            "comment": comment}  # fmt: skip


# Applying the steps -------------------------------------------------------------------------------

REASONS = {
    ReportAction.SUBMIT: "报送进度",
    ReportAction.RETURN: "退回进度报告",
    ReportAction.APPROVE: "审核进度报告",
}
UPDATED = [
    name
    for name in model_columns(ProgressReport)
    if name not in ("created_at", "updated_at", "is_synthetic", "round_id", "project_id", "unit_id")
]


def _apply_steps(writer, steps, result):
    """Apply `steps` in time order: each batch of steps that touch different reports is one bulk
    update of the reports, one of their history records and one insert of timeline entries, under
    the reason and actor the service would have recorded."""
    while steps:
        batch, seen, rest = [], set(), []
        for step in steps:
            key = step["project_id"]
            if key in seen or (
                batch and (step["action"], step["actor"]) != (batch[0]["action"], batch[0]["actor"])
            ):
                rest.append(step)
                seen.add(key)
                continue
            seen.add(key)
            batch.append(step)
        _write_batch(writer, batch, result)
        steps = rest


def _write_batch(writer, batch, result):
    action, actor = batch[0]["action"], batch[0]["actor"]
    reviews = []
    for step in batch:
        row, at = step["row"], step["at"]
        if action == ReportAction.SUBMIT:
            row.update(step["values"])
            row.update(
                status=ReportStatus.SUBMITTED,
                submitted_at=at,
                submitted_by_id=actor.pk if actor else None,
                first_submitted_at=row["first_submitted_at"] or at,
            )
            comment = row["warning_comment"]
        else:
            comment = step["comment"]
            row.update(
                status=ReportStatus.RETURNED if action == ReportAction.RETURN else ReportStatus.APPROVED,
                reviewed_at=at,
                reviewed_by_id=actor.pk if actor else None,
                review_comment=comment,
            )
        reviews.append(
            {
                "report_id": row["id"],
                "action": action,
                "comment": comment,
                "actor_id": actor.pk if actor else None,
                "at": at,
            }
        )
    step_writer = writer(actor, REASONS[action])
    step_writer.update(ProgressReport, [step["row"] for step in batch], UPDATED)
    for review in reviews:
        review.update(created_at=step_writer.now, updated_at=step_writer.now, is_synthetic=True)
    reviews = [{name: review[name] for name in model_columns(ReportReview)} for review in reviews]
    step_writer.create(ReportReview, reviews)
    result.created[ReportReview] += len(reviews)


# Reminders and exceptions, through the services ---------------------------------------------------


def _mark_synthetic(model, rows):
    for row in rows:
        row.is_synthetic = True
    if rows:
        bulk_update_with_history(
            rows,
            model,
            ["is_synthetic"],
            default_change_reason=REASON,
            custom_historical_attrs={"request_id": current_request_id()},
        )


def _remind(dispatch_round, kind, world, now, result):
    reminders = services.send_reminders(dispatch_round, kind=kind, actor=world.office, now=now)
    _mark_synthetic(Reminder, reminders)
    result.created[Reminder] += len(reminders)


def _grant_exceptions(dispatch_round, week, world, now, result):
    granted = []
    for exception_week, unit_code, reason in data.LOCK_EXCEPTIONS:
        unit = Unit.objects.filter(code=unit_code).first()
        if exception_week != week or unit is None or not dispatch_round.reports.filter(unit=unit).exists():
            continue
        until = now + datetime.timedelta(days=2)
        granted.append(
            services.grant_lock_exception(
                dispatch_round, unit=unit, until=until, reason=reason, actor=world.office
            )
        )
    _mark_synthetic(LockException, granted)
    result.created[LockException] += len(granted)


def dispatch_summary():
    """Lines for the demo command: the weekly rounds and how completely and timely units reported."""
    from dispatch.selectors import completeness_board

    cadence = Cadence.objects.filter(region__code=org_data.NANKANG_REGION, name=data.CADENCE).first()
    if cadence is None:
        return []
    rounds = list(cadence.rounds.order_by("period_start"))
    if not rounds:
        return []
    board = completeness_board(rounds)
    total = board.total
    return [
        f"{cadence.name}：{len(rounds)} 轮（{rounds[0].label} — {rounds[-1].label}），"
        f"应报 {total.expected} 份，已报 {total.submitted} 份（完成率 {total.completeness}%），"
        f"按时 {total.on_time} 份（及时率 {total.timeliness}%）；"
        f"完成率最低的单位：{'、'.join(line.unit_name for line in board.lines[:3])}"
    ]
