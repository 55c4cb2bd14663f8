"""Workflows on projects: registering, moving through stages, phasing plans, adjusting plans."""

import datetime
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from core.history import history_context

from .choices import STAGE_ORDER, Stage
from .models import AnnualPlan, Milestone, PlanAdjustment, Project, StageTransition

CENT = Decimal("0.01")


def next_project_code(region, year):
    """A stable code "<region code>-<year>-<nnnn>", numbered within region and year."""
    prefix = f"{region.code}-{year}-"
    # Compared as numbers: past 9999 the codes grow a digit and no longer sort as text.
    numbers = [
        int(code.rsplit("-", 1)[1])
        for code in Project.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if code.rsplit("-", 1)[1].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def register_project(project, *, stage=Stage.SIGNED, on=None, actor, cooperating_units=()):
    """Save a new project with its code and its first stage (the start of its timeline)."""
    on = on or datetime.date.today()
    with transaction.atomic(), history_context(actor=actor, reason="登记项目"):
        if not project.code:
            project.code = next_project_code(project.region, on.year)
        project.stage, project.stage_since = stage, on
        project.save()
        if cooperating_units:
            project.cooperating_units.set(cooperating_units)
        StageTransition.objects.create(
            project=project, from_stage="", to_stage=stage, effective_on=on, actor=actor
        )
    return project


def allowed_next_stages(project):
    """Stages the project may move to from where it is now."""
    current = Stage(project.stage)
    if current == Stage.CANCELLED:
        return []
    if current == Stage.STALLED:
        resumed = _stage_before_stall(project)
        return [*STAGE_ORDER[STAGE_ORDER.index(resumed) :], Stage.CANCELLED]
    ahead = list(STAGE_ORDER[STAGE_ORDER.index(current) + 1 :])
    return [*ahead, Stage.STALLED, Stage.CANCELLED] if current != Stage.OPERATING else []


def _stage_before_stall(project):
    last_forward = (
        project.transitions.exclude(to_stage__in=(Stage.STALLED, Stage.CANCELLED))
        .order_by("-effective_on", "-id")
        .values_list("to_stage", flat=True)
        .first()
    )
    return Stage(last_forward or Stage.SIGNED)


def change_stage(project, *, to_stage, on, reason="", actor):
    """Move the project to `to_stage` on date `on`.

    Rules: forward along 招商 → 新上 → 拟建 → 在建 → 竣工 → 投产 (skipping is allowed: a project may be
    signed and started at once); 停缓建 and 取消 need a reason; a stalled project resumes at the stage it
    stalled in or later; 取消 and 投产 are final; a date may not precede the previous transition.
    """
    to_stage = Stage(to_stage)
    if to_stage not in allowed_next_stages(project):
        raise ValidationError(
            {"to_stage": f"项目当前为“{project.get_stage_display()}”，不能变更为“{to_stage.label}”。"}
        )
    if to_stage in (Stage.STALLED, Stage.CANCELLED) and not reason.strip():
        raise ValidationError({"reason": f"变更为“{to_stage.label}”须填写原因。"})
    if project.stage_since and on < project.stage_since:
        raise ValidationError({"effective_on": f"变更日期不能早于上一次变更（{project.stage_since}）。"})
    with transaction.atomic(), history_context(actor=actor, reason=f"阶段变更：{to_stage.label}"):
        transition = StageTransition.objects.create(
            project=project,
            from_stage=project.stage,
            to_stage=to_stage,
            effective_on=on,
            reason=reason,
            actor=actor,
        )
        project.stage, project.stage_since = to_stage, on
        project.stage_reason = reason if to_stage in (Stage.STALLED, Stage.CANCELLED) else ""
        if to_stage == Stage.UNDER_CONSTRUCTION and not project.actual_start_year:
            project.actual_start_year = on.year
        if to_stage == Stage.COMPLETED and not project.actual_end_year:
            project.actual_end_year = on.year
        project.save()
    return transition


def phase_by_month(amount):
    """Twelve monthly amounts summing exactly to `amount` (a straight line; the cents left over by
    rounding down go to December)."""
    amount = Decimal(amount)
    month = (amount / 12).quantize(CENT, rounding=ROUND_DOWN)
    return [month] * 11 + [amount - month * 11]


def monthly_plan(amount, month_amounts=None):
    """The twelve monthly figures to store for a year's `amount`: as given (12, none negative, summing
    exactly to the amount), or phased in a straight line when none are given. Raises ValidationError."""
    amount = Decimal(amount)
    if amount < 0:
        raise ValidationError({"amount": "计划投资不能为负数。"})
    months = [Decimal(value) for value in month_amounts] if month_amounts else phase_by_month(amount)
    if len(months) != 12:
        raise ValidationError({"month_amounts": f"分月计划须有 12 个月的数，现有 {len(months)} 个。"})
    if any(value < 0 for value in months):
        raise ValidationError({"month_amounts": "分月计划不能有负数。"})
    total = sum(months, Decimal("0"))
    if total != amount:
        raise ValidationError({"month_amounts": f"12 个月合计 {total} 万元，与年度计划 {amount} 万元不符。"})
    return [month.quantize(CENT) for month in months]


def set_annual_plan(project, *, year, amount, month_amounts=None, actor):
    """Set the year's planned investment; without monthly figures it is phased in a straight line."""
    amount = Decimal(amount)
    months = monthly_plan(amount, month_amounts)
    with transaction.atomic(), history_context(actor=actor, reason=f"{year} 年度计划"):
        plan, created = AnnualPlan.objects.get_or_create(
            project=project, year=year, defaults={"amount": amount, "month_amounts": [str(m) for m in months]}
        )
        if not created and (plan.amount != amount or plan.month_amounts != [str(m) for m in months]):
            plan.amount, plan.month_amounts = amount, [str(m) for m in months]
            plan.save()
    return plan


def _plan_snapshot(project):
    return {
        "total_investment": str(Decimal(project.total_investment).quantize(CENT)),
        "planned_start_year": project.planned_start_year,
        "planned_end_year": project.planned_end_year,
        "annual_plans": {
            str(plan.year): str(Decimal(plan.amount).quantize(CENT)) for plan in project.annual_plans.all()
        },
        "milestones": {
            m.kind: m.planned_on.isoformat() if m.planned_on else None for m in project.milestones.all()
        },
    }


def adjust_plan(
    project,
    *,
    reason,
    approver,
    approved_on,
    actor,
    total_investment=None,
    planned_start_year=None,
    planned_end_year=None,
    milestone_dates=None,
):
    """A formal plan adjustment (调整): records the baseline, applies the new plan, marks the project."""
    if not reason.strip():
        raise ValidationError({"reason": "计划调整须填写原因。"})
    with transaction.atomic(), history_context(actor=actor, reason=f"计划调整：{reason}"):
        baseline = _plan_snapshot(project)
        if total_investment is not None:
            project.total_investment = Decimal(total_investment)
        if planned_start_year is not None:
            project.planned_start_year = planned_start_year
        if planned_end_year is not None:
            project.planned_end_year = planned_end_year
        project.is_plan_adjusted = True
        project.full_clean(exclude=["code"])
        project.save()
        for kind, planned_on in (milestone_dates or {}).items():
            milestone, _ = Milestone.objects.get_or_create(project=project, kind=kind)
            if milestone.baseline_on is None:
                milestone.baseline_on = milestone.planned_on
            milestone.planned_on = planned_on
            milestone.save()
        return PlanAdjustment.objects.create(
            project=project,
            reason=reason,
            approver=approver,
            approved_on=approved_on,
            baseline=baseline,
            adjusted=_plan_snapshot(project),
        )


def record_investment(project, *, invested_to_date, actor):
    """Set the project's invested-to-date figure (累计完成投资, 万元) as an approved progress report gives
    it; nothing is written when it is unchanged."""
    invested_to_date = Decimal(invested_to_date)
    if invested_to_date < 0:
        raise ValidationError({"invested_to_date": "累计完成投资不能为负数。"})
    if project.invested_to_date == invested_to_date:
        return project
    with transaction.atomic(), history_context(actor=actor, reason="调度报告更新累计完成投资"):
        project.invested_to_date = invested_to_date
        project.save(update_fields=["invested_to_date", "updated_at"])
    return project
