"""Opening rounds, which units may still report into them, and 补报许可 (lock exceptions)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.history import current_request_id, history_context
from projects.models import Project

from ..choices import (
    ReportStatus,
)
from ..models import DispatchRound, LockException, ProgressReport
from ..periods import period_containing, round_times

ZERO = Decimal("0")


def _now(now):
    return now or timezone.now()


# Opening rounds ---------------------------------------------------------------------------------


def covered_projects(cadence):
    """The projects a round of `cadence` expects a report on: in its region, in its stages, with one
    of its tier flags, and the responsibility of one of its units (or below it) — each condition only
    when the cadence sets it."""
    projects = Project.objects.filter(region__path__startswith=cadence.region.path)
    if cadence.stages:
        projects = projects.filter(stage__in=cadence.stages)
    if cadence.tier_flags:
        tiers = Q()
        for flag in cadence.tier_flags:
            tiers |= Q(**{flag: True})
        projects = projects.filter(tiers)
    units = list(cadence.units.all())
    if units:
        in_units = Q()
        for unit in units:
            in_units |= Q(responsible_unit__path__startswith=unit.path)
        projects = projects.filter(in_units)
    return projects.order_by("code")


def _baselines(cadence, period, project_ids):
    """{project id: (year to date, since start)} as last reported before `period` in `cadence`; the
    year-to-date figure restarts at 0 in a new year. Projects never reported start from their
    invested-to-date figure."""
    latest = {}
    earlier = (
        ProgressReport.objects.filter(
            round__cadence=cadence,
            round__period_start__lt=period.start,
            project_id__in=project_ids,
            investment_since_start__isnull=False,
        )
        .exclude(status__in=(ReportStatus.PENDING,))
        .order_by("project_id", "-round__period_start")
        .values_list("project_id", "round__period_end", "investment_year_to_date", "investment_since_start")
    )
    for project_id, period_end, year_to_date, since_start in earlier:
        if project_id not in latest:
            same_year = period_end.year == period.end.year
            latest[project_id] = ((year_to_date or ZERO) if same_year else ZERO, since_start)
    return latest


def open_round(cadence, *, period=None, on=None, actor):
    """Open the round of `cadence` for `period` (or the period holding date `on`): fix its times and
    create one pending report per covered project that has none yet, pre-filled with the project's
    stage and its last reported figures. Opening again adds only newly covered projects."""
    period = period or period_containing(cadence.period_type, on, start_weekday=cadence.start_weekday)
    times = round_times(cadence, period)
    with transaction.atomic(), history_context(actor=actor, reason=f"开启调度：{period.label}"):
        dispatch_round, _ = DispatchRound.objects.get_or_create(
            cadence=cadence,
            period_start=period.start,
            defaults={
                "period_end": period.end,
                "label": period.label,
                "opens_at": times.opens_at,
                "due_at": times.due_at,
                "on_time_until": times.on_time_until,
                "locks_at": times.locks_at,
            },
        )
        existing = set(dispatch_round.reports.values_list("project_id", flat=True))
        projects = [project for project in covered_projects(cadence) if project.pk not in existing]
        baselines = _baselines(cadence, period, [project.pk for project in projects])
        reports = []
        for project in projects:
            year_to_date, since_start = baselines.get(project.pk, (ZERO, project.invested_to_date))
            reports.append(
                ProgressReport(
                    round=dispatch_round,
                    project=project,
                    unit_id=project.responsible_unit_id,
                    stage=project.stage,
                    baseline_year_to_date=year_to_date,
                    baseline_since_start=since_start,
                    is_synthetic=project.is_synthetic,
                )
            )
        if reports:
            bulk_create_with_history(
                reports,
                ProgressReport,
                default_user=actor,
                default_change_reason=f"开启调度：{period.label}",
                batch_size=500,
                custom_historical_attrs={"request_id": current_request_id()},
            )
    return dispatch_round


def open_due_rounds(*, now=None, actor):
    """Open, for every active cadence, the round of the current period once its opening time has come
    (the periodic job calls this; running it twice opens nothing twice)."""
    from ..models import Cadence

    now = _now(now)
    opened = []
    for cadence in Cadence.objects.filter(is_active=True).select_related("region"):
        period = period_containing(
            cadence.period_type, timezone.localdate(now), start_weekday=cadence.start_weekday
        )
        if round_times(cadence, period).opens_at <= now:
            opened.append(open_round(cadence, period=period, actor=actor))
    return opened


def accepts_reports(dispatch_round, unit, *, now=None):
    """Whether `unit` may still submit into `dispatch_round` at `now`: the round is open and not locked,
    or the office granted the unit an exception that has not run out."""
    now = _now(now)
    if now < dispatch_round.opens_at:
        return False
    if dispatch_round.locks_at is None or now < dispatch_round.locks_at:
        return True
    return LockException.objects.filter(round=dispatch_round, unit=unit, until__gt=now).exists()


def grant_lock_exception(dispatch_round, *, unit, until, reason, actor):
    """Let `unit` report into the locked `dispatch_round` until `until` (extends an earlier grant)."""
    if not reason.strip():
        raise ValidationError({"reason": "补报许可须写明原因。"})
    with transaction.atomic(), history_context(actor=actor, reason="补报许可"):
        exception, created = LockException.objects.get_or_create(
            round=dispatch_round, unit=unit, defaults={"until": until, "reason": reason}
        )
        if not created:
            exception.until, exception.reason = max(exception.until, until), reason
            exception.save()
    return exception
