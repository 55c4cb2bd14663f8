"""Moving a matter's deadline: extension requests and their decision, and stopping the clock while
waiting on the requester (暂停计时) for kinds that allow it."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.history import history_context

from .. import access
from ..choices import EventKind, ExtensionApprover, ExtensionStatus
from ..models import ExtensionRequest, MatterPause
from ..selectors import working_calendar
from .common import (
    check_date,
    effective_date,
    lock,
    record,
    require_lead_unit,
    require_lead_unit_or_office,
    require_open,
    require_text,
)

ONE_DAY = datetime.timedelta(days=1)


def request_extension(matter, *, actor, requested_deadline, reason, on=None):
    """申请延期: the lead unit asks to move the deadline to `requested_deadline`, giving a reason.
    One request may wait for a decision at a time."""
    reason = require_text(reason, "reason", "请填写延期理由。")
    with transaction.atomic(), history_context(actor=actor, reason="申请延期"):
        lock(matter)
        require_lead_unit(actor, matter, "申请延期")
        require_open(matter)
        on = effective_date(on)
        check_date(matter, on)
        if requested_deadline <= matter.deadline:
            raise ValidationError(
                {"requested_deadline": f"申请延至的日期须晚于当前期限 {matter.deadline:%Y-%m-%d}。"}
            )
        if matter.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
            raise ValidationError("该事项已有待审批的延期申请。")
        extension = ExtensionRequest.objects.create(
            matter=matter,
            previous_deadline=matter.deadline,
            requested_deadline=requested_deadline,
            reason=reason,
            requested_by=actor,
            requested_at=timezone.now(),
            is_synthetic=matter.is_synthetic,
        )
        record(
            matter,
            EventKind.EXTENSION_REQUESTED,
            actor=actor,
            on=on,
            comment=reason,
            payload={
                "extension": extension.pk,
                "requested_deadline": requested_deadline.isoformat(),
                "working_days": working_calendar().working_days_between(matter.deadline, requested_deadline),
            },
        )
    return extension


def decide_extension(extension, *, actor, approve, comment="", on=None):
    """The office or the responsible leader (as the matter's kind says) approves the extension — the
    deadline moves to the requested date, the original deadline stays — or rejects it with a comment."""
    if not approve:
        comment = require_text(comment, "comment", "不同意延期须写明意见。")
    with transaction.atomic(), history_context(actor=actor, reason="审批延期"):
        matter = lock(extension.matter)
        extension.refresh_from_db()
        if not access.may_decide_extension(actor, matter):
            approver = ExtensionApprover(matter.kind.extension_approver)
            if approver == ExtensionApprover.LEADER and matter.responsible_leader_id:
                who = f"责任领导（{matter.responsible_leader.person.name}）"
            else:
                who = approver.label if approver != ExtensionApprover.LEADER else "项目办"
            raise PermissionDenied(f"只有{who}才能审批该事项的延期申请。")
        if extension.status != ExtensionStatus.PENDING:
            raise ValidationError(f"该延期申请{extension.get_status_display()}，不能再审批。")
        require_open(matter)
        on = effective_date(on)
        check_date(matter, on)
        extension.decided_by, extension.decided_at, extension.decided_on = actor, timezone.now(), on
        extension.decision_comment = comment
        if approve:
            if extension.requested_deadline <= matter.deadline:
                raise ValidationError(
                    f"申请延至的日期已不晚于当前期限 {matter.deadline:%Y-%m-%d}，无需延期。"
                )
            extension.status = ExtensionStatus.APPROVED
            previous = matter.deadline
            matter.deadline = extension.requested_deadline
            matter.save()
            record(
                matter,
                EventKind.EXTENSION_APPROVED,
                actor=actor,
                on=on,
                comment=comment,
                payload={"extension": extension.pk, "previous_deadline": previous.isoformat()},
                deadline=matter.deadline,
            )
        else:
            extension.status = ExtensionStatus.REJECTED
            record(
                matter,
                EventKind.EXTENSION_REJECTED,
                actor=actor,
                on=on,
                comment=comment,
                payload={"extension": extension.pk},
            )
        extension.save()
    return extension


def pause_matter(matter, *, actor, reason, on=None):
    """暂停计时: the clocks stop from `on` (that working day no longer counts) while waiting on the
    requester. Only for kinds that allow it, and only before the deadline has passed: a pause must not
    hide a matter that is already overdue."""
    reason = require_text(reason, "reason", "请填写暂停计时的原因。")
    with transaction.atomic(), history_context(actor=actor, reason="暂停计时"):
        lock(matter)
        require_lead_unit_or_office(actor, matter, "暂停计时")
        require_open(matter)
        if not matter.kind.is_pausable:
            raise ValidationError(f"“{matter.kind.name}”类事项不能暂停计时。")
        if matter.paused_since is not None:
            raise ValidationError(f"事项已于 {matter.paused_since:%Y-%m-%d} 暂停计时。")
        on = effective_date(on)
        check_date(matter, on)
        if on > matter.deadline:
            raise ValidationError(f"事项已超过办结期限 {matter.deadline:%Y-%m-%d}，不能暂停计时。")
        MatterPause.objects.create(
            matter=matter, started_on=on, reason=reason[:200], is_synthetic=matter.is_synthetic
        )
        matter.paused_since = on
        matter.save()
        record(matter, EventKind.PAUSED, actor=actor, on=on, comment=reason)
    return matter


def resume_matter(matter, *, actor, comment="", on=None):
    """恢复计时: the clocks run again from `on` (that working day counts). The deadline moves later by
    the working days of the pause — the same date `WorkingCalendar.add_working_days_paused` gives."""
    with transaction.atomic(), history_context(actor=actor, reason="恢复计时"):
        lock(matter)
        require_lead_unit_or_office(actor, matter, "恢复计时")
        require_open(matter)
        if matter.paused_since is None:
            raise ValidationError("事项未暂停计时。")
        on = effective_date(on)
        check_date(matter, on)
        pause = matter.pauses.get(ended_on__isnull=True)
        pause.ended_on = on
        pause.save()
        calendar = working_calendar()
        # The pause covers [started_on, on): the working days in (started_on − 1, on − 1].
        paused_days = calendar.working_days_between(pause.started_on - ONE_DAY, on - ONE_DAY)
        changes = {}
        if paused_days > 0:
            matter.deadline = changes["deadline"] = calendar.add_working_days(matter.deadline, paused_days)
        matter.paused_since = None
        matter.save()
        record(
            matter,
            EventKind.RESUMED,
            actor=actor,
            on=on,
            comment=comment,
            payload={"paused_working_days": paused_days, "pause": pause.pk},
            **changes,
        )
    return matter
