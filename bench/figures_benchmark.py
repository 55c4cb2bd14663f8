#!/usr/bin/env python3
"""Are the dashboard's figures for 10,000 projects computed in ≤ 200 ms? (the figures issue)

    .venv/bin/python bench/figures_benchmark.py                       # SQLite
    .venv/bin/python bench/figures_benchmark.py --projects 2000 --rounds 26 --repeats 10
    .venv/bin/python bench/figures_benchmark.py --database postgres://postgres@127.0.0.1:5432/postgres

A fresh database is migrated (harness.Workspace) and filled in bulk with history (core.bulk):
`--projects` projects of 南康区 over 100 units, 20 liaison leaders and 10 task forces, each with a stage
timeline, a 2024 annual plan phased by month and a 开工 milestone; a weekly cadence with `--rounds`
rounds of 2024 and one report per project per round (nine in ten submitted, a fifth of them late,
three in four approved, year-to-date figures growing week by week); lights for the last 8 weeks; and
2,000 matters with their opening events.

Measured in this process, as the dashboard calls it (no HTTP):
  - compute_figures for the whole county on the last round's Sunday, read as recorded now (the
    dashboard's live reading; the data is back-filled, so its history starts today): p50/p95 over
    `--repeats` runs — the target: p50 ≤ 200 ms;
  - the same after 1 % of projects, plans and reports were edited, read as recorded before the
    edits (the time-travel path: the changed rows come from history);
  - a bare SQL aggregation of the same headline figures (projects and investment by stage, annual
    plan, year-to-date completed, reporting completeness, lights by colour) on the live tables, in
    the same run: its p50 and the ratio;
  - reading projects and one round's reports as they stood, three ways (core.timetravel): the
    current-plus-changed union the engine uses, simple-history-style history alone with a correlated
    "latest record" subquery, and history alone with a window function.
"""

import argparse
import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_MS = 200
YEAR = 2024


def row_for(model, now, **values):
    """A dict of every column of `model` (but the id) with its default, `values` on top."""
    from core.bulk import model_columns

    fields = {field.attname: field for field in model._meta.concrete_fields}
    row = {}
    for name in model_columns(model):
        field = fields[name]
        row[name] = field.get_default() if field.has_default() or not field.null else None
        if row[name] is None and not field.null and field.empty_strings_allowed:
            row[name] = ""
    row.update(created_at=now, updated_at=now, is_synthetic=True)
    row.update(values)
    return row


