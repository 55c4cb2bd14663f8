"""Working-day (工作日) arithmetic on the Chinese calendar, for deadlines such as "N 个工作日内办结".

Public holidays (法定节假日) and 调休 make-up working Saturdays/Sundays come from the `chinesecalendar`
library, which knows the years the State Council has published (2004–2026 in version 1.11). A year it
does not know yet is *provisional*: Monday–Friday count as working days, corrected by whatever the
office entered as overrides, and the UI warns with `provisional_warning()`.

Each calendar builds, once per year, the sorted ordinals of that year's working days; every question is
then a set lookup or a binary search, so a deadline 200 working days out costs microseconds.
"""

import datetime
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from functools import cache

import chinese_calendar

ONE_DAY = datetime.timedelta(days=1)
# The library's own range check (`_validate_date`) uses exactly these bounds.
LIBRARY_FIRST_YEAR = min(chinese_calendar.holidays).year
LIBRARY_LAST_YEAR = max(chinese_calendar.holidays).year

# The library's Chinese labels are short forms (清明, 端午, 中秋) and the 2015 one is the full title;
# the office writes the usual names.
HOLIDAY_NAMES = {
    chinese_calendar.Holiday.new_years_day.value: "元旦",
    chinese_calendar.Holiday.spring_festival.value: "春节",
    chinese_calendar.Holiday.tomb_sweeping_day.value: "清明节",
    chinese_calendar.Holiday.labour_day.value: "劳动节",
    chinese_calendar.Holiday.dragon_boat_festival.value: "端午节",
    chinese_calendar.Holiday.mid_autumn_festival.value: "中秋节",
    chinese_calendar.Holiday.national_day.value: "国庆节",
    chinese_calendar.Holiday.anti_fascist_70th_day.value: "抗战胜利纪念日",
}


def _as_date(day: datetime.date) -> datetime.date:
    # A datetime never equals a date, so it would silently miss every set lookup.
    return day.date() if isinstance(day, datetime.datetime) else day


def library_knows(year: int) -> bool:
    """Whether `chinesecalendar` has the State Council's holiday arrangement for `year`."""
    return LIBRARY_FIRST_YEAR <= year <= LIBRARY_LAST_YEAR


