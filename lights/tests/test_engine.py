"""Evaluating the rules, with numbers computed by hand: each dimension just inside, on and just outside
its thresholds, the two published examples, the three ways of reckoning 序时进度, persistence, and a
few queries for any number of projects."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.history import history_context
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
    at,
    milestone,
    open_week,
    planned_start,
    project,
    report,
    rules_text,
    weekly,
)
from projects import services as project_services
from projects.choices import MilestoneKind, Stage

pytestmark = pytest.mark.django_db


def levels(results):
    return {result.name: result.level for result in results}


def by_name(results):
    return {result.name: result for result in results}


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


# Start ---------------------------------------------------------------------------------------------

START_RULES = rules_text(
    {
        "name": "逾期未开工",
        "dimension": "start",
        "measure": "days_late",
        "at_least": 30,
        "below": 60,
        "level": "黄",
    },
    {"name": "逾期两月未开工", "dimension": "start", "measure": "days_late", "at_least": 60, "level": "红"},
)


def test_start_is_late_by_days_from_the_planned_date(world):
    planned = {
        "逾期29天": D(2024, 6, 1),
        "逾期30天": D(2024, 5, 31),
        "逾期31天": D(2024, 5, 30),
        "逾期59天": D(2024, 5, 2),
        "逾期60天": D(2024, 5, 1),
    }
    for name, day in planned.items():
        planned_start(project(world, name, stage=Stage.PLANNED), day)
    # Planned for the end of 2023 by year only; started in time; started by its milestone's actual date.
    project(world, "按年份计划", stage=Stage.PLANNED, planned_start_year=2023)
    started = project(world, "已开工", stage=Stage.PLANNED)
    planned_start(started, D(2024, 3, 1))
    project_services.change_stage(started, to_stage=Stage.UNDER_CONSTRUCTION, on=D(2024, 3, 20), actor=None)
    by_milestone = project(world, "节点已开工", stage=Stage.PLANNED)
    milestone(
        by_milestone, MilestoneKind.CONSTRUCTION_START, planned_on=D(2024, 3, 1), actual_on=D(2024, 4, 2)
    )
    results = by_name(evaluate_lights(JUNE_END, ruleset=parse_rules(START_RULES)))
    assert levels(results.values()) == {
        "逾期29天": "green",
        "逾期30天": "yellow",
        "逾期31天": "yellow",
        "逾期59天": "yellow",
        "逾期60天": "red",
        "按年份计划": "red",
        "已开工": "green",
        "节点已开工": "green",
    }
    assert results["按年份计划"].figures["start"] == {
        "planned_start": "2023-12-31",
        "planned_start_source": "计划开工年份年末",
        "started_on": None,
        "days_late": 182,
        "months_late": 6,
    }
    assert results["逾期30天"].reasons[0]["text"] == (
        "计划开工日期 2024-05-31（开工节点计划日期），至 2024-06-30 仍未开工，已逾期 30 天（1 个月）"
        "（黄灯：计划开工日后仍未开工的天数 ≥ 30 且 < 60 天）"
    )
    assert results["已开工"].figures["start"]["started_on"] == "2024-03-20"
    # On an earlier date the late project was not late yet, and the started one had not started.
    earlier = by_name(evaluate_lights(D(2024, 3, 10), ruleset=parse_rules(START_RULES)))
    assert earlier["已开工"].figures["start"].get("days_late") == 9 and earlier["已开工"].level == "green"


def test_start_is_late_by_whole_months(world):
    text = rules_text(
        {"name": "逾期一个月", "dimension": "start", "measure": "months_late", "at_least": 1, "level": "黄"}
    )
    planned_start(project(world, "5月29日计划", stage=Stage.PLANNED), D(2024, 5, 29))
    planned_start(project(world, "5月31日计划", stage=Stage.PLANNED), D(2024, 5, 31))
    # 29 May + 1 month = 29 June; 31 May + 1 month = 30 June (the month's last day).
    on = {day: levels(evaluate_lights(D(2024, 6, day), ruleset=parse_rules(text))) for day in (28, 29, 30)}
    assert on == {
        28: {"5月29日计划": "green", "5月31日计划": "green"},
        29: {"5月29日计划": "yellow", "5月31日计划": "green"},
        30: {"5月29日计划": "yellow", "5月31日计划": "yellow"},
    }


# Reporting ----------------------------------------------------------------------------------------

REPORTING_RULES = rules_text(
    {
        "name": "漏报",
        "dimension": "reporting",
        "measure": "missed_of_last",
        "last": 4,
        "at_least": 2,
        "at_most": 2,
        "level": "黄",
    },
    {
        "name": "多次漏报",
        "dimension": "reporting",
        "measure": "missed_of_last",
        "last": 4,
        "at_least": 3,
        "level": "红",
    },
    {
        "name": "连续漏报",
        "dimension": "reporting",
        "measure": "consecutive_missed",
        "at_least": 2,
        "level": "黄",
        "tiers": ["重大"],
    },
)


def test_reporting_counts_missed_rounds_among_the_last_ones(world):
    # Five weekly rounds of June 2024; each project reports in the weeks listed (1 = the first week).
    weeks = [D(2024, 5, 27) + datetime.timedelta(weeks=n) for n in range(5)]
    reported_in = {
        "全部报送": {1, 2, 3, 4, 5},
        "最近四轮漏一轮": {1, 2, 3, 5},
        "最近四轮漏两轮": {1, 3, 5},
        "最近四轮漏三轮": {1, 2},
        "早先漏报": {2, 3, 4, 5},  # the miss is five rounds back: not among the last four
    }
    made = {name: project(world, name, is_major=True) for name in reported_in}
    cadence = weekly(world)
    rounds = [open_week(cadence, monday) for monday in weeks]
    for name, numbers in reported_in.items():
        for number in numbers:
            report(rounds[number - 1], made[name], year_to_date="0")
    results = by_name(evaluate_lights(JUNE_END, ruleset=parse_rules(REPORTING_RULES), round=rounds[-1]))
    assert levels(results.values()) == {
        "全部报送": "green",
        "最近四轮漏一轮": "green",
        "最近四轮漏两轮": "yellow",
        "最近四轮漏三轮": "red",
        "早先漏报": "green",
    }
    assert [reason["rule"] for reason in results["最近四轮漏三轮"].reasons] == ["多次漏报", "连续漏报"]
    assert results["最近四轮漏三轮"].reasons[0]["text"] == (
        "最近 4 轮调度中 3 轮未报送（2024年第26周、2024年第25周、2024年第24周）"
        "（红灯：最近若干轮调度中未报送的轮数 ≥ 3 轮）"
    )
    assert results["最近四轮漏三轮"].figures["reporting"]["consecutive_missed"] == 3
    # A report submitted after the moment of evaluation was still missing then.
    late = at(D(2024, 7, 2))
    report(rounds[-1], made["最近四轮漏一轮"], year_to_date="0", submitted=late)
    report(rounds[1], made["最近四轮漏一轮"], year_to_date="0", submitted=late)
    before = evaluate_lights(
        JUNE_END, ruleset=parse_rules(REPORTING_RULES), round=rounds[-1], now=at(D(2024, 7, 1))
    )
    assert levels(before)["最近四轮漏一轮"] == "red"  # weeks 2, 4 and 5 still outstanding on 1 July


def test_reporting_without_a_round_looks_at_each_cadence_by_the_date(world):
    made = project(world, "月调度漏报")
    monthly = weekly(world, name="每月调度", period_type="monthly", due_offset_days=5)
    for month in (3, 4, 5):
        open_week(monthly, D(2024, month, 1))
    # The May round is due 5 June: on 4 June only March and April count.
    assert evaluate_lights(D(2024, 6, 4), ruleset=parse_rules(REPORTING_RULES))[0].figures["reporting"][
        "missed_of_last"
    ] == {"4": {"missed": 2, "rounds": ["2024年4月", "2024年3月"]}}
    result = evaluate_lights(D(2024, 6, 6), ruleset=parse_rules(REPORTING_RULES))[0]
    assert (result.name, result.level) == (made.name, "red")


# Matters ------------------------------------------------------------------------------------------

MATTERS_RULES = rules_text(
    {"name": "问题逾期", "dimension": "matters", "at_least": 1, "at_most": 2, "level": "黄"},
    {
        "name": "多个问题逾期",
        "dimension": "matters",
        "above": 2,
        "level": "红",
        "consequence": "提交{挂点领导}协调",
    },
)


def test_matters_count_overdue_matters_of_the_matters_engine(world, monkeypatch):
    names = {"无逾期": 0, "逾期一件": 1, "逾期两件": 2, "逾期三件": 3}
    made = {name: project(world, name, liaison_leader=world.leader_a) for name in names}
    counts = {made[name].pk: count for name, count in names.items() if count}
    seen = {}

    def overdue_counts_by_project(as_of, project_ids=None):
        seen["call"] = (as_of, sorted(project_ids))
        return counts

    monkeypatch.setattr("matters.selectors.overdue_counts_by_project", overdue_counts_by_project)
    results = by_name(evaluate_lights(JUNE_END, ruleset=parse_rules(MATTERS_RULES)))
    assert levels(results.values()) == {
        "无逾期": "green",
        "逾期一件": "yellow",
        "逾期两件": "yellow",
        "逾期三件": "red",
    }
    assert seen["call"] == (JUNE_END, sorted(p.pk for p in made.values()))
    assert results["逾期三件"].reasons[0]["consequence"] == "提交镇长甲镇领导协调"
    assert results["逾期三件"].reasons[0]["text"] == "有 3 件问题逾期未办结（红灯：逾期未办结的问题 > 2 件）"


def test_matters_read_the_real_overdue_count(world):
    from matters.models import Matter, MatterKind
    from matters.services.flow import open_matter

    blocked = project(world, "用地未交付项目")
    project(world, "无问题项目")
    with history_context(actor=world.office, reason="测试数据"):
        open_matter(
            Matter(
                kind=MatterKind.objects.get(code="project_issue"),
                title="用地未交付",
                project=blocked,
                lead_unit=world.unit_a,
                deadline=D(2024, 6, 14),
            ),
            actor=world.office,
            on=D(2024, 6, 3),
        )
    assert levels(evaluate_lights(D(2024, 6, 14), ruleset=parse_rules(MATTERS_RULES))) == {
        "用地未交付项目": "green",
        "无问题项目": "green",
    }
    assert levels(evaluate_lights(D(2024, 6, 15), ruleset=parse_rules(MATTERS_RULES))) == {
        "用地未交付项目": "yellow",
        "无问题项目": "green",
    }


# Statistics ---------------------------------------------------------------------------------------

STATISTICS_RULES = rules_text(
    {
        "name": "开工未纳统",
        "dimension": "statistics",
        "measure": "months_since_start",
        "at_least": 3,
        "below": 6,
        "level": "黄",
    },
    {
        "name": "开工半年未纳统",
        "dimension": "statistics",
        "measure": "days_since_start",
        "above": 182,
        "level": "红",
    },
)


def test_statistics_entry_not_done_months_after_the_start(world):
    starts = {"开工两月余": D(2024, 4, 1), "开工满三月": D(2024, 3, 31), "已纳统": D(2024, 1, 10)}
    for name, day in starts.items():
        made = project(world, name, stage=Stage.PLANNED)
        project_services.change_stage(made, to_stage=Stage.UNDER_CONSTRUCTION, on=day, actor=None)
    milestone(made, MilestoneKind.STATISTICS_ENTRY, actual_on=D(2024, 5, 10))
    half_year = project(world, "开工半年", stage=Stage.PLANNED)
    milestone(half_year, MilestoneKind.CONSTRUCTION_START, actual_on=D(2023, 12, 30))
    just_half = project(world, "开工182天", stage=Stage.PLANNED)
    milestone(just_half, MilestoneKind.CONSTRUCTION_START, actual_on=D(2023, 12, 31))
    results = by_name(evaluate_lights(JUNE_END, ruleset=parse_rules(STATISTICS_RULES)))
    assert levels(results.values()) == {
        "开工两月余": "green",  # 90 days, 2 whole months
        "开工满三月": "yellow",
        "已纳统": "green",
        "开工半年": "red",  # 183 days (and 6 months: the yellow rule stops below 6)
        "开工182天": "green",  # 6 months: past the yellow rule, not yet above 182 days
    }
    assert results["开工满三月"].figures["statistics"] == {
        "started_on": "2024-03-31",
        "entered_on": None,
        "days_since_start": 91,
        "months_since_start": 3,
    }
    # Before it entered the statistics, the entered project was flagged like the others.
    assert levels(evaluate_lights(D(2024, 5, 9), ruleset=parse_rules(STATISTICS_RULES)))["已纳统"] == "yellow"


# Persistence ---------------------------------------------------------------------------------------

PERSISTENCE_RULES = EXAMPLE_A + (
    '\n[[rule]]\nname = "连续三期黄灯"\ndimension = "persistence"\nof_level = "黄"\nat_least = 3\n'
    'level = "红"\nconsequence = "由{挂点领导}约谈{责任单位}主要负责人"\n'
)


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


# Queries -------------------------------------------------------------------------------------------


def test_a_few_queries_whatever_the_number_of_projects(world, monkeypatch):
    monkeypatch.setattr("matters.selectors.overdue_counts_by_project", lambda as_of, project_ids=None: {})
    persistence = PERSISTENCE_RULES.replace(EXAMPLE_A, "")
    rules = parse_rules(
        EXAMPLE_A + START_RULES + REPORTING_RULES + MATTERS_RULES + STATISTICS_RULES + persistence
    )
    assert {rule.dimension for rule in rules.rules} == {
        "progress",
        "start",
        "reporting",
        "matters",
        "statistics",
        "persistence",
    }
    cadence = weekly(world)
    open_week(cadence, D(2024, 6, 17))  # an earlier round for the reporting and persistence look-ups

    def count(dispatch_round):
        with CaptureQueriesContext(connection) as queries:
            results = evaluate_lights(JUNE_END, ruleset=rules, round=dispatch_round)
        return len(queries), len(results)

    for index in range(2):
        project(world, f"项目{index}", plan="1000")
    few = count(open_week(cadence, LAST_JUNE_WEEK))
    for index in range(2, 8):
        project(world, f"项目{index}", plan="1000")
    many = count(open_week(cadence, LAST_JUNE_WEEK))
    assert (few[1], many[1]) == (2, 8)
    assert few[0] == many[0] <= 12
