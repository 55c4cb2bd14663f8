"""Workflows of the lights: publishing a new version of the rules, putting a version back in force,
and recording a dispatch round's lights.

Each takes `actor` keyword-only, runs in one transaction and records history. Lights are written in
bulk with their history records (`core.bulk.HistoryWriter`), as the importers write: a county's round
is ten thousand projects.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from core.bulk import HistoryWriter
from core.history import current_request_id, history_context

from .engine import evaluate_lights
from .models import ProjectLight, RuleSet
from .rules import parse_rules
from .selectors import active_ruleset


def save_ruleset(text, *, actor, note=""):
    """Publish `text` as the next version of the rules and put it in force.

    The text is checked first (`lights.rules.RulesError`, a ValidationError naming each line, when it
    is refused). Text identical to the version in force publishes nothing and returns that version.
    Earlier versions are kept as they were: lights computed with them keep pointing at them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parse_rules(text)
    with transaction.atomic(), history_context(actor=actor, reason="发布预警规则"):
        current = RuleSet.objects.select_for_update().filter(is_active=True).first()
        if current is not None and current.text == text:
            return current
        version = (RuleSet.objects.aggregate(last=Max("version"))["last"] or 0) + 1
        if current is not None:
            current.is_active = False
            current.save()
        return RuleSet.objects.create(
            version=version, text=text, note=note.strip(), created_by=actor, is_active=True
        )


def activate_ruleset(ruleset, *, actor):
    """Put an earlier version back in force (the lights recorded from now on use it)."""
    ruleset.rules()  # a version saved through save_ruleset always reads; refuse one that does not
    with transaction.atomic(), history_context(actor=actor, reason=f"启用预警规则第 {ruleset.version} 版"):
        current = RuleSet.objects.select_for_update().filter(is_active=True).first()
        if current is not None and current.pk == ruleset.pk:
            return ruleset
        if current is not None:
            current.is_active = False
            current.save()
        ruleset.is_active = True
        ruleset.save()
    return ruleset


LIGHT_FIELDS = (
    "level",
    "base_level",
    "reasons",
    "fired_rules",
    "figures",
    "ruleset_id",
    "as_of",
    "evaluated_at",
)


def record_round_lights(dispatch_round, *, actor, replace=False, now=None):
    """Evaluate the rules in force for `dispatch_round`'s expected projects at its period end and store
    one ProjectLight per project, in one transaction with history; returns the round's lights.

    A round that has lights keeps them: a later change of the rules never changes them. Recording it
    again is explicit (`replace=True`): its lights are then replaced with those of the rules in force
    (each light updated in place, so its history shows the old and the new level and version)."""
    ruleset = active_ruleset()
    if ruleset is None:
        raise ValidationError("尚未发布预警规则，无法亮灯。")
    existing = dict(ProjectLight.objects.filter(round=dispatch_round).values_list("project_id", "pk"))
    if existing and not replace:
        raise ValidationError(f"“{dispatch_round.label}”已亮灯；如需按现行规则重新亮灯，请选择“重新亮灯”。")
    now = now or timezone.now()
    results = evaluate_lights(dispatch_round.period_end, ruleset=ruleset, round=dispatch_round, now=now)
    verb = "重新亮灯" if existing else "亮灯"
    reason = f"{verb}：{dispatch_round.label}（预警规则第 {ruleset.version} 版）"
    with transaction.atomic(), history_context(actor=actor, reason=reason):
        writer = HistoryWriter(
            actor=actor, reason=reason, request_id=current_request_id(), now=timezone.now()
        )
        created, updated = [], []
        for result in results:
            values = {
                "level": result.level,
                "base_level": result.base_level,
                "reasons": result.reasons,
                "fired_rules": "\n".join(reason["rule"] for reason in result.reasons),
                "figures": result.figures,
                "ruleset_id": ruleset.pk,
                "as_of": dispatch_round.period_end,
                "evaluated_at": now,
            }
            pk = existing.pop(result.project_id, None)
            if pk is None:
                created.append(
                    {
                        "created_at": writer.now,
                        "updated_at": writer.now,
                        "is_synthetic": result.is_synthetic,
                        "project_id": result.project_id,
                        "round_id": dispatch_round.pk,
                        **values,
                    }
                )
            else:
                updated.append({"id": pk, **values})
        writer.create(ProjectLight, created)
        writer.update(ProjectLight, updated, list(LIGHT_FIELDS))
        # Projects no longer expected in the round lose their light; the history keeps it ("-").
        ProjectLight.objects.filter(pk__in=list(existing.values())).delete()
    return ProjectLight.objects.filter(round=dispatch_round)


def record_due_round_lights(*, now=None, actor):
    """Record the lights of every round whose due time has passed, that expected reports and has no
    lights yet, oldest first (so each sees its predecessors' lights); nothing without rules in force.
    Returns the rounds recorded. The periodic job calls this; running it twice records nothing twice."""
    from dispatch.models import DispatchRound, ProgressReport

    if active_ruleset() is None:
        return []
    now = now or timezone.now()
    due = (
        DispatchRound.objects.filter(due_at__lte=now)
        .filter(Exists(ProgressReport.objects.filter(round=OuterRef("pk"))))
        .exclude(Exists(ProjectLight.objects.filter(round=OuterRef("pk"))))
        .order_by("period_start", "cadence_id", "pk")
    )
    recorded = []
    for dispatch_round in due:
        record_round_lights(dispatch_round, actor=actor, now=now)
        recorded.append(dispatch_round)
    return recorded
