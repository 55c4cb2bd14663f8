"""The dispatch API: every workflow action as the office and as the units' reporters (a refused or
out-of-scope action changes nothing), service errors as 400 with their Chinese messages, the
completeness of a round counted over the user's own reports, and a schema without warnings."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import include, path
from rest_framework.test import APIClient

from dispatch import services
from dispatch.choices import ReportAction, ReportStatus
from dispatch.models import (
    Cadence,
    DispatchRound,
    LockException,
    ProgressReport,
    ReportReview,
    ValidationRule,
)
from dispatch.tests.test_services import WEEK_10, at, filled, project

pytestmark = pytest.mark.django_db
D = datetime.date
W = Decimal
API = "/api/dispatch"

# The dispatch API alone, for the schema check below (`--urlconf dispatch.tests.test_api`).
urlpatterns = [path("api/dispatch/", include("dispatch.api.urls"))]


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def rows(response):
    """The rows of a list answer, whatever the page envelope."""
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def snapshot(*models):
    return {model: list(model.objects.order_by("pk").values()) for model in models}


WORKFLOW_MODELS = (ProgressReport, ReportReview, LockException, DispatchRound)


@pytest.fixture
def cadence(world):
    # Never locking, so that reports of a past week can still be filled in at the real time of the test.
    return Cadence.objects.create(name="每周调度", region=world.county, due_offset_days=-2, expiry_days=None)


@pytest.fixture
def reports(world, cadence):
    """Week 10 of 2024 with one report of township A and one of township B."""
    project(world, "唐江家具产业园", unit=world.unit_a, invested="1000")
    project(world, "凤岗物流园", unit=world.unit_b, invested="500")
    dispatch_round = services.open_round(cadence, on=WEEK_10, actor=world.office)
    return dispatch_round.reports.get(unit=world.unit_a), dispatch_round.reports.get(unit=world.unit_b)


def submitted(world, report):
    return services.submit_report(report, actor=world.reporter_a, now=at(D(2024, 3, 6)), **filled())


# Cadences, rules, lock exceptions ---------------------------------------------------------------


def test_office_manages_cadences_and_reporters_cannot(world):
    payload = {
        "name": "重大项目每周调度",
        "region": world.county.pk,
        "due_offset_days": -2,
        "grace_days": 1,
        "stages": ["under_construction", "planned", "planned"],
        "tier_flags": ["is_major"],
        "units": [world.unit_a.pk],
    }
    created = api(world.office).post(f"{API}/cadences/", payload, format="json")
    assert created.status_code == 201, created.json()
    cadence = Cadence.objects.get(pk=created.json()["id"])
    assert (cadence.stages, cadence.tier_flags, list(cadence.units.all())) == (
        ["under_construction", "planned"],
        ["is_major"],
        [world.unit_a],
    )
    assert (
        api(world.office)
        .patch(f"{API}/cadences/{cadence.pk}/", {"grace_days": 2}, format="json")
        .json()["grace_days"]
        == 2
    )
    refused = api(world.office).post(f"{API}/cadences/", payload | {"stages": ["built"]}, format="json")
    assert refused.status_code == 400 and "stages" in refused.json()
    before = snapshot(Cadence)
    assert (
        api(world.reporter_a).post(f"{API}/cadences/", payload | {"name": "x"}, format="json").status_code
        == 403
    )
    assert api(world.reporter_a).delete(f"{API}/cadences/{cadence.pk}/").status_code == 403
    assert snapshot(Cadence) == before
    assert api(world.office).delete(f"{API}/cadences/{cadence.pk}/").status_code == 204


def test_rule_expressions_are_checked_with_the_rule_language(world):
    payload = {
        "name": "在场人数不少于 10 人",
        "left_side": "workers_on_site",
        "operator": ">=",
        "right_side": "10",
        "importance": "blocking",
        "message": "在建项目在场施工人数不少于 10 人。",
    }
    created = api(world.office).post(f"{API}/validation-rules/", payload, format="json")
    assert created.status_code == 201
    bad = api(world.office).post(
        f"{API}/validation-rules/",
        payload | {"name": "坏规则", "left_side": "__import__('os')"},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json() == {"left_side": ["表达式“__import__('os')”只能调用 abs, len, max, min。"]}
    unknown = api(world.office).post(
        f"{API}/validation-rules/", payload | {"name": "坏规则", "right_side": "salary * 2"}, format="json"
    )
    assert unknown.json() == {"right_side": ["表达式“salary * 2”中的“salary”不是可用的字段。"]}
    assert not ValidationRule.objects.filter(name="坏规则").exists()
    assert api(world.reporter_a).post(f"{API}/validation-rules/", payload, format="json").status_code == 403


def test_lock_exceptions_are_granted_through_the_service(world, reports):
    report_a, _ = reports
    body = {"round": report_a.round_id, "unit": world.unit_a.pk, "until": "2024-03-15T17:00:00+08:00"}
    missing_reason = api(world.office).post(f"{API}/lock-exceptions/", body | {"reason": " "}, format="json")
    assert missing_reason.status_code == 400
    assert missing_reason.json() == {"reason": ["该字段不能为空。"]}
    granted = api(world.office).post(f"{API}/lock-exceptions/", body | {"reason": "系统故障"}, format="json")
    assert granted.status_code == 201
    later = body | {"until": "2024-03-20T17:00:00+08:00", "reason": "延长补报"}
    assert api(world.office).post(f"{API}/lock-exceptions/", later, format="json").status_code == 201
    exception = LockException.objects.get()
    assert (exception.until, exception.reason) == (at(D(2024, 3, 20), 17), "延长补报")
    assert exception.history.first().history_change_reason == "补报许可"
    assert api(world.reporter_a).post(f"{API}/lock-exceptions/", later, format="json").status_code == 403
    shortened = api(world.office).patch(
        f"{API}/lock-exceptions/{exception.pk}/", {"until": "2024-03-18T17:00:00+08:00"}, format="json"
    )
    assert shortened.status_code == 200
    exception.refresh_from_db()
    assert exception.until == at(D(2024, 3, 18), 17)
    assert api(world.reporter_a).patch(
        f"{API}/lock-exceptions/{exception.pk}/", {}, format="json"
    ).status_code in (
        403,
        404,
    )


# Rounds -----------------------------------------------------------------------------------------


def test_office_opens_a_round_on_a_cadence(world, cadence):
    project(world, "唐江家具产业园")
    opened = api(world.office).post(
        f"{API}/cadences/{cadence.pk}/open-round/", {"on": "2024-03-06"}, format="json"
    )
    assert opened.status_code == 201
    assert opened.json()["label"] == "2024年第10周（3月4日—3月10日）"
    assert opened.json()["period_start"] == "2024-03-04"
    dispatch_round = DispatchRound.objects.get()
    assert dispatch_round.reports.count() == 1
    again = api(world.office).post(
        f"{API}/cadences/{cadence.pk}/open-round/", {"on": "2024-03-04"}, format="json"
    )
    assert (again.status_code, DispatchRound.objects.count()) == (200, 1)
    assert (
        api(world.office).post(f"{API}/cadences/{cadence.pk}/open-round/", {}, format="json").status_code
        == 400
    )


def test_reporters_cannot_open_rounds(world, cadence):
    for user in (world.reporter_a, world.no_role):
        answer = api(user).post(
            f"{API}/cadences/{cadence.pk}/open-round/", {"on": "2024-03-06"}, format="json"
        )
        assert answer.status_code == 403
    assert not DispatchRound.objects.exists()


def test_rounds_are_read_only_and_a_unit_sees_the_rounds_it_reports_in(world, reports):
    dispatch_round = reports[0].round
    listed = rows(api(world.reporter_a).get(f"{API}/rounds/"))
    assert [row["id"] for row in listed] == [dispatch_round.pk]
    assert listed[0]["state"] == "已截止"
    assert api(world.office).delete(f"{API}/rounds/{dispatch_round.pk}/").status_code == 405
    assert api(world.office).post(f"{API}/rounds/", {}, format="json").status_code == 405


# Filling and submitting ---------------------------------------------------------------------------


def test_reporter_fills_in_a_report_through_the_service(world, reports):
    report_a, _ = reports
    answer = api(world.reporter_a).patch(
        f"{API}/reports/{report_a.pk}/",
        {"investment_year_to_date": "300", "physical_progress": "桩基施工", "status": "approved"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    report_a.refresh_from_db()
    assert (report_a.status, report_a.investment_period, report_a.investment_since_start) == (
        ReportStatus.DRAFT,
        W("300"),
        W("1300"),
    )
    assert report_a.history.first().history_change_reason == "填报进度"
    assert answer.json()["investment_since_start"] == "1300.00"


def test_a_reporter_cannot_touch_another_units_report(world, reports):
    report_a, _ = reports
    before = snapshot(*WORKFLOW_MODELS)
    client = api(world.reporter_b)
    assert client.get(f"{API}/reports/{report_a.pk}/").status_code == 404
    assert (
        client.patch(f"{API}/reports/{report_a.pk}/", {"workers_on_site": 3}, format="json").status_code
        == 404
    )
    assert client.post(f"{API}/reports/{report_a.pk}/submit/", filled(), format="json").status_code == 404
    for name in ("return", "approve", "reopen"):
        assert client.post(f"{API}/reports/{report_a.pk}/{name}/", {}, format="json").status_code == 403
    assert [row["id"] for row in rows(client.get(f"{API}/reports/"))] == [reports[1].pk]
    assert snapshot(*WORKFLOW_MODELS) == before


def test_submit_with_figures_that_break_a_rule_is_400_with_the_rules_message(world, reports):
    report_a, _ = reports
    body = {
        "investment_period": "200",
        "investment_year_to_date": "250",
        "physical_progress": "主体结构施工至三层",
        "confidence": "green",
    }
    answer = api(world.reporter_a).post(f"{API}/reports/{report_a.pk}/submit/", body, format="json")
    assert answer.status_code == 400
    assert answer.json() == ["本期完成投资应等于本期与上期年度累计之差。"]
    report_a.refresh_from_db()
    assert (report_a.status, report_a.investment_period, report_a.reviews.count()) == (
        ReportStatus.PENDING,
        None,
        0,
    )
    amber = api(world.reporter_a).post(
        f"{API}/reports/{report_a.pk}/submit/", filled(confidence="amber"), format="json"
    )
    assert amber.json() == ["交付信心不是“绿”时须填写信心说明。"]


def test_reporter_submits_with_last_values_or_none(world, reports):
    report_a, _ = reports
    client = api(world.reporter_a)
    assert client.patch(f"{API}/reports/{report_a.pk}/", filled(), format="json").status_code == 200
    answer = client.post(f"{API}/reports/{report_a.pk}/submit/", {}, format="json")
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["status"], answer.json()["submitted_by"]) == ("submitted", world.reporter_a.pk)
    assert answer.json()["is_on_time"] is False  # submitted now, long after 9 March 2024
    again = client.post(f"{API}/reports/{report_a.pk}/submit/", {}, format="json")
    assert (again.status_code, again.json()) == (400, ["报告已报送，不能修改。"])


def test_office_may_fill_and_submit_any_report_in_the_county(world, reports):
    _, report_b = reports
    answer = api(world.office).post(f"{API}/reports/{report_b.pk}/submit/", filled(), format="json")
    assert answer.status_code == 200
    report_b.refresh_from_db()
    assert (report_b.status, report_b.submitted_by) == (ReportStatus.SUBMITTED, world.office)


# Review ---------------------------------------------------------------------------------------------


def test_a_reporter_cannot_review_its_own_units_report(world, reports):
    report_a = submitted(world, reports[0])
    before = snapshot(*WORKFLOW_MODELS)
    client = api(world.reporter_a)
    assert client.post(f"{API}/reports/{report_a.pk}/approve/", {}, format="json").status_code == 403
    assert (
        client.post(f"{API}/reports/{report_a.pk}/return/", {"comment": "x"}, format="json").status_code
        == 403
    )
    assert (
        client.post(f"{API}/reports/{report_a.pk}/reopen/", {"reason": "x"}, format="json").status_code == 403
    )
    assert snapshot(*WORKFLOW_MODELS) == before


def test_office_returns_then_approves_then_reopens(world, reports):
    report_a = submitted(world, reports[0])
    client = api(world.office)
    empty = client.post(f"{API}/reports/{report_a.pk}/return/", {"comment": " "}, format="json")
    assert (empty.status_code, empty.json()) == (400, {"comment": ["退回须写明意见。"]})
    returned = client.post(
        f"{API}/reports/{report_a.pk}/return/", {"comment": "请补充现场照片"}, format="json"
    )
    assert (returned.status_code, returned.json()["status"], returned.json()["review_comment"]) == (
        200,
        "returned",
        "请补充现场照片",
    )
    not_submitted = client.post(f"{API}/reports/{report_a.pk}/approve/", {}, format="json")
    assert (not_submitted.status_code, not_submitted.json()) == (
        400,
        ["只能审核已报送的报告（当前：已退回）。"],
    )
    assert (
        api(world.reporter_a).post(f"{API}/reports/{report_a.pk}/submit/", {}, format="json").status_code
        == 200
    )
    approved = client.post(f"{API}/reports/{report_a.pk}/approve/", {"comment": "同意"}, format="json")
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    report_a.project.refresh_from_db()
    assert report_a.project.invested_to_date == W("1200")
    no_reason = client.post(f"{API}/reports/{report_a.pk}/reopen/", {"reason": ""}, format="json")
    assert (no_reason.status_code, no_reason.json()) == (400, {"reason": ["重新打开须写明原因。"]})
    reopened = client.post(f"{API}/reports/{report_a.pk}/reopen/", {"reason": "投资数据有误"}, format="json")
    assert (reopened.status_code, reopened.json()["status"]) == (200, "returned")
    timeline = client.get(f"{API}/reports/{report_a.pk}/timeline/").json()
    assert [row["action"] for row in timeline] == [
        ReportAction.SUBMIT,
        ReportAction.RETURN,
        ReportAction.SUBMIT,
        ReportAction.APPROVE,
        ReportAction.REOPEN,
    ]
    assert api(world.reporter_b).get(f"{API}/reports/{report_a.pk}/timeline/").status_code == 404
    assert len(api(world.reporter_a).get(f"{API}/reports/{report_a.pk}/timeline/").json()) == 5
    assert rows(api(world.reporter_b).get(f"{API}/report-reviews/")) == []
    assert len(rows(api(world.reporter_a).get(f"{API}/report-reviews/", {"unit": world.unit_a.pk}))) == 5


def test_office_out_of_its_county_gets_404(world, reports):
    from org.models import Role
    from org.services import grant_role

    other_office = type(world.office).objects.create(username="zhanggong_office")
    grant_role(
        other_office, role=Role.objects.get(code="office_admin"), region=world.other_county, actor=None
    )
    report_a = submitted(world, reports[0])
    before = snapshot(*WORKFLOW_MODELS)
    client = api(other_office)
    assert client.post(f"{API}/reports/{report_a.pk}/approve/", {}, format="json").status_code == 404
    assert (
        client.post(f"{API}/reports/{report_a.pk}/return/", {"comment": "x"}, format="json").status_code
        == 404
    )
    assert client.get(f"{API}/rounds/{report_a.round_id}/completeness/").status_code == 404
    assert snapshot(*WORKFLOW_MODELS) == before


# Lists and filters ------------------------------------------------------------------------------


def test_reports_filter_by_round_unit_status_and_project(world, reports):
    report_a, report_b = reports
    submitted(world, report_a)
    client = api(world.office)

    def ids(**query):
        return [row["id"] for row in rows(client.get(f"{API}/reports/", query))]

    assert ids(round=report_a.round_id) == sorted([report_a.pk, report_b.pk])
    assert ids(unit=world.unit_b.pk) == [report_b.pk]
    assert ids(status="submitted") == [report_a.pk]
    assert ids(project=report_b.project_id) == [report_b.pk]
    assert api(world.office).post(f"{API}/reports/", {}, format="json").status_code == 405
    assert api(world.office).delete(f"{API}/reports/{report_a.pk}/").status_code == 405


def test_reminders_and_photos_are_listed_in_scope(world, reports):
    dispatch_round = reports[0].round
    services.send_reminders(dispatch_round, kind="overdue", actor=world.office, now=at(D(2024, 3, 9)))
    assert {row["unit"] for row in rows(api(world.office).get(f"{API}/reminders/"))} == {
        world.unit_a.pk,
        world.unit_b.pk,
    }
    assert [row["unit"] for row in rows(api(world.reporter_a).get(f"{API}/reminders/"))] == [world.unit_a.pk]
    assert rows(api(world.reporter_a).get(f"{API}/photos/")) == []
    assert api(world.reporter_a).post(f"{API}/photos/", {}, format="json").status_code == 405


# Completeness -----------------------------------------------------------------------------------


def test_completeness_counts_exactly_over_the_users_reports(world, cadence):
    for number in range(3):
        project(world, f"唐江项目{number}")
    for number in range(2):
        project(world, f"凤岗项目{number}", unit=world.unit_b)
    cadence.grace_days = 1
    cadence.save()
    dispatch_round = services.open_round(cadence, on=WEEK_10, actor=world.office)
    a_reports = list(dispatch_round.reports.filter(unit=world.unit_a).order_by("project__name"))
    b_reports = list(dispatch_round.reports.filter(unit=world.unit_b).order_by("project__name"))
    limit = dispatch_round.on_time_until
    services.submit_report(a_reports[0], actor=world.reporter_a, now=dispatch_round.due_at, **filled())
    services.submit_report(a_reports[1], actor=world.reporter_a, now=limit, **filled())
    late = limit + datetime.timedelta(seconds=1)
    services.submit_report(a_reports[2], actor=world.reporter_a, now=late, **filled())
    services.approve_report(a_reports[0], actor=world.office, now=late)
    services.submit_report(b_reports[0], actor=world.reporter_b, now=at(D(2024, 3, 5)), **filled())
    services.return_report(b_reports[0], comment="补充照片", actor=world.office, now=at(D(2024, 3, 6)))

    body = api(world.office).get(f"{API}/rounds/{dispatch_round.pk}/completeness/").json()
    tally = ("expected", "submitted", "on_time", "late", "missing", "approved", "returned")
    assert body["round"] == dispatch_round.pk
    assert [(line["unit_name"], *(line[name] for name in tally)) for line in body["units"]] == [
        ("凤岗镇人民政府", 2, 1, 1, 0, 1, 0, 1),
        ("唐江镇人民政府", 3, 3, 2, 1, 0, 1, 0),
    ]
    assert [(line["completeness"], line["timeliness"]) for line in body["units"]] == [
        ("50.00", "50.00"),
        ("100.00", "66.67"),
    ]
    assert body["units"][1]["unit"] == world.unit_a.pk
    assert body["total"] == {
        "expected": 5,
        "submitted": 4,
        "on_time": 3,
        "late": 1,
        "missing": 1,
        "approved": 1,
        "returned": 1,
        "completeness": "80.00",
        "timeliness": "60.00",
    }

    own = api(world.reporter_a).get(f"{API}/rounds/{dispatch_round.pk}/completeness/").json()
    assert [line["unit_name"] for line in own["units"]] == ["唐江镇人民政府"]
    assert (own["total"]["expected"], own["total"]["completeness"]) == (3, "100.00")
    assert api(world.no_role).get(f"{API}/rounds/{dispatch_round.pk}/completeness/").status_code == 403


# Schema -------------------------------------------------------------------------------------------


def test_the_schema_of_the_dispatch_api_has_no_warnings(tmp_path):
    schema = tmp_path / "schema.yaml"
    call_command("spectacular", "--urlconf", __name__, "--validate", "--fail-on-warn", "--file", str(schema))
    text = schema.read_text()
    for endpoint in ("/cadences/{id}/open-round/", "/reports/{id}/return/", "/rounds/{id}/completeness/"):
        assert f"/api/dispatch{endpoint}" in text