class WorkingCalendar:
    """Working days (工作日) with holidays and 调休, plus the office's own overrides.

    `overrides` maps a date to True (a working day, e.g. a 调休 Saturday of a year the library does not
    know yet) or False (a rest day, e.g. a holiday); an override always wins over the library.
    Instances are immutable and safe to share; build one per set of overrides and keep it.
    """

    def __init__(self, overrides: Mapping[datetime.date, bool] | None = None):
        self._overrides: dict[datetime.date, bool] = {}
        for day, working in (overrides or {}).items():
            if not isinstance(day, datetime.date) or not isinstance(working, bool):
                raise ValueError(f"工作日调整项无效：{day!r} → {working!r}（应为 日期 → 是否上班）。")
            self._overrides[_as_date(day)] = working
        self._override_years = frozenset(day.year for day in self._overrides)
        self._years: dict[int, tuple[tuple[int, ...], frozenset[int]]] = {}

    def _year(self, year: int) -> tuple[tuple[int, ...], frozenset[int]]:
        """Sorted ordinals of the working days of `year` and the same as a set (built once)."""
        cached = self._years.get(year)
        if cached is None:
            known = library_knows(year)
            day, ordinals = datetime.date(year, 1, 1), []
            while day.year == year:
                working = self._overrides.get(day)
                if working is None:
                    working = day.weekday() < 5
                    if known:
                        working = day in chinese_calendar.workdays or (
                            working and day not in chinese_calendar.holidays
                        )
                if working:
                    ordinals.append(day.toordinal())
                day += ONE_DAY
            cached = self._years[year] = (tuple(ordinals), frozenset(ordinals))
        return cached

    def is_provisional(self, year: int) -> bool:
        """True when `year` is counted as plain Monday–Friday: unknown to the library, no override in it.

        Once the office has entered any override for the year we take its arrangement as entered.
        """
        return not library_knows(year) and year not in self._override_years

    def provisional_years(self, start: datetime.date, end: datetime.date) -> list[int]:
        """The provisional years between `start` and `end` (both included, in either order)."""
        first, last = sorted((start.year, end.year))
        return [year for year in range(first, last + 1) if self.is_provisional(year)]

    def is_working_day(self, day: datetime.date) -> bool:
        """Whether `day` is a working day (调休 make-up days included, holidays excluded)."""
        return day.toordinal() in self._year(day.year)[1]

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The date that is `days` working days after `start`; the deadline rule for "N 个工作日内办结".

        `start` itself is never counted (the day an issue is assigned is day 0), so the deadline is the
        N-th working day after it. Worked example, Spring Festival 2024 (holidays 02-10..17, make-up
        working Sunday 02-18): assigned Thursday 2024-02-08 with 3 working days → 02-09 is the 1st,
        02-18 (调休 Sunday) the 2nd, 02-19 the 3rd: the deadline is Monday 2024-02-19.
        `days=0` gives `start` if it is a working day, otherwise the next working day; negative `days`
        go back: -1 is the last working day before `start`. For `days >= 1`,
        `working_days_between(start, result) == days` always; going back (and for 0) that holds only when
        `start` is a working day, since both directions leave `start` out of the count.
        """
        start = _as_date(start)
        if days == 0:
            # "the 1st working day after yesterday" is today when today works.
            return self.add_working_days(start - ONE_DAY, 1)
        year, ordinal = start.year, start.toordinal()
        ordinals = self._year(year)[0]
        if days > 0:
            index = bisect_right(ordinals, ordinal) + days - 1
            while index >= len(ordinals):
                index -= len(ordinals)
                year += 1
                ordinals = self._year(year)[0]
        else:
            index = bisect_left(ordinals, ordinal) + days
            while index < 0:
                year -= 1
                ordinals = self._year(year)[0]
                index += len(ordinals)
        return datetime.date.fromordinal(ordinals[index])

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """The number of working days in (start, end]; if end < start, minus those in (end, start]."""
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        count = bisect_right(self._year(end.year)[0], end.toordinal())
        count -= bisect_right(self._year(start.year)[0], start.toordinal())
        for year in range(start.year, end.year):
            count += len(self._year(year)[0])
        return count

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """The first working day strictly after `day`."""
        return self.add_working_days(day, 1)

    def previous_working_day(self, day: datetime.date) -> datetime.date:
        """The last working day strictly before `day`."""
        return self.add_working_days(day, -1)

    def working_days_remaining(self, deadline: datetime.date, today: datetime.date) -> int:
        """Working days left until `deadline`: 0 on the deadline day, negative once overdue.

        Equal to `working_days_between(today, deadline)`: on Thursday 2024-02-08 a deadline of Monday
        2024-02-19 has 3 left (02-09, 02-18, 02-19); on Tuesday 02-20 it is -1. A light that "turns yellow
        three working days before the deadline" is `0 <= remaining <= 3`.
        """
        return self.working_days_between(today, deadline)

    def add_working_days_paused(
        self,
        start: datetime.date,
        days: int,
        pauses: Iterable[tuple[datetime.date, datetime.date | None]],
    ) -> datetime.date | None:
        """The deadline of `days` working days from `start` when the clock stops during pauses (挂起).

        A pause `(pause_start, pause_end)` covers [pause_start, pause_end): the working day the clock is
        stopped (e.g. materials requested from the enterprise) does not count, the working day it resumes
        (materials received) counts again. Working days outside every pause count exactly as in
        `add_working_days` (so `start` itself never counts, and `days=0` is the first counting day on or
        after `start`). Pauses may overlap, lie before `start` or be given in any order.
        An open pause (`pause_end` None) means the clock is still stopped: the deadline is not yet
        determined and None is returned — unless the deadline fell before that pause began, since a
        pause that starts once an item is already overdue does not undo the overdue deadline.
        Example: 3 working days from Thursday 2024-02-08 (deadline 02-19 without pauses), paused
        [02-09, 02-18): 02-09 does not count, so 02-18, 02-19 and 02-20 do; the deadline is 02-20.
        """
        if days < 0:
            raise ValueError(f"挂起计时的工作日数不能为负数（收到 {days}）。")
        cursor = _as_date(start)
        if days == 0:
            cursor, days = cursor - ONE_DAY, 1
        for pause_start, pause_end in _merge_pauses(pauses):
            # Working days counted before the clock stops: (cursor, pause_start).
            available = self.working_days_between(cursor, pause_start - ONE_DAY)
            if days <= available:
                return self.add_working_days(cursor, days)
            if pause_end is None:
                return None
            days -= max(available, 0)
            cursor = max(cursor, pause_end - ONE_DAY)
        return self.add_working_days(cursor, days)


def _merge_pauses(pauses):
    """Pauses as sorted, non-overlapping [start, end) intervals; an open one (end None) ends the list."""
    intervals = []
    for pause_start, pause_end in pauses:
        pause_start = _as_date(pause_start)
        pause_end = None if pause_end is None else _as_date(pause_end)
        if pause_end is not None and pause_end < pause_start:
            raise ValueError(f"挂起区间无效：恢复日期 {pause_end} 早于挂起日期 {pause_start}。")
        if pause_end != pause_start:
            intervals.append((pause_start, pause_end))
    merged = []
    for pause_start, pause_end in sorted(intervals, key=lambda interval: interval[0]):
        if merged and pause_start <= merged[-1][1]:
            previous_start, previous_end = merged[-1]
            merged[-1] = (previous_start, None if pause_end is None else max(previous_end, pause_end))
        else:
            merged.append((pause_start, pause_end))
        if merged[-1][1] is None:
            break
    return merged


@cache
def default_calendar() -> WorkingCalendar:
    """The shared calendar without overrides (library holidays and 调休 only)."""
    return WorkingCalendar()


def holiday_name(day: datetime.date) -> str | None:
    """The holiday `day` belongs to, in Chinese (春节, 国庆节, …), from the library; None otherwise.

    Like the library's holiday detail this names both the rest days and the 调休 make-up working days of
    a holiday (Sunday 2024-02-04 → 春节); ask `is_working_day` to tell them apart. Years the library does
    not know give None.
    """
    day = _as_date(day)
    if not library_knows(day.year):
        return None
    name = chinese_calendar.workdays.get(day) or chinese_calendar.holidays.get(day)
    return HOLIDAY_NAMES.get(name, name) if name else None


def provisional_warning(years: Iterable[int]) -> str | None:
    """The UI warning for provisional years, e.g. "2027 年节假日安排尚未录入，按周末计算"; None if none."""
    years = sorted(set(years))
    if not years:
        return None
    return f"{'、'.join(str(year) for year in years)} 年节假日安排尚未录入，按周末计算"
