"""Evaluating the progress rules, with numbers computed by hand: the three ways of reckoning 序时进度,
the two published examples, each just inside, on and just outside its thresholds, year to date,
and filters by tier and stage."""

import datetime
from decimal import Decimal

import pytest

from dispatch.choices import ReportStatus
from lights.choices import TimeElapsedMode
from lights.engine import evaluate_lights
from lights.engine.measures import months_elapsed, time_elapsed_ratio, whole_months
from lights.rules import parse_rules
from lights.tests.helpers import (
    EXAMPLE_A,
    EXAMPLE_B,
    JUNE_END,
    LAST_JUNE_WEEK,
    D,
    by_name,
    levels,
    open_week,
    project,
    report,
    rules_text,
    weekly,
)
from projects.choices import Stage

pytestmark = pytest.mark.django_db


# Arithmetic ---------------------------------------------------------------------------------------


def test_whole_months_and_months_elapsed():
    assert whole_months(D(2024, 5, 31), D(2024, 6, 30)) == 1  # month ends meet
    assert whole_months(D(2024, 1, 31), D(2024, 2, 29)) == 1
    assert whole_months(D(2024, 3, 15), D(2024, 6, 14)) == 2
    assert whole_months(D(2024, 3, 15), D(2024, 6, 15)) == 3
    assert whole_months(D(2024, 6, 15), D(2024, 6, 1)) == 0
    assert [months_elapsed(D(2024, 6, day)) for day in (1, 29, 30)] == [5, 5, 6]
    assert months_elapsed(D(2024, 1, 15)) == 0


def test_the_three_ways_of_reckoning_time_elapsed():
    months = [Decimal("100")] * 6 + [Decimal("200")] * 6  # 1,800 万元, back-loaded
    assert time_elapsed_ratio(JUNE_END) == (Decimal("0.5000"), "months")
    assert time_elapsed_ratio(D(2024, 6, 29)) == (Decimal("0.4167"), "months")  # 5 / 12
    # 30 June 2024 is day 182 of 366; 2023 had 365 days.
    assert time_elapsed_ratio(JUNE_END, TimeElapsedMode.DAYS) == (Decimal("0.4973"), "days")
    assert time_elapsed_ratio(D(2023, 6, 30), TimeElapsedMode.DAYS) == (Decimal("0.4959"), "days")
    plan = time_elapsed_ratio(JUNE_END, TimeElapsedMode.PLAN, amount=Decimal(1800), month_amounts=months)
    assert plan == (Decimal("0.3333"), "plan")  # 600 / 1,800
    # Without twelve month amounts, the plan mode falls back to months.
    assert time_elapsed_ratio(JUNE_END, TimeElapsedMode.PLAN, amount=Decimal(1800), month_amounts=[]) == (
        Decimal("0.5000"),
        "months",
    )


# The published examples ---------------------------------------------------------------------------


def round_with_figures(world, figures, **project_fields):
    """One weekly round ending 30 June 2024 in which each project (name → (plan, year to date)) reported
    its year-to-date figure."""
    made = {name: project(world, name, plan=plan, **project_fields) for name, (plan, _) in figures.items()}
    dispatch_round = open_week(weekly(world), LAST_JUNE_WEEK)
    for name, (_, completed) in figures.items():
        report(dispatch_round, made[name], year_to_date=completed)
    return dispatch_round, made


