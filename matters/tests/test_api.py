"""The matters API: every action endpoint ends in the same state as calling its service; a refused
or out-of-scope action is 404 and changes nothing; 交办 and changes through the engine; the board
counts, the overdue list on a date, the user's own matters, evidence upload and download, and a
schema without warnings."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import include, path
from rest_framework.test import APIClient

from matters import services
from matters.choices import EventKind, Node
from matters.models import Matter, MatterAttachment

from .conftest import new_matter
from .views_helpers import ACTIONS, PDF, _extension, fresh_matter, moved, pdf, snapshot, state

# The board fixture, re-exported so pytest finds it here by its name.
from .views_helpers import lit as lit

pytestmark = pytest.mark.django_db
D = datetime.date
API = "/api/matters"

# The matters API alone, for the schema check below (`--urlconf matters.tests.test_api`).
urlpatterns = [path("api/matters/", include("matters.api.urls"))]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def rows(response):
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


# What each action endpoint is sent (the services and the preparations are those of the pages).
PAYLOADS = {
    "sign": ("sign", {"comment": "已签收，马上办理。"}),
    "handle": ("handle", {"comment": ""}),
    "feedback": ("feedback", {"text": "土地已挂牌出让。"}),
    "review-pass": ("review", {"passed": True, "comment": "情况属实。"}),
    "review-return": ("review", {"passed": False, "comment": "未附交地确认书。"}),
    "reopen": ("reopen", {"reason": "企业反映仍未交地。", "deadline": "2030-06-28"}),
    "extend": ("extend", {"requested_deadline": "2030-04-30", "reason": "征迁协议未签。"}),
    "decide-approve": ("decide-extension", {"approve": True, "comment": "同意。"}),
    "decide-reject": ("decide-extension", {"approve": False, "comment": "理由不充分。"}),
    "escalate": ("escalate", {"reason": "多次协调未果。", "to_level": "task_force"}),
    "comment": ("comment", {"text": "已与企业对接。"}),
}


@pytest.mark.parametrize("name", PAYLOADS)
def test_each_action_endpoint_ends_in_the_same_state_as_its_service(name, setup):
    prepare, who, call, _form = ACTIONS[name]
    user = getattr(setup.world, who)
    by_service, by_api = fresh_matter(setup), fresh_matter(setup)
    for matter in (by_service, by_api):
        if prepare:
            prepare(setup, matter)
    call(by_service, user)
    endpoint, payload = PAYLOADS[name]
    response = api(user).post(f"{API}/matters/{by_api.pk}/{endpoint}/", payload, format="json")
    assert response.status_code == 200, response.content
    assert state(by_api) == state(by_service)
    body = response.json()
    stored = Matter.objects.get(pk=by_api.pk)
    assert (body["node"], body["deadline"], body["escalation_level"]) == (
        stored.node,
        stored.deadline.isoformat(),
        stored.escalation_level,
    )


def test_closing_and_attaching_through_the_api_end_as_the_services_do(setup):
    office = setup.world.office
    by_service = moved(setup, fresh_matter(setup), Node.REVIEW)
    by_api = moved(setup, fresh_matter(setup), Node.REVIEW)
    services.add_attachment(by_service, actor=office, upload=pdf(), description="交地确认书")
    services.close_matter(by_service, actor=office, comment="同意销号。")

    client = api(office)
    refused = client.post(f"{API}/matters/{by_api.pk}/close/", {"comment": "同意销号。"}, format="json")
    assert refused.status_code == 400
    assert refused.json() == ["“项目问题”类事项销号前须上传佐证材料。"]
    uploaded = client.post(
        f"{API}/matters/{by_api.pk}/attachments/",
        {"file": pdf(), "description": "交地确认书"},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.content
    assert (uploaded.json()["original_name"], uploaded.json()["file_type"]) == ("交地确认书.pdf", "pdf")
    closed = client.post(f"{API}/matters/{by_api.pk}/close/", {"comment": "同意销号。"}, format="json")
    assert closed.status_code == 200
    assert state(by_api) == state(by_service)


def test_pause_and_resume_endpoints_end_as_the_services_do(setup):
    user = setup.world.reporter_a
    by_service = fresh_matter(setup, kind="enterprise_request", requester="南康某家具公司")
    by_api = fresh_matter(setup, kind="enterprise_request", requester="南康某家具公司")
    client = api(user)
    services.pause_matter(by_service, actor=user, reason="等待企业补充材料")
    assert client.post(f"{API}/matters/{by_api.pk}/pause/", {"reason": "等待企业补充材料"}).status_code == 200
    assert state(by_api) == state(by_service)
    services.resume_matter(by_service, actor=user, comment="材料已补齐")
    assert client.post(f"{API}/matters/{by_api.pk}/resume/", {"comment": "材料已补齐"}).status_code == 200
    assert state(by_api) == state(by_service)


@pytest.mark.parametrize(
    ("who", "endpoint", "payload", "status"),
    [
        ("reporter_b", "sign", {}, 404),  # another township: out of scope
        ("bureau_user", "sign", {}, 404),  # cooperating unit: sees it, is not the lead unit
        ("bureau_user", "extend", {"requested_deadline": "2030-05-01", "reason": "x"}, 404),
        ("reporter_a", "escalate", {"reason": "升级"}, 404),  # the office's step
        ("reporter_a", "review", {"passed": True}, 404),
        ("leader_user", "decide-extension", {"approve": True}, 404),  # the kind gives it to the office
        ("no_role", "sign", {}, 403),
    ],
)
def test_a_refused_action_is_not_found_and_changes_nothing(who, endpoint, payload, status, setup):
    matter = fresh_matter(setup, cooperating_units=[setup.bureau])
    _extension(setup, matter)
    user = getattr(setup, who, None) or getattr(setup.world, who)
    before = snapshot(matter)
    assert (
        api(user).post(f"{API}/matters/{matter.pk}/{endpoint}/", payload, format="json").status_code == status
    )
    assert snapshot(matter) == before
    assert APIClient().post(f"{API}/matters/{matter.pk}/sign/", {}, format="json").status_code in (401, 403)
    assert snapshot(matter) == before


def test_the_responsible_leader_decides_where_the_kind_says_so(setup):
    matter = fresh_matter(setup, kind="supervision_item")
    _extension(setup, matter)
    before = snapshot(matter)
    office = api(setup.world.office).post(f"{API}/matters/{matter.pk}/decide-extension/", {"approve": True})
    assert office.status_code == 404
    assert snapshot(matter) == before
    leader = api(setup.leader_user).post(f"{API}/matters/{matter.pk}/decide-extension/", {"approve": True})
    assert leader.status_code == 200
    assert leader.json()["deadline"] == (matter.deadline + datetime.timedelta(days=30)).isoformat()


def test_a_step_out_of_order_is_400_with_the_engines_message(setup):
    matter = fresh_matter(setup)
    before = snapshot(matter)
    response = api(setup.world.reporter_a).post(f"{API}/matters/{matter.pk}/feedback/", {"text": "已完成"})
    assert response.status_code == 400
    assert response.json() == ["事项当前处于“交办”环节，下一步应为“签收”，不能反馈。"]
    response = api(setup.world.office).post(f"{API}/matters/{matter.pk}/escalate/", {"reason": ""})
    assert response.status_code == 400 and response.json() == {"reason": ["请填写升级原因。"]}
    assert snapshot(matter) == before


# 交办 and changes ---------------------------------------------------------------------------------


def test_the_office_assigns_and_changes_matters_and_units_cannot(setup):
    w = setup.world
    client = api(w.office)
    payload = {
        "kind": setup.kinds["project_issue"].pk,
        "title": "家具项目用地未交付",
        "project": setup.project.pk,
        "category": "land",
        "lead_unit": w.unit_a.pk,
        "cooperating_units": [setup.bureau.pk],
        "solution": "9月底前完成交地。",
        "opened_on": "2024-09-20",
        "deadline_days": 15,
    }
    created = client.post(f"{API}/matters/", payload, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["code"], body["deadline"], body["node"], body["light"]) == (
        "WT-2024-0001",
        "2024-10-16",
        "assigned",
        "red",
    )
    matter = Matter.objects.get(pk=body["id"])
    assert list(matter.events.values_list("kind", flat=True)) == [EventKind.ASSIGNED]

    both = client.post(f"{API}/matters/", payload | {"deadline": "2024-10-31"}, format="json")
    assert both.status_code == 400 and "deadline_days" in both.json()
    outside = client.post(f"{API}/matters/", payload | {"lead_unit": w.other_county_unit.pk}, format="json")
    assert outside.status_code == 400 and "lead_unit" in outside.json()
    assert Matter.objects.count() == 1

    changed = client.patch(
        f"{API}/matters/{matter.pk}/", {"lead_unit": setup.bureau.pk, "cooperating_units": []}, format="json"
    )
    assert changed.status_code == 200, changed.content
    edited = matter.events.get(kind=EventKind.EDITED)
    assert edited.payload["changes"]["牵头单位"] == ["唐江镇人民政府", "南康区自然资源局"]
    moved_deadline = client.patch(f"{API}/matters/{matter.pk}/", {"deadline": "2024-12-31"}, format="json")
    assert moved_deadline.status_code == 400
    assert moved_deadline.json() == {"deadline": ["交办后不能修改（办结期限只能通过延期申请变更）。"]}

    before = snapshot(matter)
    reporter = api(w.reporter_a)
    assert reporter.post(f"{API}/matters/", payload, format="json").status_code == 403
    assert reporter.patch(f"{API}/matters/{matter.pk}/", {"title": "改名"}, format="json").status_code == 404
    assert snapshot(matter) == before


# Board, overdue, mine -----------------------------------------------------------------------------


def test_board_counts_per_node_and_lights_with_the_lists_filters(setup, lit):
    client = api(setup.world.office)
    body = client.get(f"{API}/matters/board/").json()
    assert [(column["node"], column["count"]) for column in body["columns"]] == [
        ("assigned", 4),
        ("signed", 0),
        ("handling", 0),
        ("feedback", 1),
        ("review", 0),
        ("closed", 1),
    ]
    assert (body["total"], body["lights"]) == (6, {"green": 2, "yellow": 2, "red": 1})
    filtered = client.get(
        f"{API}/matters/board/", {"lead_unit": setup.world.unit_a.pk, "light": "yellow"}
    ).json()
    assert filtered["total"] == 1 and filtered["lights"] == {"green": 0, "yellow": 1, "red": 0}
    own = api(setup.world.reporter_b).get(f"{API}/matters/board/").json()
    assert own["total"] == 1
    assert api(setup.world.no_role).get(f"{API}/matters/board/").status_code == 403


def test_overdue_answers_as_the_records_stood_on_the_date(setup):
    w = setup.world
    late = new_matter(setup, title="逾期未办")  # deadline Friday 2024-03-22
    services.escalate_overdue_matters(D(2024, 3, 25))
    services.request_extension(
        late, actor=w.reporter_a, requested_deadline=D(2024, 4, 30), reason="征迁", on=D(2024, 3, 26)
    )
    services.decide_extension(late.extension_requests.get(), actor=w.office, approve=True, on=D(2024, 4, 1))
    client = api(w.reporter_a)
    before = client.get(f"{API}/matters/overdue/", {"as_of": "2024-03-29"})
    assert before.status_code == 200
    assert rows(before) == [
        {
            "matter": late.pk,
            "code": late.code,
            "title": "逾期未办",
            "kind": setup.kinds["project_issue"].pk,
            "project": setup.project.pk,
            "lead_unit": w.unit_a.pk,
            "node": "assigned",
            "deadline": "2024-03-22",
            "working_days_overdue": 5,
            "level": "liaison_leader",
            "level_label": "挂点联系领导",
        }
    ]
    # Once the extension was approved, the matter was no longer overdue.
    assert rows(client.get(f"{API}/matters/overdue/", {"as_of": "2024-04-02"})) == []
    assert rows(api(w.reporter_b).get(f"{API}/matters/overdue/", {"as_of": "2024-03-29"})) == []
    bad = client.get(f"{API}/matters/overdue/", {"as_of": "2024-02-30"})
    assert bad.status_code == 400 and "as_of" in bad.json()


def test_mine_lists_the_users_own_matters_and_the_offices_queue(setup):
    w = setup.world
    own = fresh_matter(setup, title="本镇")
    cooperating = fresh_matter(setup, title="配合", lead_unit=setup.bureau, cooperating_units=[w.unit_a])
    waiting = moved(setup, fresh_matter(setup, title="待复核"), Node.FEEDBACK)
    fresh_matter(setup, title="乙镇", project=setup.other_project, lead_unit=w.unit_b)
    titles = sorted(row["title"] for row in rows(api(w.reporter_a).get(f"{API}/matters/mine/")))
    assert titles == sorted([own.title, cooperating.title, waiting.title])
    assert [row["title"] for row in rows(api(w.office).get(f"{API}/matters/mine/"))] == [waiting.title]


# Evidence ----------------------------------------------------------------------------------------


def test_evidence_downloads_only_in_scope(setup):
    w = setup.world
    matter = fresh_matter(setup)
    attachment = services.add_attachment(matter, actor=w.reporter_a, upload=pdf("交地确认书.pdf"))
    listed = rows(api(w.reporter_a).get(f"{API}/attachments/"))
    assert [(row["id"], row["download"]) for row in listed] == [
        (attachment.pk, f"http://testserver{API}/attachments/{attachment.pk}/file/")
    ]
    response = api(w.reporter_a).get(f"{API}/attachments/{attachment.pk}/file/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert api(w.reporter_b).get(f"{API}/attachments/{attachment.pk}/file/").status_code == 404
    refused = api(w.reporter_a).post(
        f"{API}/matters/{matter.pk}/attachments/",
        {"file": SimpleUploadedFile("照片.jpg", b"not a picture", "image/jpeg")},
        format="multipart",
    )
    assert refused.status_code == 400
    assert MatterAttachment.objects.count() == 1


def test_timeline_lists_the_events_in_order(setup):
    matter = moved(setup, fresh_matter(setup), Node.HANDLING)
    body = api(setup.world.reporter_a).get(f"{API}/matters/{matter.pk}/timeline/").json()
    assert [event["kind"] for event in body] == ["assigned", "signed", "handling_started"]
    assert api(setup.world.reporter_b).get(f"{API}/matters/{matter.pk}/timeline/").status_code == 404


def test_workday_overrides_move_the_deadlines_computed_afterwards(setup):
    client = api(setup.world.office)
    # 2030 is not in the holiday library: Monday 2030-04-01 made a rest day by the office.
    assert (
        client.post(
            f"{API}/workday-overrides/", {"date": "2030-04-01", "is_working_day": False, "note": "测试"}
        ).status_code
        == 201
    )
    payload = {
        "kind": setup.kinds["project_issue"].pk,
        "title": "跨越调整日",
        "category": "other",
        "lead_unit": setup.world.unit_a.pk,
        "opened_on": "2030-03-29",
        "deadline_days": 1,
    }
    body = client.post(f"{API}/matters/", payload, format="json").json()
    assert body["deadline"] == "2030-04-02"
    refused = api(setup.world.reporter_a).post(
        f"{API}/workday-overrides/", {"date": "2030-04-02", "is_working_day": False}
    )
    assert refused.status_code == 403


def test_the_schema_of_the_matters_api_has_no_warnings(tmp_path):
    schema = tmp_path / "schema.yaml"
    call_command("spectacular", "--urlconf", __name__, "--validate", "--fail-on-warn", "--file", str(schema))
    text = schema.read_text()
    for endpoint in (
        "/matters/{id}/decide-extension/",
        "/matters/board/",
        "/matters/overdue/",
        "/attachments/{id}/file/",
    ):
        assert f"/api/matters{endpoint}" in text
