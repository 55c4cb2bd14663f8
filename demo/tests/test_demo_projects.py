"""The demo's Nankang 2024 project library: the seed's counts and totals, its two events and the
timeline behind them, what is marked synthetic, and a second run that writes nothing."""

from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import F, Sum

from demo.projects_loader import PROJECT_MODELS
from org.choices import UnitKind
from org.models import Region, TaskForce
from projects.choices import EventKind, FactorKind, Stage
from projects.models import AnnualPlan, Event, FactorNeed, IndustryChain, Milestone, Project, StageTransition
from projects.selectors import stages_on
from projects.services import change_stage, phase_by_month
from projects.validators import validate_credit_code

pytestmark = pytest.mark.django_db

SOLAR = "曜灵新能源光伏产业制造项目"
SEED_CHAINS = {"现代家居", "电子信息及高端装备制造", "新能源", "新材料", "低空经济", "现代农业", "临港经济"}


def run_demo():
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(demo_output, db):
    return demo_output


def library():
    return Project.objects.filter(region__code="360703")


def batch(kind):
    return Event.objects.get(region__code="360703", kind=kind).projects.all()


def total(projects):
    return projects.aggregate(total=Sum("total_investment"))["total"]


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def test_the_library_has_239_projects_of_1308_15_yi(demo):
    assert library().count() == 239
    assert total(library()) == Decimal("13081500.00")
    assert "南康区项目库：239 个项目，总投资 1308.15 亿元" in demo
    assert all(code.startswith(("360703-2021-", "360703-2022-", "360703-2023-", "360703-2024-"))
               for code in library().values_list("code", flat=True))  # fmt: skip


def test_shenzhen_signing_has_23_projects_of_158_2_yi(demo):
    event = Event.objects.get(region__code="360703", kind=EventKind.SIGNING)
    projects = event.projects.all()

    assert (event.name, event.held_on, event.place) == (
        "南康区对口合作招商引资推介会（深圳）",
        date(2024, 3, 1),
        "深圳市",
    )
    assert projects.count() == 23
    assert total(projects) == Decimal("1582000.00")
    assert set(projects.values_list("stage", "stage_since")) == {(Stage.SIGNED, date(2024, 3, 1))}
    assert set(projects.values_list("industry_chain__name", flat=True)) == SEED_CHAINS - {"新材料"}
    signed = Milestone.objects.filter(project__in=projects, kind="signing", actual_on=date(2024, 3, 1))
    assert signed.count() == 23


def test_groundbreaking_on_the_first_working_day_after_spring_festival(demo):
    event = Event.objects.get(region__code="360703", kind=EventKind.GROUNDBREAKING)
    projects = event.projects.all()

    # 2024-02-18 was a Sunday made a working day by the holiday notice.
    assert (event.held_on, event.held_on.weekday()) == (date(2024, 2, 18), 6)
    assert projects.count() == 43
    assert total(projects) == Decimal("2333300.00")
    assert set(projects.values_list("stage", "stage_since", "actual_start_year")) == {
        (Stage.UNDER_CONSTRUCTION, date(2024, 2, 18), 2024)
    }
    solar = projects.get(name=SOLAR)
    assert solar.total_investment == Decimal("500000.00")
    assert solar.task_force == TaskForce.objects.get(name="曜灵新能源光伏产业制造项目推进专班")
    assert solar.liaison_leader is not None and solar.is_major


def test_the_groundbreaking_batch_is_not_started_on_the_eve_and_started_on_the_day(demo):
    projects = batch(EventKind.GROUNDBREAKING)
    ids = set(projects.values_list("pk", flat=True))

    eve, day = stages_on(date(2024, 2, 17)), stages_on(date(2024, 2, 18))

    assert {eve[pk] for pk in ids} == {Stage.PLANNED}
    assert {day[pk] for pk in ids} == {Stage.UNDER_CONSTRUCTION}
    assert all(transition.effective_on.year == 2023 for transition in StageTransition.objects.filter(
        project__in=projects, to_stage=Stage.SIGNED))  # fmt: skip
    signing = batch(EventKind.SIGNING)
    assert stages_on(date(2024, 2, 29), signing) == {}
    assert set(stages_on(date(2024, 3, 1), signing).values()) == {Stage.SIGNED}
    assert len(stages_on(date(2024, 3, 1), library())) == 239