def test_example_a_and_b_on_the_hand_computed_project(world):
    # Annual plan 1,200, 300 completed by 30 June 2024: ratio 25 %, 序时进度 6/12 = 50 %,
    # gap 25 points → (a) yellow; 25 % is 50 % of 序时进度 → (b) red.
    dispatch_round, _ = round_with_figures(world, {"家具产业园": ("1200", "300")})
    (a,) = evaluate_lights(JUNE_END, ruleset=parse_rules(EXAMPLE_A), round=dispatch_round)
    assert a.level == "yellow"
    assert a.figures["progress"] == {
        "year_to_date": "300.00",
        "reported_for": "2024-06-30",
        "annual_plan": "1200.00",
        "ratio": 0.25,
        "time_elapsed_ratio": 0.5,
        "time_elapsed_basis": "months",
        "gap_points": 25,
        "ratio_of_schedule": 50,
    }
    (reason,) = a.reasons
    assert reason == {
        "rule": "投资进度滞后",
        "dimension": "progress",
        "measure": "gap_points",
        "level": "yellow",
        "value": 25,
        "unit": "个百分点",
        "thresholds": {"at_least": 10, "at_most": 30},
        "threshold_text": "年度投资完成率落后序时进度 ≥ 10 且 ≤ 30 个百分点",
        "figures": a.figures["progress"],
        "consequence": "唐江镇人民政府书面说明原因",
        "text": "年度计划投资 1200.00 万元，年度累计完成 300.00 万元，完成率 25.00%，序时进度 50.00%，"
        "落后序时进度 25 个百分点（黄灯：年度投资完成率落后序时进度 ≥ 10 且 ≤ 30 个百分点）",
    }
    (b,) = evaluate_lights(JUNE_END, ruleset=parse_rules(EXAMPLE_B), round=dispatch_round)
    assert (b.level, b.reasons[0]["rule"], b.reasons[0]["value"]) == ("red", "完成率低于序时进度六成", 50)
    assert b.reasons[0]["consequence"] == "由联系领导约谈责任单位主要负责人"


def test_example_a_just_inside_on_and_just_outside_its_thresholds(world):
    # Plan 10,000 on 30 June (序时进度 50 %): 4,001 → gap 9.99; 4,000 → 10; 2,000 → 30; 1,999 → 30.01.
    dispatch_round, _ = round_with_figures(
        world,
        {
            "差9.99点": ("10000", "4001"),
            "差10点": ("10000", "4000"),
            "差20点": ("10000", "3000"),
            "差30点": ("10000", "2000"),
            "差30.01点": ("10000", "1999"),
            "超前": ("10000", "6000"),
        },
    )
    results = evaluate_lights(JUNE_END, ruleset=parse_rules(EXAMPLE_A), round=dispatch_round)
    assert levels(results) == {
        "差9.99点": "green",
        "差10点": "yellow",
        "差20点": "yellow",
        "差30点": "yellow",
        "差30.01点": "red",
        "超前": "green",
    }
    assert by_name(results)["差30.01点"].reasons[0]["value"] == 30.01
    assert by_name(results)["超前"].figures["progress"]["gap_points"] == -10


def test_example_b_just_inside_on_and_just_outside_its_thresholds(world):
    # 序时进度 50 %: 4,000 of 10,000 is 80 % of it, 3,999 → 79.98 %, 3,000 → 60 %, 2,999 → 59.98 %.
    dispatch_round, _ = round_with_figures(
        world,
        {
            "八成": ("10000", "4000"),
            "不足八成": ("10000", "3999"),
            "六成": ("10000", "3000"),
            "不足六成": ("10000", "2999"),
        },
    )
    results = evaluate_lights(JUNE_END, ruleset=parse_rules(EXAMPLE_B), round=dispatch_round)
    assert levels(results) == {"八成": "green", "不足八成": "yellow", "六成": "yellow", "不足六成": "red"}
    assert by_name(results)["不足八成"].reasons[0]["value"] == 79.98


def test_the_rules_setting_chooses_how_time_elapsed_is_reckoned(world):
    # Plan 1,800 phased 100 a month to June then 200; 500 completed by 30 June 2024.
    months = ["100"] * 6 + ["200"] * 6
    made = project(world, "分月计划项目", plan="1800", month_amounts=months)
    dispatch_round = open_week(weekly(world), LAST_JUNE_WEEK)
    report(dispatch_round, made, year_to_date="500")
    gaps = {}
    for mode in ("months", "days", "plan"):
        rules = parse_rules(
            EXAMPLE_A.replace('time_elapsed_ratio = "months"', f'time_elapsed_ratio = "{mode}"')
        )
        (result,) = evaluate_lights(JUNE_END, ruleset=rules, round=dispatch_round)
        figures = result.figures["progress"]
        gaps[mode] = (figures["time_elapsed_ratio"], figures["gap_points"], result.level)
    # ratio 500 / 1,800 = 0.2778: months 0.5 → 22.22 points; days 0.4973 → 21.95; plan 0.3333 → 5.55.
    assert gaps == {
        "months": (0.5, 22.22, "yellow"),
        "days": (0.4973, 21.95, "yellow"),
        "plan": (0.3333, 5.55, "green"),
    }


