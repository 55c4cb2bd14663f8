"""Matters workflows, given/when/then with exact values: 交办 with a code per kind and year and its
deadline, each node transition and who may take it (a refused action leaves the database as it
was), kinds that skip nodes, editing the assignment, and every matters model recorded in history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from matters import services
from matters.choices import EventKind, Node
from matters.models import ExtensionRequest, Matter, MatterAttachment, MatterEvent, MatterKind, MatterPause

from .conftest import new_matter
from .services_helpers import events, pdf, refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
D = datetime.date


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


# History ----------------------------------------------------------------------------------------


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
