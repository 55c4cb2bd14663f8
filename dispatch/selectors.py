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

from django.core.exceptions import EmptyResultSet
from django.db import connections
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


class Tally:
    """Expected, submitted, on-time, approved and returned reports, with rates. (A plain class with
    slots: the board adds up thousands of them per request.)"""

    __slots__ = ("approved", "expected", "on_time", "returned", "submitted")

    def __init__(self, expected=0, submitted=0, on_time=0, approved=0, returned=0):
        self.expected, self.submitted, self.on_time = expected, submitted, on_time
        self.approved, self.returned = approved, returned

    def __eq__(self, other):
        return isinstance(other, Tally) and self.counts() == other.counts()

    def __repr__(self):
        return "Tally(expected={}, submitted={}, on_time={}, approved={}, returned={})".format(*self.counts())

    def counts(self):
        return (self.expected, self.submitted, self.on_time, self.approved, self.returned)

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
        self.expected += other.expected
        self.submitted += other.submitted
        self.on_time += other.on_time
        self.approved += other.approved
        self.returned += other.returned
        return self


TALLY = {
    "expected": Count("id"),
    "submitted": Count("id", filter=Q(first_submitted_at__isnull=False)),
    "on_time": Count("id", filter=Q(first_submitted_at__lte=F("round__on_time_until"))),
    "approved": Count("id", filter=Q(status=ReportStatus.APPROVED)),
    "returned": Count("id", filter=Q(status=ReportStatus.RETURNED)),
}


def _tally(row):
    return Tally(*(row[name] for name in TALLY))


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
    grouped by round and unit, then the unit names. Units are ordered by completeness, lowest first,
    then by name."""
    from org.models import Unit

    rounds = list(rounds)
    reports = ProgressReport.objects.all() if reports is None else reports
    rows = (
        reports.filter(round__in=[r.pk for r in rounds])
        .values_list("round_id", "unit_id")
        .annotate(**TALLY)
        .order_by()
    )
    # Run as compiled: the counts need none of the ORM's per-value converters (thousands of rows).
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # no rounds, or a user who may see no report
        fetched = []
    else:
        with connections[rows.db].cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
    lines, round_totals, total = {}, {r.pk: Tally() for r in rounds}, Tally()
    for round_id, unit_id, *counts in fetched:
        tally = Tally(*counts)
        line = lines.get(unit_id)
        if line is None:
            line = lines[unit_id] = UnitLine(unit_id, "", Tally())
        line.cells[round_id] = tally
        line.tally.add(tally)
        round_totals[round_id].add(tally)
    for round_total in round_totals.values():
        total.add(round_total)
    for unit_id, name in Unit.objects.filter(pk__in=list(lines)).values_list("pk", "name"):
        lines[unit_id].unit_name = name
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
