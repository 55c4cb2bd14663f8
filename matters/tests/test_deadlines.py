"""Matters deadlines, given/when/then with exact values: extensions requested, approved and rejected,
and the three clocks of an enterprise request with a pause."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.workdays import default_calendar
from matters import services
from matters.choices import EventKind, ExtensionStatus, Node
from matters.selectors import deadline_state

from .conftest import new_matter
from .services_helpers import events, refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
D = datetime.date


# Extensions -------------------------------------------------------------------------------------


def test_an_extension_is_requested_by_the_lead_unit_and_approved_by_the_office(setup):
    w = setup.world
    matter = new_matter(setup)
    refused(
        lambda: services.request_extension(
            matter,
            actor=w.office,
            requested_deadline=D(2024, 4, 12),
            reason="等待用地批复",
            on=D(2024, 3, 20),
        ),
        matter,
        PermissionDenied,
        "只有牵头单位（唐江镇人民政府）的用户才能申请延期。",
    )
    refused(
        lambda: services.request_extension(
            matter,
            actor=w.reporter_a,
            requested_deadline=D(2024, 3, 22),
            reason="等待用地批复",
            on=D(2024, 3, 20),
        ),
        matter,
        ValidationError,
        "申请延至的日期须晚于当前期限 2024-03-22。",
    )
    extension = services.request_extension(
        matter,
        actor=w.reporter_a,
        requested_deadline=D(2024, 4, 12),
        reason="等待省厅用地批复",
        on=D(2024, 3, 20),
    )
    assert (extension.status, extension.previous_deadline, extension.requested_by) == (
        ExtensionStatus.PENDING,
        D(2024, 3, 22),
        w.reporter_a,
    )
    # 03-25..29, 04-01..03, Sunday 04-07 (调休 for 清明 04-04..06), 04-08..12.
    assert matter.events.get(kind=EventKind.EXTENSION_REQUESTED).payload["working_days"] == 14
    refused(
        lambda: services.request_extension(
            matter, actor=w.reporter_a, requested_deadline=D(2024, 4, 30), reason="再延", on=D(2024, 3, 20)
        ),
        matter,
        ValidationError,
        "该事项已有待审批的延期申请。",
    )
    refused(
        lambda: services.decide_extension(extension, actor=w.reporter_a, approve=True, on=D(2024, 3, 21)),
        matter,
        PermissionDenied,
        "只有项目办才能审批该事项的延期申请。",
    )
    services.decide_extension(extension, actor=w.office, approve=True, comment="同意", on=D(2024, 3, 21))
    matter.refresh_from_db()
    assert (matter.deadline, matter.original_deadline) == (D(2024, 4, 12), D(2024, 3, 22))
    assert (extension.status, extension.decided_by, extension.decided_on) == (
        ExtensionStatus.APPROVED,
        w.office,
        D(2024, 3, 21),
    )
    approved = matter.events.get(kind=EventKind.EXTENSION_APPROVED)
    assert (approved.deadline, approved.payload["previous_deadline"]) == (D(2024, 4, 12), "2024-03-22")
    refused(
        lambda: services.decide_extension(extension, actor=w.office, approve=False, comment="不同意"),
        matter,
        ValidationError,
        "该延期申请已同意，不能再审批。",
    )


def test_a_rejected_extension_needs_a_comment_and_leaves_the_deadline(setup):
    w = setup.world
    matter = new_matter(setup)
    extension = services.request_extension(
        matter, actor=w.reporter_a, requested_deadline=D(2024, 4, 12), reason="等待批复", on=D(2024, 3, 20)
    )
    refused(
        lambda: services.decide_extension(extension, actor=w.office, approve=False, on=D(2024, 3, 21)),
        matter,
        ValidationError,
        "不同意延期须写明意见。",
    )
    services.decide_extension(extension, actor=w.office, approve=False, comment="按期办结", on=D(2024, 3, 21))
    matter.refresh_from_db()
    assert (extension.status, extension.decision_comment, matter.deadline) == (
        ExtensionStatus.REJECTED,
        "按期办结",
        D(2024, 3, 22),
    )
    assert [kind for kind, _ in events(matter)][-2:] == [
        EventKind.EXTENSION_REQUESTED,
        EventKind.EXTENSION_REJECTED,
    ]


def test_a_kind_may_give_extensions_to_the_responsible_leader(setup):
    w = setup.world
    matter = new_matter(setup, kind="supervision_item")
    extension = services.request_extension(
        matter, actor=w.reporter_a, requested_deadline=D(2024, 4, 1), reason="需区政府协调", on=D(2024, 3, 20)
    )
    refused(
        lambda: services.decide_extension(extension, actor=w.office, approve=True, on=D(2024, 3, 21)),
        matter,
        PermissionDenied,
        "只有责任领导（甲镇领导）才能审批该事项的延期申请。",
    )
    services.decide_extension(extension, actor=setup.leader_user, approve=True, on=D(2024, 3, 21))
    matter.refresh_from_db()
    assert (matter.deadline, extension.decided_by) == (D(2024, 4, 1), setup.leader_user)


# Clocks and pauses ------------------------------------------------------------------------------


def clocks(matter, today):
    return [
        (clock.code, clock.deadline, clock.reached_on, clock.state, clock.remaining)
        for clock in deadline_state(matter, today=today)
    ]


def test_the_three_clocks_of_an_enterprise_request_with_a_pause(setup):
    w = setup.world
    matter = new_matter(setup, kind="enterprise_request", opened_on=D(2024, 3, 4))
    assert clocks(matter, D(2024, 3, 4)) == [
        ("respond", D(2024, 3, 5), None, "running", 1),
        ("reply", D(2024, 3, 7), None, "running", 3),
        ("resolve", D(2024, 3, 25), None, "running", 15),
    ]
    services.sign_matter(matter, actor=w.reporter_a, on=D(2024, 3, 5))
    services.pause_matter(matter, actor=w.reporter_a, reason="等待企业补充环评材料", on=D(2024, 3, 6))
    # While paused the reply deadline is not known yet and the 办结 clock stands at 03-06.
    assert clocks(matter, D(2024, 3, 8)) == [
        ("respond", D(2024, 3, 5), D(2024, 3, 5), "met", None),
        ("reply", None, None, "paused", None),
        ("resolve", D(2024, 3, 25), None, "paused", 13),
    ]
    services.resume_matter(matter, actor=w.reporter_a, on=D(2024, 3, 11))
    # 03-06, 03-07 and 03-08 did not count: every clock moves by three working days.
    assert matter.deadline == D(2024, 3, 28)
    pauses = [(D(2024, 3, 6), D(2024, 3, 11))]
    assert default_calendar().add_working_days_paused(D(2024, 3, 4), 15, pauses) == D(2024, 3, 28)
    resumed = matter.events.get(kind=EventKind.RESUMED)
    assert (resumed.deadline, resumed.payload["paused_working_days"]) == (D(2024, 3, 28), 3)
    services.start_handling(matter, actor=w.reporter_a, on=D(2024, 3, 11))
    services.submit_feedback(matter, actor=w.reporter_a, text="已答复企业", on=D(2024, 3, 13))
    assert clocks(matter, D(2024, 3, 13)) == [
        ("respond", D(2024, 3, 5), D(2024, 3, 5), "met", None),
        ("reply", D(2024, 3, 12), D(2024, 3, 13), "missed", None),
        ("resolve", D(2024, 3, 28), None, "running", 11),
    ]
    assert clocks(matter, D(2024, 3, 29))[2] == ("resolve", D(2024, 3, 28), None, "overdue", -1)


def test_only_pausable_kinds_pause_and_never_once_overdue(setup):
    w = setup.world
    issue = new_matter(setup)
    refused(
        lambda: services.pause_matter(issue, actor=w.reporter_a, reason="等待", on=D(2024, 3, 4)),
        issue,
        ValidationError,
        "“项目问题”类事项不能暂停计时。",
    )
    request = new_matter(setup, kind="enterprise_request", opened_on=D(2024, 3, 4))
    refused(
        lambda: services.pause_matter(request, actor=w.reporter_a, reason="等待", on=D(2024, 3, 26)),
        request,
        ValidationError,
        "事项已超过办结期限 2024-03-25，不能暂停计时。",
    )
    refused(
        lambda: services.pause_matter(request, actor=w.reporter_b, reason="等待", on=D(2024, 3, 6)),
        request,
        PermissionDenied,
        "只有牵头单位（唐江镇人民政府）或项目办才能暂停计时。",
    )
    services.pause_matter(request, actor=w.office, reason="等待企业补充材料", on=D(2024, 3, 6))
    refused(
        lambda: services.pause_matter(request, actor=w.reporter_a, reason="再停", on=D(2024, 3, 7)),
        request,
        ValidationError,
        "事项已于 2024-03-06 暂停计时。",
    )
    services.sign_matter(request, actor=w.reporter_a, on=D(2024, 3, 7))
    services.start_handling(request, actor=w.reporter_a, on=D(2024, 3, 7))
    services.submit_feedback(request, actor=w.reporter_a, text="已办", on=D(2024, 3, 7))
    services.review_matter(request, actor=w.office, passed=True, on=D(2024, 3, 7))
    refused(
        lambda: services.close_matter(request, actor=w.office, on=D(2024, 3, 7)),
        request,
        ValidationError,
        "事项处于暂停计时中，请先恢复计时再销号。",
    )
    services.resume_matter(request, actor=w.office, on=D(2024, 3, 7))
    services.close_matter(request, actor=w.office, on=D(2024, 3, 7))
    # One working day (03-06) was paused; enterprise requests need no evidence.
    assert (request.node, request.deadline, request.closed_on) == (Node.CLOSED, D(2024, 3, 26), D(2024, 3, 7))
