"""The raw rows behind a 专报's figures, read without the figures engine: plain SQL over the tables,
the historical tables (django-simple-history) wherever "as it stood at" matters, and each project in
scope as one plain dict — its stage on the date, start and completion, plan, latest reported figure,
light and rates — written from docs/figures.md alone. Used by `raw_figures`.

Nothing here imports `reports.figures`, the dashboard, the lights engine or the matters selectors; only
the choices (the labels of stages) are shared.
"""

import calendar
import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db import connection

CENT = Decimal("0.01")
ZERO = Decimal(0)
SHANGHAI = ZoneInfo("Asia/Shanghai")
STARTED = {"under_construction", "completed", "operating"}
FINISHED = {"completed", "operating"}
# by_tier keys in the figures' order, with the flag each reads and its label (docs/figures.md, Scope)
TIERS = (
    ("provincial", "is_provincial_key", "省重点"),
    ("city", "is_city_key", "市重点"),
    ("district", "is_district_key", "区重点"),
    ("major", "is_major", "重大"),
    ("provincial_large", "is_provincial_large", "省大中型"),
)
# a project row lists its tiers in the order of the project's own flags (Project.TIER_FLAGS)
ROW_TIER_ORDER = ("provincial", "city", "district", "provincial_large", "major")


# Reading ------------------------------------------------------------------------------------------


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def instant(value):
    """A stored datetime as an aware datetime (SQLite: naive UTC or text; PostgreSQL: aware)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def day(value):
    if value is None or (isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def money(value):
    if value is None:
        return None
    text = repr(value) if isinstance(value, float) else str(value)
    return Decimal(text).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def as_it_stood(table, columns, moment):
    """{id: {column: value}} of every row of `table` as it stood at `moment`: per id the latest record
    of its historical table (django-simple-history: `app_historicalmodel`) with history_date at or
    before `moment`, by history_date then history_id, unless that record is a deletion."""
    app, model = table.split("_", 1)
    rows = sql(
        f"SELECT id, history_type, history_date, history_id, {', '.join(columns)} "
        f"FROM {app}_historical{model}"
    )
    latest = {}
    for pk, kind, stamp, history_id, *values in rows:
        stamp = instant(stamp)
        if stamp > moment:
            continue
        if pk not in latest or (stamp, history_id) > latest[pk][0]:
            latest[pk] = ((stamp, history_id), kind, values, history_id)
    return {
        pk: {"history_id": history_id, **dict(zip(columns, values, strict=True))}
        for pk, (_, kind, values, history_id) in latest.items()
        if kind != "-"
    }


def names():
    """Labels as they are now (docs: names label the figures as they are now)."""
    return {
        "unit": {
            pk: {"id": pk, "code": code, "name": name, "sort": (order, code)}
            for pk, code, name, order in sql("SELECT id, code, name, sort_order FROM org_unit")
        },
        "region": {
            pk: {"id": pk, "code": code, "name": name, "path": path}
            for pk, code, name, path in sql("SELECT id, code, name, path FROM org_region")
        },
        "leader": {
            pk: {"id": pk, "name": name, "position": position, "sort": (order, name)}
            for pk, name, position, order in sql(
                "SELECT l.id, p.name, l.position, l.sort_order FROM org_leader l "
                "JOIN org_person p ON p.id = l.person_id"
            )
        },
        "task_force": {
            pk: {"id": pk, "name": name, "sort": (name,)}
            for pk, name in sql("SELECT id, name FROM org_taskforce")
        },
        "chain": {
            pk: {"id": pk, "name": name, "sort": (order, name)}
            for pk, name, order in sql("SELECT id, name, sort_order FROM projects_industrychain")
        },
    }


def months_elapsed(as_of):
    """Complete months: a month counts once its last day is reached."""
    last_day = calendar.monthrange(as_of.year, as_of.month)[1]
    return as_of.month - (0 if as_of.day == last_day else 1)


# The records of the projects in scope ---------------------------------------------------------------


def load(as_of, moment, region):
    """({project id: record}, names) of the projects in scope (located in `region` or below it) as
    they stood at `moment` and registered by `as_of`, each with its stage on `as_of`, started and
    completed dates, planned dates and the plan of `as_of`'s year."""
    label = names()
    project_columns = [
        "code",
        "name",
        "region_id",
        "responsible_unit_id",
        "liaison_leader_id",
        "task_force_id",
        "industry_chain_id",
        "total_investment",
        "planned_start_year",
        "planned_end_year",
        "is_synthetic",
        "stage",
        *(flag for _, flag, _ in TIERS),
    ]
    projects = as_it_stood("projects_project", project_columns, moment)
    if region:
        path = next(r["path"] for r in label["region"].values() if r["code"] == region)
        projects = {
            pk: p for pk, p in projects.items() if label["region"][p["region_id"]]["path"].startswith(path)
        }
    transitions = defaultdict(list)
    for pk, row in as_it_stood(
        "projects_stagetransition", ["project_id", "effective_on", "to_stage"], moment
    ).items():
        transitions[row["project_id"]].append((day(row["effective_on"]), pk, row["to_stage"]))
    milestones = {
        (row["project_id"], row["kind"]): (day(row["planned_on"]), day(row["actual_on"]))
        for row in as_it_stood(
            "projects_milestone", ["project_id", "kind", "planned_on", "actual_on"], moment
        ).values()
        if row["kind"] in ("construction_start", "completion")
    }
    plans = {
        row["project_id"]: (money(row["amount"]), pk)
        for pk, row in as_it_stood("projects_annualplan", ["project_id", "year", "amount"], moment).items()
        if row["year"] == as_of.year
    }
    records = {}
    for pk, p in projects.items():
        timeline = sorted(transitions.get(pk, []))
        known = [stage for on, _, stage in timeline if on <= as_of]
        if timeline and not known:
            continue  # registered after as_of
        start = milestones.get((pk, "construction_start"), (None, None))
        finish = milestones.get((pk, "completion"), (None, None))
        first_start = [on for on, _, stage in timeline if stage in STARTED][:1]
        first_finish = [on for on, _, stage in timeline if stage in FINISHED][:1]
        plan = plans.get(pk)
        records[pk] = {
            **p,
            "id": pk,
            "stage": known[-1] if known else p["stage"],
            "total_investment": money(p["total_investment"]),
            "tiers": [key for key, flag, _ in TIERS if p[flag]],
            "started_on": min(first_start + [d for d in (start[1],) if d], default=None),
            "completed_on": min(first_finish + [d for d in (finish[1],) if d], default=None),
            "planned_start": start[0]
            or (datetime.date(p["planned_start_year"], 12, 31) if p["planned_start_year"] else None),
            "planned_completion": finish[0]
            or (datetime.date(p["planned_end_year"], 12, 31) if p["planned_end_year"] else None),
            "annual_plan": plan[0] if plan else None,
            "plan_id": plan[1] if plan else None,
        }
    return records, label


