"""Matters escalation by rule at each level's working days overdue, and by hand, given/when/then with
exact values."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from matters import services
from matters.choices import EscalationLevel, EventKind

from .conftest import new_matter
from .services_helpers import refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
D = datetime.date


# Escalation -------------------------------------------------------------------------------------


def levels(matter):
    return list(
        matter.events.filter(kind__in=(EventKind.ESCALATED_BY_RULE, EventKind.ESCALATED_BY_HAND))
        .order_by("id")
        .values_list("from_level", "to_level", "effective_on")
    )


def test_escalation_by_rule_reaches_each_level_at_its_working_days_overdue_and_is_idempotent(setup):
    matter = new_matter(setup, opened_on=D(2024, 9, 2), deadline=D(2024, 9, 27))
    # Working days overdue after Friday 09-27: 09-29 (Sun, 调休) 1, 09-30 2, 10-01..07 off, 10-08 3 … 10-10 5,
    # 10-11 6, 10-12 (Sat, 调休) 7, 10-14 8, 10-15 9, 10-16 10.
    for as_of in (D(2024, 9, 27), D(2024, 9, 28)):
        assert services.escalate_overdue_matters(as_of) == []
    assert services.escalate_overdue_matters(D(2024, 9, 29)) == [matter]
    assert services.escalate_overdue_matters(D(2024, 9, 29)) == []
    for as_of in (D(2024, 10, 7), D(2024, 10, 9)):
        assert services.escalate_overdue_matters(as_of) == []
    services.escalate_overdue_matters(D(2024, 10, 10))
    assert services.escalate_overdue_matters(D(2024, 10, 15)) == []
    services.escalate_overdue_matters(D(2024, 10, 16))
    services.escalate_overdue_matters(D(2024, 10, 17))
    matter.refresh_from_db()
    assert matter.escalation_level == EscalationLevel.DISTRICT_MEETING
    assert levels(matter) == [
        ("unit", "liaison_leader", D(2024, 9, 29)),
        ("liaison_leader", "task_force", D(2024, 10, 10)),
        ("task_force", "district_meeting", D(2024, 10, 16)),
    ]
    first, second, _ = matter.events.filter(kind=EventKind.ESCALATED_BY_RULE).order_by("id")
    assert (first.actor, first.comment, first.payload) == (
        None,
        "超过办结期限 1 个工作日（规则：超期 1 个工作日升级至挂点联系领导）。",
        {"working_days_overdue": 1, "after_days": 1, "deadline": "2024-09-27", "leader": "甲镇领导（镇长）"},
    )
    assert second.payload["task_force"] == "家具产业园推进专班"
    assert matter.history.latest().history_change_reason == "超期自动升级"


def test_a_late_first_run_climbs_one_recorded_step_at_a_time_and_skips_closed_and_paused_matters(setup):
    w = setup.world
    late = new_matter(setup, opened_on=D(2024, 9, 2), deadline=D(2024, 9, 27))
    closed = new_matter(setup, kind="enterprise_request", opened_on=D(2024, 9, 2), deadline=D(2024, 9, 27))
    paused = new_matter(setup, kind="enterprise_request", opened_on=D(2024, 9, 2), deadline=D(2024, 9, 27))
    services.sign_matter(closed, actor=w.reporter_a, on=D(2024, 9, 3))
    services.start_handling(closed, actor=w.reporter_a, on=D(2024, 9, 3))
    services.submit_feedback(closed, actor=w.reporter_a, text="已解决", on=D(2024, 9, 4))
    services.review_matter(closed, actor=w.office, passed=True, on=D(2024, 9, 4))
    services.close_matter(closed, actor=w.office, on=D(2024, 9, 5))
    services.pause_matter(paused, actor=w.reporter_a, reason="等待企业补充材料", on=D(2024, 9, 20))
    assert services.escalate_overdue_matters(D(2024, 10, 16)) == [late]
    assert levels(late) == [
        ("unit", "liaison_leader", D(2024, 10, 16)),
        ("liaison_leader", "task_force", D(2024, 10, 16)),
        ("task_force", "district_meeting", D(2024, 10, 16)),
    ]
    assert levels(closed) == levels(paused) == []


def test_escalation_by_hand_goes_up_only_and_the_rule_never_brings_it_down(setup):
    w = setup.world
    matter = new_matter(setup, opened_on=D(2024, 9, 2), deadline=D(2024, 9, 27))
    refused(
        lambda: services.escalate_matter(matter, actor=w.reporter_a, reason="久拖未决", on=D(2024, 9, 10)),
        matter,
        PermissionDenied,
        "只有项目办才能升级督办。",
    )
    refused(
        lambda: services.escalate_matter(matter, actor=w.office, reason=" ", on=D(2024, 9, 10)),
        matter,
        ValidationError,
        "请填写升级原因。",
    )
    services.escalate_matter(matter, actor=w.office, reason="企业多次反映", on=D(2024, 9, 10))
    assert matter.escalation_level == EscalationLevel.LIAISON_LEADER
    services.escalate_matter(
        matter, actor=w.office, reason="提交专班研究", to_level=EscalationLevel.TASK_FORCE, on=D(2024, 9, 11)
    )
    refused(
        lambda: services.escalate_matter(
            matter, actor=w.office, reason="降级", to_level=EscalationLevel.LIAISON_LEADER, on=D(2024, 9, 12)
        ),
        matter,
        ValidationError,
        "只能升级到比当前（项目推进专班）更高的层级。",
    )
    # Five working days overdue is the task force's step: already there, nothing happens.
    assert services.escalate_overdue_matters(D(2024, 10, 10)) == []
    services.escalate_overdue_matters(D(2024, 10, 16))
    refused(
        lambda: services.escalate_matter(matter, actor=w.office, reason="再升级", on=D(2024, 10, 17)),
        matter,
        ValidationError,
        "事项已升级至最高层级（区调度会）。",
    )
    assert levels(matter) == [
        ("unit", "liaison_leader", D(2024, 9, 10)),
        ("liaison_leader", "task_force", D(2024, 9, 11)),
        ("task_force", "district_meeting", D(2024, 10, 16)),
    ]
    by_hand = matter.events.filter(kind=EventKind.ESCALATED_BY_HAND).first()
    assert (by_hand.actor, by_hand.comment, by_hand.payload) == (
        w.office,
        "企业多次反映",
        {"leader": "甲镇领导（镇长）"},
    )
