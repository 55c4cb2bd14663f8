"""预警规则: the versions (list, one version with its rules as a table and what changed from the one
before), the rules editor (check, 试算 and publish the file text) and putting an earlier version back
in force. Publishing and activating go through `lights.services` with the signed-in user as actor."""

import difflib
import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from core import views as generic
from core.permissions import has_action
from lights import filtersets, selectors, services, tables
from lights.choices import Dimension
from lights.forms import RulesForm
from lights.models import ProjectLight, RuleSet
from lights.rules import MEASURES, PLACEHOLDERS, RulesError
from lights.views.display import (
    level_label,
    level_tone,
    numbered_lines,
    reason_rows,
    rule_rows,
    time_elapsed_label,
)
from projects.models import Project

HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)")
# The changed projects a dry run lists on the page (the counts cover them all).
DRY_RUN_ROWS = 200
# The editor's quick reference: each dimension with its measures (label, unit).
REFERENCE = [
    (
        dimension.value,
        dimension.label,
        [(key, label, unit) for key, (label, unit) in MEASURES[dimension].items()],
    )
    for dimension in Dimension
]


class RuleSetListView(generic.ObjectListView):
    queryset = RuleSet.objects.select_related("created_by")
    filterset = filtersets.RuleSetFilterSet
    table = tables.RuleSetTable

    def base_context(self):
        # A new version is made in the editor, not by a blank form: "新增" opens it.
        context = super().base_context()
        if has_action(self.request.user, RuleSet, "add"):
            context["add_url"] = reverse("lights:rules_editor")
        return context


class RuleSetChangelogView(generic.ObjectChangelogView):
    queryset = RuleSet.objects.all()


def text_changes(previous, current):
    """The lines that differ between two versions' texts, as (kind, line) with kind "+", "-" or "@"
    (a hunk header naming the lines), for the "与上一版相比" panel."""
    rows = []
    diff = difflib.unified_diff(previous.split("\n"), current.split("\n"), lineterm="", n=1)
    for line in list(diff)[2:]:  # the two file headers
        kind = line[:1] if line[:1] in "+-@" else " "
        if kind == "@":
            hunk = HUNK.match(line)
            rows.append((kind, f"第 {hunk.group(1)} 行起" if hunk else line))
        else:
            rows.append((kind, line[1:]))
    return rows


class RuleSetDetailView(generic.ObjectDetailView):
    queryset = RuleSet.objects.select_related("created_by")
    template_name = "lights/ruleset_detail.html"

    def extra_context(self, ruleset):
        user = self.request.user
        try:
            rules = ruleset.rules()
        except RulesError as error:  # a version written by hand that no longer reads
            rules, errors = None, error.errors
        else:
            errors = []
        previous = (
            RuleSet.objects.filter(version__lt=ruleset.version)
            .order_by("-version")
            .only("version", "text")
            .first()
        )
        context = {
            "rules": rule_rows(rules) if rules else [],
            "time_elapsed": time_elapsed_label(rules) if rules else "",
            "rule_errors": errors,
            "lines": numbered_lines(ruleset.text, [line for line, _ in errors]),
            "previous": previous,
            "changes": text_changes(previous.text, ruleset.text) if previous else [],
            "lights_url": f"{reverse('lights:projectlight_list')}?ruleset={ruleset.pk}",
            "lights_count": ProjectLight.objects.restrict(user, "view").filter(ruleset=ruleset).count(),
        }
        if has_action(user, RuleSet, "add"):
            context["editor_url"] = f"{reverse('lights:rules_editor')}?from={ruleset.pk}"
        if not ruleset.is_active and RuleSet.objects.filter(pk=ruleset.pk).restrict(user, "change").exists():
            context["activate_url"] = reverse("lights:ruleset_activate", kwargs={"pk": ruleset.pk})
        return context


