"""How to make and create a row of each lights model in township A or B, for the cases in
tests/cases.py. A rule set is global (the county's rules); a light belongs to a project of the
township, so it is in scope for a grant on that township and out of scope for the other one."""

import datetime
import itertools

from django.db.models import Max
from django.utils import timezone

from tests import project_cases

_numbers = itertools.count(1)


def _n():
    return next(_numbers)


def rules_text(number):
    """A valid rules file, told apart by its comment and its name."""
    return (
        f"# 测试规则 {number}\n"
        "[[rule]]\n"
        f'name = "投资进度滞后{number}"\n'
        'dimension = "progress"\n'
        'measure = "gap_points"\n'
        "at_least = 10\n"
        'level = "黄"\n'
        'consequence = "{责任单位}书面说明原因"\n'
    )


def make_ruleset(world, side):
    """A version that is not in force (the one in force stays as it is)."""
    from lights.models import RuleSet

    version = (RuleSet.objects.aggregate(last=Max("version"))["last"] or 0) + 1
    return RuleSet.objects.create(version=version, text=rules_text(_n()), note=f"测试版本{version}")


def create_ruleset(world, side):
    data = {"text": rules_text(_n()), "note": "调整投资进度阈值"}
    return data, data


def _ruleset():
    from lights.models import RuleSet

    return RuleSet.objects.filter(is_active=True).first() or make_ruleset(None, "a")


def make_project_light(world, side):
    from lights.models import ProjectLight

    project = project_cases.make_project(world, side)
    return ProjectLight.objects.create(
        project=project,
        as_of=datetime.date(2025, 6, 30),
        level="yellow",
        base_level="yellow",
        fired_rules="投资进度滞后",
        reasons=[
            {
                "rule": "投资进度滞后",
                "dimension": "progress",
                "measure": "gap_points",
                "level": "yellow",
                "value": 25,
                "unit": "个百分点",
                "thresholds": {"at_least": 10, "at_most": 30},
                "threshold_text": "年度投资完成率落后序时进度 ≥ 10 且 ≤ 30 个百分点",
                "figures": {},
                "consequence": f"{project.responsible_unit.name}书面说明原因",
                "text": "年度投资完成率落后序时进度 25 个百分点（黄灯：≥ 10 且 ≤ 30 个百分点）",
            }
        ],
        figures={"progress": {"annual_plan": "1200", "year_to_date": "300", "gap_points": 25}},
        ruleset=_ruleset(),
        evaluated_at=timezone.now(),
    )


def create_project_light(world, side):
    data = {
        "project": project_cases.make_project(world, side).pk,
        "as_of": "2025-06-30",
        "level": "red",
        "ruleset": _ruleset().pk,
    }
    return data, data


def june_county(world):
    """The county in the last week of June 2024 under example (a) of the issue (published as version
    2 by the office), its lights recorded on 1 July:
    唐江家具产业园 (A) 300 of 1,200 万元, 25 points behind 序时进度 → 黄灯;
    唐江光伏组件 (A) 100 of 1,200, 41.67 points behind → 红灯;
    凤岗智慧物流园 (B, in 凤岗镇) 500 of 1,200, 8.33 points → 绿灯;
    凤岗农产品冷链 (B, completed) is not under dispatch: never lit."""
    from types import SimpleNamespace

    from lights import services
    from lights.tests.helpers import EXAMPLE_A, LAST_JUNE_WEEK, D, at, open_week, project, report, weekly
    from projects.choices import Stage

    ruleset = services.save_ruleset(EXAMPLE_A, actor=world.office, note="按 2024 年考核办法")
    furniture = project(world, "唐江家具产业园", plan="1200")
    solar = project(world, "唐江光伏组件", plan="1200")
    logistics = project(world, "凤岗智慧物流园", plan="1200", unit=world.unit_b, region=world.region_b)
    cold_chain = project(
        world, "凤岗农产品冷链", plan="1200", unit=world.unit_b, region=world.region_b, stage=Stage.COMPLETED
    )
    cadence = weekly(world)
    june = open_week(cadence, LAST_JUNE_WEEK)
    for row, year_to_date in ((furniture, "300"), (solar, "100"), (logistics, "500")):
        report(june, row, year_to_date=year_to_date)
    services.record_round_lights(june, actor=world.office, now=at(D(2024, 7, 1), 9))
    return SimpleNamespace(
        ruleset=ruleset,
        cadence=cadence,
        june=june,
        furniture=furniture,
        solar=solar,
        logistics=logistics,
        cold_chain=cold_chain,
        lights={light.project_id: light for light in june.lights.all()},
    )
