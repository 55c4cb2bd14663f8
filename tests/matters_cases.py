"""How to make and create a row of each matters model in township A or B, for the cases in
tests/cases.py. A matter led by the township's unit, in its region, is in scope for a grant on that
township and out of scope for the other one; its timeline, extension requests, pauses and evidence
follow it. Rows are made directly (not through the services), so their history carries only the
test's own actor and reason."""

import datetime
import itertools

from django.utils import timezone

from tests import project_cases

_numbers = itertools.count(1)


def _n():
    return next(_numbers)


def _side(world, side):
    return (world.unit_a, world.region_a) if side == "a" else (world.unit_b, world.region_b)


def _letters(number):
    """1 → "QA", 2 → "QB", …: a code prefix of capital letters only."""
    letters = ""
    while True:
        number, remainder = divmod(number, 26)
        letters = chr(65 + remainder) + letters
        if not number:
            return f"Q{letters}"


def _project_issue():
    from matters.models import MatterKind

    return MatterKind.objects.get(code="project_issue")


def make_matter_kind(world, side):
    from matters.models import MatterKind

    number = _n()
    return MatterKind.objects.create(
        code=f"test-kind-{number}", name=f"测试事项类型{number}", code_prefix=_letters(number)
    )


def create_matter_kind(world, side):
    number = _n() + 500
    clocks = '[{"code": "resolve", "name": "办结", "days": 10, "ends_at": "closed"}]'
    ladder = '[{"level": "liaison_leader", "after_days": 2}]'
    data = {
        "name": f"新事项类型{number}",
        "code": f"new-kind-{number}",
        "code_prefix": _letters(number),
        "nodes": ["assigned", "signed", "handling", "closed"],
        "clocks": clocks,
        "is_pausable": "",
        "escalation_ladder": ladder,
        "extension_approver": "office",
        "yellow_window_days": "2",
        "requires_evidence": "",
        "is_active": "on",
        "sort_order": "50",
    }
    api = {
        **data,
        "clocks": [{"code": "resolve", "name": "办结", "days": 10, "ends_at": "closed"}],
        "escalation_ladder": [{"level": "liaison_leader", "after_days": 2}],
        "is_pausable": False,
        "requires_evidence": False,
        "is_active": True,
        "yellow_window_days": 2,
        "sort_order": 50,
    }
    return data, api


def make_matter(world, side):
    from matters.models import Matter

    unit, region = _side(world, side)
    number = _n()
    opened = datetime.date(2025, 3, 3)
    deadline = datetime.date(2025, 3, 24)
    return Matter.objects.create(
        kind=_project_issue(),
        code=f"T{side.upper()}-2025-{number:04d}",
        title=f"测试事项{number}",
        project=project_cases.make_project(world, side),
        category="land",
        lead_unit=unit,
        solution="协调交地。",
        opened_on=opened,
        deadline=deadline,
        original_deadline=deadline,
        region=region,
    )


def create_matter(world, side):
    unit, _ = _side(world, side)
    number = _n()
    data = {
        "kind": _project_issue().pk,
        "title": f"新事项{number}",
        "description": "项目用地尚未交付。",
        "source": "dispatch_meeting",
        "requester": "",
        "project": "",
        "category": "land",
        "lead_unit": unit.pk,
        "cooperating_units": [],
        "responsible_leader": "",
        "responsible_person": "",
        "solution": "加快土地报批。",
        "opened_on": "2025-03-03",
        "deadline": "",
        "deadline_days": "10",
    }
    api = {
        "kind": data["kind"],
        "title": data["title"],
        "description": data["description"],
        "source": "dispatch_meeting",
        "category": "land",
        "lead_unit": unit.pk,
        "solution": data["solution"],
        "opened_on": "2025-03-03",
        "deadline_days": 10,
    }
    return data, api


def make_matter_event(world, side):
    from matters.models import MatterEvent

    return MatterEvent.objects.create(
        matter=make_matter(world, side),
        kind="commented",
        effective_on=datetime.date(2025, 3, 4),
        at=timezone.now(),
        comment="测试留言",
    )


def create_matter_event(world, side):
    data = {"matter": make_matter(world, side).pk, "kind": "commented", "comment": "新留言"}
    return data, data


def make_extension_request(world, side):
    from matters.models import ExtensionRequest

    matter = make_matter(world, side)
    return ExtensionRequest.objects.create(
        matter=matter,
        previous_deadline=matter.deadline,
        requested_deadline=matter.deadline + datetime.timedelta(days=14),
        reason="征迁未完成",
        requested_at=timezone.now(),
    )


def create_extension_request(world, side):
    data = {"matter": make_matter(world, side).pk, "requested_deadline": "2025-04-30", "reason": "延期"}
    return data, data


def make_matter_pause(world, side):
    from matters.models import MatterPause

    return MatterPause.objects.create(
        matter=make_matter(world, side), started_on=datetime.date(2025, 3, 5), reason="等待企业补充材料"
    )


def create_matter_pause(world, side):
    data = {"matter": make_matter(world, side).pk, "started_on": "2025-03-06", "reason": "等待材料"}
    return data, data


def make_matter_attachment(world, side):
    from matters.models import MatterAttachment

    # A stored name only: no file is read or written.
    number = _n()
    return MatterAttachment.objects.create(
        matter=make_matter(world, side),
        file=f"matters/attachments/test/{number}.pdf",
        original_name=f"交地确认书{number}.pdf",
        file_type="pdf",
        size=1024,
    )


def create_matter_attachment(world, side):
    data = {"matter": make_matter(world, side).pk, "description": "新材料"}
    return data, data


def make_workday_override(world, side):
    from matters.models import WorkdayOverride

    # Years far ahead, so no deadline of another test moves.
    day = datetime.date(2031, 1, 1) + datetime.timedelta(days=_n())
    return WorkdayOverride.objects.create(date=day, is_working_day=day.weekday() >= 5, note="测试调整")


def create_workday_override(world, side):
    day = datetime.date(2032, 1, 1) + datetime.timedelta(days=_n())
    data = {"date": day.isoformat(), "is_working_day": "on", "note": "调休上班"}
    return data, {**data, "is_working_day": True}
