"""The arithmetic of the lights: calendar months, 序时进度, the progress figures, and how numbers read.

Ratios (the annual completion ratio and 序时进度) are kept to four decimals, points and percentages
to two; the rules compare these rounded numbers, so the numbers a reason shows always explain the
decision (a gap shown as 30.00 points is "on" a threshold of 30, never just beyond it).
"""

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal

from ..choices import TimeElapsedMode

FOUR = Decimal("0.0001")
TWO = Decimal("0.01")
HUNDRED = Decimal(100)


def add_months(day, months):
    """`day` moved by whole calendar months, kept within the month (31 January + 1 month = 29 February
    in 2024)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months(start, end):
    """Complete calendar months from `start` to `end`: N once `end` reaches `start` + N months
    (0 before the first month is complete, and when `end` precedes `start`)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def months_elapsed(as_of):
    """Months of the year complete on `as_of`: a month counts once its last day is reached (30 June
    → 6, 29 June → 5)."""
    last_day = calendar.monthrange(as_of.year, as_of.month)[1]
    return as_of.month if as_of.day == last_day else as_of.month - 1


def time_elapsed_ratio(as_of, mode=TimeElapsedMode.MONTHS, *, amount=None, month_amounts=None):
    """序时进度 on `as_of` as (ratio to four decimals, the basis used).

    months: complete months / 12 (the published practice); days: days elapsed, `as_of` included, /
    days in the year; plan: the share of the project's annual plan phased into the complete months
    (its month amounts); a plan without 12 month amounts falls back to months."""
    if mode == TimeElapsedMode.DAYS:
        days_in_year = 366 if calendar.isleap(as_of.year) else 365
        return (Decimal(as_of.timetuple().tm_yday) / days_in_year).quantize(FOUR, ROUND_HALF_UP), mode
    months = months_elapsed(as_of)
    if mode == TimeElapsedMode.PLAN and amount and month_amounts and len(month_amounts) == 12:
        done = sum((Decimal(str(value)) for value in month_amounts[:months]), Decimal(0))
        return (done / Decimal(amount)).quantize(FOUR, ROUND_HALF_UP), mode
    return (Decimal(months) / 12).quantize(FOUR, ROUND_HALF_UP), TimeElapsedMode.MONTHS


def progress_figures(year_to_date, amount, schedule):
    """(ratio, gap in points, ratio of schedule in %) of a year-to-date completion against an annual
    plan `amount` and 序时进度 `schedule`; the ratio of schedule is None when nothing is due yet."""
    ratio = (Decimal(year_to_date) / Decimal(amount)).quantize(FOUR, ROUND_HALF_UP)
    gap = ((schedule - ratio) * HUNDRED).quantize(TWO, ROUND_HALF_UP)
    of_schedule = (ratio / schedule * HUNDRED).quantize(TWO, ROUND_HALF_UP) if schedule else None
    return ratio, gap, of_schedule


def percent(ratio):
    """0.25 → "25.00%"."""
    return f"{(Decimal(ratio) * HUNDRED).quantize(TWO, ROUND_HALF_UP)}%"


def number(value):
    """A figure for JSON: an int when whole, else a float of its (already rounded) decimal."""
    if value is None or isinstance(value, int):
        return value
    as_float = float(value)
    return int(as_float) if as_float.is_integer() and abs(as_float) < 1e15 else as_float