def fill(projects, rounds, seed=2024):
    """The data set described in the module docstring; returns what the measurement needs."""
    from django.db import connection, transaction
    from django.utils import timezone

    from core.bulk import HistoryWriter
    from dispatch.choices import PeriodType
    from dispatch.models import Cadence, DispatchRound, ProgressReport
    from dispatch.periods import periods_between, round_times
    from lights.models import ProjectLight, RuleSet
    from matters.models import Matter, MatterEvent, MatterKind
    from org.models import Leader, Person, Region, TaskForce, Unit
    from projects.models import AnnualPlan, Milestone, Project, StageTransition
    from projects.services import phase_by_month

    random.seed(seed)
    now = timezone.now()
    writer = HistoryWriter(actor=None, reason="基准测试数据", request_id="bench-figures", now=now)
    county = Region.objects.get(code="360703")
    with transaction.atomic():
        unit_rows = [
            row_for(
                Unit,
                now,
                code=f"B-{n:03d}",
                name=f"基准单位{n:03d}",
                kind="department",
                region_id=county.pk,
                parent_id=None,
                path="",
                sort_order=n,
            )
            for n in range(100)
        ]
        writer.create(Unit, unit_rows)
        for row in unit_rows:  # a root unit's path is "/<id>/" (trees are kept by save(), not by bulk writes)
            row["path"] = f"/{row['id']}/"
        Unit.objects.bulk_update([Unit(id=row["id"], path=row["path"]) for row in unit_rows], ["path"])
        units = [row["id"] for row in unit_rows]
        leaders = []
        for n in range(20):
            person = Person.objects.create(name=f"基准领导{n:02d}", unit_id=units[n])
            leaders.append(
                Leader.objects.create(person=person, rank="division", position="副区长", sort_order=n).pk
            )
        task_forces = [
            TaskForce.objects.create(
                name=f"基准专班{n:02d}", lead_leader_id=leaders[n], lead_unit_id=units[n]
            ).pk
            for n in range(10)
        ]
        stages = ["signed", "preparing", "planned", "under_construction", "completed", "operating", "stalled"]
        weights = [10, 8, 12, 55, 8, 5, 2]
        project_rows, plan_specs = [], []
        for n in range(projects):
            stage = random.choices(stages, weights)[0]
            total = Decimal(random.choice([5000, 20000, 50000, 120000, 300000]))
            start_year = random.choice([2023, 2024, 2024, 2025])
            project_rows.append(
                row_for(
                    Project,
                    now,
                    code=f"360703-{YEAR}-{n:05d}",
                    name=f"基准项目{n:05d}",
                    region_id=county.pk,
                    introducing_unit_id=units[n % 100],
                    responsible_unit_id=units[n % 100],
                    liaison_leader_id=leaders[n % 20] if n % 3 == 0 else None,
                    task_force_id=task_forces[n % 10] if n % 7 == 0 else None,
                    is_provincial_key=n % 11 == 0,
                    is_city_key=n % 5 == 0,
                    is_district_key=n % 2 == 0,
                    is_major=total >= 120000,
                    total_investment=total,
                    stage=stage,
                    planned_start_year=start_year,
                    planned_end_year=start_year + random.choice([0, 1, 2]),
                )
            )
            plan_specs.append((stage, total))
        writer.create(Project, project_rows)
        ids = [row["id"] for row in project_rows]
        transitions, plans, milestones = [], [], []
        for pk, (stage, total) in zip(ids, plan_specs, strict=True):
            signed = datetime.date(2023, random.randint(1, 12), random.randint(1, 28))
            transitions.append(
                row_for(
                    StageTransition,
                    now,
                    project_id=pk,
                    from_stage="",
                    to_stage="signed",
                    effective_on=signed,
                    reason="",
                    actor_id=None,
                )
            )
            path = {
                "under_construction": ["under_construction"],
                "completed": ["under_construction", "completed"],
                "operating": ["under_construction", "completed", "operating"],
                "stalled": ["under_construction", "stalled"],
            }.get(stage, [stage] if stage != "signed" else [])
            day = signed
            for to_stage in path:
                day = min(day + datetime.timedelta(days=random.randint(20, 200)), datetime.date(YEAR, 12, 20))
                transitions.append(
                    row_for(
                        StageTransition,
                        now,
                        project_id=pk,
                        from_stage="",
                        to_stage=to_stage,
                        effective_on=day,
                        reason="",
                        actor_id=None,
                    )
                )
            amount = (total * Decimal("0.3")).quantize(Decimal("0.01"))
            plans.append(
                row_for(
                    AnnualPlan,
                    now,
                    project_id=pk,
                    year=YEAR,
                    amount=amount,
                    month_amounts=[str(m) for m in phase_by_month(amount)],
                )
            )
            milestones.append(
                row_for(
                    Milestone,
                    now,
                    project_id=pk,
                    kind="construction_start",
                    planned_on=datetime.date(YEAR, random.randint(1, 12), 15),
                    actual_on=None,
                    baseline_on=None,
                )
            )
        writer.create(StageTransition, transitions)
        writer.create(AnnualPlan, plans)
        writer.create(Milestone, milestones)
        cadence = Cadence.objects.create(name="每周调度", region=county, due_offset_days=-2)
        periods = periods_between(PeriodType.WEEKLY, datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 29))
        periods = periods[-rounds:]
        round_rows = []
        for period in periods:
            times = round_times(cadence, period)
            round_rows.append(
                row_for(
                    DispatchRound,
                    now,
                    cadence_id=cadence.pk,
                    period_start=period.start,
                    period_end=period.end,
                    label=period.label,
                    opens_at=times.opens_at,
                    due_at=times.due_at,
                    on_time_until=times.on_time_until,
                    locks_at=times.locks_at,
                )
            )
        writer.create(DispatchRound, round_rows)
        amounts = {pk: plan["amount"] for pk, plan in zip(ids, plans, strict=True)}
        for week, dispatch_round in enumerate(round_rows, start=1):
            reports = []
            for pk, unit in zip(ids, (row["responsible_unit_id"] for row in project_rows), strict=True):
                draw = random.random()
                submitted = draw < 0.9
                late = draw < 0.18
                year_to_date = (amounts[pk] * week / 60).quantize(Decimal("0.01"))
                first = dispatch_round["due_at"] + datetime.timedelta(hours=20 if late else -20)
                reports.append(
                    row_for(
                        ProgressReport,
                        now,
                        round_id=dispatch_round["id"],
                        project_id=pk,
                        unit_id=unit,
                        status=("approved" if draw < 0.675 else "submitted") if submitted else "pending",
                        investment_period=Decimal(0) if submitted else None,
                        investment_year_to_date=year_to_date if submitted else None,
                        investment_since_start=year_to_date if submitted else None,
                        first_submitted_at=first if submitted else None,
                        submitted_at=first if submitted else None,
                    )
                )
            writer.create(ProgressReport, reports)
        ruleset = RuleSet.objects.get(is_active=True)
        for dispatch_round in round_rows[-8:]:
            writer.create(
                ProjectLight,
                [
                    row_for(
                        ProjectLight,
                        now,
                        project_id=pk,
                        round_id=dispatch_round["id"],
                        as_of=dispatch_round["period_end"],
                        level=random.choices(["green", "yellow", "red"], [70, 20, 10])[0],
                        reasons=[],
                        figures={},
                        ruleset_id=ruleset.pk,
                        evaluated_at=now,
                    )
                    for pk in ids
                ],
            )
        kind = MatterKind.objects.get(code="project_issue")
        matter_rows = []
        for n in range(2000):
            opened = datetime.date(YEAR, random.randint(1, 12), random.randint(1, 28))
            deadline = opened + datetime.timedelta(days=21)
            closed = opened + datetime.timedelta(days=10) if n % 2 else None
            matter_rows.append(
                row_for(
                    Matter,
                    now,
                    kind_id=kind.pk,
                    code=f"WT-{YEAR}-{n:05d}",
                    title=f"基准事项{n}",
                    project_id=ids[n * 5 % len(ids)],
                    category=random.choice(["land", "energy", "funds", "approval"]),
                    lead_unit_id=units[n % 100],
                    opened_on=opened,
                    deadline=deadline,
                    original_deadline=deadline,
                    node="closed" if closed else "handling",
                    closed_on=closed,
                    region_id=county.pk,
                )
            )
        writer.create(Matter, matter_rows)
        writer.create(
            MatterEvent,
            [
                row_for(
                    MatterEvent,
                    now,
                    matter_id=row["id"],
                    kind="assigned",
                    effective_on=row["opened_on"],
                    at=now,
                    to_node="assigned",
                    to_level="unit",
                    deadline=row["deadline"],
                )
                for row in matter_rows
            ],
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"county": county, "ids": ids, "rounds": round_rows, "as_of": periods[-1].end}


