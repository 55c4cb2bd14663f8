"""The project page: the project's whole life on one page, and the two workflows started from it
(阶段变更 and 计划调整), both through the services with the signed-in user as actor."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from core import views as generic
from core.permissions import has_action
from core.views.base import object_url
from core.views.objects import field_rows
from lights.models import ProjectLight
from lights.selectors import light_history
from lights.views.display import level_label, level_tone, reason_rows
from projects.choices import MilestoneKind
from projects.forms import AdjustPlanForm, ChangeStageForm
from projects.models import (
    AnnualPlan,
    FactorNeed,
    Milestone,
    PlanAdjustment,
    Project,
    ProjectFunding,
    StageTransition,
)

MILESTONE_ORDER = {kind.value: index for index, kind in enumerate(MilestoneKind)}
# The project page shows this many of the project's latest lights (the list page has them all).
LIGHT_HISTORY_ROWS = 20
PLAN_LABELS = {
    "total_investment": "总投资（万元）",
    "planned_start_year": "计划开工年份",
    "planned_end_year": "计划竣工年份",
}


def milestone_rows(milestones, today):
    """Milestones in their natural order with how the actual date compares with the plan."""
    rows = []
    for milestone in sorted(milestones, key=lambda m: MILESTONE_ORDER.get(m.kind, 99)):
        planned, actual = milestone.planned_on, milestone.actual_on
        if actual and planned:
            late = (actual - planned).days
            status = ("按期完成", "success") if late <= 0 else (f"延期 {late} 天完成", "warning")
        elif actual:
            status = ("已完成", "success")
        elif planned and planned < today:
            status = (f"逾期 {(today - planned).days} 天", "danger")
        else:
            status = ("未到期", "secondary")
        rows.append({"milestone": milestone, "status": status[0], "tone": status[1]})
    return rows


def annual_plan_rows(plans):
    rows = []
    for plan in plans:
        months = [Decimal(str(value)) for value in (plan.month_amounts or [])]
        rows.append({"plan": plan, "months": months + [None] * (12 - len(months))})
    return rows


def adjustment_rows(adjustment):
    """(label, before, after) of what an adjustment changed."""
    before, after = adjustment.baseline or {}, adjustment.adjusted or {}
    rows = [
        (label, before.get(key), after.get(key))
        for key, label in PLAN_LABELS.items()
        if before.get(key) != after.get(key)
    ]
    labels = dict(MilestoneKind.choices)
    old_dates, new_dates = before.get("milestones", {}), after.get("milestones", {})
    for kind in sorted(set(old_dates) | set(new_dates), key=lambda k: MILESTONE_ORDER.get(k, 99)):
        if old_dates.get(kind) != new_dates.get(kind):
            rows.append((f"{labels.get(kind, kind)}计划日期", old_dates.get(kind), new_dates.get(kind)))
    return rows


def add_link(model, project, user):
    """The new-row page of a project's child model, with the project filled in."""
    if not has_action(user, model, "add"):
        return ""
    url = object_url(model, "add")
    return f"{url}?project={project.pk}" if url else ""


def light_context(project, user):
    """The project's current light and light history (newest first, the latest LIGHT_HISTORY_ROWS)
    for a user who may view lights; nothing for one who may not."""
    if not has_action(user, ProjectLight, "view"):
        return {}
    lights = light_history(project, lights=ProjectLight.objects.restrict(user, "view"))[:LIGHT_HISTORY_ROWS]
    history = [
        {
            "light": light,
            "label": level_label(light.level),
            "tone": level_tone(light.level),
            "reasons": reason_rows(light.reasons),
        }
        for light in lights
    ]
    return {
        "light_history": history,
        "current_light": history[0] if history else None,
        "lights_url": f"{reverse('lights:projectlight_list')}?project={project.code}",
    }


