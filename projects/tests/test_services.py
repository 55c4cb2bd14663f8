"""Project workflows: registration, stage rules, stage on a date, monthly phasing, plan adjustment,
the credit-code check."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects import services
from projects.choices import Stage
from projects.models import Project, StageTransition
from projects.selectors import batch_totals, stages_on
from projects.validators import credit_code_check_character, validate_credit_code

pytestmark = pytest.mark.django_db
D = datetime.date


MARCH_FIRST = D(2024, 3, 1)


def new_project(world, name="年产10万套实木家具项目", stage=Stage.SIGNED, on=MARCH_FIRST, total="50000"):
    project = Project(
        name=name,
        region=world.county,
        introducing_unit=world.unit_a,
        responsible_unit=world.unit_a,
        total_investment=Decimal(total),
    )
    return services.register_project(project, stage=stage, on=on, actor=world.office)


def test_registration_gives_a_stable_code_and_starts_the_timeline(world):
    first = new_project(world)
    second = new_project(world, name="电子信息产业园")
    assert (first.code, second.code) == ("360703-2024-0001", "360703-2024-0002")
    transition = first.transitions.get()
    assert (transition.from_stage, transition.to_stage, transition.effective_on) == (
        "",
        "signed",
        D(2024, 3, 1),
    )
    assert transition.actor == world.office
    assert first.history.latest().history_change_reason == "登记项目"


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["preparing", "planned", "under_construction", "completed", "operating"], True),
        (["under_construction"], True),  # signed and started at once
        (["planned", "preparing"], False),  # never backwards
        (["operating", "completed"], False),
        (["cancelled", "preparing"], False),  # cancelled is final
    ],
)
def test_forward_transitions(world, path, allowed):
    project = new_project(world)
    day = D(2024, 3, 1)

    def walk():
        for index, stage in enumerate(path, start=1):
            reason = "市场变化" if stage == "cancelled" else ""
            on = day + datetime.timedelta(days=index)
            services.change_stage(project, to_stage=stage, on=on, reason=reason, actor=world.office)

    if allowed:
        walk()
        assert project.stage == path[-1]
        assert project.transitions.count() == len(path) + 1
    else:
        with pytest.raises(ValidationError) as error:
            walk()
        assert "不能变更为" in error.value.message_dict["to_stage"][0]


def test_stalling_needs_a_reason_and_resumes_where_it_stopped(world):
    project = new_project(world)
    services.change_stage(project, to_stage="under_construction", on=D(2024, 4, 1), actor=world.office)
    with pytest.raises(ValidationError) as error:
        services.change_stage(project, to_stage="stalled", on=D(2024, 5, 1), actor=world.office)
    assert error.value.message_dict["reason"] == ["变更为“停缓建”须填写原因。"]
    services.change_stage(
        project, to_stage="stalled", on=D(2024, 5, 1), reason="资金未到位", actor=world.office
    )
    assert (project.stage, project.stage_reason) == ("stalled", "资金未到位")
    assert services.allowed_next_stages(project) == [
        "under_construction",
        "completed",
        "operating",
        "cancelled",
    ]
    with pytest.raises(ValidationError):
        services.change_stage(project, to_stage="planned", on=D(2024, 6, 1), actor=world.office)
    services.change_stage(project, to_stage="under_construction", on=D(2024, 6, 1), actor=world.office)
    assert (project.stage, project.stage_reason, project.actual_start_year) == (
        "under_construction",
        "",
        2024,
    )


def test_a_transition_cannot_predate_the_last_one(world):
    project = new_project(world, on=D(2024, 3, 1))
    with pytest.raises(ValidationError) as error:
        services.change_stage(project, to_stage="preparing", on=D(2024, 2, 28), actor=world.office)
    assert error.value.message_dict["effective_on"] == ["变更日期不能早于上一次变更（2024-03-01）。"]
    assert StageTransition.objects.filter(project=project).count() == 1


def test_stage_of_every_project_on_a_date(world):
    early = new_project(world, name="甲", on=D(2023, 10, 1))
    late = new_project(world, name="乙", on=D(2024, 3, 1))
    services.change_stage(early, to_stage="planned", on=D(2024, 1, 10), actor=world.office)
    services.change_stage(early, to_stage="under_construction", on=D(2024, 2, 18), actor=world.office)
    assert stages_on(D(2023, 9, 30)) == {}
    assert stages_on(D(2024, 2, 17)) == {early.pk: "planned"}
    assert stages_on(D(2024, 2, 18)) == {early.pk: "under_construction"}
    assert stages_on(D(2024, 3, 1)) == {early.pk: "under_construction", late.pk: "signed"}


@pytest.mark.parametrize(
    ("amount", "months"),
    [
        ("1200", ["100.00"] * 12),
        ("1000", ["83.33"] * 11 + ["83.37"]),
        ("0.05", ["0.00"] * 11 + ["0.05"]),
        ("13081500", ["1090125.00"] * 12),
    ],
)
def test_monthly_phasing_is_a_straight_line_summing_exactly(amount, months):
    phased = services.phase_by_month(Decimal(amount))
    assert phased == [Decimal(month) for month in months]
    assert sum(phased) == Decimal(amount)


def test_annual_plan_with_and_without_months(world):
    project = new_project(world)
    plan = services.set_annual_plan(project, year=2024, amount="1000", actor=world.office)
    assert plan.month_amounts[:2] == ["83.33", "83.33"] and plan.month_amounts[11] == "83.37"
    custom = ["0"] * 6 + ["200"] * 5 + ["0"]
    plan = services.set_annual_plan(
        project, year=2024, amount="1000", month_amounts=custom, actor=world.office
    )
    assert plan.month_amounts == ["0.00"] * 6 + ["200.00"] * 5 + ["0.00"]
    history = plan.history.count()
    services.set_annual_plan(project, year=2024, amount="1000", month_amounts=custom, actor=world.office)
    assert plan.history.count() == history  # the same plan again writes nothing
    with pytest.raises(ValidationError) as error:
        services.set_annual_plan(
            project, year=2024, amount="1000", month_amounts=["1"] * 12, actor=world.office
        )
    assert error.value.message_dict["month_amounts"] == ["12 个月合计 12 万元，与年度计划 1000 万元不符。"]


def test_plan_adjustment_keeps_the_baseline_and_marks_the_project(world):
    project = new_project(world, total="50000")
    project.planned_start_year, project.planned_end_year = 2024, 2025
    project.save()
    services.set_annual_plan(project, year=2024, amount="20000", actor=world.office)
    adjustment = services.adjust_plan(
        project,
        reason="规划调整，分两期建设",
        approver=world.leader_a,
        approved_on=D(2024, 6, 30),
        actor=world.office,
        total_investment="80000",
        planned_end_year=2026,
        milestone_dates={"completion": D(2026, 12, 31)},
    )
    project.refresh_from_db()
    assert project.is_plan_adjusted and project.total_investment == Decimal("80000")
    assert adjustment.baseline["total_investment"] == "50000.00"
    assert adjustment.baseline["planned_end_year"] == 2025
    assert adjustment.adjusted["planned_end_year"] == 2026
    assert adjustment.baseline["annual_plans"] == {"2024": "20000.00"}
    with pytest.raises(ValidationError):
        services.adjust_plan(
            project, reason=" ", approver=world.leader_a, approved_on=D(2024, 7, 1), actor=world.office
        )


def test_batch_totals(world):
    from projects.models import Event

    event = Event.objects.create(name="集中签约", kind="signing", held_on=D(2024, 3, 1), region=world.county)
    event.projects.set(
        [new_project(world, name="甲", total="12345.67"), new_project(world, name="乙", total="1000")]
    )
    assert batch_totals(event) == (2, Decimal("13345.67"))


def test_total_in_yi_yuan(world):
    assert new_project(world, total="500000").total_investment_yi == Decimal("50.00")


@pytest.mark.parametrize("code", ["914403001922038216", "91110000600037341L", "91350100M000100Y43"])
def test_valid_credit_codes(code):
    validate_credit_code(code)
    assert credit_code_check_character(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91440300192203821", "统一社会信用代码应为 18 位，“91440300192203821”为 17 位。"),
        ("914403001922038217", "统一社会信用代码“914403001922038217”校验位不正确。"),
        ("91440300192203821I", "统一社会信用代码含有不允许的字符：I。"),
    ],
)
def test_invalid_credit_codes(code, message):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.messages == [message]


def test_codes_keep_counting_past_9999(world):
    Project.objects.create(
        code="360703-2024-9999",
        name="已有项目",
        region=world.county,
        introducing_unit=world.unit_a,
        responsible_unit=world.unit_a,
    )
    assert services.next_project_code(world.county, 2024) == "360703-2024-10000"
    Project.objects.create(
        code="360703-2024-10000",
        name="又一个",
        region=world.county,
        introducing_unit=world.unit_a,
        responsible_unit=world.unit_a,
    )
    assert services.next_project_code(world.county, 2024) == "360703-2024-10001"
