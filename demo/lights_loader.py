"""The demo weeks' warning lights: each Nankang round lit by the rules in force (the default rule set
shipped with `lights`), oldest first so that the persistence rules see the weeks before, at the
round's due time. Loaded once: rounds that already have lights keep them."""

from collections import Counter

from dispatch.models import DispatchRound
from lights import services
from lights.choices import Level
from lights.models import ProjectLight
from lights.selectors import active_ruleset

from . import data as org_data
from . import dispatch_data

LIGHTS_MODELS = (ProjectLight,)
REASON = "演示数据（预警亮灯）"


def _rounds():
    return DispatchRound.objects.filter(
        cadence__region__code=org_data.NANKANG_REGION, cadence__name=dispatch_data.CADENCE
    ).order_by("period_start")


def load_lights(result):
    """Light every demo round that has no lights yet."""
    if active_ruleset() is None:
        return
    for dispatch_round in _rounds():
        if ProjectLight.objects.filter(round=dispatch_round).exists():
            continue
        lights = services.record_round_lights(dispatch_round, actor=None, now=dispatch_round.due_at)
        result.created[ProjectLight] += lights.count()


def lights_summary():
    """A line for the demo command: the last demo week's lights by colour."""
    last = _rounds().last()
    if last is None:
        return []
    levels = Counter(ProjectLight.objects.filter(round=last).values_list("level", flat=True))
    if not levels:
        return []
    return [
        f"预警亮灯（{last.label}）：红灯 {levels[Level.RED]} 个，黄灯 {levels[Level.YELLOW]} 个，"
        f"绿灯 {levels[Level.GREEN]} 个"
    ]
