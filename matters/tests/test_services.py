"""Matters workflows, given/when/then with exact values: each node transition and who may take it
(a refused action leaves the database as it was), kinds that skip nodes, extensions, escalation by
rule and by hand, working-day deadlines across Spring Festival and National Day 2024, the three
clocks of an enterprise request with a pause, evidence files, and blockers of approved reports."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from core.workdays import default_calendar
from matters import services
from matters.choices import EscalationLevel, EventKind, ExtensionStatus, Node, Source
from matters.models import ExtensionRequest, Matter, MatterAttachment, MatterEvent, MatterKind, MatterPause
from matters.selectors import deadline_state

from .conftest import new_matter

pytestmark = pytest.mark.django_db
D = datetime.date


def snapshot(matter):
    """Everything a refused action must leave as it was."""
    row = Matter.objects.filter(pk=matter.pk).values().get()
    row.pop("updated_at")
    return (
        row,
        list(MatterEvent.objects.filter(matter_id=matter.pk).values_list("pk", flat=True)),
        Matter.history.filter(id=matter.pk).count(),
        list(ExtensionRequest.objects.filter(matter_id=matter.pk).values_list("pk", "status")),
        list(MatterPause.objects.filter(matter_id=matter.pk).values_list("pk", "ended_on")),
        MatterAttachment.objects.filter(matter_id=matter.pk).count(),
    )


def refused(action, matter, error, message):
    """`action()` raises `error` with `message` and changes nothing."""
    before = snapshot(matter)
    with pytest.raises(error) as raised:
        action()
    shown = raised.value.messages if isinstance(raised.value, ValidationError) else [str(raised.value)]
    assert message in shown
    assert snapshot(matter) == before


def events(matter):
    return list(matter.events.order_by("effective_on", "id").values_list("kind", "effective_on"))


def pdf(name="交地确认书.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# 交办 -------------------------------------------------------------------------------------------


def test_assigning_gives_a_code_per_kind_and_year_and_the_kinds_clock_as_deadline(setup):
    w = setup.world
    first = new_matter(setup, cooperating_units=[setup.bureau])
    # 15 working days after Friday 2024-03-01: 03-04..08, 03-11..15, 03-18..22.
    assert (first.code, first.node, first.escalation_level) == ("WT-2024-0001", Node.ASSIGNED, "unit")
    assert (first.deadline, first.original_deadline, first.region) == (
        D(2024, 3, 22),
        D(2024, 3, 22),
        w.county,
    )
    assert list(first.cooperating_units.all()) == [setup.bureau]
    assert new_matter(setup, title="施工用电未接入", deadline_days=5).code == "WT-2024-0002"
    assert new_matter(setup, kind="enterprise_request").code == "SQ-2024-0001"
    assert new_matter(setup, opened_on=D(2025, 1, 6)).code == "WT-2025-0001"
    event = first.events.get()
    assert (event.kind, event.to_node, event.to_level, event.deadline, event.actor) == (
        EventKind.ASSIGNED,
        Node.ASSIGNED,
        "unit",
        D(2024, 3, 22),
        w.office,
    )
    record = first.history.earliest()
    assert (record.history_user, record.history_change_reason) == (w.office, "交办事项")


def test_a_deadline_is_a_date_or_working_days_never_both_nor_before_opening(setup):
    given = new_matter(setup, deadline=D(2024, 4, 30))
    assert (given.deadline, given.original_deadline) == (D(2024, 4, 30), D(2024, 4, 30))
    with pytest.raises(ValidationError) as both:
        new_matter(setup, deadline=D(2024, 4, 30), deadline_days=5)
    assert both.value.message_dict == {"deadline": ["办结期限请只填日期或工作日数之一。"]}
    with pytest.raises(ValidationError) as early:
        new_matter(setup, deadline=D(2024, 2, 29))
    assert early.value.message_dict == {"deadline": ["办结期限不能早于交办日期。"]}
    with pytest.raises(ValidationError) as same:
        new_matter(setup, cooperating_units=[setup.world.unit_a])
    assert same.value.message_dict == {"cooperating_units": ["牵头单位不能同时作为配合单位。"]}
    assert Matter.objects.count() == 1


def test_only_users_with_the_add_permission_assign_and_only_within_their_scope(setup):
    w = setup.world
    with pytest.raises(PermissionDenied, match="没有交办事项的权限。"):
        new_matter(setup, actor=w.reporter_a)
    outside = Matter(
        kind=setup.kinds["project_issue"],
        title="章贡区的问题",
        lead_unit=w.other_county_unit,
        opened_on=D(2024, 3, 1),
    )
    with pytest.raises(PermissionDenied, match="不能向授权范围以外的单位交办事项。"):
        services.assign_matter(outside, actor=w.office)
    assert (outside.pk, outside.code, outside.deadline, outside.region_id) == (None, "", None, None)
    assert (Matter.objects.count(), MatterEvent.objects.count(), Matter.history.count()) == (0, 0, 0)


@pytest.mark.parametrize(
    ("opened_on", "days", "deadline"),
    [
        (D(2024, 2, 8), 3, D(2024, 2, 19)),  # 02-09, then 02-10..17 off, 02-18 (Sun, 调休) and 02-19
        (D(2024, 2, 2), 1, D(2024, 2, 4)),  # Sunday 02-04 is a 调休 working day
        (D(2024, 2, 9), 1, D(2024, 2, 18)),  # the whole Spring Festival break is skipped
        (D(2024, 9, 27), 2, D(2024, 9, 30)),  # Sunday 09-29 works, then 09-30
        (D(2024, 9, 27), 3, D(2024, 10, 8)),  # 10-01..07 off
        (D(2024, 10, 10), 2, D(2024, 10, 12)),  # 10-11, then Saturday 10-12 (调休)
        (D(2024, 9, 20), None, D(2024, 10, 16)),  # the kind's 15 working days across National Day
    ],
)
def test_working_day_deadlines_across_spring_festival_and_national_day_2024(setup, opened_on, days, deadline):
    assert new_matter(setup, opened_on=opened_on, deadline_days=days).deadline == deadline


# The loop ---------------------------------------------------------------------------------------


def test_the_full_loop_and_who_may_take_each_step(setup):
    w = setup.world
    matter = new_matter(setup, cooperating_units=[w.unit_b])
    for outsider in (w.office, w.reporter_b, w.no_role, w.discipline, setup.bureau_user):
        refused(
            lambda outsider=outsider: services.sign_matter(matter, actor=outsider, on=D(2024, 3, 4)),
            matter,
            PermissionDenied,
            "只有牵头单位（唐江镇人民政府）的用户才能签收。",
        )
    refused(
        lambda: services.start_handling(matter, actor=w.reporter_a, on=D(2024, 3, 4)),
        matter,
        ValidationError,
        "事项当前处于“交办”环节，下一步应为“签收”，不能开始办理。",
    )
    services.sign_matter(matter, actor=w.reporter_a, on=D(2024, 3, 4))
    services.start_handling(matter, actor=w.reporter_a, on=D(2024, 3, 5))
    refused(
        lambda: services.submit_feedback(matter, actor=w.reporter_a, text="  ", on=D(2024, 3, 8)),
        matter,
        ValidationError,
        "请填写办理情况。",
    )
    services.submit_feedback(matter, actor=w.reporter_a, text="已完成组卷上报。", on=D(2024, 3, 8))
    assert (matter.node, matter.feedback) == (Node.FEEDBACK, "已完成组卷上报。")

    refused(
        lambda: services.review_matter(matter, actor=w.reporter_a, passed=True, on=D(2024, 3, 11)),
        matter,
        PermissionDenied,
        "只有项目办才能复核。",
    )
    refused(
        lambda: services.review_matter(matter, actor=w.office, passed=False, on=D(2024, 3, 11)),
        matter,
        ValidationError,
        "退回须写明意见。",
    )
    services.review_matter(
        matter, actor=w.office, passed=False, comment="尚未交地，继续办理", on=D(2024, 3, 11)
    )
    assert matter.node == Node.HANDLING
    services.submit_feedback(matter, actor=w.reporter_a, text="已交地。", on=D(2024, 3, 12))
    services.review_matter(matter, actor=w.office, passed=True, on=D(2024, 3, 13))
    assert matter.node == Node.REVIEW

    refused(
        lambda: services.close_matter(matter, actor=w.office, on=D(2024, 3, 14)),
        matter,
        ValidationError,
        "“项目问题”类事项销号前须上传佐证材料。",
    )
    services.add_attachment(
        matter, actor=w.reporter_a, upload=pdf(), description="交地确认书", on=D(2024, 3, 14)
    )
    refused(
        lambda: services.close_matter(matter, actor=w.reporter_a, on=D(2024, 3, 15)),
        matter,
        PermissionDenied,
        "只有项目办才能销号。",
    )
    services.close_matter(matter, actor=w.office, on=D(2024, 3, 15))
    assert (matter.node, matter.closed_on) == (Node.CLOSED, D(2024, 3, 15))
    refused(
        lambda: services.start_handling(matter, actor=w.reporter_a, on=D(2024, 3, 18)),
        matter,
        ValidationError,
        f"事项 {matter.code} 已销号，不能再办理（如需继续请由项目办重新打开）。",
    )
    refused(
        lambda: services.reopen_matter(
            matter, actor=w.reporter_a, reason="群众反映未交地", on=D(2024, 3, 18)
        ),
        matter,
        PermissionDenied,
        "只有项目办才能重新打开事项。",
    )
    services.reopen_matter(matter, actor=w.office, reason="企业反映地块仍有附着物", on=D(2024, 3, 18))
    assert (matter.node, matter.closed_on, matter.deadline) == (Node.HANDLING, None, D(2024, 3, 22))

    assert events(matter) == [
        (EventKind.ASSIGNED, D(2024, 3, 1)),
        (EventKind.SIGNED, D(2024, 3, 4)),
        (EventKind.HANDLING_STARTED, D(2024, 3, 5)),
        (EventKind.FEEDBACK_SUBMITTED, D(2024, 3, 8)),
        (EventKind.REVIEW_RETURNED, D(2024, 3, 11)),
        (EventKind.FEEDBACK_SUBMITTED, D(2024, 3, 12)),
        (EventKind.REVIEW_PASSED, D(2024, 3, 13)),
        (EventKind.ATTACHMENT_ADDED, D(2024, 3, 14)),
        (EventKind.CLOSED, D(2024, 3, 15)),
        (EventKind.REOPENED, D(2024, 3, 18)),
    ]
    returned = matter.events.get(kind=EventKind.REVIEW_RETURNED)
    assert (returned.from_node, returned.to_node, returned.comment, returned.actor) == (
        Node.FEEDBACK,
        Node.HANDLING,
        "尚未交地，继续办理",
        w.office,
    )
    latest = matter.history.latest()
    assert (latest.history_user, latest.history_change_reason, latest.node) == (
        w.office,
        "重新打开事项",
        "handling",
    )


def test_actions_keep_the_timeline_in_date_order(setup):
    w = setup.world
    matter = new_matter(setup)
    services.sign_matter(matter, actor=w.reporter_a, on=D(2024, 3, 6))
    refused(
        lambda: services.start_handling(matter, actor=w.reporter_a, on=D(2024, 3, 5)),
        matter,
        ValidationError,
        "操作日期 2024-03-05 不能早于上一次操作日期 2024-03-06。",
    )
    refused(
        lambda: services.add_comment(matter, actor=w.reporter_b, text="关注", on=D(2024, 3, 7)),
        matter,
        PermissionDenied,
        "没有查看该事项的权限。",
    )
    services.add_comment(matter, actor=w.office, text="请本周内交地", on=D(2024, 3, 7))
    assert events(matter)[-1] == (EventKind.COMMENTED, D(2024, 3, 7))


def test_a_kind_that_skips_nodes_is_run_without_them(setup):
    w = setup.world
    quick = MatterKind(
        code="quick",
        name="快办事项",
        code_prefix="KB",
        nodes=["assigned", "handling", "closed"],
        clocks=[{"code": "resolve", "name": "办结", "days": 5, "ends_at": "closed"}],
        requires_evidence=False,
    )
    quick.full_clean()
    quick.save()
    setup.kinds["quick"] = quick
    matter = new_matter(setup, kind="quick")
    assert (matter.code, matter.deadline) == ("KB-2024-0001", D(2024, 3, 8))
    refused(
        lambda: services.sign_matter(matter, actor=w.reporter_a, on=D(2024, 3, 4)),
        matter,
        ValidationError,
        "“快办事项”类事项没有“签收”环节，不能签收。",
    )
    services.start_handling(matter, actor=w.reporter_a, on=D(2024, 3, 4))
    refused(
        lambda: services.submit_feedback(matter, actor=w.reporter_a, text="已办", on=D(2024, 3, 5)),
        matter,
        ValidationError,
        "“快办事项”类事项没有“反馈”环节，不能反馈。",
    )
    services.close_matter(matter, actor=w.office, on=D(2024, 3, 5))
    assert [kind for kind, _ in events(matter)] == [
        EventKind.ASSIGNED,
        EventKind.HANDLING_STARTED,
        EventKind.CLOSED,
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nodes", ["assigned", "handling"], "流程必须包含节点：销号。"),
        (
            "nodes",
            ["assigned", "review", "handling", "closed"],
            "流程节点须按 交办→签收→办理→反馈→复核→销号 的顺序排列。",
        ),
        (
            "clocks",
            [
                {"code": "resolve", "name": "办结", "days": 15, "ends_at": "closed"},
                {"code": "reply", "name": "答复", "days": 3, "ends_at": "feedback"},
            ],
            "第 2 个时限（答复）止于的节点不在本类流程中（或为交办）。",
        ),
        (
            "clocks",
            [{"code": "reply", "name": "答复", "days": 3, "ends_at": "signed"}],
            "必须有且只有一个时限止于销号（办结时限）。",
        ),
        (
            "clocks",
            [{"code": "resolve", "name": "办结", "days": 0, "ends_at": "closed"}],
            "第 1 个时限（办结）的工作日数须为正整数。",
        ),
        (
            "escalation_ladder",
            [{"level": "task_force", "after_days": 5}, {"level": "liaison_leader", "after_days": 8}],
            "升级阶梯第 2 级须比上一级层级更高、超期工作日数更多。",
        ),
    ],
)
def test_a_kind_with_a_broken_configuration_is_refused(field, value, message):
    kind = MatterKind(
        code="broken", name="配置错误", code_prefix="CW", nodes=["assigned", "signed", "handling", "closed"]
    )
    setattr(kind, field, value)
    with pytest.raises(ValidationError) as raised:
        kind.full_clean()
    assert raised.value.message_dict == {field: [message]}


def test_the_office_edits_the_assignment_and_the_timeline_keeps_old_and_new(setup):
    w = setup.world
    matter = new_matter(setup)
    refused(
        lambda: services.update_matter(matter, actor=w.reporter_a, lead_unit=setup.bureau, on=D(2024, 3, 4)),
        matter,
        PermissionDenied,
        "只有项目办才能修改交办信息。",
    )
    services.update_matter(
        matter,
        actor=w.office,
        lead_unit=setup.bureau,
        cooperating_units=[w.unit_a],
        category="land",
        comment="用地问题由自然资源局牵头",
        on=D(2024, 3, 4),
    )
    edited = matter.events.get(kind=EventKind.EDITED)
    assert edited.payload == {
        "changes": {
            "牵头单位": ["唐江镇人民政府", "南康区自然资源局"],
            "问题类别": ["other", "land"],
            "配合单位": ["", "唐江镇人民政府"],
        }
    }
    # Now the bureau signs; township A only cooperates.
    with pytest.raises(PermissionDenied):
        services.sign_matter(matter, actor=w.reporter_a, on=D(2024, 3, 5))
    services.sign_matter(matter, actor=setup.bureau_user, on=D(2024, 3, 5))
    assert matter.node == Node.SIGNED


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


# Evidence ---------------------------------------------------------------------------------------


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("现场.png", buffer.getvalue(), "image/png")


def office_file(name, parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part, "<x/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def test_evidence_files_are_judged_by_their_content(setup, settings):
    w = setup.world
    matter = new_matter(setup)
    accepted = [
        services.add_attachment(matter, actor=w.reporter_a, upload=upload, on=D(2024, 3, 4))
        for upload in (
            pdf(),
            png(),
            office_file("会议纪要.docx", ["[Content_Types].xml", "word/document.xml"]),
            office_file("台账.xlsx", ["[Content_Types].xml", "xl/workbook.xml"]),
        )
    ]
    assert [(a.file_type, a.original_name, a.file.name.rsplit(".", 1)[1]) for a in accepted] == [
        ("pdf", "交地确认书.pdf", "pdf"),
        ("image", "现场.png", "png"),
        ("docx", "会议纪要.docx", "docx"),
        ("xlsx", "台账.xlsx", "xlsx"),
    ]
    assert accepted[0].file.read().startswith(b"%PDF-")
    assert accepted[0].size == len(pdf().read())
    settings.MATTER_ATTACHMENT_MAX_BYTES = 1024 * 1024
    for upload, message in (
        (
            SimpleUploadedFile("脚本.pdf", b"#!/bin/sh\nrm -rf /\n"),
            "附件“脚本.pdf”的格式不支持：只能上传 PDF、JPEG/PNG/WebP 图片、.docx 或 .xlsx。",
        ),
        (
            office_file("宏.docx", ["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"]),
            "附件“宏.docx”不是有效的 Word（.docx）或 Excel（.xlsx）文件（含宏的文件不能上传）。",
        ),
        (SimpleUploadedFile("空.pdf", b""), "附件“空.pdf”是空文件。"),
        (
            SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * 1024 * 1024),
            "附件“大.pdf”超过 1 MB，请压缩或拆分后再上传。",
        ),
    ):
        refused(
            lambda upload=upload: services.add_attachment(
                matter, actor=w.reporter_a, upload=upload, on=D(2024, 3, 4)
            ),
            matter,
            ValidationError,
            message,
        )
    refused(
        lambda: services.add_attachment(matter, actor=w.reporter_b, upload=pdf(), on=D(2024, 3, 4)),
        matter,
        PermissionDenied,
        "只有牵头单位（唐江镇人民政府）或项目办才能上传佐证材料。",
    )


# Blockers of approved reports -------------------------------------------------------------------


def at(day, hour=12):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def report(setup):
    from dispatch import services as dispatch_services
    from dispatch.models import Cadence

    cadence = Cadence.objects.create(
        name="每周调度", region=setup.world.county, due_offset_days=-2, expiry_days=3
    )
    dispatch_round = dispatch_services.open_round(cadence, on=D(2024, 3, 4), actor=setup.world.office)
    return dispatch_round.reports.get(project=setup.project)


def submit(setup, report, blockers, day):
    from dispatch import services as dispatch_services

    dispatch_services.submit_report(
        report,
        actor=setup.world.reporter_a,
        now=at(day, 10),
        investment_period=200,
        physical_progress="场地平整",
        workers_on_site=20,
        confidence="amber",
        confidence_narrative="用地未交付",
        blockers=blockers,
    )


def test_an_approved_reports_blockers_become_project_issues_once_per_line(setup, report):
    from dispatch import services as dispatch_services

    w = setup.world
    submit(setup, report, "1、项目用地尚未交付，无法开工\n\n（2）施工用电未接入\n", D(2024, 3, 6))
    with pytest.raises(ValidationError, match="只有已审核的进度报告才能把存在问题转为事项。"):
        services.raise_matters_from_report(report, actor=w.office)
    dispatch_services.approve_report(report, actor=w.office, now=at(D(2024, 3, 8)))
    raised = list(Matter.objects.filter(source_report=report).order_by("source_line"))
    assert [
        (m.code, m.source_line, m.title, m.source, m.lead_unit, m.responsible_leader, m.opened_on, m.deadline)
        for m in raised
    ] == [
        (
            "WT-2024-0001",
            1,
            "项目用地尚未交付，无法开工",
            Source.PROGRESS_REPORT,
            w.unit_a,
            w.leader_a,
            D(2024, 3, 8),
            D(2024, 3, 29),
        ),
        (
            "WT-2024-0002",
            3,
            "施工用电未接入",
            Source.PROGRESS_REPORT,
            w.unit_a,
            w.leader_a,
            D(2024, 3, 8),
            D(2024, 3, 29),
        ),
    ]
    assert (raised[0].project, raised[0].kind.code, raised[0].region) == (
        setup.project,
        "project_issue",
        w.county,
    )
    first = raised[0].events.get()
    assert (first.actor, first.payload) == (w.office, {"report": report.pk, "line": 1})
    assert services.raise_matters_from_report(report, actor=w.office) == []

    # Reopened, corrected with one more line and approved again: only the new line is added.
    dispatch_services.reopen_report(report, reason="补充问题", actor=w.office, now=at(D(2024, 3, 9), 9))
    submit(
        setup,
        report,
        "1、项目用地尚未交付，无法开工\n\n（2）施工用电未接入\n3. 环评批复未下达",
        D(2024, 3, 9),
    )
    dispatch_services.approve_report(report, actor=w.office, now=at(D(2024, 3, 9), 15))
    assert list(
        Matter.objects.filter(source_report=report)
        .order_by("source_line")
        .values_list("source_line", "title")
    ) == [
        (1, "项目用地尚未交付，无法开工"),
        (3, "施工用电未接入"),
        (4, "环评批复未下达"),
    ]


def test_a_blocker_repeated_while_its_matter_is_open_is_not_raised_again(setup, report):
    from dispatch import services as dispatch_services

    w = setup.world
    submit(setup, report, "项目用地尚未交付", D(2024, 3, 6))
    dispatch_services.approve_report(report, actor=w.office, now=at(D(2024, 3, 8)))
    [matter] = Matter.objects.all()
    next_week = dispatch_services.open_round(report.round.cadence, on=D(2024, 3, 11), actor=w.office)
    report_2 = next_week.reports.get(project=setup.project)
    submit(setup, report_2, "1、项目用地尚未交付\n2、施工用电未接入", D(2024, 3, 13))
    dispatch_services.approve_report(report_2, actor=w.office, now=at(D(2024, 3, 15)))
    assert list(Matter.objects.order_by("code").values_list("title", "source_report")) == [
        ("项目用地尚未交付", report.pk),
        ("施工用电未接入", report_2.pk),
    ]
    Matter.objects.filter(pk=matter.pk).update(node="closed", closed_on=D(2024, 3, 18))
    week_3 = dispatch_services.open_round(report.round.cadence, on=D(2024, 3, 18), actor=w.office)
    report_3 = week_3.reports.get(project=setup.project)
    submit(setup, report_3, "项目用地尚未交付", D(2024, 3, 20))
    dispatch_services.approve_report(report_3, actor=w.office, now=at(D(2024, 3, 22)))
    assert Matter.objects.filter(title="项目用地尚未交付").count() == 2  # closed, then raised anew


def test_a_report_without_blockers_raises_nothing(setup, report):
    from dispatch import services as dispatch_services

    submit(setup, report, " \n", D(2024, 3, 6))
    dispatch_services.approve_report(report, actor=setup.world.office, now=at(D(2024, 3, 8)))
    assert Matter.objects.count() == 0


def test_blocker_lines_drop_numbering_and_blank_lines():
    assert services.blocker_lines("一、土地未交付\n- 用电\n\n(3)资金缺口 \n4)审批慢\n环评") == [
        (1, "土地未交付"),
        (2, "用电"),
        (4, "资金缺口"),
        (5, "审批慢"),
        (6, "环评"),
    ]


def test_every_matters_model_is_recorded_in_history_with_the_actor(setup, scene):
    from django.apps import apps

    from matters.models import WorkdayOverride

    w = setup.world
    kind = setup.kinds["project_issue"]
    kind.yellow_window_days = 4
    kind.save()
    WorkdayOverride.objects.create(date=D(2027, 2, 6), is_working_day=True)
    models = [
        model
        for model in apps.get_app_config("matters").get_models()
        if not model.__name__.startswith("Historical") and not model._meta.auto_created
    ]
    assert {model.__name__ for model in models} == {
        "MatterKind",
        "Matter",
        "MatterEvent",
        "ExtensionRequest",
        "MatterPause",
        "MatterAttachment",
        "WorkdayOverride",
    }
    for model in models:
        assert model.history.exists(), model.__name__
    for model in (Matter, MatterEvent, ExtensionRequest, MatterPause, MatterAttachment):
        users = set(model.history.values_list("history_user", flat=True))
        assert users <= {w.office.pk, w.reporter_a.pk, w.reporter_b.pk, None}, model.__name__
    decided = scene.extended.extension_requests.get().history.latest()
    assert (decided.history_user, decided.history_change_reason, decided.status) == (
        w.office,
        "审批延期",
        "approved",
    )
    assert set(scene.extended.history.values_list("history_change_reason", flat=True)) == {
        "交办事项",
        "超期自动升级",
        "审批延期",
    }
