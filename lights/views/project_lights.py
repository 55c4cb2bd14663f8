"""项目亮灯: the stored lights (list and export, one light with its reasons spelled out), the rounds
with their lights, and a round's page where the office records (or re-records) its lights through
`lights.services.record_round_lights`."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from core import views as generic
from core.permissions import has_action
from dispatch.models import DispatchRound, ProgressReport
from lights import filtersets, selectors, services, tables
from lights.choices import Level
from lights.models import ProjectLight
from lights.rules import RulesError
from lights.views.display import figure_rows, level_label, level_tone, reason_rows

ROUNDS_PER_PAGE = 30
LIGHT_RELATED = ("project__responsible_unit", "round__cadence", "ruleset")
# Worst first: red, yellow, green.
SEVERITY = Case(
    When(level=Level.RED, then=Value(0)),
    When(level=Level.YELLOW, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


class ProjectLightListView(generic.ObjectListView):
    queryset = ProjectLight.objects.select_related(*LIGHT_RELATED).annotate(
        reasons_text=tables.ReasonsText("reasons")
    )
    filterset = filtersets.ProjectLightFilterSet
    table = tables.ProjectLightTable


class ProjectLightChangelogView(generic.ObjectChangelogView):
    queryset = ProjectLight.objects.select_related("project")


def rule_lines(light):
    """{rule name: its line} in the version that computed `light` (for links to the rule as written)."""
    try:
        return {rule.name: rule.line for rule in light.ruleset.rules().rules}
    except RulesError:
        return {}


class ProjectLightDetailView(generic.ObjectDetailView):
    queryset = ProjectLight.objects.select_related(*LIGHT_RELATED, "project__liaison_leader__person")
    template_name = "lights/projectlight_detail.html"

    def extra_context(self, light):
        lines = rule_lines(light)
        reasons = reason_rows(light.reasons)
        for reason in reasons:
            reason["rule_line"] = lines.get(reason.get("rule"))
        history = selectors.light_history(
            light.project, lights=ProjectLight.objects.restrict(self.request.user, "view")
        ).only("pk", "as_of", "level")
        ordered = list(history.values_list("pk", flat=True))
        position = ordered.index(light.pk) if light.pk in ordered else None
        neighbours = {}
        if position is not None:
            if position + 1 < len(ordered):
                neighbours["earlier_url"] = reverse(
                    "lights:projectlight_detail", kwargs={"pk": ordered[position + 1]}
                )
            if position > 0:
                neighbours["later_url"] = reverse(
                    "lights:projectlight_detail", kwargs={"pk": ordered[position - 1]}
                )
        return {
            "level_label": level_label(light.level),
            "tone": level_tone(light.level),
            "reasons": reasons,
            "figures": figure_rows(light.figures),
            "ruleset_url": light.ruleset.get_absolute_url(),
            "project_url": f"{light.project.get_absolute_url()}#lights",
            **neighbours,
        }


def tally(rows):
    """{level: count} from (level, count) rows (a level may come more than once), every level present."""
    counts = {level.value: 0 for level in Level}
    for level, count in rows:
        counts[level] += count
    return counts


class RoundListView(LoginRequiredMixin, View):
    """按轮次亮灯: the rounds the user may see, newest first, each with its lights by level and the
    rule versions used; each opens the round's lights page."""

    template_name = "lights/round_list.html"

    def get(self, request):
        user = request.user
        if not has_action(user, ProjectLight, "view"):
            raise PermissionDenied("您没有查看项目亮灯的权限。")
        rounds = (
            DispatchRound.objects.restrict(user, "view")
            .select_related("cadence")
            .order_by("-period_start", "cadence__name", "pk")
        )
        page = Paginator(rounds, ROUNDS_PER_PAGE).get_page(request.GET.get("page"))
        ids = [dispatch_round.pk for dispatch_round in page]
        lights = ProjectLight.objects.restrict(user, "view").filter(round__in=ids).order_by()
        counts, versions = defaultdict(list), defaultdict(set)
        for round_id, level, version, count in lights.values_list(
            "round", "level", "ruleset__version"
        ).annotate(count=Count("pk")):
            counts[round_id].append((level, count))
            versions[round_id].add(version)
        rows = [
            {
                "round": dispatch_round,
                "url": reverse("lights:round_lights", kwargs={"pk": dispatch_round.pk}),
                "counts": tally(counts[dispatch_round.pk]),
                "lit": bool(counts[dispatch_round.pk]),
                "versions": "、".join(f"第 {version} 版" for version in sorted(versions[dispatch_round.pk])),
            }
            for dispatch_round in page
        ]
        return render(
            request, self.template_name, {"page": page, "rows": rows, "active": selectors.active_ruleset()}
        )