class RuleSetActivateView(RuleSetDetailView):
    """POST only: put this version back in force (`services.activate_ruleset`)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        ruleset = get_object_or_404(self.restricted_queryset("view"), pk=pk)
        if not self.model.objects.filter(pk=pk).restrict(request.user, "change").exists():
            raise PermissionDenied("您没有启用预警规则的权限。")
        services.activate_ruleset(ruleset, actor=request.user)
        messages.success(request, f"已将{ruleset}恢复为现行规则；此后亮灯按此版本评价。")
        return redirect(ruleset.get_absolute_url())


class RulesEditorView(LoginRequiredMixin, View):
    """编辑规则: the rules file in a textarea. 检查 reads it line by line; 试算 evaluates it for a date
    over the user's projects and compares with their latest stored lights; 发布 saves it as the next
    version and puts it in force. A file refused shows each error with its line, the input kept and
    nothing saved."""

    template_name = "lights/rules_editor.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_action(request.user, RuleSet, "add"):
            raise PermissionDenied("您没有修改预警规则的权限。")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        visible = RuleSet.objects.restrict(request.user, "view")
        if request.GET.get("from"):
            if not request.GET["from"].isdigit():
                raise Http404("没有这个规则版本。")
            source = get_object_or_404(visible, pk=request.GET["from"])
        else:
            source = visible.filter(is_active=True).first()
        form = RulesForm(initial={"text": source.text if source else "", "note": ""})
        return self.render_editor(form, source=source)

    def post(self, request):
        form = RulesForm(request.POST)
        action = request.POST.get("action", "check")
        if not form.is_valid():
            return self.render_editor(form, status=400)
        text, note = form.cleaned_data["text"], form.cleaned_data["note"]
        if action == "save":
            current = selectors.active_ruleset()
            ruleset = services.save_ruleset(text, actor=request.user, note=note)  # the form read it already
            if current is not None and ruleset.pk == current.pk:
                messages.info(request, f"规则没有改动，现行的{ruleset}保持不变。")
            else:
                messages.success(request, f"已发布{ruleset}并启用；此后亮灯按此版本评价。")
            return redirect(ruleset.get_absolute_url())
        context = {"checked": True}
        if action == "dry_run":
            as_of = form.cleaned_data["as_of"]
            projects = Project.objects.restrict(request.user, "view")
            context["dry_run"] = dry_run_context(
                selectors.dry_run(form.rules, as_of=as_of, projects=projects, now=timezone.now())
            )
        return self.render_editor(form, **context)

    def render_editor(self, form, *, source=None, status=200, **extra):
        current = selectors.active_ruleset()
        text = form["text"].value() or ""
        context = {
            "form": form,
            "source": source,
            "current": current,
            "lines": numbered_lines(text, form.error_lines),
            "line_count": max(1, len(text.replace("\r\n", "\n").split("\n"))),
            "error_lines": form.error_lines,
            "rule_errors": form.rule_errors,
            "rules": rule_rows(form.rules) if form.rules else [],
            "time_elapsed": time_elapsed_label(form.rules) if form.rules else "",
            "list_url": reverse("lights:ruleset_list"),
            "dimensions": REFERENCE,
            "placeholders": PLACEHOLDERS,
            **extra,
        }
        return render(self.request, self.template_name, context, status=status)


def dry_run_context(result):
    """The dry run as the page shows it: per level the count under the rules tried and under the
    latest stored lights, and the first DRY_RUN_ROWS changed projects."""
    levels = [("red", "红灯"), ("yellow", "黄灯"), ("green", "绿灯"), ("none", "未亮灯")]
    return {
        "as_of": result.as_of,
        "total": len(result.results),
        "levels": [
            {
                "level": level,
                "label": label,
                "tone": level_tone(level),
                "tried": result.counts.get(level, 0) if level != "none" else None,
                "stored": result.stored_counts.get(level, 0),
            }
            for level, label in levels
        ],
        "changed_count": len(result.changed),
        "changed": [
            {
                "code": change.result.code,
                "name": change.result.name,
                "project_url": reverse("projects:project_detail", kwargs={"pk": change.result.project_id}),
                "stored": change.stored,
                "stored_label": level_label(change.stored.level if change.stored else None),
                "stored_tone": level_tone(change.stored.level if change.stored else None),
                "level": change.result.level,
                "level_label": level_label(change.result.level),
                "tone": level_tone(change.result.level),
                "reasons": reason_rows(change.result.reasons),
            }
            for change in result.changed[:DRY_RUN_ROWS]
        ],
        "shown": min(len(result.changed), DRY_RUN_ROWS),
    }