def edit_one_percent(setup):
    """Edit 1 % of projects, plans and the last round's reports (with history), after a moment that is
    returned: reading as recorded at that moment must undo them."""
    from django.db import transaction
    from django.utils import timezone

    from core.bulk import HistoryWriter
    from dispatch.models import ProgressReport
    from projects.models import AnnualPlan, Project

    before = timezone.now()
    time.sleep(0.01)
    writer = HistoryWriter(actor=None, reason="基准测试修改", request_id="bench-edit", now=timezone.now())
    chosen = setup["ids"][::100]
    with transaction.atomic():
        writer.update(
            Project, [{"id": pk, "total_investment": Decimal(999)} for pk in chosen], ["total_investment"]
        )
        plans = AnnualPlan.objects.filter(project_id__in=chosen).values_list("pk", flat=True)
        writer.update(AnnualPlan, [{"id": pk, "amount": Decimal(1)} for pk in plans], ["amount"])
        last = setup["rounds"][-1]["id"]
        reports = ProgressReport.objects.filter(round_id=last, project_id__in=chosen).values_list(
            "pk", flat=True
        )
        writer.update(
            ProgressReport,
            [{"id": pk, "investment_year_to_date": Decimal(0)} for pk in reports],
            ["investment_year_to_date"],
        )
    return before


