"""The built-in matter kinds (项目问题, 企业诉求, 督查事项), as data the office may edit.

项目问题: the full loop with one 办结 clock; the office usually sets each issue's own deadline when
assigning it, the 15 working days are the default. 企业诉求: Shandong's "1 / 3 / 15" — respond
(签收) within 1 working day, reply (反馈) within 3, resolve (销号) within 15 — and the clock stops while
waiting on the enterprise. 督查事项: extensions approved by the responsible leader.
Every kind climbs 挂点联系领导 after 1 working day overdue, 专班 after 5, 区调度会 after 10, and turns
yellow 3 working days before its deadline.
"""

from django.db import migrations

ALL_NODES = ["assigned", "signed", "handling", "feedback", "review", "closed"]
LADDER = [
    {"level": "liaison_leader", "after_days": 1},
    {"level": "task_force", "after_days": 5},
    {"level": "district_meeting", "after_days": 10},
]
KINDS = (
    {
        "code": "project_issue",
        "name": "项目问题",
        "code_prefix": "WT",
        "clocks": [{"code": "resolve", "name": "办结", "days": 15, "ends_at": "closed"}],
        "is_pausable": False,
        "extension_approver": "office",
        "requires_evidence": True,
        "sort_order": 10,
    },
    {
        "code": "enterprise_request",
        "name": "企业诉求",
        "code_prefix": "SQ",
        "clocks": [
            {"code": "respond", "name": "响应", "days": 1, "ends_at": "signed"},
            {"code": "reply", "name": "答复", "days": 3, "ends_at": "feedback"},
            {"code": "resolve", "name": "办结", "days": 15, "ends_at": "closed"},
        ],
        "is_pausable": True,
        "extension_approver": "office",
        "requires_evidence": False,
        "sort_order": 20,
    },
    {
        "code": "supervision_item",
        "name": "督查事项",
        "code_prefix": "DC",
        "clocks": [{"code": "resolve", "name": "办结", "days": 15, "ends_at": "closed"}],
        "is_pausable": False,
        "extension_approver": "leader",
        "requires_evidence": True,
        "sort_order": 30,
    },
)


def add_kinds(apps, schema_editor):
    MatterKind = apps.get_model("matters", "MatterKind")
    for kind in KINDS:
        values = dict(kind)
        code = values.pop("code")
        MatterKind.objects.get_or_create(
            code=code,
            defaults=values
            | {"nodes": ALL_NODES, "escalation_ladder": LADDER, "yellow_window_days": 3, "is_active": True},
        )


class Migration(migrations.Migration):
    dependencies = [("matters", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
