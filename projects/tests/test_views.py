"""The project pages and API: stage changes and plan adjustments started from the project page or the
API, the list filters, and creating a project (registration) through the form and the API."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from org.models import Role, User
from org.services import grant_role
from projects import services
from projects.choices import Stage
from projects.models import AnnualPlan, Milestone, PlanAdjustment, Project, StageTransition

pytestmark = pytest.mark.django_db
D = datetime.date


def register(world, side="a", *, stage=Stage.SIGNED, cooperating_units=(), **fields):
    unit, region = (world.unit_a, world.region_a) if side == "a" else (world.unit_b, world.region_b)
    values = {
        "name": f"项目{Project.objects.count() + 1}",
        "region": region,
        "introducing_unit": unit,
        "responsible_unit": unit,
        "total_investment": Decimal("10000"),
        "planned_start_year": 2025,
        "planned_end_year": 2026,
        **fields,
    }
    return services.register_project(
        Project(**values),
        stage=stage,
        on=D(2025, 3, 1),
        actor=world.office,
        cooperating_units=cooperating_units,
    )


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def viewer_on_a(world):
    user = User.objects.create(username="viewer_a")
    grant_role(user, role=Role.objects.get(code="viewer"), unit=world.unit_a, actor=None)
    return user


def stage_url(project):
    return reverse("projects:project_change_stage", kwargs={"pk": project.pk})


def adjust_url(project):
    return reverse("projects:project_adjust_plan", kwargs={"pk": project.pk})


def written(project):
    """What a refused workflow must leave untouched."""
    project.refresh_from_db()
    return (
        project.stage,
        project.stage_since,
        project.total_investment,
        project.planned_end_year,
        project.is_plan_adjusted,
        StageTransition.objects.count(),
        PlanAdjustment.objects.count(),
        Milestone.objects.count(),
        project.history.count(),
    )


# 阶段变更 from the project page


def test_the_page_offers_only_the_stages_the_project_may_move_to(world):
    project = register(world, stage=Stage.PLANNED)
    response = signed_in(world.reporter_a).get(project.get_absolute_url())
    assert response.status_code == 200
    offered = [value for value, _ in response.context["stage_form"].fields["to_stage"].choices]
    assert offered == ["under_construction", "completed", "operating", "stalled", "cancelled"]
    page = response.content.decode()
    assert stage_url(project) in page and adjust_url(project) in page


def test_reporter_changes_the_stage_from_the_page(world):
    project = register(world)
    response = signed_in(world.reporter_a).post(
        stage_url(project),
        {"stage-to_stage": "under_construction", "stage-effective_on": "2025-04-10", "stage-reason": ""},
    )
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    project.refresh_from_db()
    assert (project.stage, project.stage_since, project.actual_start_year) == (
        "under_construction",
        D(2025, 4, 10),
        2025,
    )
    transition = project.transitions.latest("id")
    assert (transition.from_stage, transition.to_stage, transition.actor) == (
        "signed",
        "under_construction",
        world.reporter_a,
    )
    assert project.history.latest().history_user == world.reporter_a
    page = signed_in(world.reporter_a).get(project.get_absolute_url()).content.decode()
    assert "2025-04-10" in page and "在建（开工/续建）" in page and "reporter_a" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stage-to_stage": "stalled", "stage-effective_on": "2025-04-10"}, "变更为“停缓建”须填写原因。"),
        (
            {"stage-to_stage": "planned", "stage-effective_on": "2025-02-01"},
            "变更日期不能早于上一次变更（2025-03-01）。",
        ),
        (
            {"stage-to_stage": "signed", "stage-effective_on": "2025-04-10"},
            "项目当前为“招商（已签约）”，不能变更为所选阶段。",
        ),
        ({"stage-to_stage": "planned", "stage-effective_on": "2999-01-01"}, "变更日期不能晚于今天。"),
    ],
    ids=["stall-without-reason", "date-before-last", "stage-not-offered", "future-date"],
)
def test_a_refused_stage_change_shows_why_and_writes_nothing(world, data, message):
    project = register(world)
    before = written(project)
    response = signed_in(world.reporter_a).post(stage_url(project), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert written(project) == before


def test_stage_change_out_of_scope_is_not_found_and_writes_nothing(world):
    project = register(world, "b")
    before = written(project)
    data = {"stage-to_stage": "preparing", "stage-effective_on": "2025-04-10"}
    assert signed_in(world.reporter_a).post(stage_url(project), data).status_code == 404
    assert signed_in(world.scoped).post(stage_url(project), data).status_code == 404
    assert written(project) == before


def test_a_viewer_sees_no_workflow_forms_and_cannot_post_them(world):
    project = register(world)
    viewer = viewer_on_a(world)
    page = signed_in(viewer).get(project.get_absolute_url())
    assert page.status_code == 200 and "stage_form" not in page.context
    before = written(project)
    data = {"stage-to_stage": "preparing", "stage-effective_on": "2025-04-10"}
    assert signed_in(viewer).post(stage_url(project), data).status_code == 404
    assert Client().post(stage_url(project), data).status_code == 302  # to the login page
    assert signed_in(world.reporter_a).get(stage_url(project)).status_code == 405
    assert written(project) == before


# 计划调整 from the project page


def test_plan_adjustment_from_the_page_marks_the_project_and_keeps_the_baseline(world):
    project = register(world)
    Milestone.objects.create(project=project, kind="construction_start", planned_on=D(2025, 6, 1))
    response = signed_in(world.reporter_a).post(
        adjust_url(project),
        {
            "adjust-reason": "用地报批延后",
            "adjust-approver": world.leader_a.pk,
            "adjust-approved_on": "2025-05-20",
            "adjust-total_investment": "12000",
            "adjust-planned_start_year": "2025",
            "adjust-planned_end_year": "2027",
            "adjust-milestone_construction_start": "2025-09-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert (project.is_plan_adjusted, project.total_investment, project.planned_end_year) == (
        True,
        Decimal("12000.00"),
        2027,
    )
    adjustment = project.adjustments.get()
    assert (adjustment.reason, adjustment.approver, adjustment.approved_on) == (
        "用地报批延后",
        world.leader_a,
        D(2025, 5, 20),
    )
    assert adjustment.baseline == {
        "total_investment": "10000.00",
        "planned_start_year": 2025,
        "planned_end_year": 2026,
        "annual_plans": {},
        "milestones": {"construction_start": "2025-06-01"},
    }
    assert adjustment.adjusted["milestones"] == {"construction_start": "2025-09-01"}
    milestone = project.milestones.get()
    assert (milestone.planned_on, milestone.baseline_on) == (D(2025, 9, 1), D(2025, 6, 1))
    assert project.history.latest().history_user == world.reporter_a
    page = signed_in(world.reporter_a).get(project.get_absolute_url()).content.decode()
    assert 'id="plan-adjusted-badge"' in page and "计划已调整" in page
    assert "<del>2025-06-01</del>" in page and "用地报批延后" in page


def test_a_refused_plan_adjustment_shows_why_and_writes_nothing(world):
    project = register(world)
    before = written(project)
    client = signed_in(world.reporter_a)
    data = {
        "adjust-reason": "延期",
        "adjust-approver": world.leader_a.pk,
        "adjust-approved_on": "2025-05-20",
        "adjust-planned_end_year": "2024",
    }
    response = client.post(adjust_url(project), data)
    assert response.status_code == 400
    assert "计划竣工年份（2024）不能早于计划开工年份（2025）。" in response.content.decode()
    # An approver the user may not see is refused like one that does not exist.
    response = client.post(
        adjust_url(project), {**data, "adjust-planned_end_year": "2027", "adjust-approver": world.leader_b.pk}
    )
    assert response.status_code == 400 and response.context["adjust_form"].errors["approver"]
    assert written(project) == before


def test_plan_adjustment_out_of_scope_is_not_found_and_writes_nothing(world):
    project = register(world, "b")
    before = written(project)
    data = {
        "adjust-reason": "延期",
        "adjust-approver": world.leader_b.pk,
        "adjust-approved_on": "2025-05-20",
        "adjust-total_investment": "1",
    }
    assert signed_in(world.reporter_a).post(adjust_url(project), data).status_code == 404
    assert written(project) == before


# The list filters (one FilterSet for the page and the API)


@pytest.fixture
def library(world):
    """Three projects the county project office sees: p1 in township A, p2 led by the county with
    A cooperating and B introducing, p3 in township B, finished."""
    p1 = register(
        world,
        name="家具产业园",
        total_investment=Decimal("5000"),
        planned_start_year=2024,
        planned_end_year=2025,
    )
    p2 = register(
        world,
        name="电子信息产业园",
        responsible_unit=world.county_unit,
        introducing_unit=world.unit_b,
        cooperating_units=[world.unit_a],
        total_investment=Decimal("20000"),
        planned_start_year=2026,
        planned_end_year=2027,
        is_major=True,
    )
    services.change_stage(p2, to_stage=Stage.UNDER_CONSTRUCTION, on=D(2025, 6, 1), actor=world.office)
    p3 = register(
        world,
        "b",
        name="新能源项目",
        total_investment=Decimal("100000"),
        planned_start_year=2022,
        planned_end_year=2023,
        actual_start_year=2022,
        actual_end_year=2023,
        stage=Stage.COMPLETED,
    )
    return {"p1": p1, "p2": p2, "p3": p3}


def listed(user, **query):
    response = signed_in(user).get(reverse("projects:project_list"), query)
    assert response.status_code == 200
    return {record.name for record in response.context["table"].data}


def names(library, *keys):
    return {library[key].name for key in keys}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ("p1", "p2", "p3")),
        ({"stage": "under_construction"}, ("p2",)),
        ({"stage": "completed"}, ("p3",)),
        ({"unit": "A"}, ("p1", "p2")),
        ({"unit": "B"}, ("p2", "p3")),
        ({"unit": "COUNTY"}, ("p2",)),
        ({"investment_min": "10000"}, ("p2", "p3")),
        ({"investment_max": "20000"}, ("p1", "p2")),
        ({"investment_min": "10000", "investment_max": "20000"}, ("p2",)),
        ({"year": "2025"}, ("p1", "p2")),
        ({"year": "2026"}, ("p2",)),
        ({"year": "2023"}, ("p3",)),
        ({"year": "2021"}, ()),
        ({"is_major": "true"}, ("p2",)),
        ({"q": "产业园"}, ("p1", "p2")),
    ],
)
def test_the_project_list_filters_return_exactly_the_expected_rows(world, library, query, expected):
    units = {"A": world.unit_a.pk, "B": world.unit_b.pk, "COUNTY": world.county_unit.pk}
    query = {key: units.get(value, value) if key == "unit" else value for key, value in query.items()}
    assert listed(world.office, **query) == names(library, *expected)


def test_the_api_uses_the_same_filters(world, library):
    client = api_as(world.office)
    rows = client.get("/api/projects/projects/", {"unit": world.unit_a.pk, "year": 2025}).json()["results"]
    assert {row["name"] for row in rows} == names(library, "p1", "p2")
    rows = client.get("/api/projects/projects/", {"investment_min": 10000, "stage": "completed"}).json()
    assert {row["name"] for row in rows["results"]} == names(library, "p3")


def test_the_list_shows_only_what_the_user_may_see_and_a_foreign_unit_filters_nothing(world, library):
    assert listed(world.reporter_a) == names(library, "p1", "p2")
    assert listed(world.reporter_a, unit=world.unit_b.pk) == set()


# The API workflows


def test_api_change_stage(world):
    project = register(world)
    client = api_as(world.reporter_a)
    response = client.post(
        f"/api/projects/projects/{project.pk}/change-stage/",
        {"to_stage": "stalled", "effective_on": "2025-04-10", "reason": "资金未到位"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["from_stage"], response.json()["to_stage"]) == ("signed", "stalled")
    project.refresh_from_db()
    assert (project.stage, project.stage_reason) == ("stalled", "资金未到位")
    before = written(project)
    refused = client.post(
        f"/api/projects/projects/{project.pk}/change-stage/",
        {"to_stage": "cancelled", "effective_on": "2025-05-01"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json() == {"reason": ["变更为“取消”须填写原因。"]}
    assert written(project) == before


def test_api_workflows_out_of_scope_or_without_change_permission_write_nothing(world):
    project_b = register(world, "b")
    project_a = register(world)
    before = (written(project_a), written(project_b))
    stage = {"to_stage": "preparing", "effective_on": "2025-04-10"}
    adjust = {
        "reason": "调整",
        "approver": world.leader_a.pk,
        "approved_on": "2025-05-01",
        "total_investment": "1",
    }

    def post(client, project, action, data):
        return client.post(f"/api/projects/projects/{project.pk}/{action}/", data, format="json").status_code

    reporter, viewer = api_as(world.reporter_a), api_as(viewer_on_a(world))
    assert (
        post(reporter, project_b, "change-stage", stage)
        == post(reporter, project_b, "adjust-plan", adjust)
        == 404
    )
    assert (
        post(viewer, project_a, "change-stage", stage)
        == post(viewer, project_a, "adjust-plan", adjust)
        == 403
    )
    assert post(APIClient(), project_a, "change-stage", stage) in (401, 403)
    assert (written(project_a), written(project_b)) == before


def test_api_adjust_plan(world):
    project = register(world)
    Milestone.objects.create(project=project, kind="completion", planned_on=D(2026, 6, 30))
    client = api_as(world.reporter_a)
    url = f"/api/projects/projects/{project.pk}/adjust-plan/"
    payload = {
        "reason": "扩大产能",
        "approver": world.leader_a.pk,
        "approved_on": "2025-07-01",
        "total_investment": "15000",
        "milestone_dates": {"completion": "2026-12-31"},
    }
    bad = client.post(url, {**payload, "milestone_dates": {"groundbreaking": "2026-01-01"}}, format="json")
    assert bad.status_code == 400 and "未知的节点：groundbreaking。" in str(bad.json())
    response = client.post(url, payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["baseline"]["total_investment"] == "10000.00"
    assert body["adjusted"]["total_investment"] == "15000.00"
    project.refresh_from_db()
    assert (project.is_plan_adjusted, project.total_investment) == (True, Decimal("15000.00"))
    milestone = project.milestones.get()
    assert (milestone.planned_on, milestone.baseline_on) == (D(2026, 12, 31), D(2026, 6, 30))


# Registering a project and phasing its plan


def test_creating_a_project_from_the_form_registers_it(world):
    response = signed_in(world.scoped).get(reverse("projects:project_add"))
    assert "初始阶段" in response.content.decode() and "登记日期" in response.content.decode()
    response = signed_in(world.scoped).post(
        reverse("projects:project_add"),
        {
            "name": "赣州家居智造项目",
            "region": world.region_a.pk,
            "introducing_unit": world.unit_a.pk,
            "responsible_unit": world.unit_a.pk,
            "category": "industry",
            "total_investment": "30000",
            "invested_to_date": "0",
            "initial_stage": "planned",
            "registered_on": "2025-02-14",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(name="赣州家居智造项目")
    assert (project.code, project.stage, project.stage_since) == (
        "360703100-2025-0001",
        "planned",
        D(2025, 2, 14),
    )
    transition = project.transitions.get()
    assert (transition.from_stage, transition.to_stage, transition.actor) == ("", "planned", world.scoped)
    edit = signed_in(world.scoped).get(reverse("projects:project_edit", kwargs={"pk": project.pk}))
    assert "初始阶段" not in edit.content.decode() and "360703100-2025-0001" in edit.content.decode()


def test_creating_a_project_through_the_api_registers_it(world):
    response = api_as(world.scoped).post(
        "/api/projects/projects/",
        {
            "name": "光伏组件项目",
            "region": world.region_a.pk,
            "introducing_unit": world.unit_a.pk,
            "responsible_unit": world.unit_a.pk,
            "total_investment": "8000",
            "initial_stage": "preparing",
            "registered_on": "2025-01-05",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["code"], response.json()["stage"]) == ("360703100-2025-0001", "preparing")
    assert Project.objects.get(pk=response.json()["id"]).transitions.get().actor == world.scoped


def test_an_annual_plan_without_monthly_figures_is_phased_and_a_wrong_sum_is_refused(world):
    project = register(world)
    client = signed_in(world.reporter_a)
    office = signed_in(world.office)
    data = {"project": project.pk, "year": "2025", "amount": "1000", "month_amounts": ""}
    assert (
        client.post(reverse("projects:annualplan_add"), data).status_code == 403
    )  # reporters may not add plans
    assert office.post(reverse("projects:annualplan_add"), data).status_code == 302
    plan = AnnualPlan.objects.get(project=project, year=2025)
    assert plan.month_amounts == ["83.33"] * 11 + ["83.37"]
    wrong = {**data, "year": "2026", "month_amounts": "100、100"}
    response = office.post(reverse("projects:annualplan_add"), wrong)
    assert (
        response.status_code == 400 and "分月计划须有 12 个月的数，现有 2 个。" in response.content.decode()
    )
    response = office.post(
        reverse("projects:annualplan_add"), {**wrong, "month_amounts": "、".join(["100"] * 12)}
    )
    assert "12 个月合计 1200.00 万元，与年度计划 1000 万元不符。" in response.content.decode()
    page = office.get(project.get_absolute_url()).content.decode()
    assert "83.37" in page
