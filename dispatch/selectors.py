"""Reads of the weekly dispatch: round state, completeness and timeliness per unit, per round, over time.

Counting follows DHIS2's reporting rates fitted to dispatch: the expected reports of a round are the
reports its opening created (one per covered project); a report counts as submitted once it has been
submitted at least once (a returned report still counts: the unit did report), and as on time when
that first submission came by the round's on-time limit (due time plus grace days). Missing = expected
− submitted. Rates are shares of expected, in percent to two decimals.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.utils import timezone

from .choices import ReportStatus
from .models import DispatchRound, ProgressReport


def rate(part, whole):
    """part / whole in percent, two decimals (None when nothing was expected)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def round_state(dispatch_round, *, now=None):
    """未开放 / 填报中 / 已截止 / 已锁定 at `now`."""
    now = now or timezone.now()
    if now < dispatch_round.opens_at:
        return "未开放"
    if now < dispatch_round.due_at:
        return "填报中"
    if dispatch_round.locks_at is None or now < dispatch_round.locks_at:
        return "已截止"
    return "已锁定"


@dataclass
class Tally:
    """Expected, submitted, on-time, approved and returned reports, with rates."""

    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    approved: int = 0
    returned: int = 0

    @property
    def missing(self):
        return self.expected - self.submitted

    @property
    def late(self):
        return self.submitted - self.on_time

    @property
    def completeness(self):
        return rate(self.submitted, self.expected)

    @property
    def timeliness(self):
        return rate(self.on_time, self.expected)

    def add(self, other):
        for name in ("expected", "submitted", "on_time", "approved", "returned"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


TALLY = {
    "expected": Count("id"),
    "submitted": Count("id", filter=Q(first_submitted_at__isnull=False)),
    "on_time": Count("id", filter=Q(first_submitted_at__lte=F("round__on_time_until"))),
    "approved": Count("id", filter=Q(status=ReportStatus.APPROVED)),
    "returned": Count("id", filter=Q(status=ReportStatus.RETURNED)),
}


def _tally(row):
    return Tally(**{name: row[name] for name in TALLY})


@dataclass
class UnitLine:
    unit_id: int
    unit_name: str
    tally: Tally
    cells: dict = field(default_factory=dict)  # round id -> Tally (board only)


def round_completeness(dispatch_round, *, reports=None):
    """[UnitLine] of `dispatch_round`, units still missing reports first, then by name, plus the
    round's total Tally. `reports` narrows the reports counted (a user's restricted queryset)."""
    reports = ProgressReport.objects.all() if reports is None else reports
    rows = reports.filter(round=dispatch_round).values("unit_id", "unit__name").annotate(**TALLY).order_by()
    lines = [UnitLine(row["unit_id"], row["unit__name"], _tally(row)) for row in rows]
    lines.sort(key=lambda line: (-line.tally.missing, line.unit_name))
    total = Tally()
    for line in lines:
        total.add(line.tally)
    return lines, total


@dataclass
class Board:
    """Units × rounds: each cell a Tally, each unit a line with its totals over the rounds."""

    rounds: list
    lines: list
    total: Tally
    round_totals: dict  # round id -> Tally


def completeness_board(rounds, *, reports=None):
    """The completeness board over `rounds` (a list or queryset of DispatchRound): one aggregate query
    grouped by round and unit. Units are ordered by completeness, lowest first, then by name."""
    rounds = list(rounds)
    reports = ProgressReport.objects.all() if reports is None else reports
    rows = (
        reports.filter(round__in=[r.pk for r in rounds])
        .values("round_id", "unit_id", "unit__name")
        .annotate(**TALLY)
        .order_by()
    )
    lines, round_totals, total = {}, {r.pk: Tally() for r in rounds}, Tally()
    for row in rows:
        tally = _tally(row)
        line = lines.get(row["unit_id"])
        if line is None:
            line = lines[row["unit_id"]] = UnitLine(row["unit_id"], row["unit__name"], Tally())
        line.cells[row["round_id"]] = tally
        line.tally.add(tally)
        round_totals[row["round_id"]].add(tally)
        total.add(tally)
    ordered = sorted(
        lines.values(),
        key=lambda line: (line.tally.completeness if line.tally.expected else Decimal(101), line.unit_name),
    )
    return Board(rounds=rounds, lines=ordered, total=total, round_totals=round_totals)


def recent_rounds(*, cadence=None, until=None, count=12, rounds=None):
    """The last `count` rounds (of one cadence when given) that opened by `until`, oldest first."""
    until = until or timezone.now()
    rounds = DispatchRound.objects.all() if rounds is None else rounds
    if cadence is not None:
        rounds = rounds.filter(cadence=cadence)
    chosen = list(
        rounds.filter(opens_at__lte=until).select_related("cadence").order_by("-period_start")[:count]
    )
    return list(reversed(chosen))


def previous_report(report):
    """The unit's last report on the same project in an earlier round of the same cadence."""
    return (
        ProgressReport.objects.filter(
            project_id=report.project_id,
            round__cadence_id=report.round.cadence_id,
            round__period_start__lt=report.round.period_start,
        )
        .select_related("round")
        .order_by("-round__period_start")
        .first()
    )


def due_in(dispatch_round, *, now=None):
    """Time left to the due time (negative once past)."""
    now = now or timezone.now()
    return dispatch_round.due_at - now if dispatch_round.due_at else datetime.timedelta(0)