def reports_and_rounds(as_of, moment, ids):
    """(rounds as they stood, the reports on projects in `ids` as they stood), by id."""
    rounds = {
        pk: {
            **row,
            "period_start": day(row["period_start"]),
            "period_end": day(row["period_end"]),
            "due_at": instant(row["due_at"]),
            "on_time_until": instant(row["on_time_until"]),
        }
        for pk, row in as_it_stood(
            "dispatch_dispatchround",
            ["label", "period_start", "period_end", "due_at", "on_time_until"],
            moment,
        ).items()
    }
    columns = [
        "round_id",
        "project_id",
        "unit_id",
        "status",
        "investment_year_to_date",
        "investment_since_start",
        "first_submitted_at",
    ]
    reports = {
        pk: {**row, "first_submitted_at": instant(row["first_submitted_at"])}
        for pk, row in as_it_stood("dispatch_progressreport", columns, moment).items()
        if row["project_id"] in ids
    }
    return rounds, reports


def latest_reported(records, rounds, reports, as_of):
    """Each project's latest report submitted or approved with a year-to-date figure, among the
    rounds whose period ended from 1 January to as_of — by the round's period end, then report id."""
    first = datetime.date(as_of.year, 1, 1)
    best = {}
    for pk, report in reports.items():
        period_end = rounds[report["round_id"]]["period_end"]
        if not first <= period_end <= as_of:
            continue
        if report["status"] not in ("submitted", "approved") or report["investment_year_to_date"] is None:
            continue
        key = (period_end, pk)
        project = report["project_id"]
        if project not in best or key > best[project][0]:
            best[project] = (key, pk, report)
    for pk, record in records.items():
        found = best.get(pk)
        record["report_id"] = found[1] if found else None
        record["round_id"] = found[2]["round_id"] if found else None
        record["year_to_date"] = money(found[2]["investment_year_to_date"]) if found else None
        record["since_start"] = money(found[2]["investment_since_start"]) if found else None


def latest_lights(records, as_of, moment):
    best = {}
    for pk, row in as_it_stood("lights_projectlight", ["project_id", "as_of", "level"], moment).items():
        dated = day(row["as_of"])
        if dated <= as_of and (row["project_id"] not in best or (dated, pk) > best[row["project_id"]][0]):
            best[row["project_id"]] = ((dated, pk), row["level"])
    for pk, record in records.items():
        found = best.get(pk)
        record["light"], record["light_id"] = (found[1], found[0][1]) if found else (None, None)


def rates(record, schedule):
    record["completion_rate"] = record["time_elapsed"] = record["gap_points"] = None
    record["schedule_status"] = None
    if not record["annual_plan"]:
        return
    rate = percent(record["year_to_date"] or ZERO, record["annual_plan"])
    record["completion_rate"], record["time_elapsed"] = rate, schedule
    record["gap_points"] = rate - schedule
    record["schedule_status"] = "ahead" if rate > schedule else "on" if rate == schedule else "behind"


def project_row(r, label):
    from projects.choices import Stage

    return {
        "id": r["id"],
        "code": r["code"],
        "name": r["name"],
        "is_synthetic": bool(r["is_synthetic"]),
        "region": label["region"][r["region_id"]]["code"],
        "unit_id": r["responsible_unit_id"],
        "leader_id": r["liaison_leader_id"],
        "task_force_id": r["task_force_id"],
        "industry_chain_id": r["industry_chain_id"],
        "tiers": [key for key in ROW_TIER_ORDER if key in r["tiers"]],
        "stage": r["stage"],
        "stage_label": dict(Stage.choices).get(r["stage"], r["stage"]),
        "total_investment": r["total_investment"],
        "annual_plan": r["annual_plan"],
        "annual_plan_id": r["plan_id"],
        "year_to_date": r["year_to_date"],
        "since_start": r["since_start"],
        "report_id": r["report_id"],
        "round_id": r["round_id"],
        "completion_rate": r["completion_rate"],
        "time_elapsed": r["time_elapsed"],
        "gap_points": r["gap_points"],
        "schedule_status": r["schedule_status"],
        "planned_start": r["planned_start"],
        "started_on": r["started_on"],
        "planned_completion": r["planned_completion"],
        "completed_on": r["completed_on"],
        "light": r["light"],
        "light_id": r["light_id"],
    }


def plain(value):
    """The JSON form: Decimals with two decimals as strings, dates and datetimes in ISO 8601."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value.quantize(CENT))
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value
