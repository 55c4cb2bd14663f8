"""Reporting periods of each period type, and the times a round of a cadence opens, is due and locks.

Weeks start on the cadence's start weekday; week 1 of a year is the week holding 1 January
(with Monday starts this is the ISO week number for every year whose 1 January falls Monday to
Thursday, and "2024年第10周" is 4–10 March 2024 as offices number it).
"""

import calendar
import datetime
from dataclasses import dataclass

from django.utils import timezone

from .choices import PeriodType


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str


def _week(day, start_weekday):
    start = day - datetime.timedelta(days=(day.weekday() - start_weekday) % 7)
    end = start + datetime.timedelta(days=6)
    year = end.year
    january_first = datetime.date(year, 1, 1)
    first_start = january_first - datetime.timedelta(days=(january_first.weekday() - start_weekday) % 7)
    number = (start - first_start).days // 7 + 1
    return Period(
        start, end, f"{year}年第{number}周（{start.month}月{start.day}日—{end.month}月{end.day}日）"
    )


def period_containing(period_type, day, *, start_weekday=0):
    """The period of `period_type` that holds `day`."""
    period_type = PeriodType(period_type)
    if period_type == PeriodType.DAILY:
        return Period(day, day, f"{day.year}年{day.month}月{day.day}日")
    if period_type == PeriodType.WEEKLY:
        return _week(day, start_weekday)
    last_day = calendar.monthrange(day.year, day.month)[1]
    if period_type == PeriodType.HALF_MONTHLY:
        if day.day <= 15:
            return Period(day.replace(day=1), day.replace(day=15), f"{day.year}年{day.month}月上半月")
        return Period(day.replace(day=16), day.replace(day=last_day), f"{day.year}年{day.month}月下半月")
    if period_type == PeriodType.MONTHLY:
        return Period(day.replace(day=1), day.replace(day=last_day), f"{day.year}年{day.month}月")
    quarter = (day.month - 1) // 3
    start = datetime.date(day.year, quarter * 3 + 1, 1)
    end_month = quarter * 3 + 3
    end = datetime.date(day.year, end_month, calendar.monthrange(day.year, end_month)[1])
    return Period(start, end, f"{day.year}年第{quarter + 1}季度")


def next_period(period_type, period, *, start_weekday=0):
    """The period right after `period`."""
    return period_containing(
        period_type, period.end + datetime.timedelta(days=1), start_weekday=start_weekday
    )


def periods_between(period_type, first_day, last_day, *, start_weekday=0):
    """Every period from the one holding `first_day` to the one holding `last_day`, in order."""
    period = period_containing(period_type, first_day, start_weekday=start_weekday)
    periods = []
    while period.start <= last_day:
        periods.append(period)
        period = next_period(period_type, period, start_weekday=start_weekday)
    return periods


@dataclass(frozen=True)
class RoundTimes:
    opens_at: datetime.datetime
    due_at: datetime.datetime
    on_time_until: datetime.datetime
    locks_at: datetime.datetime | None


def round_times(cadence, period):
    """When a round of `cadence` for `period` opens, is due, stops counting as on time and locks."""

    def at(day, time):
        return timezone.make_aware(datetime.datetime.combine(day, time))

    opens_at = at(period.start + datetime.timedelta(days=cadence.open_offset_days), datetime.time(0, 0))
    due_at = at(period.end + datetime.timedelta(days=cadence.due_offset_days), cadence.due_time)
    on_time_until = due_at + datetime.timedelta(days=cadence.grace_days)
    locks_at = None
    if cadence.expiry_days is not None:
        locks_at = max(due_at + datetime.timedelta(days=cadence.expiry_days), on_time_until)
    return RoundTimes(opens_at, due_at, on_time_until, locks_at)
