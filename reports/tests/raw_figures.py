"""Every figure of a 专报 recomputed from the raw rows (`raw_rows`), independently of the figures
engine: plain Python written from docs/figures.md alone. Nothing here imports `reports.figures`, the
dashboard, the lights engine or the matters selectors; only the choices (labels) are shared.

`recompute(as_of=…, period=(start, end, code, label), moment=…, region=…)` returns the whole figures
object in its stored JSON form (`Figures.to_dict()`: Decimals as strings with two decimals, dates in
ISO 8601). `compare(actual, expected)` walks the stored figures leaf by leaf and lists every
difference — and every key it has no expectation for, so a figure added to the engine later fails
until it is reconciled here.
"""

import datetime
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from .raw_rows import (
    SHANGHAI,
    TIERS,
    ZERO,
    as_it_stood,
    day,
    latest_lights,
    latest_reported,
    load,
    months_elapsed,
    percent,
    plain,
    project_row,
    rates,
    reports_and_rounds,
    sql,
)

# The figures ------------------------------------------------------------------------------------------


def fig(value, **sources):
    return {"value": value, "sources": {k.replace("__", "."): sorted(v) for k, v in sources.items()}}


def counts(group):
    ids = [r["id"] for r in group]
    return {
        "projects": fig(len(group), projects__project=ids),
        "total_investment": fig(sum((r["total_investment"] for r in group), ZERO), projects__project=ids),
    }


def summary(group, schedule):
    planned = [r for r in group if r["annual_plan"] is not None]
    reported = [r for r in group if r["year_to_date"] is not None]
    plan = sum((r["annual_plan"] for r in planned), ZERO)
    done = sum((r["year_to_date"] for r in reported), ZERO)
    rate = percent(done, plan)
    elapsed = schedule if planned else None
    status = {
        key: [r["id"] for r in group if (r["schedule_status"] or "no_plan") == key]
        for key in ("ahead", "on", "behind", "no_plan")
    }
    return {
        **counts(group),
        "annual_plan": fig(
            plan,
            projects__project=[r["id"] for r in planned],
            projects__annualplan=[r["plan_id"] for r in planned],
        ),
        "year_to_date": fig(
            done,
            projects__project=[r["id"] for r in reported],
            dispatch__progressreport=[r["report_id"] for r in reported],
        ),
        "completion_rate": fig(
            rate,
            projects__project=[r["id"] for r in planned],
            dispatch__progressreport=[r["report_id"] for r in planned if r["report_id"] is not None],
        ),
        "time_elapsed": elapsed,
        "gap_points": rate - elapsed if rate is not None and elapsed is not None else None,
        "schedule": {key: fig(len(found), projects__project=found) for key, found in status.items()},
    }


def dated(group, attribute, windows):
    result = {}
    for key, (first, last) in windows.items():
        rows = [r for r in group if r[attribute] is not None and first <= r[attribute] <= last]
        result[key] = counts(rows)
    return result


def start_rate(group, as_of):
    planned = [
        r
        for r in group
        if r["planned_start"] and r["planned_start"].year == as_of.year and r["stage"] != "cancelled"
    ]
    started = [r for r in planned if r["started_on"] and r["started_on"] <= as_of]
    return {
        "planned": fig(len(planned), projects__project=[r["id"] for r in planned]),
        "started": fig(len(started), projects__project=[r["id"] for r in started]),
        "rate": percent(len(started), len(planned)),
    }


def on_time_completion(group, as_of):
    planned = [
        r
        for r in group
        if r["planned_completion"]
        and r["planned_completion"].year == as_of.year
        and r["stage"] != "cancelled"
    ]
    completed = [r for r in planned if r["completed_on"] and r["completed_on"] <= as_of]
    on_time = [r for r in completed if r["completed_on"] <= r["planned_completion"]]
    return {
        "planned": fig(len(planned), projects__project=[r["id"] for r in planned]),
        "completed": fig(len(completed), projects__project=[r["id"] for r in completed]),
        "on_time": fig(len(on_time), projects__project=[r["id"] for r in on_time]),
        "rate": percent(len(on_time), len(planned)),
    }


def ranked(entries):
    """Competition ranking by completion rate (1, 2, 2, 4), ties by the larger year-to-date amount;
    entries without a rate last, unranked. `entries` come in the office's order (a stable sort)."""
    rated = sorted(
        (e for e in entries if e["completion_rate"]["value"] is not None),
        key=lambda e: (-e["completion_rate"]["value"], -e["year_to_date"]["value"]),
    )
    for index, entry in enumerate(rated, start=1):
        previous = rated[index - 2] if index > 1 else None
        same = previous and previous["completion_rate"]["value"] == entry["completion_rate"]["value"]
        entry["rank"] = previous["rank"] if same else index
    unrated = [e for e in entries if e["completion_rate"]["value"] is None]
    for entry in unrated:
        entry["rank"] = None
    return rated + unrated


