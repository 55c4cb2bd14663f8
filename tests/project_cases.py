"""How to make and create a row of each project-library model in township A or B, for the cases in
tests/cases.py (kept apart so that module stays readable as apps are added)."""

import datetime
import itertools
from decimal import Decimal

_numbers = itertools.count(1)


def _n():
    return next(_numbers)


def _side(world, side):
    return (
        (world.unit_a, world.region_a, world.leader_a)
        if side == "a"
        else (world.unit_b, world.region_b, world.leader_b)
    )


def make_industry_chain(world, side):
    from projects.models import IndustryChain

    return IndustryChain.objects.create(name=f"测试产业链{_n()}")


def create_industry_chain(world, side):
    data = {"name": f"新产业链{_n()}", "sort_order": "1", "is_active": "on"}
    return data, {**data, "sort_order": 1, "is_active": True}


def make_project(world, side):
    from projects.models import Project

    unit, region, leader = _side(world, side)
    number = _n()
    return Project.objects.create(
        code=f"T{side.upper()}-{number:04d}",
        name=f"测试项目{number}",
        region=region,
        introducing_unit=unit,
        responsible_unit=unit,
        liaison_leader=leader,
        total_investment=Decimal("10000"),
        planned_start_year=2025,
        planned_end_year=2026,
    )


def create_project(world, side):
    unit, region, leader = _side(world, side)
    data = {
        "name": f"新项目{_n()}",
        "region": region.pk,
        "introducing_unit": unit.pk,
        "responsible_unit": unit.pk,
        "liaison_leader": leader.pk,
        "category": "industry",
        "total_investment": "5000",
        "invested_to_date": "0",
        "planned_start_year": "2025",
        "planned_end_year": "2027",
        "initial_stage": "signed",
        "registered_on": "2025-03-01",
    }
    return data, {**data, "planned_start_year": 2025, "planned_end_year": 2027}


def make_project_funding(world, side):
    from projects.models import ProjectFunding

    return ProjectFunding.objects.create(
        project=make_project(world, side), source="fiscal", amount=Decimal("100")
    )


def create_project_funding(world, side):
    data = {"project": make_project(world, side).pk, "source": "self_raised", "amount": "300"}
    return data, data


def make_annual_plan(world, side):
    from projects.models import AnnualPlan
    from projects.services import phase_by_month

    amount = Decimal("1200.00")
    return AnnualPlan.objects.create(
        project=make_project(world, side),
        year=2025,
        amount=amount,
        month_amounts=[str(month) for month in phase_by_month(amount)],
    )


def create_annual_plan(world, side):
    project = make_project(world, side).pk
    return (
        {"project": project, "year": "2026", "amount": "1000", "month_amounts": ""},
        {"project": project, "year": 2026, "amount": "1000"},
    )


def make_stage_transition(world, side):
    from projects.models import StageTransition

    return StageTransition.objects.create(
        project=make_project(world, side), to_stage="signed", effective_on=datetime.date(2025, 1, 10)
    )


def create_stage_transition(world, side):
    data = {"project": make_project(world, side).pk, "to_stage": "preparing", "effective_on": "2025-02-01"}
    return data, data


def make_milestone(world, side):
    from projects.models import Milestone

    return Milestone.objects.create(
        project=make_project(world, side), kind="signing", planned_on=datetime.date(2025, 3, 1)
    )


def create_milestone(world, side):
    data = {"project": make_project(world, side).pk, "kind": "land_secured", "planned_on": "2025-06-30"}
    return {**data, "actual_on": ""}, data


def make_plan_adjustment(world, side):
    from projects.models import PlanAdjustment

    _, _, leader = _side(world, side)
    return PlanAdjustment.objects.create(
        project=make_project(world, side),
        reason="测试调整",
        approver=leader,
        approved_on=datetime.date(2025, 5, 1),
    )


def create_plan_adjustment(world, side):
    _, _, leader = _side(world, side)
    data = {
        "project": make_project(world, side).pk,
        "reason": "新调整",
        "approver": leader.pk,
        "approved_on": "2025-05-01",
    }
    return data, data


def make_event(world, side):
    from projects.models import Event

    _, region, _ = _side(world, side)
    return Event.objects.create(
        name=f"测试活动{_n()}", kind="signing", held_on=datetime.date(2025, 4, 1), region=region
    )


def create_event(world, side):
    _, region, _ = _side(world, side)
    data = {
        "name": f"新活动{_n()}",
        "kind": "groundbreaking",
        "held_on": "2025-05-01",
        "place": "南康家居小镇",
        "region": region.pk,
        "projects": [make_project(world, side).pk],
    }
    return data, data


def make_factor_need(world, side):
    from projects.models import FactorNeed

    return FactorNeed.objects.create(
        project=make_project(world, side),
        kind="land",
        description="新增工业用地",
        quantity=Decimal("50"),
        unit_of_measure="亩",
    )


def create_factor_need(world, side):
    data = {
        "project": make_project(world, side).pk,
        "kind": "energy",
        "description": "用能指标",
        "quantity": "1000",
        "unit_of_measure": "吨标准煤",
        "needed_by": "2025-09-30",
        "status": "open",
    }
    return {**data, "secured_on": ""}, data