def bare_sql(setup, year_reporting=False):
    """The headline figures straight from the live tables (no history, no sources, no per-group work):
    projects and investment by stage, annual plan, year-to-date completed, lights by colour, and the
    reporting tally of the latest round (with `year_reporting`, of every round of the year)."""
    from django.db import connection

    as_of = setup["as_of"]
    cutoff = f"{as_of.isoformat()} 23:59:59"
    first = datetime.date(YEAR, 1, 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.to_stage, COUNT(*), SUM(p.total_investment) FROM projects_project p JOIN ("
            " SELECT project_id, to_stage, ROW_NUMBER() OVER (PARTITION BY project_id"
            " ORDER BY effective_on DESC, id DESC) AS n FROM projects_stagetransition"
            " WHERE effective_on <= %s"
            ") s ON s.project_id = p.id AND s.n = 1 GROUP BY s.to_stage",
            [as_of],
        )
        by_stage = cursor.fetchall()
        cursor.execute("SELECT SUM(amount) FROM projects_annualplan WHERE year = %s", [YEAR])
        plan = cursor.fetchone()
        cursor.execute(
            "SELECT SUM(ytd) FROM (SELECT pr.investment_year_to_date AS ytd, ROW_NUMBER() OVER ("
            " PARTITION BY pr.project_id ORDER BY r.period_end DESC, pr.id DESC) AS n"
            " FROM dispatch_progressreport pr JOIN dispatch_dispatchround r ON r.id = pr.round_id"
            " WHERE pr.status IN ('submitted', 'approved') AND pr.investment_year_to_date IS NOT NULL"
            " AND r.period_end BETWEEN %s AND %s) latest WHERE n = 1",
            [first, as_of],
        )
        done = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(*), SUM(CASE WHEN pr.first_submitted_at IS NOT NULL THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN pr.first_submitted_at <= r.on_time_until THEN 1 ELSE 0 END)"
            " FROM dispatch_progressreport pr JOIN dispatch_dispatchround r ON r.id = pr.round_id"
            " WHERE r.period_end BETWEEN %s AND %s AND r.due_at <= %s",
            [first if year_reporting else setup["rounds"][-1]["period_end"], as_of, cutoff],
        )
        reporting = cursor.fetchone()
        cursor.execute(
            "SELECT level, COUNT(*) FROM (SELECT level, ROW_NUMBER() OVER (PARTITION BY project_id"
            " ORDER BY as_of DESC, id DESC) AS n FROM lights_projectlight WHERE as_of <= %s) l WHERE n = 1"
            " GROUP BY level",
            [as_of],
        )
        lights = cursor.fetchall()
    return by_stage, plan, done, reporting, lights


def timed(function, repeats):
    """Wall-clock p50/p95 (and the p50 of this process's CPU time, which a busy machine inflates less)."""
    from harness import percentile, summarise

    function()  # warm: connection, statement caches, the OS page cache
    latencies, cpu = [], []
    started = time.perf_counter()
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        latencies.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    result = summarise(latencies, time.perf_counter() - started)
    result["cpu_p50_ms"] = percentile(cpu, 50)
    return result