def scorecards(group, attribute, table, schedule, as_of):
    members = defaultdict(list)
    for r in group:
        if r[attribute] is not None:
            members[r[attribute]].append(r)
    result = []
    for key in sorted(members, key=lambda key: table[key]["sort"]):
        rows = members[key]
        entry = {k: v for k, v in table[key].items() if k not in ("sort", "path")}
        entry.update(summary(rows, schedule))
        entry["lights"] = {
            level: sum(r["light"] == level for r in rows) for level in ("red", "yellow", "green")
        }
        entry["start_rate"] = start_rate(rows, as_of)
        result.append(entry)
    return result


def peer_groups(group, label, moment, schedule):
    """The peer groups as they stood at `moment` (their historical record and the membership rows kept
    with it), each region ranked on the projects located in it or below it."""
    groups = as_it_stood("org_peergroup", ["name", "level", "sort_order"], moment)
    members = defaultdict(set)
    by_record = {g["history_id"]: pk for pk, g in groups.items()}
    for history_id, region_id in sql("SELECT history_id, region_id FROM org_historicalpeergroup_regions"):
        if history_id in by_record:
            members[by_record[history_id]].add(region_id)
    result = []
    for pk in sorted(groups, key=lambda pk: (groups[pk]["sort_order"], groups[pk]["name"])):
        entries = []
        for region_id in sorted(members[pk], key=lambda region: label["region"][region]["code"]):
            region = label["region"][region_id]
            inside = [r for r in group if label["region"][r["region_id"]]["path"].startswith(region["path"])]
            entries.append(
                {"id": region_id, "code": region["code"], "name": region["name"], **summary(inside, schedule)}
            )
        if any(entry["projects"]["value"] for entry in entries):
            result.append(
                {
                    "id": pk,
                    "name": groups[pk]["name"],
                    "level": groups[pk]["level"],
                    "regions": ranked(entries),
                }
            )
    return result


def tally(chosen, reports, ids, cutoff, label, *, exceptions):
    """Dispatch's counting over the reports of the `chosen` rounds on the projects in scope."""
    units = defaultdict(lambda: {"expected": 0, "submitted": 0, "on_time": 0, "missing": [], "late": []})
    for pk, report in sorted(reports.items()):
        if report["round_id"] not in chosen:
            continue
        unit = units[report["unit_id"]]
        first = report["first_submitted_at"]
        submitted = first is not None and first <= cutoff
        on_time = submitted and first <= chosen[report["round_id"]]["on_time_until"]
        unit["expected"] += 1
        unit["submitted"] += submitted
        unit["on_time"] += on_time
        if not submitted:
            unit["missing"].append(pk)
        elif not on_time:
            unit["late"].append(pk)

    def counted(found):
        expected, submitted, on_time = found["expected"], found["submitted"], found["on_time"]
        return {
            "expected": expected,
            "submitted": submitted,
            "missing": expected - submitted,
            "on_time": on_time,
            "late": submitted - on_time,
            "completeness": percent(submitted, expected),
            "timeliness": percent(on_time, expected),
        }

    by_unit = []
    for unit_id, found in units.items():
        entry = {"unit": {k: v for k, v in label["unit"][unit_id].items() if k != "sort"}, **counted(found)}
        if exceptions:
            entry["missing_reports"], entry["late_reports"] = found["missing"], found["late"]
        by_unit.append((entry, label["unit"][unit_id]["sort"]))
    worst = Decimal(101)
    by_unit.sort(
        key=lambda item: (
            item[0]["completeness"] if item[0]["completeness"] is not None else worst,
            item[0]["timeliness"] if item[0]["timeliness"] is not None else worst,
            item[1],
        )
    )
    total = {key: sum(found[key] for found in units.values()) for key in ("expected", "submitted", "on_time")}
    result = {
        "rounds": [
            {"id": pk, "label": r["label"], "period_start": r["period_start"], "period_end": r["period_end"]}
            for pk, r in sorted(chosen.items(), key=lambda item: (item[1]["period_end"], item[0]))
        ],
        "sources": {"dispatch.dispatchround": sorted(chosen), "projects.project": sorted(ids)},
        **counted(total),
    }
    if exceptions:
        result["missing_reports"] = sorted(pk for found in units.values() for pk in found["missing"])
        result["late_reports"] = sorted(pk for found in units.values() for pk in found["late"])
    result["by_unit"] = [entry for entry, _ in by_unit]
    return result