class RoundLightsView(LoginRequiredMixin, View):
    """One round's lights (worst first, with reasons) and, for the office, 亮灯 / 重新亮灯 with the
    rules in force. The round must be one the user may view (else 404). Recording is refused (403,
    nothing written) unless every light it writes is within the user's grants to add lights."""

    template_name = "lights/round_lights.html"

    def round_or_404(self, pk):
        if not has_action(self.request.user, ProjectLight, "view"):
            raise PermissionDenied("您没有查看项目亮灯的权限。")
        return get_object_or_404(
            DispatchRound.objects.restrict(self.request.user, "view").select_related("cadence"), pk=pk
        )

    def get(self, request, pk):
        return self.render_page(self.round_or_404(pk))

    def post(self, request, pk):
        dispatch_round = self.round_or_404(pk)
        user = request.user
        if not has_action(user, ProjectLight, "add"):
            raise PermissionDenied("您没有亮灯的权限。")
        replace = request.POST.get("replace") == "1"
        try:
            with transaction.atomic():
                lights = services.record_round_lights(dispatch_round, actor=user, replace=replace)
                outside = lights.exclude(pk__in=ProjectLight.objects.restrict(user, "add").values("pk"))
                if outside.exists():
                    raise PermissionDenied(
                        "本轮有不在您授权范围内的项目，不能为本轮亮灯（须由覆盖本轮全部项目的项目办操作）。"
                    )
                counts = tally(lights.order_by().values_list("level").annotate(count=Count("pk")))
        except ValidationError as error:
            return self.render_page(dispatch_round, status=400, errors=error.messages)
        ruleset = selectors.active_ruleset()
        verb = "重新亮灯" if replace else "亮灯"
        messages.success(
            request,
            f"已为“{dispatch_round.label}”{verb}（{ruleset}）：红灯 {counts['red']} 个、"
            f"黄灯 {counts['yellow']} 个、绿灯 {counts['green']} 个。",
        )
        return redirect(reverse("lights:round_lights", kwargs={"pk": dispatch_round.pk}))

    def render_page(self, dispatch_round, *, status=200, errors=()):
        user = self.request.user
        lights = (
            ProjectLight.objects.restrict(user, "view")
            .filter(round=dispatch_round)
            .select_related("project__responsible_unit", "ruleset")
            .order_by(SEVERITY, "project__code")
        )
        rows = [
            {
                "light": light,
                "label": level_label(light.level),
                "tone": level_tone(light.level),
                "reasons": reason_rows(light.reasons),
            }
            for light in lights
        ]
        counts = tally((row["light"].level, 1) for row in rows)
        lit_in_round = ProjectLight.objects.filter(round=dispatch_round)
        context = {
            "round": dispatch_round,
            "rows": rows,
            "counts": counts,
            "expected": ProgressReport.objects.restrict(user, "view").filter(round=dispatch_round).count(),
            "versions": sorted({row["light"].ruleset.version for row in rows}),
            "evaluated_at": max((row["light"].evaluated_at for row in rows), default=None),
            "active": selectors.active_ruleset(),
            "errors": errors,
            "round_url": dispatch_round.get_absolute_url(),
            "list_url": f"{reverse('lights:projectlight_list')}?round={dispatch_round.pk}",
            "rounds_url": reverse("lights:round_list"),
        }
        if has_action(user, ProjectLight, "add"):
            context["record_url"] = reverse("lights:round_lights", kwargs={"pk": dispatch_round.pk})
            context["is_lit"] = lit_in_round.exists()
            context["editor_url"] = reverse("lights:rules_editor")
        return render(self.request, self.template_name, context, status=status)