def time_travel_readings(setup, repeats):
    """Projects, and the last round's reports, as they stood now, three ways."""
    from django.db.models import F, Q, Window
    from django.db.models.functions import RowNumber
    from django.utils import timezone

    from core.timetravel import history_as_of, rows_as_of
    from dispatch.models import ProgressReport
    from projects.models import Project

    moment = timezone.now()
    last = setup["rounds"][-1]["id"]

    def window(model, condition):
        historical = model.history.model
        ranked = (
            historical.objects.filter(history_date__lte=moment)
            .annotate(
                n=Window(
                    RowNumber(),
                    partition_by=[F("id")],
                    order_by=[F("history_date").desc(), F("history_id").desc()],
                )
            )
            .filter(n=1)
            .values("history_id")
        )
        return list(
            historical.objects.filter(history_id__in=ranked)
            .exclude(history_type="-")
            .filter(condition)
            .values_list("id", flat=True)
        )

    cases = []
    for label, model, condition in (
        ("projects (10,000)", Project, Q()),
        ("one round's reports", ProgressReport, Q(round_id=last)),
    ):
        cases += [
            (
                f"{label}: current + changed (engine)",
                lambda m=model, c=condition: list(rows_as_of(m, moment, ["id"], c)),
            ),
            (
                f"{label}: history, correlated latest",
                lambda m=model, c=condition: list(history_as_of(m, moment, c).values_list("id", flat=True)),
            ),
            (f"{label}: history, window function", lambda m=model, c=condition: window(m, c)),
        ]
    return [(label, timed(function, repeats)) for label, function in cases]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=52)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--database", help="postgres://user@127.0.0.1:5432/db (default: SQLite)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    options = parser.parse_args(argv)
    from harness import BenchmarkError, Workspace

    try:
        with Workspace("tiaodu-figures-bench-", options.database, options.keep) as workspace:
            return run(options, workspace)
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2


def run(options, workspace):
    from django.utils import timezone

    from dispatch.models import ProgressReport
    from reports.figures import FiguresScope, compute_figures

    started = time.perf_counter()
    setup = fill(options.projects, options.rounds)
    print(
        f"{options.projects} projects, {len(setup['rounds'])} rounds, "
        f"{ProgressReport.objects.count()} reports, "
        f"filled in {time.perf_counter() - started:.1f} s; {workspace.label}"
    )
    scope = FiguresScope(region="360703")

    def figures(recorded_at=None, year_reporting=False):
        return compute_figures(
            as_of=setup["as_of"],
            scope=scope,
            recorded_at=recorded_at or timezone.now(),
            year_reporting=year_reporting,
        )

    sample = figures(year_reporting=True)
    summary = sample["summary"]
    print(
        f"as of {setup['as_of']}: {summary['projects']['value']} projects, "
        f"plan {summary['annual_plan']['value']} 万元, "
        f"done {summary['year_to_date']['value']} 万元 ({summary['completion_rate']['value']} %), "
        f"reporting {sample['reporting']['year']['expected']} reports expected in the year"
    )
    results = [
        ("dashboard: compute_figures, county, recorded now", timed(figures, options.repeats)),
        ("bare SQL aggregation of the same headline", timed(lambda: bare_sql(setup), options.repeats)),
        ("full: + the year's reporting tally", timed(lambda: figures(year_reporting=True), options.repeats)),
        ("bare SQL of that (+ the year's tally)", timed(lambda: bare_sql(setup, True), options.repeats)),
    ]
    results += time_travel_readings(setup, max(3, options.repeats // 4))
    moment = edit_one_percent(setup)
    past = compute_figures(as_of=setup["as_of"], scope=scope, recorded_at=moment, year_reporting=True)
    assert past.checksum() == sample.checksum(), "reading before the edits must give the figures before them"
    results.append(
        ("dashboard, as recorded before 1 % edits", timed(lambda: figures(moment), options.repeats))
    )
    print(
        f"\nfigures for the dashboard, in process, {workspace.label}; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'workload':<58}{'p50 ms':>9}{'p95 ms':>9}{'cpu p50':>9}")
    for label, stats in results:
        print(f"{label:<58}{stats['p50_ms']:>9.1f}{stats['p95_ms']:>9.1f}{stats['cpu_p50_ms']:>9.1f}")
    engine, bare = results[0][1]["p50_ms"], results[1][1]["p50_ms"]
    full, full_bare = results[2][1]["p50_ms"], results[3][1]["p50_ms"]
    print(
        f"dashboard figures p50 = {engine / bare:.2f}× the bare SQL aggregation of the same headline figures"
    )
    print(
        f"full figures p50 = {full / full_bare:.2f}× the bare SQL aggregation including the year's reporting"
    )
    verdict = "PASS" if engine <= TARGET_MS else "MISS"
    print(
        f"target p50 ≤ {TARGET_MS} ms for {options.projects} projects × {len(setup['rounds'])} rounds: "
        f"{verdict}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