def overdue(matters, as_of, moment):
    """The matters open, not paused and past their deadline on as_of: the deadline and the node of
    their latest event dated by as_of (matters' own timeline), pauses running on as_of."""
    events = defaultdict(list)
    for pk, e in as_it_stood(
        "matters_matterevent", ["matter_id", "effective_on", "to_node", "deadline"], moment
    ).items():
        events[e["matter_id"]].append((day(e["effective_on"]), pk, e["to_node"], day(e["deadline"])))
    paused = set()
    for p in as_it_stood("matters_matterpause", ["matter_id", "started_on", "ended_on"], moment).values():
        if day(p["started_on"]) <= as_of and (p["ended_on"] is None or day(p["ended_on"]) > as_of):
            paused.add(p["matter_id"])
    found = []
    for pk, m in matters.items():
        timeline = sorted(e for e in events[pk] if e[0] <= as_of)
        deadlines = [e[3] for e in timeline if e[3] is not None]
        nodes = [e[2] for e in timeline if e[2]]
        closed = (m["closed_on"] is not None and m["closed_on"] <= as_of) or (nodes and nodes[-1] == "closed")
        if (
            m["opened_on"] <= as_of
            and deadlines
            and deadlines[-1] < as_of
            and not closed
            and pk not in paused
        ):
            found.append(m)
    return found


def breakdown(rows, label):
    from matters.choices import Category

    names = dict(Category.choices)
    by_category, by_unit = defaultdict(list), defaultdict(list)
    for m in rows:
        by_category[m["category"]].append(m["id"])
        by_unit[m["lead_unit_id"]].append(m["id"])
    return {
        **fig(len(rows), matters__matter=[m["id"] for m in rows]),
        "by_category": [
            {"category": key, "label": names.get(key, key), **fig(len(found), matters__matter=found)}
            for key, found in sorted(by_category.items(), key=lambda item: (-len(item[1]), item[0]))
        ],
        "by_lead_unit": [
            {
                "unit": {k: v for k, v in label["unit"][key].items() if k != "sort"},
                **fig(len(found), matters__matter=found),
            }
            for key, found in sorted(
                by_unit.items(), key=lambda item: (-len(item[1]), label["unit"][item[0]]["sort"])
            )
        ],
    }


def matters(ids, windows, as_of, moment, label):
    columns = ["code", "title", "category", "lead_unit_id", "project_id", "opened_on", "closed_on"]
    rows = {
        pk: {**m, "id": pk, "opened_on": day(m["opened_on"]), "closed_on": day(m["closed_on"])}
        for pk, m in as_it_stood("matters_matter", columns, moment).items()
        if m["project_id"] in ids
    }
    result = {}
    for key, (first, last) in windows.items():
        result[key] = {
            "opened": breakdown([m for m in rows.values() if first <= m["opened_on"] <= last], label),
            "closed": breakdown(
                [m for m in rows.values() if m["closed_on"] and first <= m["closed_on"] <= last], label
            ),
        }
    late = sorted(overdue(rows, as_of, moment), key=lambda m: m["id"])
    result["overdue"] = breakdown(late, label)
    listed = {
        m["id"]
        for key in windows
        for part in ("opened", "closed")
        for m in rows.values()
        if m["id"] in result[key][part]["sources"]["matters.matter"]
    }
    listed |= {m["id"] for m in late}
    result["rows"] = [
        {
            k: rows[pk][k]
            for k in (
                "id",
                "code",
                "title",
                "category",
                "lead_unit_id",
                "project_id",
                "opened_on",
                "closed_on",
            )
        }
        for pk in sorted(listed, key=lambda pk: rows[pk]["code"])
    ]
    return result


