"""The figures benchmark's data (bench/figures_benchmark.py): a county of projects, plans, rounds,
reports, lights and matters written in bulk with history, and the 1 % edit for the time-travel reading."""

import datetime
import random
import time
from decimal import Decimal

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


def light_reason(level):
    """One reason of a `level` light, shaped like lights.services writes it (rule, level, text)."""
    if level == "green":
        return []
    rate, gap = random.randint(5, 60), random.randint(5, 40)
    label = "红灯" if level == "red" else "黄灯"
    return [
        {
            "rule": f"进度滞后{label}",
            "dimension": "progress",
            "measure": "gap_points",
            "level": level,
            "value": str(gap),
            "text": (
                f"年度计划投资 1000.00 万元，年度累计完成 {rate * 10}.00 万元，完成率 {rate}.00%，"
                f"序时进度 {rate + gap}.00%，落后序时进度 {gap} 个百分点（{label}：落后 ≥ 5 个百分点）"
            ),
        }
    ]


def fill(projects, rounds, seed=2024, *, light_reasons=False):
    """The data set described in the module docstring; returns what the measurement needs. With
    `light_reasons`, each red or yellow light carries one reason with its sentence (as the lights engine
    writes them), so the 专报's warning tables have text to print."""
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
                        level=(level := random.choices(["green", "yellow", "red"], [70, 20, 10])[0]),
                        reasons=light_reason(level) if light_reasons else [],
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


def edit_one_project(setup, step):
    """Edit one project and its report of the last round (with history), as a unit's report does:
    `step` varies the figures."""
    from django.db import transaction
    from django.utils import timezone

    from core.bulk import HistoryWriter
    from dispatch.models import ProgressReport
    from projects.models import Project

    pk = setup["ids"][(step * 37) % len(setup["ids"])]
    writer = HistoryWriter(
        actor=None, reason="基准测试修改", request_id=f"bench-one-{step}", now=timezone.now()
    )
    with transaction.atomic():
        writer.update(Project, [{"id": pk, "total_investment": Decimal(1000 + step)}], ["total_investment"])
        reports = ProgressReport.objects.filter(round_id=setup["rounds"][-1]["id"], project_id=pk)
        writer.update(
            ProgressReport,
            [
                {"id": report, "investment_year_to_date": Decimal(step)}
                for report in reports.values_list("pk", flat=True)
            ],
            ["investment_year_to_date"],
        )


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
