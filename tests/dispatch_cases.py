"""How to make and create a row of each dispatch model in township A or B, for the cases in
tests/cases.py. A round belongs to a cadence of the township's region, so it is in scope for a
grant on that township and out of scope for the other one."""

import datetime
import itertools

from django.utils import timezone

from tests import project_cases

_numbers = itertools.count(1)


def _n():
    return next(_numbers)


def _side(world, side):
    return (world.unit_a, world.region_a) if side == "a" else (world.unit_b, world.region_b)


def _at(day, hour=17):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def make_cadence(world, side):
    from dispatch.models import Cadence

    _, region = _side(world, side)
    return Cadence.objects.create(name=f"测试调度{_n()}", region=region)


def create_cadence(world, side):
    unit, region = _side(world, side)
    data = {
        "name": f"新调度{_n()}",
        "region": region.pk,
        "period_type": "weekly",
        "start_weekday": "0",
        "open_offset_days": "0",
        "due_offset_days": "-2",
        "due_time": "17:00",
        "grace_days": "0",
        "expiry_days": "3",
        "units": [unit.pk],
        "stages": ["planned", "under_construction"],
        "tier_flags": ["is_major"],
        "is_active": "on",
    }
    api = {
        **data,
        "start_weekday": 0,
        "open_offset_days": 0,
        "due_offset_days": -2,
        "grace_days": 0,
        "expiry_days": 3,
        "is_active": True,
    }
    return data, api


def make_dispatch_round(world, side):
    from dispatch.models import DispatchRound

    cadence = make_cadence(world, side)
    start = datetime.date(2025, 3, 3)
    return DispatchRound.objects.create(
        cadence=cadence,
        period_start=start,
        period_end=start + datetime.timedelta(days=6),
        label="2025年第10周（3月3日—3月9日）",
        opens_at=_at(start, 0),
        due_at=_at(start + datetime.timedelta(days=4)),
        on_time_until=_at(start + datetime.timedelta(days=4)),
        locks_at=_at(start + datetime.timedelta(days=7)),
    )


def create_dispatch_round(world, side):
    cadence = make_cadence(world, side)
    data = {
        "cadence": cadence.pk,
        "period_start": "2025-03-10",
        "period_end": "2025-03-16",
        "label": "2025年第11周",
        "opens_at": "2025-03-10T00:00:00+08:00",
        "due_at": "2025-03-14T17:00:00+08:00",
        "on_time_until": "2025-03-14T17:00:00+08:00",
    }
    return data, data


def make_progress_report(world, side):
    from dispatch.models import ProgressReport

    unit, _ = _side(world, side)
    dispatch_round = make_dispatch_round(world, side)
    dispatch_round.locks_at = None  # still taking reports, so the API can fill it
    dispatch_round.save()
    return ProgressReport.objects.create(
        round=dispatch_round, project=project_cases.make_project(world, side), unit=unit
    )


def create_progress_report(world, side):
    unit, _ = _side(world, side)
    data = {
        "round": make_dispatch_round(world, side).pk,
        "project": project_cases.make_project(world, side).pk,
        "unit": unit.pk,
        "investment_period": "100",
    }
    return data, data


def make_report_photo(world, side):
    from dispatch.models import ReportPhoto

    # Stored names and filled dimensions: no file is read or written.
    number = _n()
    return ReportPhoto.objects.create(
        report=make_progress_report(world, side),
        image=f"dispatch/photos/test/{number}.jpg",
        thumbnail=f"dispatch/photos/test/{number}-thumb.jpg",
        width=640,
        height=480,
        caption=f"测试照片{number}",
    )


def create_report_photo(world, side):
    data = {"report": make_progress_report(world, side).pk, "caption": "新照片"}
    return data, data


def make_report_review(world, side):
    from dispatch.models import ReportReview

    return ReportReview.objects.create(
        report=make_progress_report(world, side), action="save", at=_at(datetime.date(2025, 3, 5))
    )


def create_report_review(world, side):
    data = {"report": make_progress_report(world, side).pk, "action": "approve", "comment": "同意"}
    return data, data


def make_validation_rule(world, side):
    from dispatch.models import ValidationRule

    return ValidationRule.objects.create(
        name=f"测试规则{_n()}",
        left_side="investment_since_start",
        operator="<=",
        right_side="1.2 * total_investment",
        message="开工累计不能超过总投资的 1.2 倍。",
    )


def create_validation_rule(world, side):
    data = {
        "name": f"新规则{_n()}",
        "left_side": "workers_on_site",
        "operator": "<=",
        "right_side": "5000",
        "importance": "warning",
        "message": "在场施工人数异常。",
        "cadence": "",
        "is_active": "on",
        "sort_order": "9",
    }
    api = {key: value for key, value in data.items() if key != "cadence"}
    return data, {**api, "is_active": True, "sort_order": 9}


def make_lock_exception(world, side):
    from dispatch.models import LockException

    unit, _ = _side(world, side)
    return LockException.objects.create(
        round=make_dispatch_round(world, side),
        unit=unit,
        until=_at(datetime.date(2025, 3, 20)),
        reason="测试补报",
    )


def create_lock_exception(world, side):
    unit, _ = _side(world, side)
    round_pk = make_dispatch_round(world, side).pk
    data = {"round": round_pk, "unit": unit.pk, "until": "2025-03-20T17:00", "reason": "系统故障补报"}
    return data, {**data, "until": "2025-03-20T17:00:00+08:00"}


def make_reminder(world, side):
    from dispatch.models import Reminder

    unit, _ = _side(world, side)
    return Reminder.objects.create(
        round=make_dispatch_round(world, side),
        unit=unit,
        kind="overdue",
        channel="in_app",
        message="请尽快补报。",
        sent_at=_at(datetime.date(2025, 3, 8)),
    )


def create_reminder(world, side):
    unit, _ = _side(world, side)
    data = {
        "round": make_dispatch_round(world, side).pk,
        "unit": unit.pk,
        "kind": "before_due",
        "channel": "in_app",
        "message": "请按时报送。",
    }
    return data, data
