"""Reads of the lights: the rules in force, each project's latest light, a project's light history,
and the evaluation itself (`evaluate_lights`, pure computation, see `lights.engine`)."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from .choices import LEVEL_RANK, Level
from .engine import LightResult, evaluate_lights
from .models import ProjectLight, RuleSet

__all__ = [
    "DryRun",
    "LightChange",
    "LightResult",
    "active_ruleset",
    "dry_run",
    "evaluate_lights",
    "latest_lights",
    "light_history",
    "with_latest_light",
]


def active_ruleset():
    """The rule set in force, or None."""
    return RuleSet.objects.filter(is_active=True).first()


def _latest(field):
    return Subquery(
        ProjectLight.objects.filter(project=OuterRef("pk")).order_by("-as_of", "-id").values(field)[:1]
    )


def with_latest_light(projects):
    """`projects` (a Project queryset) annotated with `light_level` and `light_as_of`, its latest
    light's level and date (None when it has none) — for the light column and filter of project
    lists. Each is one lookup per project on light_project_latest_idx."""
    return projects.annotate(light_level=_latest("level"), light_as_of=_latest("as_of"))


def latest_lights(projects):
    """{project id: its latest ProjectLight} for `projects` (a Project queryset)."""
    latest_ids = projects.order_by().annotate(latest_light=_latest("pk")).values("latest_light")
    rows = ProjectLight.objects.filter(pk__in=latest_ids).select_related("round", "ruleset")
    return {light.project_id: light for light in rows}


def light_history(project, *, lights=None):
    """`project`'s lights, newest first (`lights`: a user's restricted ProjectLight queryset)."""
    lights = ProjectLight.objects.all() if lights is None else lights
    return lights.filter(project=project).select_related("round", "ruleset").order_by("-as_of", "-id")


@dataclass
class LightChange:
    """A project whose light under rules being tried differs from its latest stored light."""

    result: LightResult
    stored: ProjectLight | None


@dataclass
class DryRun:
    """试算: the lights some rules would give on `as_of` (written nowhere), their tally by level, the
    tally of the same projects' latest stored lights ("none" for a project without one), and the
    projects whose light would change, worst new light first."""

    as_of: datetime.date
    results: list
    counts: dict
    stored_counts: dict
    changed: list = field(default_factory=list)


def dry_run(rules, *, as_of, projects, now=None):
    """Evaluate `rules` (parsed `Rules` or a RuleSet) on `as_of` for `projects` (a Project queryset,
    already restricted to the user) and compare with their latest stored lights; writes nothing."""
    results = evaluate_lights(as_of, ruleset=rules, projects=projects, now=now)
    stored = latest_lights(projects)
    counts = Counter(result.level for result in results)
    stored_counts = Counter()
    changed = []
    for result in results:
        light = stored.get(result.project_id)
        stored_counts[light.level if light is not None else "none"] += 1
        if light is None or light.level != result.level:
            changed.append(LightChange(result=result, stored=light))
    changed.sort(key=lambda change: (-LEVEL_RANK[Level(change.result.level)], change.result.code))
    return DryRun(
        as_of=as_of,
        results=results,
        counts={level.value: counts.get(level.value, 0) for level in Level},
        stored_counts={key: stored_counts.get(key, 0) for key in (*Level.values, "none")},
        changed=changed,
    )
