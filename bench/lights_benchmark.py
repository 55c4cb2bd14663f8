#!/usr/bin/env python3
"""Lights benchmark: evaluating every warning rule for 10,000 projects with 52 weekly rounds of history
takes ≤ 2 s (the closed-loop and early-warning issue).

    .venv/bin/python bench/lights_benchmark.py                      # SQLite, 10,000 projects × 52 rounds
    .venv/bin/python bench/lights_benchmark.py --projects 2000 --rounds 20
    .venv/bin/python bench/lights_benchmark.py --database postgres://postgres@127.0.0.1:5432/postgres

A fresh database (`tiaodu migrate` in a temp dir, as the other benchmarks) is filled in bulk — set-up,
not measured: ten township units, `--projects` projects (nine in ten under construction, started on
dated stage transitions, most with a 入库纳统 date; one in ten planned, with a planned 开工 date) and
their 2024 annual plans phased by month, a weekly cadence with `--rounds` rounds from 1 January 2024,
one report per project per round (nine in ten submitted and approved with a year-to-date figure that
lags the plan by a project-specific share, the rest missing), and a stored light for every project in
every round but the last (yellow or red with a progress reason for the lagging ones).

Timed (best of `--repeat`):
  (a) baseline: the same year-to-date ÷ annual plan aggregation for the last round as one raw SQL query;
  (b) `evaluate_lights` for the last round with the default rules in force — all six dimensions:
      progress, start, reporting (last 4 rounds), matters (the matters engine's overdue count),
      statistics, persistence (the stored lights of the 3 rounds before) — the target, ≤ 2 s;
  (c) the same evaluation as of the round's last day without a round (the CLI's `--as-of`);
  (d) `record_round_lights` for the last round: the evaluation plus writing 10,000 lights with history.

Exit code 0 even when the target is missed (it is a measurement); 2 when the benchmark failed.
"""

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

TARGET_SECONDS = 2.0
FIRST_MONDAY = datetime.date(2024, 1, 1)
TOWNSHIPS = (
    "唐江镇",
    "凤岗镇",
    "龙岭镇",
    "龙回镇",
    "镜坝镇",
    "横市镇",
    "龙华镇",
    "浮石乡",
    "横寨乡",
    "朱坊乡",
)


def lag(index):
    """The share of its plan a project keeps up with: 0.5 … 1.2 (below 0.9 lags behind)."""
    return Decimal(5 + index % 8) / 10


