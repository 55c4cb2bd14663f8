"""The demo weeks' lights: every expected report's project lit in every round, by the shipped rules,
each light explained; the demo command prints the last week's count by colour."""

from collections import Counter

import pytest

from dispatch.models import DispatchRound, ProgressReport
from lights.choices import Level
from lights.models import ProjectLight
from lights.selectors import active_ruleset

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_output, db):
    return demo_output


def test_every_round_lights_its_expected_projects_with_the_rules_in_force(demo):
    rounds = list(DispatchRound.objects.filter(cadence__name="每周调度").order_by("period_start"))
    assert len(rounds) == 10
    ruleset = active_ruleset()
    for dispatch_round in rounds:
        expected = set(
            ProgressReport.objects.filter(round=dispatch_round).values_list("project_id", flat=True)
        )
        lights = ProjectLight.objects.filter(round=dispatch_round)
        assert set(lights.values_list("project_id", flat=True)) == expected
        assert set(lights.values_list("ruleset", flat=True)) == {ruleset.pk}
        assert set(lights.values_list("as_of", flat=True)) == {dispatch_round.period_end}


def test_a_light_other_than_green_says_why(demo):
    lights = ProjectLight.objects.exclude(level=Level.GREEN)
    assert lights.exists()
    for light in lights:
        assert light.reasons and all(reason["rule"] and reason["level"] for reason in light.reasons)
        assert light.level in {reason["level"] for reason in light.reasons} | {light.base_level}


def test_the_demo_command_counts_the_last_weeks_lights(demo):
    last = DispatchRound.objects.filter(cadence__name="每周调度").order_by("period_start").last()
    levels = Counter(ProjectLight.objects.filter(round=last).values_list("level", flat=True))
    assert levels[Level.GREEN] > levels[Level.YELLOW] > 0
    assert (
        f"红灯 {levels[Level.RED]} 个，黄灯 {levels[Level.YELLOW]} 个，绿灯 {levels[Level.GREEN]} 个" in demo
    )