def test_a_second_run_writes_nothing(demo):
    before = row_counts()
    projects_before = list(library().order_by("pk").values())

    output = run_demo()

    assert row_counts() == before
    assert list(library().order_by("pk").values()) == projects_before
    for model in PROJECT_MODELS:
        line = next(line for line in output.splitlines() if line.startswith(str(model._meta.verbose_name)))
        assert line.split()[2:] == ["0", "0"], line
    history = [
        model
        for model in apps.get_models()
        if model._meta.app_label == "projects" and "Historical" in model.__name__
    ]
    assert all(before[model._meta.label] > 0 for model in history if model.__name__ not in (
        "HistoricalProjectFunding", "HistoricalPlanAdjustment"))  # fmt: skip


def test_only_the_seed_facts_are_not_synthetic(demo):
    assert list(Project.objects.filter(is_synthetic=False).values_list("name", flat=True)) == [SOLAR]
    assert not Event.objects.filter(is_synthetic=True).exists()
    assert dict(IndustryChain.objects.values_list("name", "is_synthetic")) == {
        **dict.fromkeys(SEED_CHAINS, False),
        "文旅康养": True,
    }
    real_transitions = StageTransition.objects.filter(is_synthetic=False)
    assert list(real_transitions.values_list("project__name", "to_stage", "effective_on")) == [
        (SOLAR, Stage.UNDER_CONSTRUCTION, date(2024, 2, 18))
    ]
    assert list(Milestone.objects.filter(is_synthetic=False).values_list("project__name", "kind")) == [
        (SOLAR, "construction_start")
    ]
    assert not AnnualPlan.objects.filter(is_synthetic=False).exists()
    assert not FactorNeed.objects.filter(is_synthetic=False).exists()


def test_the_library_spreads_over_stages_units_and_leaders(demo):
    assert Counter(library().values_list("stage", flat=True)) == {
        Stage.UNDER_CONSTRUCTION: 115,  # 43 started on 2024-02-18, 72 continuing (续建)
        Stage.SIGNED: 45,
        Stage.PLANNED: 40,
        Stage.PREPARING: 30,
        Stage.COMPLETED: 3,
        Stage.OPERATING: 3,
        Stage.STALLED: 3,
    }
    assert library().filter(stage=Stage.UNDER_CONSTRUCTION, stage_since__year__lt=2024).count() == 72
    assert all(library().filter(stage=Stage.STALLED).values_list("stage_reason", flat=True))
    nankang = Region.objects.get(code="360703")
    for field in ("responsible_unit", "introducing_unit"):
        assert not library().exclude(**{f"{field}__is_accountable": True}).exists()
        assert not library().exclude(**{f"{field}__region__path__startswith": nankang.path}).exists()
    kinds = set(library().values_list("responsible_unit__kind", flat=True))
    assert {UnitKind.TOWNSHIP, UnitKind.DEPARTMENT, UnitKind.PARK_COMMITTEE} <= kinds
    major = library().filter(total_investment__gte=100000)
    assert major.count() == library().filter(is_major=True).count() > 0
    assert not major.filter(liaison_leader__isnull=True).exists()
    assert not library().filter(total_investment__lt=100000, liaison_leader__isnull=False).exists()
    assert set(library().exclude(task_force=None).values_list("task_force__name", flat=True)) == set(
        TaskForce.objects.values_list("name", flat=True)
    )


def test_plans_are_straight_lines_and_details_are_plausible(demo):
    plans = AnnualPlan.objects.filter(project__region__code="360703", year=2024)
    assert plans.count() == 239
    for plan in plans:
        assert plan.month_amounts == [str(month) for month in phase_by_month(plan.amount)]
    assert not library().filter(invested_to_date__gt=F("total_investment")).exists()
    needs = FactorNeed.objects.filter(project__region__code="360703")
    assert set(needs.values_list("kind", "unit_of_measure")) == {
        (FactorKind.LAND, "亩"),
        (FactorKind.ENERGY, "吨标准煤"),
        (FactorKind.LABOUR, "人"),
    }
    codes = [code for code in library().values_list("investor_credit_code", flat=True) if code]
    assert len(codes) == len(set(codes)) > 100
    for code in codes:
        validate_credit_code(code)


def test_a_project_moved_by_hand_keeps_its_timeline(demo):
    project = batch(EventKind.SIGNING).order_by("code").first()
    change_stage(project, to_stage=Stage.PREPARING, on=date(2024, 3, 20), actor=None)
    before = row_counts()

    run_demo()

    project.refresh_from_db()
    assert (project.stage, project.stage_since) == (Stage.PREPARING, date(2024, 3, 20))
    assert row_counts() == before
