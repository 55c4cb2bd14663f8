"""The round page, the completeness board and the office's actions on them (open a round, remind,
grant a lock exception), with numbers counted by hand, and what a township reporter may see."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dispatch import services
from dispatch.models import Cadence, DispatchRound, LockException, Reminder, ValidationRule
from projects import services as project_services
from projects.choices import Stage
from projects.models import Project

pytestmark = pytest.mark.django_db
D = datetime.date
WEEK_10 = D(2024, 3, 4)  # Monday; due Friday 8 March 17:00, locks Monday 11 March 17:00
WEEK_11 = D(2024, 3, 11)


def at(day, hour=12):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def project(world, name, unit):
    row = Project(
        name=name,
        region=world.county,
        introducing_unit=unit,
        responsible_unit=unit,
        total_investment=Decimal("10000"),
        invested_to_date=Decimal("1000"),
    )
    return project_services.register_project(
        row, stage=Stage.UNDER_CONSTRUCTION, on=D(2024, 1, 2), actor=world.office
    )


def submit(dispatch_round, project, *, on):
    report = dispatch_round.reports.get(project=project)
    values = {"investment_period": Decimal("200"), "physical_progress": "主体施工", "confidence": "green"}
    return services.submit_report(report, actor=None, now=at(on), **values)


@pytest.fixture
def dispatch(world):
    """Week 10: 唐江 reports one of its two projects on time; 凤岗 reports its one project late.
    Week 11: 唐江 reports both on time; 凤岗 reports nothing."""
    cadence = Cadence.objects.create(name="每周调度", region=world.county, due_offset_days=-2, expiry_days=3)
    a1 = project(world, "唐江家具厂", world.unit_a)
    a2 = project(world, "唐江物流园", world.unit_a)
    b1 = project(world, "凤岗光伏", world.unit_b)
    week_10 = services.open_round(cadence, on=WEEK_10, actor=world.office)
    submit(week_10, a1, on=D(2024, 3, 6))
    submit(week_10, b1, on=D(2024, 3, 9))  # after Friday 17:00: late
    week_11 = services.open_round(cadence, on=WEEK_11, actor=world.office)
    submit(week_11, a1, on=D(2024, 3, 13))
    submit(week_11, a2, on=D(2024, 3, 14))
    return {"cadence": cadence, "week_10": week_10, "week_11": week_11, "a1": a1, "a2": a2, "b1": b1}


def round_url(dispatch_round, action="detail"):
    name = "dispatch:dispatchround_detail" if action == "detail" else f"dispatch:round_{action}"
    return reverse(name, kwargs={"pk": dispatch_round.pk})


def line_numbers(line):
    tally = line.tally
    return (
        line.unit_name,
        tally.expected,
        tally.submitted,
        tally.on_time,
        tally.late,
        tally.missing,
        tally.completeness,
        tally.timeliness,
    )


# The round page ---------------------------------------------------------------------------------


def test_round_page_shows_state_times_completeness_and_reports(world, dispatch, client):
    client.force_login(world.office)
    week_10 = dispatch["week_10"]
    response = client.get(round_url(week_10))
    assert response.status_code == 200
    context = response.context
    assert context["state"] == "已锁定"
    # 唐江 still misses a report, so it comes first.
    assert [line_numbers(line) for line in context["lines"]] == [
        ("唐江镇人民政府", 2, 1, 1, 0, 1, Decimal("50.00"), Decimal("50.00")),
        ("凤岗镇人民政府", 1, 1, 0, 1, 0, Decimal("100.00"), Decimal("0.00")),
    ]
    total = context["total"]
    assert (total.expected, total.submitted, total.on_time, total.missing) == (3, 2, 1, 1)
    assert context["missing_units"] == ["唐江镇人民政府"]
    rows = {row["report"].project.name: row["on_time"] for row in context["reports"]}
    assert rows == {"唐江家具厂": True, "唐江物流园": None, "凤岗光伏": False}
    page = response.content.decode()
    assert "尚未报送齐全：唐江镇人民政府" in page
    assert "2024-03-08 17:00" in page and "2024-03-11 17:00" in page
    for report in week_10.reports.all():
        assert report.get_absolute_url() in page
    assert "发送催报" in page and "开通补报许可" in page


def test_reporter_sees_only_its_own_unit_on_the_round_page_and_no_office_actions(world, dispatch, client):
    client.force_login(world.reporter_a)
    week_10 = dispatch["week_10"]
    response = client.get(round_url(week_10))
    assert response.status_code == 200
    assert [line.unit_name for line in response.context["lines"]] == ["唐江镇人民政府"]
    assert {row["report"].unit for row in response.context["reports"]} == {world.unit_a}
    page = response.content.decode()
    assert "凤岗" not in page
    assert "发送催报" not in page and "开通补报许可" not in page
    report_b = week_10.reports.get(unit=world.unit_b)
    assert client.get(report_b.get_absolute_url()).status_code == 404
    assert client.get(week_10.reports.get(project=dispatch["a1"]).get_absolute_url()).status_code == 200


def test_round_of_another_township_only_is_not_found(world, client):
    cadence = Cadence.objects.create(name="凤岗专调", region=world.region_b)
    project(world, "凤岗光伏", world.unit_b)
    week = services.open_round(cadence, on=WEEK_10, actor=world.office)
    client.force_login(world.reporter_a)
    assert client.get(round_url(week)).status_code == 404


# The board --------------------------------------------------------------------------------------


def test_board_counts_each_unit_over_the_rounds(world, dispatch, client):
    client.force_login(world.office)
    response = client.get(reverse("dispatch:board"), {"cadence": dispatch["cadence"].pk})
    assert response.status_code == 200
    context = response.context
    assert context["rounds"] == [dispatch["week_10"], dispatch["week_11"]]
    week_10_url, week_11_url = round_url(dispatch["week_10"]), round_url(dispatch["week_11"])
    # Lowest completeness first: 凤岗 2 expected, 1 submitted (late); 唐江 4 expected, 3 on time.
    rows = [
        (row["unit"], row["cells"], row["tally"].completeness, row["tally"].timeliness)
        for row in context["rows"]
    ]
    assert rows == [
        (
            "凤岗镇人民政府",
            [
                f'<td class="table-success"><a href="{week_10_url}">1/1</a></td>',
                f'<td class="table-danger"><a href="{week_11_url}">0/1</a></td>',
            ],
            Decimal("50.00"),
            Decimal("0.00"),
        ),
        (
            "唐江镇人民政府",
            [
                f'<td class="table-danger"><a href="{week_10_url}">1/2</a></td>',
                f'<td class="table-success"><a href="{week_11_url}">2/2</a></td>',
            ],
            Decimal("75.00"),
            Decimal("75.00"),
        ),
    ]
    total = context["total"]
    assert (total.expected, total.submitted, total.on_time) == (6, 4, 3)
    assert context["latest_missing"] == ["凤岗镇人民政府"]
    page = response.content.decode()
    assert "尚未报送齐全：凤岗镇人民政府" in page
    assert f'<a href="{week_11_url}">2/2</a>' in page


def test_board_defaults_to_the_first_active_cadence_and_limits_the_rounds(world, dispatch, client):
    client.force_login(world.office)
    response = client.get(reverse("dispatch:board"), {"count": "1"})
    assert response.context["cadence"] == dispatch["cadence"]
    assert response.context["rounds"] == [dispatch["week_11"]]
    assert client.get(reverse("dispatch:board"), {"count": "999"}).context["count"] == 52
    assert client.get(reverse("dispatch:board"), {"count": "x"}).context["count"] == 12
    assert client.get(reverse("dispatch:board"), {"cadence": "999999"}).status_code == 404


def test_reporter_sees_only_its_own_unit_on_the_board(world, dispatch, client):
    client.force_login(world.reporter_a)
    response = client.get(reverse("dispatch:board"))
    assert response.status_code == 200
    # The county's cadence is not the township's row, but its rounds are, so it is on the board.
    assert response.context["cadence"] == dispatch["cadence"]
    rows = response.context["rows"]
    assert [(row["unit"], row["tally"].expected, row["tally"].submitted) for row in rows] == [
        ("唐江镇人民政府", 4, 3)
    ]
    assert [">1/2<" in rows[0]["cells"][0], ">2/2<" in rows[0]["cells"][1]] == [True, True]
    assert response.context["latest_missing"] == []
    assert "凤岗" not in response.content.decode()


def test_board_needs_view_permission_on_reports(world, client):
    client.force_login(world.no_role)
    assert client.get(reverse("dispatch:board")).status_code == 403


# Opening a round from the cadence page ---------------------------------------------------------


def test_office_opens_a_round_from_the_cadence_page(world, client):
    cadence = Cadence.objects.create(name="每周调度", region=world.county)
    project(world, "唐江家具厂", world.unit_a)
    project(world, "凤岗光伏", world.unit_b)
    client.force_login(world.office)
    page = client.get(cadence.get_absolute_url())
    assert page.status_code == 200 and "开启调度" in page.content.decode()
    url = reverse("dispatch:cadence_open_round", kwargs={"pk": cadence.pk})
    response = client.post(url, {"open-on": "2024-03-06"})
    dispatch_round = DispatchRound.objects.get(cadence=cadence)
    assert response.status_code == 302 and response["Location"] == dispatch_round.get_absolute_url()
    assert (dispatch_round.period_start, dispatch_round.period_end) == (D(2024, 3, 4), D(2024, 3, 10))
    assert dispatch_round.reports.count() == 2
    assert dispatch_round.history.latest().history_user == world.office
    # A missing date is refused and opens nothing.
    assert client.post(url, {"open-on": ""}).status_code == 400
    assert DispatchRound.objects.count() == 1


def test_reporter_cannot_open_a_round(world, client):
    cadence = Cadence.objects.create(name="唐江专调", region=world.region_a)
    cadence.units.set([world.unit_a])
    client.force_login(world.reporter_a)
    page = client.get(cadence.get_absolute_url())
    assert page.status_code == 200 and "open_form" not in page.context
    url = reverse("dispatch:cadence_open_round", kwargs={"pk": cadence.pk})
    assert client.post(url, {"open-on": "2024-03-06"}).status_code == 403
    assert not DispatchRound.objects.exists()


# Reminders and lock exceptions from the round page ---------------------------------------------


def test_office_reminds_the_units_still_missing_reports(world, dispatch, client):
    client.force_login(world.office)
    response = client.post(round_url(dispatch["week_10"], "send_reminders"))
    assert response.status_code == 302
    reminders = list(Reminder.objects.values_list("round", "unit", "kind", "channel"))
    assert reminders == [(dispatch["week_10"].pk, world.unit_a.pk, "overdue", "in_app")]
    # Sending again writes nothing new.
    client.post(round_url(dispatch["week_10"], "send_reminders"))
    assert Reminder.objects.count() == 1


def test_reporter_cannot_send_reminders(world, dispatch, client):
    client.force_login(world.reporter_a)
    assert client.post(round_url(dispatch["week_10"], "send_reminders")).status_code == 403
    assert not Reminder.objects.exists()


def test_office_grants_a_lock_exception_from_the_round_page(world, dispatch, client):
    client.force_login(world.office)
    url = round_url(dispatch["week_10"], "grant_exception")
    data = {
        "exception-unit": world.unit_a.pk,
        "exception-until": "2024-03-15T17:00",
        "exception-reason": "停电",
    }
    assert client.post(url, {**data, "exception-reason": ""}).status_code == 400
    assert not LockException.objects.exists()
    assert client.post(url, data).status_code == 302
    exception = LockException.objects.get()
    assert (exception.round, exception.unit, exception.reason) == (dispatch["week_10"], world.unit_a, "停电")
    assert timezone.localtime(exception.until) == at(D(2024, 3, 15), 17)
    assert exception.history.latest().history_user == world.office
    # Now the unit may still submit into the locked round.
    assert services.accepts_reports(dispatch["week_10"], world.unit_a, now=at(D(2024, 3, 14)))


def test_reporter_cannot_grant_a_lock_exception(world, dispatch, client):
    client.force_login(world.reporter_a)
    data = {
        "exception-unit": world.unit_a.pk,
        "exception-until": "2024-03-15T17:00",
        "exception-reason": "停电",
    }
    assert client.post(round_url(dispatch["week_10"], "grant_exception"), data).status_code == 403
    assert not LockException.objects.exists()


def test_lock_exception_add_page_goes_through_the_service_and_extends_a_grant(world, dispatch, client):
    client.force_login(world.office)
    week_10 = dispatch["week_10"]
    url = reverse("dispatch:lockexception_add")
    data = {"round": week_10.pk, "unit": world.unit_b.pk, "until": "2024-03-15T17:00", "reason": "系统故障"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "until": "2024-03-18T17:00", "reason": "再延期"}).status_code == 302
    exception = LockException.objects.get()
    assert (timezone.localtime(exception.until), exception.reason) == (at(D(2024, 3, 18), 17), "再延期")


# Forms of the generic pages --------------------------------------------------------------------


def test_cadence_form_stores_stages_and_tier_flags_from_checkboxes(world, client):
    client.force_login(world.office)
    data = {
        "name": "重大项目调度",
        "region": world.county.pk,
        "period_type": "monthly",
        "start_weekday": "0",
        "open_offset_days": "0",
        "due_offset_days": "0",
        "due_time": "17:00",
        "grace_days": "1",
        "expiry_days": "",
        "units": [world.unit_a.pk],
        "stages": ["planned", "under_construction"],
        "tier_flags": ["is_major", "is_city_key"],
        "is_active": "on",
    }
    assert client.post(reverse("dispatch:cadence_add"), data).status_code == 302
    cadence = Cadence.objects.get(name="重大项目调度")
    assert cadence.stages == ["planned", "under_construction"]
    assert cadence.tier_flags == ["is_major", "is_city_key"]
    assert list(cadence.units.all()) == [world.unit_a] and cadence.expiry_days is None
    page = client.get(cadence.get_absolute_url()).content.decode()
    assert "拟建、在建（开工/续建）" in page and "重大、市重点" in page
    bad = client.post(reverse("dispatch:cadence_add"), {**data, "name": "另一个", "stages": ["nonsense"]})
    assert bad.status_code == 400


def test_validation_rule_form_checks_both_expressions(world, client):
    client.force_login(world.office)
    data = {
        "name": "人数上限",
        "left_side": "workers_on_site",
        "operator": "<=",
        "right_side": "5000",
        "importance": "warning",
        "message": "人数异常",
        "sort_order": "1",
        "is_active": "on",
    }
    page = client.get(reverse("dispatch:validationrule_add")).content.decode()
    assert "total_investment" in page and "项目总投资（万元）" in page
    response = client.post(reverse("dispatch:validationrule_add"), {**data, "left_side": "__import__('os')"})
    assert response.status_code == 400
    assert response.context["form"].errors["left_side"]
    response = client.post(reverse("dispatch:validationrule_add"), {**data, "right_side": "salary * 2"})
    assert response.context["form"].errors["right_side"] == ["表达式“salary * 2”中的“salary”不是可用的字段。"]
    assert not ValidationRule.objects.filter(name="人数上限").exists()
    assert client.post(reverse("dispatch:validationrule_add"), data).status_code == 302
    assert ValidationRule.objects.filter(name="人数上限", right_side="5000").exists()