def recompute(*, as_of, period, moment, region=None):
    """The whole figures object of a 专报, JSON form. `period`: (start, end, code, label); `moment`:
    the records as they stood then (an aware datetime); `region`: a region code or None."""
    from projects.choices import Stage

    cutoff = datetime.datetime.combine(as_of, datetime.time.max, tzinfo=SHANGHAI)
    first = datetime.date(as_of.year, 1, 1)
    months = months_elapsed(as_of)
    schedule = (Decimal(months) / 12).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) * 100
    records, label = load(as_of, moment, region)
    ids = set(records)
    rounds, reports = reports_and_rounds(as_of, moment, ids)
    latest_reported(records, rounds, reports, as_of)
    latest_lights(records, as_of, moment)
    for record in records.values():
        rates(record, schedule)
    group = [records[pk] for pk in sorted(records)]
    windows = {"year": (first, as_of), "period": (period[0], min(period[1], as_of))}
    year_rounds = {
        pk: r for pk, r in rounds.items() if first <= r["period_end"] <= as_of and r["due_at"] <= cutoff
    }
    current = {
        pk: r
        for pk, r in rounds.items()
        if windows["period"][0] <= r["period_end"] <= windows["period"][1] and r["due_at"] <= cutoff
    }
    lights = {}
    for level in ("red", "yellow", "green", "none"):
        rows = [r for r in group if (r["light"] or "none") == level]
        extra = {"lights__projectlight": [r["light_id"] for r in rows]} if level != "none" else {}
        lights[level] = fig(len(rows), projects__project=[r["id"] for r in rows], **extra)
    units = scorecards(group, "responsible_unit_id", label["unit"], schedule, as_of)
    scope = {}
    if region:
        found = next(r for r in label["region"].values() if r["code"] == region)
        scope["region"] = {"id": found["id"], "code": found["code"], "name": found["name"]}
    result = {
        "time_elapsed": {"mode": "months", "months_elapsed": months, "value": schedule},
        "summary": summary(group, schedule),
        "by_stage": {
            stage: {"label": name, **counts([r for r in group if r["stage"] == stage])}
            for stage, name in Stage.choices
        },
        "by_tier": {
            key: {"label": name, **summary([r for r in group if key in r["tiers"]], schedule)}
            for key, _, name in TIERS
        },
        "starts": dated(group, "started_on", windows),
        "completions": dated(group, "completed_on", windows),
        "start_rate": start_rate(group, as_of),
        "on_time_completion": on_time_completion(group, as_of),
        "lights": lights,
        "unit_ranking": ranked(units),
        "leaders": scorecards(group, "liaison_leader_id", label["leader"], schedule, as_of),
        "task_forces": scorecards(group, "task_force_id", label["task_force"], schedule, as_of),
        "industry_chains": scorecards(group, "industry_chain_id", label["chain"], schedule, as_of),
        "peer_groups": peer_groups(group, label, moment, schedule),
        "reporting": {
            "year": tally(year_rounds, reports, ids, cutoff, label, exceptions=False),
            "current": tally(current, reports, ids, cutoff, label, exceptions=True),
        },
        "matters": matters(ids, windows, as_of, moment, label),
        "projects": [project_row(r, label) for r in sorted(group, key=lambda r: r["code"])],
        "parameters": {
            "as_of": as_of,
            "recorded_at": moment,
            "year": as_of.year,
            "year_to_date": {
                "code": f"{as_of.year}-YTD",
                "label": f"{as_of.year}年1月1日至{as_of.month}月{as_of.day}日",
                "start": first,
                "end": as_of,
            },
            "period": {"code": period[2], "label": period[3], "start": period[0], "end": period[1]},
            "scope": scope,
            "schedule_mode": "months",
            "year_reporting": True,
        },
    }
    return plain(result)


# Comparing ----------------------------------------------------------------------------------------


def compare(actual, expected, *, skip=(), path=""):
    """[(path, actual, expected)] of every leaf that differs; a key of `actual` without an expectation
    (a figure nobody reconciled) is a difference too, and so is a key missing from `actual`. `skip`:
    regular expressions of paths left to a separate (xfail) check."""
    if any(re.fullmatch(pattern, path) for pattern in skip):
        return []
    if isinstance(actual, dict) and isinstance(expected, dict):
        found = []
        for key in [*actual, *(key for key in expected if key not in actual)]:
            where = f"{path}.{key}" if path else key
            if any(re.fullmatch(pattern, where) for pattern in skip):
                continue
            if key not in expected:
                found.append((where, actual[key], "<no independent recomputation for this figure>"))
            elif key not in actual:
                found.append((where, "<missing from the report>", expected[key]))
            else:
                found += compare(actual[key], expected[key], skip=skip, path=where)
        return found
    if isinstance(actual, list) and isinstance(expected, list):
        if len(actual) != len(expected):
            return [(f"{path}[len]", len(actual), len(expected))]
        found = []
        for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
            found += compare(a, e, skip=skip, path=f"{path}[{index}]")
        return found
    return [] if actual == expected else [(path, actual, expected)]


def leaves(figures, path=""):
    """Every leaf path of a figures object (to show how many were compared)."""
    if isinstance(figures, dict):
        return [
            leaf for key, item in figures.items() for leaf in leaves(item, f"{path}.{key}" if path else key)
        ]
    if isinstance(figures, list):
        return [leaf for index, item in enumerate(figures) for leaf in leaves(item, f"{path}[{index}]")]
    return [path]


def source_ids(figures, label):
    """Every id under `sources[label]` anywhere in the figures."""
    found = set()
    if isinstance(figures, dict):
        for key, item in figures.items():
            if key == "sources" and isinstance(item, dict):
                found |= set(item.get(label, []))
            else:
                found |= source_ids(item, label)
    elif isinstance(figures, list):
        for item in figures:
            found |= source_ids(item, label)
    return found


def report_moment(report):
    """The moment a stored 专报 read its records (docs/special-report.md): the `recorded_at` it was
    given, else the end of its last day (Asia/Shanghai)."""
    given = report.parameters.get("recorded_at")
    if given:
        return datetime.datetime.fromisoformat(given)
    return datetime.datetime.combine(report.as_of, datetime.time.max, tzinfo=SHANGHAI)
