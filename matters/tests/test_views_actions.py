"""The matters action buttons: every action button ends in the same state as calling its service,
buttons are shown only to those who may act, and a refused or out-of-scope action is 404 and changes
nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from matters import services
from matters.choices import Node
from matters.models import Matter

from .views_helpers import ACTIONS, action, fresh_matter, moved, page, pdf, snapshot, state

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
D = datetime.date


URL_NAMES = {
    "review-pass": "review",
    "review-return": "review",
    "extend": "extend",
    "decide-approve": "decide_extension",
    "decide-reject": "decide_extension",
    "attach": "attach",
}


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
