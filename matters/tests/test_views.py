"""The matters pages: every action button ends in the same state as calling its service, buttons are
shown only to those who may act, a refused or out-of-scope action is 404 and changes nothing; the
board by node, 我的事项, the overdue list on a date, 交办 and editing through the engine, evidence
served only through the permission-checked view, and the matters on a progress report's page."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from matters import services
from matters.choices import EscalationLevel, EventKind, ExtensionStatus, Light, Node
from matters.models import ExtensionRequest, Matter, MatterAttachment, MatterEvent, MatterKind, MatterPause
from matters.selectors import working_calendar
from matters.views.boards import BOARD_CARDS

from .conftest import new_matter

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name="交地确认书.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def page(matter):
    return reverse("matters:matter_detail", kwargs={"pk": matter.pk})


def action(matter, name):
    return reverse(f"matters:matter_{name}", kwargs={"pk": matter.pk})


def state(matter):
    """Everything an action may change, without the ids and codes that differ between two matters."""
    matter = Matter.objects.get(pk=matter.pk)
    events = [
        (e.kind, e.from_node, e.to_node, e.from_level, e.to_level, e.deadline, e.comment, e.actor_id)
        for e in matter.events.order_by("effective_on", "id")
    ]
    return {
        "fields": (
            matter.node,
            matter.deadline,
            matter.original_deadline,
            matter.escalation_level,
            matter.paused_since,
            matter.closed_on,
            matter.feedback,
        ),
        "events": events,
        "extensions": list(
            matter.extension_requests.order_by("id").values_list("requested_deadline", "status")
        ),
        "pauses": list(matter.pauses.order_by("id").values_list("started_on", "ended_on", "reason")),
        "attachments": list(
            matter.attachments.order_by("id").values_list("original_name", "file_type", "size", "description")
        ),
        "history": Matter.history.filter(id=matter.pk).count(),
    }


def snapshot(matter):
    """Rows a refused action must leave as they were."""
    row = Matter.objects.filter(pk=matter.pk).values().get()
    return (
        row,
        MatterEvent.objects.filter(matter_id=matter.pk).count(),
        ExtensionRequest.objects.filter(matter_id=matter.pk).count(),
        MatterPause.objects.filter(matter_id=matter.pk).count(),
        MatterAttachment.objects.filter(matter_id=matter.pk).count(),
        Matter.history.filter(id=matter.pk).count(),
    )


def moved(setup, matter, node):
    """Take `matter` along the loop to `node` through the services (the lead unit is township A)."""
    w = setup.world
    steps = [
        (Node.SIGNED, lambda: services.sign_matter(matter, actor=w.reporter_a)),
        (Node.HANDLING, lambda: services.start_handling(matter, actor=w.reporter_a)),
        (Node.FEEDBACK, lambda: services.submit_feedback(matter, actor=w.reporter_a, text="已完成交地。")),
        (Node.REVIEW, lambda: services.review_matter(matter, actor=w.office, passed=True)),
    ]
    order = [Node.ASSIGNED, *[node for node, _ in steps]]
    for step_node, step in steps:
        if order.index(step_node) <= order.index(node):
            step()
    return matter


# Each action: how to bring a matter to where the action applies, who acts, the service call and the
# same action posted from the matter page.
def _closed(setup, matter):
    moved(setup, matter, Node.REVIEW)
    services.add_attachment(matter, actor=setup.world.office, upload=pdf())
    services.close_matter(matter, actor=setup.world.office)


def _extension(setup, matter):
    services.request_extension(
        matter,
        actor=setup.world.reporter_a,
        requested_deadline=matter.deadline + datetime.timedelta(days=30),
        reason="征迁协议未签。",
    )


def _pending(matter):
    return matter.extension_requests.get(status=ExtensionStatus.PENDING)


ACTIONS = {
    "sign": (
        None,
        "reporter_a",
        lambda m, u: services.sign_matter(m, actor=u, comment="已签收，马上办理。"),
        {"sign-comment": "已签收，马上办理。"},
    ),
    "handle": (
        lambda s, m: moved(s, m, Node.SIGNED),
        "reporter_a",
        lambda m, u: services.start_handling(m, actor=u, comment=""),
        {"handle-comment": ""},
    ),
    "feedback": (
        lambda s, m: moved(s, m, Node.HANDLING),
        "reporter_a",
        lambda m, u: services.submit_feedback(m, actor=u, text="土地已挂牌出让。"),
        {"feedback-text": "土地已挂牌出让。"},
    ),
    "review-pass": (
        lambda s, m: moved(s, m, Node.FEEDBACK),
        "office",
        lambda m, u: services.review_matter(m, actor=u, passed=True, comment="情况属实。"),
        {"review-decision": "pass", "review-comment": "情况属实。"},
    ),
    "review-return": (
        lambda s, m: moved(s, m, Node.FEEDBACK),
        "office",
        lambda m, u: services.review_matter(m, actor=u, passed=False, comment="未附交地确认书。"),
        {"review-decision": "return", "review-comment": "未附交地确认书。"},
    ),
    "close": (
        lambda s, m: moved(s, m, Node.REVIEW),
        "office",
        lambda m, u: (
            services.add_attachment(m, actor=u, upload=pdf(), description="交地确认书"),
            services.close_matter(m, actor=u, comment="同意销号。"),
        ),
        lambda: {"close-files": pdf(), "close-description": "交地确认书", "close-comment": "同意销号。"},
    ),
    "reopen": (
        _closed,
        "office",
        lambda m, u: services.reopen_matter(m, actor=u, reason="企业反映仍未交地。", deadline=D(2030, 6, 28)),
        {"reopen-reason": "企业反映仍未交地。", "reopen-deadline": "2030-06-28"},
    ),
    "extend": (
        None,
        "reporter_a",
        lambda m, u: services.request_extension(
            m, actor=u, requested_deadline=D(2030, 4, 30), reason="征迁协议未签。"
        ),
        {"extension-requested_deadline": "2030-04-30", "extension-reason": "征迁协议未签。"},
    ),
    "decide-approve": (
        _extension,
        "office",
        lambda m, u: services.decide_extension(_pending(m), actor=u, approve=True, comment="同意。"),
        {"decide-decision": "approve", "decide-comment": "同意。"},
    ),
    "decide-reject": (
        _extension,
        "office",
        lambda m, u: services.decide_extension(_pending(m), actor=u, approve=False, comment="理由不充分。"),
        {"decide-decision": "reject", "decide-comment": "理由不充分。"},
    ),
    "escalate": (
        None,
        "office",
        lambda m, u: services.escalate_matter(m, actor=u, reason="多次协调未果。", to_level="task_force"),
        {"escalate-to_level": "task_force", "escalate-reason": "多次协调未果。"},
    ),
    "attach": (
        None,
        "reporter_a",
        lambda m, u: services.add_attachment(m, actor=u, upload=pdf(), description="现场照片说明"),
        lambda: {"attachment-files": pdf(), "attachment-description": "现场照片说明"},
    ),
    "comment": (
        None,
        "reporter_a",
        lambda m, u: services.add_comment(m, actor=u, text="已与企业对接。"),
        {"note-text": "已与企业对接。"},
    ),
}
URL_NAMES = {
    "review-pass": "review",
    "review-return": "review",
    "extend": "extend",
    "decide-approve": "decide_extension",
    "decide-reject": "decide_extension",
    "attach": "attach",
}


def fresh_matter(setup, **values):
    # Opened today (so the deadline lies ahead) with an explicit deadline both twins share.
    today = timezone.localdate()
    return new_matter(setup, opened_on=today, deadline=D(2030, 3, 29), **values)


@pytest.mark.parametrize("name", ACTIONS)
def test_each_action_button_ends_in_the_same_state_as_its_service(name, setup, client):
    prepare, who, call, data = ACTIONS[name]
    user = getattr(setup.world, who)
    by_service, by_page = fresh_matter(setup), fresh_matter(setup)
    for matter in (by_service, by_page):
        if prepare:
            prepare(setup, matter)
    call(by_service, user)

    client.force_login(user)
    before = page(by_page)
    assert client.get(before).status_code == 200
    response = client.post(action(by_page, URL_NAMES.get(name, name)), data() if callable(data) else data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == page(by_page)
    assert state(by_page) == state(by_service)
    assert state(by_page)["events"][-1][-1] == user.pk


def test_pause_and_resume_buttons_end_as_the_services_do(setup, client):
    user = setup.world.reporter_a
    by_service = fresh_matter(setup, kind="enterprise_request", requester="南康某家具公司")
    by_page = fresh_matter(setup, kind="enterprise_request", requester="南康某家具公司")
    services.pause_matter(by_service, actor=user, reason="等待企业补充材料")
    client.force_login(user)
    assert client.post(action(by_page, "pause"), {"pause-reason": "等待企业补充材料"}).status_code == 302
    assert state(by_page) == state(by_service)
    assert Matter.objects.get(pk=by_page.pk).paused_since == timezone.localdate()
    services.resume_matter(by_service, actor=user, comment="材料已补齐")
    assert client.post(action(by_page, "resume"), {"resume-comment": "材料已补齐"}).status_code == 302
    assert state(by_page) == state(by_service)


def test_buttons_are_shown_only_to_those_who_may_take_the_step(setup, client):
    w = setup.world
    matter = fresh_matter(setup, cooperating_units=[setup.bureau])

    client.force_login(w.reporter_a)  # the lead unit
    shown = client.get(page(matter)).content.decode()
    assert 'id="action-sign"' in shown and action(matter, "sign") in shown
    assert 'id="action-extend"' in shown and 'id="action-attach"' in shown
    for hidden in ("action-review", "action-close", "action-escalate", "action-decide", "action-reopen"):
        assert f'id="{hidden}"' not in shown
    assert reverse("matters:matter_edit", kwargs={"pk": matter.pk}) not in shown

    client.force_login(setup.bureau_user)  # a cooperating unit: sees the matter, cannot sign it
    shown = client.get(page(matter)).content.decode()
    assert matter.code in shown
    assert 'id="action-sign"' not in shown and 'id="action-extend"' not in shown
    assert 'id="action-comment"' in shown

    client.force_login(w.office)
    shown = client.get(page(matter)).content.decode()
    assert 'id="action-sign"' not in shown
    assert 'id="action-escalate"' in shown and 'id="action-attach"' in shown
    assert reverse("matters:matter_edit", kwargs={"pk": matter.pk}) in shown

    moved(setup, matter, Node.FEEDBACK)
    shown = client.get(page(matter)).content.decode()
    assert 'id="action-review"' in shown and "复核通过" in shown and "退回重办" in shown
    client.force_login(w.reporter_a)
    assert 'id="action-review"' not in client.get(page(matter)).content.decode()


@pytest.mark.parametrize(
    ("who", "name", "data"),
    [
        ("reporter_b", "sign", {"sign-comment": ""}),  # another township: out of scope
        ("reporter_b", "comment", {"note-text": "看看"}),
        ("bureau_user", "sign", {"sign-comment": ""}),  # cooperating unit: sees it, is not the lead
        ("bureau_user", "extend", {"extension-requested_deadline": "2030-05-01", "extension-reason": "x"}),
        ("reporter_a", "escalate", {"escalate-reason": "升级"}),  # the office's step
        ("reporter_a", "close", {"close-comment": ""}),
        ("no_role", "sign", {"sign-comment": ""}),
    ],
)
def test_a_refused_action_is_not_found_and_changes_nothing(who, name, data, setup, client):
    matter = fresh_matter(setup, cooperating_units=[setup.bureau])
    user = getattr(setup, who, None) or getattr(setup.world, who)
    before = snapshot(matter)
    client.force_login(user)
    assert client.post(action(matter, name), data).status_code == 404
    assert snapshot(matter) == before


def test_anonymous_actions_go_to_login_and_change_nothing(setup, client):
    matter = fresh_matter(setup)
    before = snapshot(matter)
    response = client.post(action(matter, "sign"), {})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert snapshot(matter) == before
    assert client.get(action(matter, "sign")).status_code in (302, 405)


def test_a_step_refused_for_the_matters_state_shows_the_engines_message(setup, client):
    w = setup.world
    matter = moved(setup, fresh_matter(setup), Node.REVIEW)
    before = snapshot(matter)
    client.force_login(w.office)
    response = client.post(action(matter, "close"), {"close-comment": "销号"})
    assert response.status_code == 400
    assert "“项目问题”类事项销号前须上传佐证材料。" in response.content.decode()
    assert snapshot(matter) == before

    response = client.post(action(matter, "review"), {"review-decision": "return", "review-comment": ""})
    assert response.status_code == 400
    assert snapshot(matter) == before

    client.force_login(w.reporter_a)
    response = client.post(
        action(matter, "extend"), {"extension-requested_deadline": "2020-01-01", "extension-reason": "x"}
    )
    assert response.status_code == 400
    assert "申请延至的日期须晚于当前期限 2030-03-29。" in response.content.decode()
    assert snapshot(matter) == before


def test_closing_with_a_refused_file_keeps_neither_the_file_nor_the_closing(setup, client, settings):
    matter = moved(setup, fresh_matter(setup), Node.REVIEW)
    before = snapshot(matter)
    client.force_login(setup.world.office)
    files = [pdf(), SimpleUploadedFile("脚本.pdf", b"#!/bin/sh\nrm -rf /\n", "application/pdf")]
    response = client.post(action(matter, "close"), {"close-files": files, "close-comment": ""})
    assert response.status_code == 400
    assert "附件“脚本.pdf”的格式不支持" in response.content.decode()
    assert snapshot(matter) == before
    stored = settings.MEDIA_ROOT / "matters"
    assert not stored.exists() or not [path for path in stored.rglob("*") if path.is_file()]


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


# 看板 --------------------------------------------------------------------------------------------


def board(client, **params):
    response = client.get(reverse("matters:board"), params)
    assert response.status_code == 200
    return response


def columns(response):
    return {
        column["node"]: (column["count"], [card.code for card in column["cards"]])
        for column in response.context["columns"]
    }


@pytest.fixture
def lit(setup):
    """Three open matters of township A — red, yellow and green today — one at 反馈, and one closed;
    one matter of township B; and an enterprise request led by the bureau."""
    today = timezone.localdate()
    calendar = working_calendar()
    opened = today - datetime.timedelta(days=60)
    red = new_matter(setup, title="红", opened_on=opened, deadline=today - datetime.timedelta(days=1))
    yellow = new_matter(setup, title="黄", opened_on=opened, deadline=calendar.add_working_days(today, 2))
    green = new_matter(setup, title="绿", opened_on=opened, deadline=calendar.add_working_days(today, 10))
    moved(setup, green, Node.FEEDBACK)
    closed = new_matter(setup, title="已销号", opened_on=opened, deadline=calendar.add_working_days(today, 5))
    _closed(setup, closed)
    other = new_matter(
        setup,
        title="乙镇",
        project=setup.other_project,
        lead_unit=setup.world.unit_b,
        opened_on=opened,
        deadline=today,
    )
    request = new_matter(
        setup,
        kind="enterprise_request",
        title="企业诉求",
        lead_unit=setup.bureau,
        category="approval",
        opened_on=opened,
        deadline=calendar.add_working_days(today, 20),
    )
    return {
        "red": red,
        "yellow": yellow,
        "green": green,
        "closed": closed,
        "other": other,
        "request": request,
    }


def test_the_board_counts_and_shows_each_node_with_lights(setup, lit, client):
    client.force_login(setup.world.office)
    response = board(client)
    assert columns(response) == {
        Node.ASSIGNED: (4, [lit["red"].code, lit["other"].code, lit["yellow"].code, lit["request"].code]),
        Node.SIGNED: (0, []),
        Node.HANDLING: (0, []),
        Node.FEEDBACK: (1, [lit["green"].code]),
        Node.REVIEW: (0, []),
        Node.CLOSED: (1, [lit["closed"].code]),
    }
    cards = {card.title: card.light for column in response.context["columns"] for card in column["cards"]}
    assert cards == {
        "红": Light.RED,
        "黄": Light.YELLOW,
        "绿": Light.GREEN,
        "已销号": None,
        "乙镇": Light.YELLOW,
        "企业诉求": Light.GREEN,
    }
    assert [(item["light"], item["count"]) for item in response.context["light_links"]] == [
        ("green", 2),
        ("yellow", 2),
        ("red", 1),
    ]
    assert (response.context["total"], response.context["open_total"]) == (6, 5)


def test_the_board_filters_by_kind_category_unit_light_and_project(setup, lit, client):
    client.force_login(setup.world.office)
    by_kind = board(client, kind=setup.kinds["enterprise_request"].pk)
    assert columns(by_kind)[Node.ASSIGNED] == (1, [lit["request"].code])
    assert by_kind.context["total"] == 1
    assert columns(board(client, category="approval"))[Node.ASSIGNED] == (1, [lit["request"].code])
    assert columns(board(client, lead_unit=setup.world.unit_b.pk))[Node.ASSIGNED] == (1, [lit["other"].code])
    yellow = board(client, light="yellow")
    assert columns(yellow)[Node.ASSIGNED] == (2, [lit["other"].code, lit["yellow"].code])
    assert columns(yellow)[Node.CLOSED] == (0, [])
    assert columns(board(client, light="red"))[Node.ASSIGNED] == (1, [lit["red"].code])
    by_project = board(client, project_name=setup.other_project.name)
    assert by_project.context["total"] == 1
    assert columns(board(client, project=setup.project.pk))[Node.FEEDBACK] == (1, [lit["green"].code])


def test_a_township_sees_only_its_own_matters_on_the_board(setup, lit, client):
    client.force_login(setup.world.reporter_b)
    response = board(client)
    assert response.context["total"] == 1
    assert columns(response)[Node.ASSIGNED] == (1, [lit["other"].code])
    client.force_login(setup.world.no_role)
    assert client.get(reverse("matters:board")).status_code == 403


def test_the_board_caps_each_column_and_reads_no_row_per_card(setup, client):
    client.force_login(setup.world.office)
    today = timezone.localdate()
    for number in range(3):
        new_matter(setup, title=f"事项{number}", opened_on=today)
    board(client)  # caches filled (grants, permission names, the working calendar)
    with CaptureQueriesContext(connection) as few:
        board(client)
    for number in range(3, BOARD_CARDS + 5):
        new_matter(setup, title=f"事项{number}", opened_on=today)
    with CaptureQueriesContext(connection) as many:
        response = board(client)
    assert len(many.captured_queries) == len(few.captured_queries)
    column = response.context["columns"][0]
    assert (column["count"], len(column["cards"]), column["more"]) == (BOARD_CARDS + 5, BOARD_CARDS, 5)
    assert "还有 5 项" in response.content.decode()


# 我的事项 ----------------------------------------------------------------------------------------


def test_my_matters_shows_what_each_awaits_and_whose_turn_it_is(setup, client):
    w = setup.world
    to_sign = fresh_matter(setup, title="待签收")
    to_review = moved(setup, fresh_matter(setup, title="待复核"), Node.FEEDBACK)
    fresh_matter(setup, title="配合", lead_unit=setup.bureau, cooperating_units=[w.unit_a])
    extension = fresh_matter(setup, title="延期")
    _extension(setup, extension)
    fresh_matter(setup, title="乙镇", project=setup.other_project, lead_unit=w.unit_b)

    client.force_login(w.reporter_a)
    context = client.get(reverse("matters:my_matters")).context

    def rows(matters):
        return [(m.title, m.awaits, m.awaited_by, m.my_turn) for m in matters]

    assert rows(context["my_turn"]) == [("待签收", "待签收", "牵头单位", True)]
    assert sorted(rows(context["waiting_on_others"])) == sorted(
        [
            ("待复核", "待复核", "项目办", False),
            ("配合", "待签收", "牵头单位", False),
            ("延期", "延期待审批", "项目办", False),
        ]
    )
    assert context["office_queue"] == []

    client.force_login(w.office)
    context = client.get(reverse("matters:my_matters")).context
    assert context["my_turn"] == [] and context["waiting_on_others"] == []
    assert sorted(rows(context["office_queue"])) == [
        ("延期", "延期待审批", "项目办", True),
        ("待复核", "待复核", "项目办", True),
    ]
    assert to_sign.code not in client.get(reverse("matters:my_matters")).content.decode()
    assert to_review.code in client.get(reverse("matters:my_matters")).content.decode()


# 逾期清单 ----------------------------------------------------------------------------------------


def test_the_overdue_list_on_a_date_counts_working_days_and_shows_the_level_then(setup, client):
    w = setup.world
    late = new_matter(setup, title="逾期未办")  # deadline Friday 2024-03-22
    services.escalate_overdue_matters(D(2024, 3, 25))
    on_time = new_matter(setup, title="按期销号", opened_on=D(2024, 3, 1))
    services.add_attachment(on_time, actor=w.office, upload=pdf(), on=D(2024, 3, 5))
    for step in (
        lambda m: services.sign_matter(m, actor=w.reporter_a, on=D(2024, 3, 5)),
        lambda m: services.start_handling(m, actor=w.reporter_a, on=D(2024, 3, 5)),
        lambda m: services.submit_feedback(m, actor=w.reporter_a, text="完成", on=D(2024, 3, 6)),
        lambda m: services.review_matter(m, actor=w.office, passed=True, on=D(2024, 3, 7)),
        lambda m: services.close_matter(m, actor=w.office, on=D(2024, 3, 8)),
    ):
        step(on_time)
    new_matter(setup, title="乙镇逾期", project=setup.other_project, lead_unit=w.unit_b)

    client.force_login(w.reporter_a)
    response = client.get(reverse("matters:overdue"), {"as_of": "2024-03-29"})
    lines = list(response.context["table"].data)
    assert [
        (line.matter.title, line.deadline, line.working_days_overdue, line.level_label) for line in lines
    ] == [("逾期未办", D(2024, 3, 22), 5, "挂点联系领导")]
    shown = response.content.decode()
    assert "共 <strong>1</strong> 项" in shown and late.code in shown

    # The matter of township B came after the escalation ran: still the unit's; on the deadline day
    # nothing was overdue yet.
    client.force_login(w.office)
    lines = list(client.get(reverse("matters:overdue"), {"as_of": "2024-03-25"}).context["table"].data)
    assert [(line.matter.title, line.working_days_overdue, line.level_label) for line in lines] == [
        ("逾期未办", 1, "挂点联系领导"),
        ("乙镇逾期", 1, "责任单位"),
    ]
    assert list(client.get(reverse("matters:overdue"), {"as_of": "2024-03-22"}).context["table"].data) == []

    export = client.get(reverse("matters:overdue"), {"as_of": "2024-03-29", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("事项编号", "事项名称", "事项类型")
    assert sorted(row[1] for row in rows[1:]) == ["乙镇逾期", "逾期未办"]
    assert {row[1]: row[7] for row in rows[1:]} == {"乙镇逾期": 5, "逾期未办": 5}


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


# Lists, kinds, the progress report page ----------------------------------------------------------


def test_the_matter_list_shows_and_exports_each_light_and_filters_by_it(setup, lit, client):
    client.force_login(setup.world.office)
    response = client.get(reverse("matters:matter_list"), {"light": "red"})
    assert [row.record.code for row in response.context["table"].rows] == [lit["red"].code]
    export = client.get(reverse("matters:matter_list"), {"export": "xlsx", "q": "红"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    light_column = rows[0].index("亮灯")
    assert [row[light_column] for row in rows[1:]] == ["红灯"]


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
