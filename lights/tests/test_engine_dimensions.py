"""Evaluating the start, reporting, matters and statistics rules with numbers computed by hand, and a
few queries for any number of projects."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.history import history_context
from lights.engine import evaluate_lights
from lights.rules import parse_rules
from lights.tests.helpers import (
    EXAMPLE_A,
    JUNE_END,
    LAST_JUNE_WEEK,
    MATTERS_RULES,
    PERSISTENCE_RULES,
    REPORTING_RULES,
    START_RULES,
    STATISTICS_RULES,
    D,
    at,
    by_name,
    levels,
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


# Start ---------------------------------------------------------------------------------------------


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
