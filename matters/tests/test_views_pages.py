"""The matters pages: the matter page with its light, clocks, ladder and timeline, 交办 and editing
through the engine, evidence served only through the permission-checked view, kinds configured on
their page, and the matters on a progress report's page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from matters import services
from matters.choices import EscalationLevel, EventKind, Light, Node
from matters.models import Matter, MatterKind
from matters.selectors import working_calendar

from .conftest import new_matter
from .views_helpers import PDF, fresh_matter, page, pdf, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
D = datetime.date


# The matter page --------------------------------------------------------------------------------


def test_matter_page_shows_the_light_clocks_ladder_and_timeline(setup, client):
    w = setup.world
    matter = new_matter(setup)  # opened 2024-03-01, deadline 2024-03-22
    services.escalate_overdue_matters(D(2024, 3, 25))  # 1 working day overdue: the liaison leader
    client.force_login(w.office)
    response = client.get(page(matter))
    context = response.context
    assert context["light"] == Light.RED
    today = timezone.localdate()
    assert context["overdue_days"] == working_calendar().working_days_between(D(2024, 3, 22), today)
    assert [
        (row["level"], row["reached"], row["current"], row["reached_on"]) for row in context["ladder"]
    ] == [
        (EscalationLevel.UNIT, True, False, D(2024, 3, 1)),
        (EscalationLevel.LIAISON_LEADER, True, True, D(2024, 3, 25)),
        (EscalationLevel.TASK_FORCE, False, False, None),
        (EscalationLevel.DISTRICT_MEETING, False, False, None),
    ]
    # 5 and 10 working days after Friday 2024-03-22.
    assert [row["due_on"] for row in context["ladder"][2:]] == [D(2024, 3, 29), D(2024, 4, 8)]
    assert [(clock.name, clock.deadline, clock.state) for clock in context["clocks"]] == [
        ("办结", D(2024, 3, 22), "overdue")
    ]
    assert [event.kind for event in context["events"]] == [EventKind.ASSIGNED, EventKind.ESCALATED_BY_RULE]
    shown = response.content.decode()
    assert "红灯" in shown and "挂点联系领导（当前）" in shown and "2024-03-29 起自动升级" in shown


# 交办 and editing ---------------------------------------------------------------------------------


def test_the_office_assigns_a_matter_through_the_engine(setup, client):
    w = setup.world
    client.force_login(w.office)
    assert client.get(reverse("matters:matter_add")).status_code == 200
    response = client.post(
        reverse("matters:matter_add"),
        {
            "kind": setup.kinds["project_issue"].pk,
            "title": "家具项目用地未交付",
            "source": "dispatch_meeting",
            "project": setup.project.pk,
            "category": "land",
            "lead_unit": setup.bureau.pk,
            "cooperating_units": [w.unit_a.pk],
            "responsible_leader": w.leader_a.pk,
            "responsible_person": w.person_a.pk,
            "solution": "自然资源局牵头，9月底前完成交地。",
            "opened_on": "2024-09-20",
            "deadline": "",
            "deadline_days": "15",
        },
    )
    matter = Matter.objects.get(title="家具项目用地未交付")
    assert response.status_code == 302 and response["Location"] == page(matter)
    # 15 working days from Friday 2024-09-20, across National Day with the 调休 Sunday 09-29 and
    # Saturday 10-12.
    assert (matter.code, matter.deadline, matter.original_deadline, matter.node) == (
        "WT-2024-0001",
        D(2024, 10, 16),
        D(2024, 10, 16),
        Node.ASSIGNED,
    )
    assert list(matter.cooperating_units.all()) == [w.unit_a]
    assert list(matter.events.values_list("kind", "actor")) == [(EventKind.ASSIGNED, w.office.pk)]
    assert matter.history.latest().history_user == w.office


def test_assigning_needs_one_deadline_and_a_unit_in_scope(setup, client):
    w = setup.world
    client.force_login(w.office)
    data = {
        "kind": setup.kinds["project_issue"].pk,
        "title": "两种期限",
        "source": "other",
        "category": "other",
        "lead_unit": w.unit_a.pk,
        "opened_on": "2024-09-20",
        "deadline": "2024-10-31",
        "deadline_days": "5",
    }
    response = client.post(reverse("matters:matter_add"), data)
    assert response.status_code == 400
    assert "办结期限请只填日期或工作日数之一。" in response.content.decode()
    outside = data | {"deadline_days": "", "lead_unit": w.other_county_unit.pk}
    response = client.post(reverse("matters:matter_add"), outside)
    assert response.status_code == 400
    assert not Matter.objects.exists()

    client.force_login(w.reporter_a)  # no add permission
    assert client.post(reverse("matters:matter_add"), data | {"deadline_days": ""}).status_code == 403
    assert not Matter.objects.exists()


def test_the_office_edits_the_assignment_and_the_unit_cannot(setup, client):
    w = setup.world
    matter = fresh_matter(setup)
    edit = reverse("matters:matter_edit", kwargs={"pk": matter.pk})
    client.force_login(w.reporter_a)
    before = snapshot(matter)
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"title": "改", "lead_unit": w.unit_a.pk}).status_code == 404
    assert snapshot(matter) == before

    client.force_login(w.office)
    form = client.get(edit).context["form"]
    assert "deadline" not in form.fields and "kind" not in form.fields
    data = {
        "title": matter.title,
        "description": matter.description,
        "source": matter.source,
        "requester": "",
        "project": setup.project.pk,
        "category": matter.category,
        "lead_unit": setup.bureau.pk,
        "cooperating_units": [w.unit_a.pk],
        "responsible_leader": w.leader_a.pk,
        "responsible_person": w.person_a.pk,
        "solution": matter.solution,
    }
    assert client.post(edit, data).status_code == 302
    matter.refresh_from_db()
    assert (matter.lead_unit, list(matter.cooperating_units.all())) == (setup.bureau, [w.unit_a])
    edited = matter.events.get(kind=EventKind.EDITED)
    assert edited.payload == {
        "changes": {"牵头单位": ["唐江镇人民政府", "南康区自然资源局"], "配合单位": ["", "唐江镇人民政府"]}
    }


# Evidence ----------------------------------------------------------------------------------------


def test_evidence_is_served_only_to_users_who_see_the_matter(setup, client):
    w = setup.world
    matter = fresh_matter(setup)
    attachment = services.add_attachment(matter, actor=w.reporter_a, upload=pdf("交地确认书.pdf"))
    url = reverse("matters:attachment_file", kwargs={"pk": attachment.pk})
    client.force_login(w.reporter_a)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    client.force_login(w.reporter_b)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


# Kinds, the progress report page ----------------------------------------------------------------


def test_a_kind_is_configured_on_its_page_with_chinese_errors(setup, client):
    client.force_login(setup.world.office)
    data = {
        "name": "快办事项",
        "code": "quick",
        "code_prefix": "KB",
        "nodes": ["assigned", "handling", "closed"],
        "clocks": '[{"code": "resolve", "name": "办结", "days": 5, "ends_at": "closed"}]',
        "escalation_ladder": '[{"level": "task_force", "after_days": 3}, '
        '{"level": "liaison_leader", "after_days": 5}]',
        "extension_approver": "office",
        "yellow_window_days": "1",
        "sort_order": "40",
        "is_active": "on",
    }
    response = client.post(reverse("matters:matterkind_add"), data)
    assert response.status_code == 400
    assert "升级阶梯第 2 级须比上一级层级更高、超期工作日数更多。" in response.content.decode()
    data["escalation_ladder"] = '[{"level": "task_force", "after_days": 3}]'
    assert client.post(reverse("matters:matterkind_add"), data).status_code == 302
    kind = MatterKind.objects.get(code="quick")
    assert (kind.nodes, kind.clocks[0]["days"], kind.escalation_ladder) == (
        ["assigned", "handling", "closed"],
        5,
        [{"level": "task_force", "after_days": 3}],
    )
    client.force_login(setup.world.reporter_a)
    assert client.post(reverse("matters:matterkind_add"), data | {"code": "quick2"}).status_code == 403


def test_the_progress_report_page_lists_the_matters_raised_from_its_blockers(setup, client):
    from dispatch import services as dispatch_services
    from dispatch.models import Cadence

    w = setup.world
    cadence = Cadence.objects.create(name="每周调度", region=w.county, due_offset_days=-2, expiry_days=None)
    dispatch_round = dispatch_services.open_round(cadence, on=D(2024, 3, 4), actor=w.office)
    report = dispatch_round.reports.get(project=setup.project)
    dispatch_services.submit_report(
        report,
        actor=w.reporter_a,
        investment_period=Decimal("200"),
        physical_progress="场地平整",
        confidence="green",
        blockers="1、用地未交付\n\n2、电力线路未迁改",
    )
    dispatch_services.approve_report(report, actor=w.office)
    raised = list(Matter.objects.filter(source_report=report).order_by("source_line"))
    assert [(m.source_line, m.title) for m in raised] == [(1, "用地未交付"), (3, "电力线路未迁改")]

    client.force_login(w.reporter_a)
    shown = client.get(report.get_absolute_url()).content.decode()
    assert "存在问题转办的事项" in shown
    for matter in raised:
        assert page(matter) in shown and matter.code in shown
    assert "第 3 行" in shown