def fill(projects, rounds):
    """The data set (see the module docstring), written in bulk; returns the last round."""
    from django.db import connection, transaction
    from django.utils import timezone

    from core.bulk import insert_rows, model_columns
    from core.history import history_context
    from dispatch.models import Cadence, DispatchRound, ProgressReport
    from dispatch.periods import periods_between, round_times
    from lights.models import ProjectLight
    from lights.selectors import active_ruleset
    from org.choices import UnitKind
    from org.models import Region, Unit
    from projects.choices import MilestoneKind, Stage
    from projects.models import AnnualPlan, Milestone, Project, StageTransition
    from projects.services import phase_by_month

    random.seed(2024)
    now = timezone.now()
    stamp = {"created_at": now, "updated_at": now, "is_synthetic": True}
    with transaction.atomic(), history_context(reason="基准测试数据"):
        county = Region.objects.get(code="360703")
        government = Unit.objects.create(
            code="B-GOV", name="南康区人民政府", kind=UnitKind.GOVERNMENT, region=county
        )
        units = [
            Unit.objects.create(
                code=f"B-T{index}",
                name=f"{township}人民政府",
                kind=UnitKind.TOWNSHIP,
                region=Region.objects.get(name=township, code__startswith="360703"),
                parent=government,
            )
            for index, township in enumerate(TOWNSHIPS)
        ]
        planned = {index for index in range(projects) if index % 10 == 9}
        Project.objects.bulk_create(
            [
                Project(
                    code=f"BENCH-{index:05d}",
                    name=f"基准测试项目{index:05d}号",
                    region=county,
                    introducing_unit=units[index % len(units)],
                    responsible_unit=units[index % len(units)],
                    stage=Stage.PLANNED if index in planned else Stage.UNDER_CONSTRUCTION,
                    is_major=index % 7 == 0,
                    total_investment=Decimal(20000 + index % 50 * 1000),
                    is_synthetic=True,
                )
                for index in range(projects)
            ],
            batch_size=500,
        )
        ids = list(Project.objects.order_by("code").values_list("pk", flat=True))
        transitions, milestones, plans = [], [], []
        for index, pk in enumerate(ids):
            transitions.append({"to_stage": Stage.PLANNED, "effective_on": datetime.date(2023, 1, 3)})
            transitions[-1] |= {"project_id": pk, "from_stage": "", "reason": "", "actor_id": None, **stamp}
            if index in planned:
                milestones.append(
                    {
                        "kind": MilestoneKind.CONSTRUCTION_START,
                        "planned_on": datetime.date(2024, 3, 1) + datetime.timedelta(days=index % 400),
                        "actual_on": None,
                    }
                )
            else:
                started = datetime.date(2023, 3, 1) + datetime.timedelta(days=index % 600)
                transitions.append({"to_stage": Stage.UNDER_CONSTRUCTION, "effective_on": started})
                transitions[-1] |= {
                    "project_id": pk,
                    "from_stage": Stage.PLANNED,
                    "reason": "",
                    "actor_id": None,
                }
                transitions[-1] |= stamp
                if index % 5:
                    milestones.append(
                        {
                            "kind": MilestoneKind.STATISTICS_ENTRY,
                            "planned_on": None,
                            "actual_on": started + datetime.timedelta(days=60),
                        }
                    )
            if milestones and "project_id" not in milestones[-1]:
                milestones[-1] |= {"project_id": pk, "baseline_on": None, **stamp}
            amount = Decimal(1000 + index % 50 * 100)
            months = [str(month) for month in phase_by_month(amount)]
            plans.append({"project_id": pk, "year": 2024, "amount": amount, "month_amounts": months, **stamp})
        insert_rows(StageTransition, transitions, model_columns(StageTransition))
        insert_rows(Milestone, milestones, model_columns(Milestone))
        insert_rows(AnnualPlan, plans, model_columns(AnnualPlan))

        cadence = Cadence.objects.create(name="每周调度", region=county)
        periods = periods_between(
            "weekly", FIRST_MONDAY, FIRST_MONDAY + datetime.timedelta(weeks=rounds - 1), start_weekday=0
        )
        made = []
        for period in periods:
            times = round_times(cadence, period)
            made.append(
                DispatchRound(
                    cadence=cadence,
                    period_start=period.start,
                    period_end=period.end,
                    label=period.label,
                    opens_at=times.opens_at,
                    due_at=times.due_at,
                    on_time_until=times.on_time_until,
                    locks_at=times.locks_at,
                    is_synthetic=True,
                )
            )
        DispatchRound.objects.bulk_create(made)
        made = list(cadence.rounds.order_by("period_start"))
        amounts = {pk: Decimal(1000 + index % 50 * 100) for index, pk in enumerate(ids)}
        unit_of = {pk: units[index % len(units)].pk for index, pk in enumerate(ids)}
        ruleset = active_ruleset()
        report_columns = model_columns(ProgressReport)
        light_columns = model_columns(ProjectLight)
        blank = {name: None for name in report_columns}
        for week, dispatch_round in enumerate(made, start=1):
            reports, lights = [], []
            submitted_at = dispatch_round.due_at - datetime.timedelta(days=1)
            for index, pk in enumerate(ids):
                year_to_date = (amounts[pk] * week / 52 * lag(index)).quantize(Decimal("0.01"))
                reported = random.random() < 0.9
                reports.append(
                    blank
                    | stamp
                    | {
                        "round_id": dispatch_round.pk,
                        "project_id": pk,
                        "unit_id": unit_of[pk],
                        "status": "approved" if reported else "pending",
                        "baseline_year_to_date": Decimal(0),
                        "baseline_since_start": Decimal(0),
                        "investment_year_to_date": year_to_date if reported else None,
                        "physical_progress": "主体结构施工" if reported else "",
                        "stage": Stage.PLANNED if index in planned else Stage.UNDER_CONSTRUCTION,
                        "next_steps": "",
                        "blockers": "",
                        "confidence": "",
                        "confidence_narrative": "",
                        "warning_comment": "",
                        "review_comment": "",
                        "first_submitted_at": submitted_at if reported else None,
                        "submitted_at": submitted_at if reported else None,
                    }
                )
                if week < len(made):
                    lights.append(stored_light(index, pk, dispatch_round, ruleset.pk, week, stamp, now))
            insert_rows(ProgressReport, reports, report_columns)
            insert_rows(ProjectLight, lights, light_columns)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return made[-1]


def stored_light(index, pk, dispatch_round, ruleset_id, week, stamp, now):
    """A light as the recording would have stored it: the lagging projects yellow or red by progress."""
    from lights.engine.measures import months_elapsed

    share = lag(index)
    ratio = float(share * week / 52)
    schedule = round(months_elapsed(dispatch_round.period_end) / 12, 4)
    gap = round((schedule - ratio) * 100, 2)
    figures = {"progress": {"ratio": round(ratio, 4), "time_elapsed_ratio": schedule, "gap_points": gap}}
    level, reasons = "green", []
    if share < Decimal("0.9"):
        level = "red" if share < Decimal("0.7") else "yellow"
        reasons = [
            {
                "rule": "投资进度严重滞后" if level == "red" else "投资进度滞后",
                "dimension": "progress",
                "measure": "gap_points",
                "level": level,
                "value": gap,
                "unit": "个百分点",
                "thresholds": {"above": 30} if level == "red" else {"at_least": 10, "at_most": 30},
                "figures": figures["progress"],
                "consequence": "由挂点领导约谈责任单位主要负责人",
                "text": f"年度投资完成率落后序时进度 {gap} 个百分点",
            }
        ]
    return stamp | {
        "project_id": pk,
        "round_id": dispatch_round.pk,
        "as_of": dispatch_round.period_end,
        "level": level,
        "base_level": level,
        "reasons": reasons,
        "fired_rules": "\n".join(reason["rule"] for reason in reasons),
        "figures": figures,
        "ruleset_id": ruleset_id,
        "evaluated_at": now,
    }


