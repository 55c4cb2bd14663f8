"""Computing the figures: check the parameters, then run the one pass of `builder` over the projects
in scope (the same summary for every group: the whole scope, each stage, tier, unit, leader, task
force, region of a peer group) and wrap the result as `Figures`.

Definitions, rounding and sources are documented in docs/figures.md; the numbers here follow it.
"""

import datetime
import gc

from django.core.exceptions import ValidationError

from core.timetravel import end_of_day
from lights.choices import TimeElapsedMode

from .builder import _Builder
from .periods import Period, parse_period, year_to_date
from .scope import FiguresScope
from .values import percent, rank


def compute_figures(
    *,
    as_of,
    scope=None,
    period=None,
    recorded_at=None,
    schedule_mode=TimeElapsedMode.MONTHS,
    year_reporting=True,
    keep_records=False,
):
    """The figures of `scope` (a FiguresScope; None = every project) on `as_of` (a date), from the
    records as they stood at `recorded_at` (default: the end of `as_of`, from history), with the
    year so far and, when given, an explicit `period` (a Period or its code: "2024-03-H1", "2024-03",
    "2024"; counted up to `as_of`). `schedule_mode`: how 序时进度 is reckoned (lights' TimeElapsedMode:
    months — complete months / 12, the default —, days, or plan). `year_reporting`: include the
    reporting tallies of the whole year so far (`reporting.year`), which read every report of the
    year — half a million for 10,000 projects reporting weekly, a few hundred milliseconds; the
    dashboard's live view may leave it out (False: `reporting.year` is None) and keep the current
    period's. `keep_records`: for the live reading only (`recorded_at` now), reuse this process's
    per-project records of an earlier call for the projects not written to since (`records`; the
    dashboard's view after a write). Returns a `Figures`.

    Raises ValidationError (in Chinese, naming the parameter) for a scope that matches nothing known
    or a period that starts after `as_of`."""
    from .output import Figures

    scope = scope or FiguresScope()
    if isinstance(as_of, datetime.datetime):
        as_of = as_of.date()
    if isinstance(period, str):
        period = parse_period(period)
    if period is not None and period.start > as_of:
        raise ValidationError({"period": f"统计期“{period.label}”晚于统计日期 {as_of}。"})
    schedule_mode = TimeElapsedMode(schedule_mode)
    moment = recorded_at or end_of_day(as_of)
    condition, described = scope.resolve()
    builder = _Builder(as_of, moment, period, schedule_mode)
    builder.year_reporting = year_reporting
    # Tens of thousands of short-lived, acyclic objects: the cyclic collector's full passes over the
    # whole process would only add time (a fifth of it at 10,000 projects).
    collecting = gc.isenabled()
    gc.disable()
    try:
        builder.load(condition, keep_records=keep_records)
        result = builder.build()
    finally:
        if collecting:
            gc.enable()
    result["parameters"] = {
        "as_of": as_of,
        "recorded_at": moment,
        "year": as_of.year,
        "year_to_date": year_to_date(as_of).as_dict(),
        "period": period.as_dict() if period else None,
        "scope": described,
        "schedule_mode": str(schedule_mode),
        "year_reporting": year_reporting,
    }
    return Figures(result)


__all__ = ["Period", "compute_figures", "percent", "rank"]
