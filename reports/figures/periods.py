"""The periods figures are counted over: the year so far, and an optional explicit period named the way
offices name them — "2024-03-H1" (上半月 1–15), "2024-03-H2" (下半月 16–end), "2024-03" (a month),
"2024" (a year)."""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Period:
    """A closed range of days with the label a report prints."""

    start: datetime.date
    end: datetime.date
    label: str
    code: str

    def clipped(self, as_of):
        """The part of the period up to `as_of` (the period's own end when it ended earlier)."""
        return Period(self.start, min(self.end, as_of), self.label, self.code)

    def __contains__(self, day):
        return day is not None and self.start <= day <= self.end

    def as_dict(self):
        return {"code": self.code, "label": self.label, "start": self.start, "end": self.end}


FORMATS = "2024-03-H1（上半月）、2024-03-H2（下半月）、2024-03 或 2024"
PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<half>H[12]))?)?$")


def parse_period(text):
    """The Period named by `text` (2024-03-H1, 2024-03-H2, 2024-03, 2024); ValidationError in Chinese
    naming the value otherwise."""
    match = PATTERN.match((text or "").strip().upper())
    if not match:
        raise ValidationError({"period": f"统计期“{text}”格式不正确，应为 {FORMATS}。"})
    year = int(match["year"])
    if match["month"] is None:
        return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), f"{year}年", f"{year}")
    month = int(match["month"])
    if not 1 <= month <= 12:
        raise ValidationError({"period": f"统计期“{text}”的月份应在 1 至 12 之间。"})
    last = calendar.monthrange(year, month)[1]
    code = f"{year}-{month:02d}"
    if match["half"] == "H1":
        first, last_day = datetime.date(year, month, 1), datetime.date(year, month, 15)
        return Period(first, last_day, f"{year}年{month}月上半月", f"{code}-H1")
    if match["half"] == "H2":
        first, last_day = datetime.date(year, month, 16), datetime.date(year, month, last)
        return Period(first, last_day, f"{year}年{month}月下半月", f"{code}-H2")
    first, last_day = datetime.date(year, month, 1), datetime.date(year, month, last)
    return Period(first, last_day, f"{year}年{month}月", code)


def year_to_date(as_of):
    """1 January of `as_of`'s year to `as_of`: the period every 年度 figure is counted over."""
    label = f"{as_of.year}年1月1日至{as_of.month}月{as_of.day}日"
    return Period(datetime.date(as_of.year, 1, 1), as_of, label, f"{as_of.year}-YTD")
