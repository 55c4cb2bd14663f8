"""Publishing rules as versions, recording a round's lights with history, re-recording explicitly, a
change of rules leaving past lights alone, and the periodic job."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from lights import services
from lights.models import ProjectLight, RuleSet
from lights.rules import RulesError
from lights.tests.helpers import (
    EXAMPLE_A,
    EXAMPLE_B,
    LAST_JUNE_WEEK,
    D,
    at,
    open_week,
    project,
    report,
    weekly,
)

pytestmark = pytest.mark.django_db


def test_saving_rules_publishes_the_next_version_and_puts_it_in_force(world):
    first = RuleSet.objects.get()
    second = services.save_ruleset(EXAMPLE_A, actor=world.office, note="按 2024 年考核办法")
    first.refresh_from_db()
    assert (second.version, second.is_active, second.created_by, second.note) == (
        2,
        True,
        world.office,
        "按 2024 年考核办法",
    )
    assert (first.version, first.is_active) == (1, False)
    assert services.save_ruleset(EXAMPLE_A.replace("\n", "\r\n"), actor=world.office) == second  # unchanged
    third = services.save_ruleset(EXAMPLE_B, actor=world.office)
    assert list(RuleSet.objects.values_list("version", "is_active")) == [(3, True), (2, False), (1, False)]
    record = third.history.get()
    assert (record.history_user, record.history_change_reason, record.text) == (
        world.office,
        "发布预警规则",
        EXAMPLE_B,
    )
    # An earlier version can be put back in force.
    services.activate_ruleset(second, actor=world.office)
    assert list(RuleSet.objects.filter(is_active=True)) == [second]


def test_refused_rules_publish_nothing(world):
    with pytest.raises(RulesError) as caught:
        services.save_ruleset(
            '[[rule]]\nname = "甲"\ndimension = "speed"\nat_least = 1\nlevel = "黄"\n', actor=None
        )
    assert caught.value.messages[0].startswith("第 3 行：规则“甲”的维度（dimension）“speed”未知")
    assert list(RuleSet.objects.values_list("version", "is_active")) == [(1, True)]


def test_a_saved_version_is_never_rewritten(world):
    ruleset = RuleSet.objects.get()
    ruleset.text = EXAMPLE_A
    with pytest.raises(ValidationError) as caught:
        ruleset.save()
    assert caught.value.message_dict == {"text": ["已保存的规则版本不能修改，请保存为新版本。"]}
    ruleset.refresh_from_db()
    ruleset.note = "说明可以补充"
    ruleset.save()
    assert RuleSet.objects.get().note == "说明可以补充"


def june_round(world):
    """The round of 24–30 June 2024 with two reported projects: 300 and 500 of 1,200 (gaps 25 and 8.33)."""
    behind = project(world, "滞后项目", plan="1200")
    on_track = project(world, "正常项目", plan="1200", unit=world.unit_b)
    dispatch_round = open_week(weekly(world), LAST_JUNE_WEEK)
    report(dispatch_round, behind, year_to_date="300")
    report(dispatch_round, on_track, year_to_date="500")
    return dispatch_round, behind, on_track


def test_recording_a_round_stores_each_projects_light_with_history(world):
    dispatch_round, behind, on_track = june_round(world)
    ruleset = services.save_ruleset(EXAMPLE_A, actor=world.office)
    moment = at(D(2024, 7, 1), 9)
    lights = services.record_round_lights(dispatch_round, actor=world.office, now=moment)
    stored = {light.project: light for light in lights}
    assert {
        p.name: (light.level, light.as_of, light.ruleset, light.evaluated_at) for p, light in stored.items()
    } == {
        "滞后项目": ("yellow", D(2024, 6, 30), ruleset, moment),
        "正常项目": ("green", D(2024, 6, 30), ruleset, moment),
    }
    assert stored[behind].reasons[0]["rule"] == "投资进度滞后"
    assert (stored[behind].base_level, stored[behind].fired_rules) == ("yellow", "投资进度滞后")
    assert stored[behind].figures["progress"]["gap_points"] == 25
    assert stored[on_track].reasons == []
    assert stored[on_track].figures["progress"]["gap_points"] == 8.33
    record = stored[behind].history.get()
    assert (record.history_type, record.history_user, record.level, record.history_change_reason) == (
        "+",
        world.office,
        "yellow",
        f"亮灯：{dispatch_round.label}（预警规则第 2 版）",
    )
    assert record.request_id
    # Recording again is refused unless asked for explicitly.
    with pytest.raises(ValidationError) as caught:
        services.record_round_lights(dispatch_round, actor=world.office)
    assert caught.value.messages == [
        f"“{dispatch_round.label}”已亮灯；如需按现行规则重新亮灯，请选择“重新亮灯”。"
    ]


def test_a_change_of_rules_does_not_change_a_past_rounds_lights(world):
    june, behind, on_track = june_round(world)
    version_a = services.save_ruleset(EXAMPLE_A, actor=world.office)
    services.record_round_lights(june, actor=world.office, now=at(D(2024, 7, 1)))
    before = list(ProjectLight.objects.filter(round=june).order_by("pk").values())
    # Example (b) is stricter: 300 of 1,200 is 50 % of 序时进度 (red), 500 is 83.33 % (green).
    version_b = services.save_ruleset(EXAMPLE_B, actor=world.office)
    july = open_week(june.cadence, D(2024, 7, 1))
    report(july, behind, year_to_date="300")
    report(july, on_track, year_to_date="500")
    services.record_round_lights(july, actor=world.office, now=at(D(2024, 7, 8)))
    assert list(ProjectLight.objects.filter(round=june).order_by("pk").values()) == before
    assert {light.project.name: (light.level, light.ruleset) for light in july.lights.all()} == {
        "滞后项目": ("red", version_b),
        "正常项目": ("green", version_b),
    }
    assert set(june.lights.values_list("ruleset", flat=True)) == {version_a.pk}
    # Re-recording the past round is explicit, and its history shows the old and the new light.
    services.record_round_lights(june, actor=world.office, replace=True, now=at(D(2024, 7, 9)))
    light = june.lights.get(project=behind)
    assert (light.level, light.ruleset, light.evaluated_at) == ("red", version_b, at(D(2024, 7, 9)))
    assert [(r.history_type, r.level, r.ruleset_id) for r in light.history.order_by("history_id")] == [
        ("+", "yellow", version_a.pk),
        ("~", "red", version_b.pk),
    ]
    assert light.history.latest().history_change_reason == f"重新亮灯：{june.label}（预警规则第 3 版）"


def test_re_recording_drops_the_light_of_a_project_no_longer_expected(world):
    dispatch_round, behind, _ = june_round(world)
    services.record_round_lights(dispatch_round, actor=world.office, now=at(D(2024, 7, 1)))
    gone = dispatch_round.lights.get(project=behind)
    dispatch_round.reports.filter(project=behind).delete()
    services.record_round_lights(dispatch_round, actor=world.office, replace=True)
    assert [light.project.name for light in dispatch_round.lights.all()] == ["正常项目"]
    assert gone.history.latest().history_type == "-"


def test_no_rules_in_force_records_nothing(world):
    dispatch_round, _, _ = june_round(world)
    RuleSet.objects.update(is_active=False)
    with pytest.raises(ValidationError) as caught:
        services.record_round_lights(dispatch_round, actor=None)
    assert caught.value.messages == ["尚未发布预警规则，无法亮灯。"]
    assert services.record_due_round_lights(actor=None) == []
    assert not ProjectLight.objects.exists()


def test_the_periodic_job_records_due_rounds_without_lights_oldest_first(world):
    from lights.tasks import record_due_lights

    behind = project(world, "滞后项目", plan="1200")
    cadence = weekly(world)
    mondays = [D(2024, 6, 17), D(2024, 6, 24)]
    rounds = [open_week(cadence, monday) for monday in mondays]
    for dispatch_round in rounds:
        report(dispatch_round, behind, year_to_date="300")
    empty = weekly(world, name="无项目调度", stages=["completed"])
    open_week(empty, D(2024, 6, 24))  # expects no report: nothing to light
    services.save_ruleset(EXAMPLE_A, actor=world.office)
    assert record_due_lights.call_local() == {"rounds": [r.pk for r in rounds]}
    assert [r.lights.get().level for r in rounds] == ["yellow", "yellow"]
    assert record_due_lights.call_local() == {"rounds": []}
    # A round not yet due waits for its due time.
    today = datetime.date.today()
    current = open_week(cadence, today - datetime.timedelta(days=today.weekday()))
    recorded = services.record_due_round_lights(
        actor=None, now=current.due_at - datetime.timedelta(minutes=1)
    )
    assert recorded == []
    assert [r.pk for r in services.record_due_round_lights(actor=None, now=current.due_at)] == [current.pk]
