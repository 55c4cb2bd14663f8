"""The pieces every figure is made of: the rounding of percentages and amounts, a number with the rows
behind it, one project's record, the ranking of summaries, and the labels of the source tables.

Definitions and rounding are documented in docs/figures.md; the numbers here follow it.
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from projects.choices import MilestoneKind, Stage

from . import data
from .scope import TIERS

ZERO = Decimal(0)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
PROJECT = "projects.project"
PLAN = "projects.annualplan"
REPORT = "dispatch.progressreport"
ROUND = "dispatch.dispatchround"
MATTER = "matters.matter"
LIGHT = "lights.projectlight"
LEVELS = ("red", "yellow", "green")
STAGE_LABELS = dict(Stage.choices)
START, FINISH = str(MilestoneKind.CONSTRUCTION_START), str(MilestoneKind.COMPLETION)
# The tier keys in the order of the flags at the end of a project row (data.PROJECT_FIELDS).
TIER_KEYS = tuple(
    next(key for key, (flag, _) in TIERS.items() if flag == field) for field in data.TIER_FIELDS
)


def percent(part, whole):
    """part / whole in percent, to two decimals, half up (116.94 / 121.3 → 96.41); None when whole is
    0 or missing."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def money(value):
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def figure(value, **sources):
    """A number with the rows behind it: {"value": …, "sources": {model label: [ids, ascending]}}.
    Keyword names are model labels with "__" for "." (projects__project)."""
    return {
        "value": value,
        "sources": {name.replace("__", "."): sorted(ids) for name, ids in sources.items()},
    }


class Record:
    """One project in scope, with everything the figures read of it (see the `projects` table)."""

    __slots__ = (
        "annual_plan",
        "chain_id",
        "code",
        "completed_on",
        "completion_rate",
        "gap_points",
        "id",
        "is_synthetic",
        "leader_id",
        "light",
        "light_id",
        "name",
        "plan_done",
        "plan_id",
        "planned_completion",
        "planned_start",
        "region_id",
        "report_id",
        "round_id",
        "schedule_status",
        "since_start",
        "stage",
        "started_on",
        "task_force_id",
        "tiers",
        "time_elapsed",
        "total_investment",
        "unit_id",
        "year_to_date",
    )


def _reporting_counts(expected, submitted, on_time):
    return {
        "expected": expected,
        "submitted": submitted,
        "missing": expected - submitted,
        "on_time": on_time,
        "late": submitted - on_time,
        "completeness": percent(submitted, expected),
        "timeliness": percent(on_time, expected),
    }


def _matter_breakdown(rows, labels, names):
    by_category, by_unit = defaultdict(list), defaultdict(list)
    for row in rows:
        by_category[row["category"]].append(row["id"])
        by_unit[row["lead_unit_id"]].append(row["id"])
    return {
        **figure(len(rows), matters__matter=[row["id"] for row in rows]),
        "by_category": [
            {"category": key, "label": labels.get(key, key), **figure(len(ids), matters__matter=ids)}
            for key, ids in sorted(by_category.items(), key=lambda item: (-len(item[1]), item[0]))
        ],
        "by_lead_unit": [
            {
                "unit": {k: v for k, v in names.unit(key).items() if k != "sort"},
                **figure(len(ids), matters__matter=ids),
            }
            for key, ids in sorted(
                by_unit.items(), key=lambda item: (-len(item[1]), names.unit(item[0])["sort"])
            )
        ],
    }


def rank(entries, key="completion_rate"):
    """Rank `entries` (summaries) by completion rate, highest first. Equal rates (to the two decimals
    shown) share a rank and the next rank skips (1, 2, 2, 4 — "competition" ranking, as published
    tables do); within a tie the larger year-to-date amount comes first, then the office's order.
    Entries without an annual plan (no rate) come last, unranked (rank None)."""
    rated = [e for e in entries if e[key]["value"] is not None]
    unrated = [e for e in entries if e[key]["value"] is None]
    rated.sort(key=lambda e: (-e[key]["value"], -e["year_to_date"]["value"]))
    previous, position = None, 0
    for index, entry in enumerate(rated, start=1):
        if entry[key]["value"] != previous:
            position, previous = index, entry[key]["value"]
        entry["rank"] = position
    for entry in unrated:
        entry["rank"] = None
    return rated + unrated


def _earliest(*days):
    known = [day for day in days if day is not None]
    return min(known) if known else None


def _planned(milestone, year):
    """The planned date: the milestone's planned date, else 31 December of the planned year (as the
    lights read a planned start)."""
    if milestone and milestone[0]:
        return milestone[0]
    return datetime.date(year, 12, 31) if year else None
