"""Evaluating the persistence rules: the stored lights of the earlier rounds, counted by hand."""

import datetime

import pytest

from lights.engine import evaluate_lights
from lights.rules import parse_rules
from lights.tests.helpers import (
    EXAMPLE_B,
    JUNE_END,
    PERSISTENCE_RULES,
    D,
    at,
    open_week,
    project,
    report,
    weekly,
)

pytestmark = pytest.mark.django_db


# Persistence ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("listed", [900, 1], ids=["ids listed", "few ids listed"])
def test_persistence_counts_the_stored_lights_of_the_earlier_rounds(world, monkeypatch, listed):
    monkeypatch.setattr("lights.engine.data.LISTED_PROJECTS", listed)
    from lights import services

    services.save_ruleset(PERSISTENCE_RULES, actor=world.office)
    lagging = project(world, "持续滞后", plan="12000", liaison_leader=world.leader_a)
    interrupted = project(world, "中断一期", plan="12000")
    cadence = weekly(world)
    mondays = [D(2024, 6, 3) + datetime.timedelta(weeks=n) for n in range(4)]
    lights_seen = {"持续滞后": [], "中断一期": []}
    for number, monday in enumerate(mondays, start=1):
        dispatch_round = open_week(cadence, monday)
        # 序时进度 is 5/12 until 30 June: 0.4167; 3,000 of 12,000 is 0.25 → 16.67 points behind.
        report(dispatch_round, lagging, year_to_date="3000")
        report(dispatch_round, interrupted, year_to_date="6000" if number == 2 else "3000")
        services.record_round_lights(
            dispatch_round, actor=world.office, now=at(monday + datetime.timedelta(days=6))
        )
        for light in dispatch_round.lights.select_related("project"):
            lights_seen[light.project.name].append(light.level)
    assert lights_seen == {
        "持续滞后": ["yellow", "yellow", "red", "red"],
        "中断一期": ["yellow", "green", "yellow", "yellow"],
    }
    last = dispatch_round.lights.get(project=lagging)
    assert (last.level, last.base_level) == ("red", "yellow")
    persistence = last.reasons[-1]
    assert (persistence["rule"], persistence["value"], persistence["consequence"]) == (
        "连续三期黄灯",
        4,
        "由镇长甲镇领导约谈唐江镇人民政府主要负责人",
    )
    assert persistence["text"] == "已连续 4 期黄灯及以上（含本期）（红灯：连续预警期数 ≥ 3 期）"
    assert last.figures["persistence"] == {"连续三期黄灯": 4}
    # As of a date, the project's stored lights before it count, newest first, with the date itself
    # (the light stored for 30 June is not before 30 June; the green one of 16 June ends the run).
    (result,) = evaluate_lights(JUNE_END, ruleset=parse_rules(PERSISTENCE_RULES), projects=[interrupted])
    assert (result.level, result.figures["persistence"]) == ("yellow", {"连续三期黄灯": 2})
    (result,) = evaluate_lights(D(2024, 7, 1), ruleset=parse_rules(PERSISTENCE_RULES), projects=[interrupted])
    assert (result.level, result.figures["persistence"]) == ("red", {"连续三期黄灯": 3})


def test_persistence_of_one_rule(world):
    text = EXAMPLE_B + (
        '\n[[rule]]\nname = "持续低于八成"\ndimension = "persistence"\nof_rule = "完成率低于序时进度八成"\n'
        'at_least = 2\nlevel = "红"\n'
    )
    from lights import services

    services.save_ruleset(text, actor=world.office)
    made = project(world, "低于八成", plan="12000")
    cadence = weekly(world)
    first, second = (open_week(cadence, monday) for monday in (D(2024, 6, 10), D(2024, 6, 17)))
    # 序时进度 0.4167; 4,000 of 12,000 = 0.3333 → 79.99 % of it: yellow by the 80 % rule.
    for dispatch_round in (first, second):
        report(dispatch_round, made, year_to_date="4000")
    services.record_round_lights(first, actor=None, now=at(D(2024, 6, 16)))
    services.record_round_lights(second, actor=None, now=at(D(2024, 6, 23)))
    assert [first.lights.get().level, second.lights.get().level] == ["yellow", "red"]
    assert second.lights.get().reasons[-1]["text"] == (
        "规则“完成率低于序时进度八成”已连续 2 期触发（含本期）（红灯：连续预警期数 ≥ 2 期）"
    )