@pytest.mark.parametrize("listed", [900, 2], ids=["ids listed", "few ids listed"])
def test_year_to_date_is_the_latest_reported_figure_of_the_year(world, monkeypatch, listed):
    # With 2, the first look-up selects the projects by subquery and the later ones by ids, two at a time.
    monkeypatch.setattr("lights.engine.data.LISTED_PROJECTS", listed)
    cadence = weekly(world)
    reported_earlier = project(world, "上周已报", plan="1200")
    returned = project(world, "本周退回", plan="1200")
    project(world, "从未报送", plan="1200")
    last_year = project(world, "去年报送", plan="1200")
    long_ago = project(world, "五周前报送", plan="1200")
    december = open_week(cadence, D(2023, 12, 25))
    weeks = {
        number: open_week(cadence, D(2024, 5, 20) + datetime.timedelta(weeks=number - 21))
        for number in range(21, 27)
    }
    report(december, last_year, year_to_date="1000")
    report(weeks[21], long_ago, year_to_date="120")
    report(weeks[25], reported_earlier, year_to_date="450")
    report(weeks[25], returned, year_to_date="300")
    report(weeks[26], returned, year_to_date="900", status=ReportStatus.RETURNED)
    results = by_name(evaluate_lights(JUNE_END, ruleset=parse_rules(EXAMPLE_A), round=weeks[26]))
    assert {
        name: (r.figures["progress"]["year_to_date"], r.figures["progress"]["reported_for"])
        for name, r in results.items()
    } == {
        "上周已报": ("450.00", "2024-06-23"),
        "本周退回": ("300.00", "2024-06-23"),  # the returned figure was not accepted
        "从未报送": ("0", None),
        "去年报送": ("0", None),  # a new year starts from nothing
        "五周前报送": ("120.00", "2024-05-26"),
    }
    # The same without a round: the latest figures reported by 30 June, or by 16 June.
    as_of = by_name(evaluate_lights(JUNE_END, ruleset=parse_rules(EXAMPLE_A)))
    assert as_of["上周已报"].figures["progress"]["year_to_date"] == "450.00"
    assert as_of["本周退回"].figures["progress"]["year_to_date"] == "300.00"
    earlier = by_name(evaluate_lights(D(2024, 6, 16), ruleset=parse_rules(EXAMPLE_A)))
    assert earlier["上周已报"].figures["progress"]["year_to_date"] == "0"
    assert earlier["五周前报送"].figures["progress"]["year_to_date"] == "120.00"


def test_no_annual_plan_or_nothing_due_yet_gives_no_progress_light(world):
    no_plan = project(world, "无年度计划")
    early = project(world, "年初项目", plan="1200")
    cadence = weekly(world)
    first_week = open_week(cadence, D(2024, 1, 1))  # ends 7 January: no month complete yet
    report(first_week, early, year_to_date="0")
    report(first_week, no_plan, year_to_date="0")
    results = by_name(evaluate_lights(D(2024, 1, 7), ruleset=parse_rules(EXAMPLE_B), round=first_week))
    assert levels(results.values()) == {"无年度计划": "green", "年初项目": "green"}
    assert results["无年度计划"].figures["progress"]["annual_plan"] is None
    assert results["年初项目"].figures["progress"]["ratio_of_schedule"] is None


def test_filters_narrow_a_rule_to_tiers_and_stages(world):
    text = rules_text(
        {
            "name": "重大项目滞后",
            "dimension": "progress",
            "measure": "gap_points",
            "above": 5,
            "level": "红",
            "tiers": ["重大"],
            "stages": ["在建"],
        }
    )
    dispatch_round, _ = round_with_figures(world, {"普通项目": ("1000", "400")})
    major = project(world, "重大项目", plan="1000", is_major=True)
    stalled = project(world, "停缓建重大项目", plan="1000", is_major=True, stage=Stage.STALLED)
    open_week(dispatch_round.cadence, LAST_JUNE_WEEK)  # adds the new projects to the round
    report(dispatch_round, major, year_to_date="400")
    report(dispatch_round, stalled, year_to_date="400")
    results = evaluate_lights(JUNE_END, ruleset=parse_rules(text), round=dispatch_round)
    assert levels(results) == {"普通项目": "green", "重大项目": "red", "停缓建重大项目": "green"}