def best(function, repeat):
    """(best seconds, the last result) of `repeat` runs."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), result


def baseline(dispatch_round):
    """The year-to-date ÷ annual plan ratio of every project of the round, as one raw SQL query."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.project_id, r.investment_year_to_date / a.amount "
            "FROM dispatch_progressreport r JOIN projects_annualplan a "
            "ON a.project_id = r.project_id AND a.year = %s "
            "WHERE r.round_id = %s AND r.status IN ('submitted', 'approved')",
            [dispatch_round.period_end.year, dispatch_round.pk],
        )
        return cursor.fetchall()


def measure(dispatch_round, projects, repeat):
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lights import services
    from lights.models import ProjectLight
    from lights.selectors import active_ruleset, evaluate_lights

    ruleset = active_ruleset()
    as_of = dispatch_round.period_end
    base_best, base_median, rows = best(lambda: baseline(dispatch_round), repeat)
    round_best, round_median, results = best(
        lambda: evaluate_lights(as_of, ruleset=ruleset, round=dispatch_round), repeat
    )
    as_of_best, as_of_median, as_of_results = best(lambda: evaluate_lights(as_of, ruleset=ruleset), repeat)
    with CaptureQueriesContext(connection) as captured:
        evaluate_lights(as_of, ruleset=ruleset, round=dispatch_round)
    started = time.perf_counter()
    services.record_round_lights(dispatch_round, actor=None)
    record_seconds = time.perf_counter() - started
    stored = ProjectLight.objects.filter(round=dispatch_round).count()
    if not len(results) == len(as_of_results) == stored == projects:
        raise AssertionError(
            f"{projects} projects: evaluated {len(results)} / {len(as_of_results)}, stored {stored}"
        )
    return {
        "baseline_seconds": base_best,
        "baseline_median_seconds": base_median,
        "baseline_rows": len(rows),
        "round_seconds": round_best,
        "round_median_seconds": round_median,
        "as_of_seconds": as_of_best,
        "as_of_median_seconds": as_of_median,
        "record_seconds": record_seconds,
        "projects": len(results),
        "queries": len(captured.captured_queries),
        "levels": dict(Counter(result.level for result in results)),
        "dimensions": sorted(ruleset.rules().dimensions),
        "reasons": dict(Counter(r["dimension"] for result in results for r in result.reasons)),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing (best is reported)")
    parser.add_argument("--database", help="postgres://user@127.0.0.1:5432/db (default: a fresh SQLite file)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    options = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from harness import BenchmarkError
    from workspace import Workspace

    try:
        with Workspace("tiaodu-lights-bench-", options.database, options.keep) as workspace:
            started = time.perf_counter()
            last_round = fill(options.projects, options.rounds)
            print(
                f"filled {options.projects:,} projects × {options.rounds} rounds "
                f"({options.projects * options.rounds:,} reports, "
                f"{options.projects * (options.rounds - 1):,} stored lights) "
                f"in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
            load_before = os.getloadavg()[0]
            results = measure(last_round, options.projects, options.repeat)
            ratio = results["round_seconds"] / results["baseline_seconds"]
            verdict = "PASS" if results["round_seconds"] <= TARGET_SECONDS else "MISS"
            print()
            print(
                f"tiaodu lights benchmark — {workspace.label}, {os.cpu_count()} CPUs, "
                f"Python {platform.python_version()}; rules: {', '.join(results['dimensions'])}"
            )
            rows = (
                ("(a) baseline: ytd ÷ plan, one raw SQL", results["baseline_seconds"], ""),
                (
                    "(b) evaluate_lights, the last round",
                    results["round_seconds"],
                    f"{ratio:.1f}× (a), {results['queries']} queries; "
                    f"target ≤ {TARGET_SECONDS:g} s: {verdict}",
                ),
                ("(c) evaluate_lights as of its last day", results["as_of_seconds"], "no round (the CLI)"),
                ("(d) record_round_lights", results["record_seconds"], "evaluation + lights with history"),
            )
            for label, seconds, note in rows:
                print(f"{label:<42} {seconds * 1000:9.1f} ms   {note}")
            print(f"lights: {results['levels']}; reasons by dimension: {results['reasons']}")
            print(f"load average (1 min) before/after: {load_before:.2f} / {os.getloadavg()[0]:.2f}")
            if options.json:
                document = {
                    "database": workspace.label,
                    "projects": options.projects,
                    "rounds": options.rounds,
                    "target_seconds": TARGET_SECONDS,
                    "ratio_to_baseline": ratio,
                    "pass": results["round_seconds"] <= TARGET_SECONDS,
                    **results,
                }
                Path(options.json).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
            return 0
    except (BenchmarkError, AssertionError, OSError, subprocess.SubprocessError) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