class ProjectDetailView(generic.ObjectDetailView):
    queryset = Project.objects.select_related(
        "region",
        "introducing_unit",
        "responsible_unit",
        "liaison_leader__person",
        "task_force",
        "industry",
        "industry_chain",
        "emerging_industry",
    )
    template_name = "projects/project_detail.html"
    bookkeeping = ("创建时间", "更新时间", "演示虚构数据")

    def extra_context(self, project):
        user = self.request.user
        rows = field_rows(project)
        fundings = list(project.fundings.all().restrict(user, "view"))
        funded = sum((funding.amount for funding in fundings), Decimal("0"))
        total = project.total_investment
        adjustments = project.adjustments.all().restrict(user, "view").select_related("approver__person")
        context = {
            # What the office asks about first; the row's bookkeeping goes last.
            "fields": [row for row in rows if row[0] not in self.bookkeeping]
            + [row for row in rows if row[0] in self.bookkeeping],
            "transitions": project.transitions.all()
            .restrict(user, "view")
            .select_related("actor__person")
            .order_by("effective_on", "id"),
            "milestones": milestone_rows(
                project.milestones.all().restrict(user, "view"), datetime.date.today()
            ),
            "annual_plans": annual_plan_rows(project.annual_plans.all().restrict(user, "view")),
            "months": range(1, 13),
            "fundings": [
                (funding, (funding.amount / total * 100).quantize(Decimal("0.1")) if total else None)
                for funding in fundings
            ],
            "funded_total": funded,
            "funding_gap": total - funded if fundings else None,
            "factor_needs": project.factor_needs.all().restrict(user, "view"),
            "events": project.events.all().restrict(user, "view"),
            "adjustments": [(adjustment, adjustment_rows(adjustment)) for adjustment in adjustments],
            "add_links": {
                name: add_link(model, project, user)
                for name, model in (
                    ("milestone", Milestone),
                    ("annual_plan", AnnualPlan),
                    ("funding", ProjectFunding),
                    ("factor_need", FactorNeed),
                )
            },
            "list_links": {
                "transitions": f"{object_url(StageTransition, 'list')}?project={project.pk}",
                "adjustments": f"{object_url(PlanAdjustment, 'list')}?project={project.pk}",
            },
        }
        context.update(light_context(project, user))
        if Project.objects.filter(pk=project.pk).restrict(user, "change").exists():
            context["stage_form_url"] = reverse("projects:project_change_stage", kwargs={"pk": project.pk})
            context["adjust_form_url"] = reverse("projects:project_adjust_plan", kwargs={"pk": project.pk})
            # A form that failed comes back bound (render_page's extra) in place of these blank ones.
            context["stage_form"] = ChangeStageForm(project=project, user=user)
            context["adjust_form"] = AdjustPlanForm(project=project, user=user)
        return context


class ProjectChangeStageView(ProjectDetailView):
    """POST only: the project must be one the user may change (else 404)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        project = get_object_or_404(self.restricted_queryset("change"), pk=pk)
        form = ChangeStageForm(request.POST, project=project, user=request.user)
        if form.is_valid() and form.change_stage(actor=request.user):
            messages.success(request, f"已将“{project.name}”变更为“{project.get_stage_display()}”。")
            return redirect(project.get_absolute_url())
        project = get_object_or_404(self.restricted_queryset("view"), pk=pk)
        return self.render_page(project, status=400, stage_form=form, stage_form_open=True)


class ProjectAdjustPlanView(ProjectDetailView):
    """POST only: the project must be one the user may change (else 404)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        project = get_object_or_404(self.restricted_queryset("change"), pk=pk)
        form = AdjustPlanForm(request.POST, project=project, user=request.user)
        if form.is_valid() and form.adjust_plan(actor=request.user):
            messages.success(request, f"已记录“{project.name}”的计划调整。")
            return redirect(project.get_absolute_url())
        # The service may have changed the in-memory project before it refused; read it again.
        project = get_object_or_404(self.restricted_queryset("view"), pk=pk)
        return self.render_page(project, status=400, adjust_form=form, adjust_form_open=True)


class PlanAdjustmentDetailView(generic.ObjectDetailView):
    queryset = PlanAdjustment.objects.select_related("project", "approver__person")
    template_name = "projects/planadjustment_detail.html"

    def extra_context(self, adjustment):
        return {"plan_changes": adjustment_rows(adjustment)}
