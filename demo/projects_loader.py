"""Loading the Nankang project library (`demo.projects_data`) through the project services, idempotently.

A project is looked up by (region, name) and registered — given its stable code, its timeline started —
only when it is missing. Its later stage changes are made with `change_stage` on their own dates, so
that `projects.selectors.stages_on` shows the library as it stood on any past day, and its annual plan
is set with `set_annual_plan`. Everything else is synced as in `demo.loader`: saved only when a value
differs, so a second run writes no row and no history record. A project whose recorded timeline no
longer matches the demo's (someone moved it by hand) keeps its own.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Sum
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.history import current_request_id, history_context
from org.models import Region, TaskForce
from projects.choices import FactorKind, FactorStatus, MilestoneKind, Stage
from projects.models import AnnualPlan, Event, FactorNeed, IndustryChain, Milestone, Project, StageTransition
from projects.selectors import batch_totals
from projects.services import change_stage, phase_by_month, register_project, set_annual_plan
from reference.models import EmergingIndustry, Industry

from . import dispatch_data
from . import projects_data as data
from .data import NANKANG_REGION
from .loader import _assign, _sync

PROJECT_MODELS = (IndustryChain, Project, StageTransition, AnnualPlan, Milestone, FactorNeed, Event)
# Apart from the organisation's “演示数据”; the services record their own reasons (登记项目, 阶段变更 …).
REASON = "演示数据（项目库）"


def load_projects(units, leaders, result):
    """Create or update the chains, the 239 projects with their timelines, plans, milestones and factor
    needs, and the two events; `units` by code and `leaders` by key come from `demo.loader`."""
    with history_context(actor=None, reason=REASON):
        region = Region.objects.get(code=NANKANG_REGION)
        related = _related(units, leaders, result)
        known = _existing(region)
        projects = {}
        for spec in data.PROJECTS:
            project, recorded = _load_project(spec, known, region, related, result)
            _follow_timeline(project, spec, recorded, result)
            _load_plan(project, spec, known.plans.get(project.pk), result)
            projects[spec.name] = project
        _load_details(projects, known, result)
        _mark_synthetic(projects)
        for event in data.EVENTS:
            batch = [projects[spec.name] for spec in data.PROJECTS if event.key in spec.events]
            _load_event(event, region, batch, result)


def _related(units, leaders, result):
    """{kind: {key: row}}: what the projects point to."""
    chains = {
        name: _sync(
            IndustryChain,
            {"name": name},
            {"sort_order": order, "is_active": True, "is_synthetic": synthetic},
            result,
        )
        for order, (name, synthetic) in enumerate(data.CHAINS, start=1)
    }
    return {
        "chain": chains,
        "unit": units,
        "leader": leaders,
        "task_force": {tf.name: tf for tf in TaskForce.objects.filter(name__in=_names("task_force"))},
        "industry": {i.code: i for i in Industry.objects.filter(code__in=_names("industry_code"))},
        "emerging": {e.code: e for e in EmergingIndustry.objects.filter(code__in=_names("emerging_code"))},
    }


def _names(field):
    return {getattr(spec, field) for spec in data.PROJECTS} - {None, ""}


def _existing(region):
    """What the library already holds, read in a few queries: projects by name, and by project id
    their cooperating unit ids, transitions (in order) and plan, and details by (model, id, kind)."""
    in_region = {"project__region": region}
    known = SimpleNamespace(
        projects={project.name: project for project in Project.objects.filter(region=region)},
        cooperating=defaultdict(set),
        transitions=defaultdict(list),
        plans={plan.project_id: plan for plan in AnnualPlan.objects.filter(year=data.PLAN_YEAR, **in_region)},
        details={},
    )
    through = Project.cooperating_units.through.objects.filter(**in_region)
    for project_id, unit_id in through.values_list("project_id", "unit_id"):
        known.cooperating[project_id].add(unit_id)
    for transition in StageTransition.objects.filter(**in_region).order_by("effective_on", "id"):
        known.transitions[transition.project_id].append((transition.to_stage, transition.effective_on))
    for model in (Milestone, FactorNeed):
        for row in model.objects.filter(**in_region).order_by("-id"):
            known.details[model, row.project_id, row.kind] = row
    return known


def _year_of(spec, stage):
    return next((step.on.year for step in spec.timeline if step.stage == stage), None)


def _project_values(spec, related):
    def lookup(kind, key):
        return related[kind][key] if key else None

    return {
        "introducing_unit": related["unit"][spec.introducing_unit],
        "responsible_unit": related["unit"][spec.responsible_unit],
        "liaison_leader": lookup("leader", spec.leader),
        "task_force": lookup("task_force", spec.task_force),
        **spec.flags,
        "category": spec.category,
        "industry": lookup("industry", spec.industry_code),
        "industry_chain": lookup("chain", spec.chain),
        "emerging_industry": lookup("emerging", spec.emerging_code),
        "construction_content": spec.construction_content,
        "address": spec.address,
        "investor_name": spec.investor_name,
        "investor_credit_code": spec.investor_credit_code,
        "planned_start_year": spec.planned_start_year,
        "planned_end_year": spec.planned_end_year,
        # What change_stage records when the project starts and is completed.
        "actual_start_year": _year_of(spec, Stage.UNDER_CONSTRUCTION),
        "actual_end_year": _year_of(spec, Stage.COMPLETED),
        "total_investment": spec.total,
        "invested_to_date": spec.invested_to_date,
        "is_synthetic": spec.is_synthetic,
    }


# Foreign keys are not re-checked one query each: every related row was just read from the database.
UNCHECKED = ("code", "region", "introducing_unit", "responsible_unit", "liaison_leader", "task_force",
             "industry", "industry_chain", "emerging_industry")  # fmt: skip


def _load_project(spec, known, region, related, result):
    """The project and the (stage, date) of its recorded transitions; registered if missing."""
    values = _project_values(spec, related)
    cooperating = [related["unit"][code] for code in spec.cooperating_units]
    project = known.projects.get(spec.name)
    if project is None:
        project = Project(region=region, name=spec.name, **values)
        project.full_clean(exclude=UNCHECKED)  # register_project gives the code
        first = spec.timeline[0]
        register_project(project, stage=first.stage, on=first.on, actor=None, cooperating_units=cooperating)
        result.created[Project] += 1
        result.created[StageTransition] += 1
        return project, [(first.stage, first.on)]
    changed = _assign(project, values)
    if changed:
        project.full_clean(exclude=UNCHECKED)
        project.save()
    if known.cooperating[project.pk] != {unit.pk for unit in cooperating}:
        project.cooperating_units.set(cooperating)
        changed = True
    result.updated[Project] += changed
    return project, known.transitions[project.pk]


def _follow_timeline(project, spec, recorded, result):
    """Make the stage changes of the demo timeline that the project has not had yet."""
    if recorded != [(step.stage, step.on) for step in spec.timeline[: len(recorded)]]:
        return
    for step in spec.timeline[len(recorded) :]:
        change_stage(project, to_stage=step.stage, on=step.on, reason=step.reason, actor=None)
        result.created[StageTransition] += 1


def _load_plan(project, spec, plan, result):
    """The PLAN_YEAR plan, phased in a straight line by the service, unless it is so already."""
    months = phase_by_month(spec.annual_plan)
    if plan is not None and (plan.amount, [Decimal(m) for m in plan.month_amounts]) == (
        spec.annual_plan,
        months,
    ):
        return
    set_annual_plan(project, year=data.PLAN_YEAR, amount=spec.annual_plan, actor=None)
    (result.created if plan is None else result.updated)[AnnualPlan] += 1


def _load_details(projects, known, result):
    """Milestones and factor needs: new ones written in bulk (with their history), changed ones saved."""
    new = {Milestone: [], FactorNeed: []}
    for spec in data.PROJECTS:
        project, milestones = projects[spec.name], _milestones(spec)
        rows = [
            (Milestone, kind, {"planned_on": planned, "actual_on": actual, "is_synthetic": synthetic})
            for kind, (planned, actual, synthetic) in milestones.items()
        ]
        rows += [
            (FactorNeed, kind, {**values, "is_synthetic": True})
            for kind, values in _factor_needs(spec, milestones).items()
        ]
        for model, kind, values in rows:
            row = known.details.get((model, project.pk, kind))
            if row is None:
                row = model(project=project, kind=kind, **values)
                row.clean_fields(exclude=["project"])
                new[model].append(row)
            elif _assign(row, values):
                row.full_clean()
                row.save()
                result.updated[model] += 1
    for model, rows in new.items():
        if rows:
            bulk_create_with_history(rows, model, **_bulk_history())
            result.created[model] += len(rows)


def _bulk_history():
    return {"default_change_reason": REASON, "custom_historical_attrs": {"request_id": current_request_id()}}


def _mark_synthetic(projects):
    """Mark synthetic the invented transitions and plans the services wrote (they write every row as
    real); part of creating them, so not counted as changes."""
    wanted = {
        (projects[spec.name].pk, step.stage, step.on): step.is_synthetic
        for spec in data.PROJECTS
        for step in spec.timeline
    }
    ids, now = [project.pk for project in projects.values()], timezone.now()
    transitions = [
        transition
        for transition in StageTransition.objects.filter(project_id__in=ids)
        if wanted.get(
            (transition.project_id, transition.to_stage, transition.effective_on), transition.is_synthetic
        )
        != transition.is_synthetic
    ]
    plans = list(AnnualPlan.objects.filter(project_id__in=ids, year=data.PLAN_YEAR, is_synthetic=False))
    for model, rows in ((StageTransition, transitions), (AnnualPlan, plans)):
        for row in rows:
            row.is_synthetic, row.updated_at = not row.is_synthetic, now
        if rows:
            bulk_update_with_history(rows, model, ["is_synthetic", "updated_at"], **_bulk_history())


def _after(day, days):
    return data.workday(day + datetime.timedelta(days=days))


def _milestones(spec):
    """{kind: (planned, actual, is_synthetic)}: the 节点 that follow from the timeline — the passed ones
    dated, the rest planned. Only a seed-given start of a seed-given project is not synthetic."""
    dates = {step.stage: step.on for step in spec.timeline}
    signed, stage, n, kind = dates[Stage.SIGNED], spec.timeline[-1].stage, spec.nth, MilestoneKind
    rows = {kind.SIGNING: (signed, signed)}
    if stage in (Stage.SIGNED, Stage.PREPARING):
        rows[kind.COMPANY_REGISTERED] = (_after(signed, 45), dates.get(Stage.PREPARING))
        rows[kind.LAND_SECURED] = (_after(signed, 100), None)
        rows[kind.APPROVALS_COMPLETE] = (_after(signed, 150), None)
    elif Stage.PLANNED in dates:
        rows[kind.APPROVALS_COMPLETE] = (dates[Stage.PLANNED], dates[Stage.PLANNED])
    started = dates.get(Stage.UNDER_CONSTRUCTION)
    planned_start = max(
        _after(signed, 180), data.workday(datetime.date(spec.planned_start_year, 3 + n % 8, 1))
    )
    rows[kind.CONSTRUCTION_START] = (started or planned_start, started)
    if started:
        # 入库纳统 within one to three months of the start, as most are; every eleventh one is late
        # and still missing on the last demo day (the lights' statistics rule sees them).
        entered = _after(started, 30 + n % 6 * 9)
        late = n % 11 == 0 or entered > dispatch_data.LAST_DAY
        rows[kind.STATISTICS_ENTRY] = (_after(started, 60), None if late else entered)
    completion = data.workday(datetime.date(spec.planned_end_year, 6 if n % 2 else 11, 26))
    rows[kind.COMPLETION] = (completion, dates.get(Stage.COMPLETED))
    if Stage.OPERATING in dates:
        rows[kind.OPERATION] = (_after(dates[Stage.COMPLETED], 60), dates[Stage.OPERATING])
    real_start = not spec.is_synthetic and any(
        step.stage == Stage.UNDER_CONSTRUCTION and not step.is_synthetic for step in spec.timeline
    )
    return {
        k: (*pair, spec.is_synthetic or not (real_start and k == kind.CONSTRUCTION_START))
        for k, pair in rows.items()
    }


def _factor_needs(spec, milestones):
    """{kind: values}: a few 要素 needs — land (亩), energy (吨标准煤), labour (人) — sized by the
    investment; which projects have them follows from their group and place in it."""
    yi, group, n = float(spec.total / data.WAN_PER_YI), spec.group, spec.nth
    start, land = milestones[MilestoneKind.CONSTRUCTION_START][0], data.nice(yi * 15)
    needs = {}
    if group in ("signing", "signed", "preparing", "planned") and n % 2 == 0:
        status = FactorStatus.IN_PROGRESS if group == "planned" else FactorStatus.OPEN
        needs[FactorKind.LAND] = ("新增建设用地", land, "亩", start, status, None)
    if group == "groundbreaking" and n % 3 == 0:
        secured = milestones[MilestoneKind.APPROVALS_COMPLETE][1]
        needs[FactorKind.LAND] = ("新增建设用地", land, "亩", secured, FactorStatus.SECURED, secured)
    if spec.sector in "XCD" and group in ("groundbreaking", "planned", "preparing") and n % 4 == 1:
        text, amount, needed_by = "节能审查及用能指标（年综合能耗）", data.nice(yi * 600), _after(start, -30)
        needs[FactorKind.ENERGY] = (text, amount, "吨标准煤", needed_by, FactorStatus.IN_PROGRESS, None)
    if spec.sector in "JD" and group in ("groundbreaking", "continuing") and n % 5 == 2:
        text, amount = "招聘一线生产及技术工人", data.nice(yi * 40)
        needs[FactorKind.LABOUR] = (text, amount, "人", datetime.date(2024, 4, 30), FactorStatus.OPEN, None)
    fields = ("description", "quantity", "unit_of_measure", "needed_by", "status", "secured_on")
    return {
        kind: dict(zip(fields, (f"{text} {amount} {unit}", Decimal(amount), unit, *rest), strict=True))
        for kind, (text, amount, unit, *rest) in needs.items()
    }


def _load_event(spec, region, projects, result):
    """One of the seed's two events (not synthetic) with exactly its batch of projects."""
    created_before = result.created[Event]
    values = {"kind": spec.kind, "held_on": spec.held_on, "place": spec.place, "is_synthetic": False}
    event = _sync(Event, {"region": region, "name": spec.name}, values, result)
    wanted, current = {project.pk for project in projects}, set(event.projects.values_list("pk", flat=True))
    if wanted != current:
        if current - wanted:
            event.projects.remove(*(current - wanted))
        if wanted - current:
            event.projects.add(*(wanted - current))
        result.updated[Event] += result.created[Event] == created_before
    return event


def library_summary():
    """Lines for the demo command: the library and each seed event's batch, totals in 亿元."""

    def yi(amount):
        return (Decimal(amount or 0) / data.WAN_PER_YI).quantize(Decimal("0.01"))

    library = Project.objects.filter(region__code=NANKANG_REGION)
    total = library.aggregate(total=Sum("total_investment"))["total"]
    lines = [f"南康区项目库：{library.count()} 个项目，总投资 {yi(total)} 亿元"]
    events = Event.objects.filter(region__code=NANKANG_REGION, name__in=[e.name for e in data.EVENTS])
    for event in events.order_by("held_on"):
        count, total = batch_totals(event)
        lines.append(
            f"{event.held_on} {event.get_kind_display()}“{event.name}”：{count} 个项目，{yi(total)} 亿元"
        )
    return lines
