"""The closed loop itself: 交办 (assigning, also editing the assignment), 签收, 办理, 反馈, 复核, 销号,
reopening, and comments."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Length

from core.history import history_context
from core.permissions import has_action

from .. import access
from ..choices import EscalationLevel, EventKind, ExtensionStatus, Node
from ..models import Matter, MatterKind
from ..selectors import working_calendar
from .common import (
    check_date,
    effective_date,
    lock,
    move,
    record,
    require_lead_unit,
    require_next,
    require_office,
    require_open,
    require_text,
)

# What the office may change on an open matter after assigning it (the lead unit, for instance, when
# a blocker raised from a report goes to the department that can solve it).
EDITABLE_FIELDS = (
    "title",
    "description",
    "source",
    "requester",
    "project",
    "category",
    "lead_unit",
    "responsible_leader",
    "responsible_person",
    "solution",
)


def next_matter_code(kind, year):
    """A stable code "<kind prefix>-<year>-<nnnn>" (WT-2024-0001), numbered within kind and year."""
    prefix = f"{kind.code_prefix}-{year}-"
    # The longest, then the greatest, code is the highest number: past 9999 codes grow a digit.
    last = (
        Matter.objects.filter(code__startswith=prefix)
        .annotate(length=Length("code"))
        .order_by("-length", "-code")
        .values_list("code", flat=True)
        .first()
    )
    number = last.rsplit("-", 1)[1] if last else "0"
    return f"{prefix}{(int(number) if number.isdigit() else 0) + 1:04d}"


def _check_cooperating_units(matter, cooperating_units):
    if matter.lead_unit_id in {unit.pk for unit in cooperating_units}:
        raise ValidationError({"cooperating_units": "牵头单位不能同时作为配合单位。"})


def open_matter(matter, *, actor, on, deadline_days=None, cooperating_units=(), payload=None):
    """Save a new matter at 交办 with its code, deadline and first timeline row, without a permission
    check (for `assign_matter` and for blockers raised by an approved report). Call inside a
    transaction and a history context."""
    kind = MatterKind.objects.select_for_update().get(pk=matter.kind_id)
    if not kind.is_active:
        raise ValidationError({"kind": f"事项类型“{kind.name}”已停用。"})
    matter.opened_on = matter.opened_on or on
    if matter.deadline is not None and deadline_days is not None:
        raise ValidationError({"deadline": "办结期限请只填日期或工作日数之一。"})
    if matter.deadline is None:
        days = kind.resolve_clock["days"] if deadline_days is None else deadline_days
        if not isinstance(days, int) or days < 1:
            raise ValidationError({"deadline": "办结时限须至少 1 个工作日。"})
        matter.deadline = working_calendar().add_working_days(matter.opened_on, days)
    elif matter.deadline < matter.opened_on:
        raise ValidationError({"deadline": "办结期限不能早于交办日期。"})
    _check_cooperating_units(matter, cooperating_units)
    matter.original_deadline = matter.deadline
    if matter.region_id is None:
        matter.region_id = matter.project.region_id if matter.project_id else matter.lead_unit.region_id
    matter.node, matter.escalation_level = Node.ASSIGNED, EscalationLevel.UNIT
    matter.closed_on = matter.paused_since = None
    matter.feedback = ""
    matter.code = next_matter_code(kind, matter.opened_on.year)
    matter.full_clean()
    matter.save()
    if cooperating_units:
        matter.cooperating_units.set(cooperating_units)
    record(
        matter,
        EventKind.ASSIGNED,
        actor=actor,
        on=matter.opened_on,
        comment=matter.solution,
        payload=(payload or {}) | ({"deadline_days": deadline_days} if deadline_days is not None else {}),
        to_node=Node.ASSIGNED,
        to_level=EscalationLevel.UNIT,
        deadline=matter.deadline,
    )
    return matter


def assign_matter(matter, *, actor, deadline_days=None, cooperating_units=(), on=None):
    """交办: save the new `matter` (unsaved, with its kind, title, lead unit and the rest filled in).

    The deadline is `matter.deadline` when given, else `deadline_days` working days after the opening
    date, else the kind's 办结 clock; the opening date is `matter.opened_on`, else `on`, else today.
    The actor needs the add permission on matters within the scope the new matter falls in."""
    on = effective_date(on)
    if actor is not None and not has_action(actor, Matter, "add"):
        raise PermissionDenied("没有交办事项的权限。")
    # What open_matter fills in, restored when the assignment is refused so the caller may try again.
    given = {
        name: getattr(matter, name)
        for name in ("code", "deadline", "original_deadline", "opened_on", "region_id")
    }
    try:
        with transaction.atomic(), history_context(actor=actor, reason="交办事项"):
            open_matter(
                matter, actor=actor, on=on, deadline_days=deadline_days, cooperating_units=cooperating_units
            )
            # The scope of a matter depends on its units, project and region: check the saved row.
            if actor is not None and not Matter.objects.restrict(actor, "add").filter(pk=matter.pk).exists():
                raise PermissionDenied("不能向授权范围以外的单位交办事项。")
    except Exception:
        matter.pk = None
        for name, value in given.items():
            setattr(matter, name, value)
        raise
    return matter


def _step(matter, target, *, event_kind, verb, reason, who, actor, on, comment="", before=None):
    with transaction.atomic(), history_context(actor=actor, reason=reason):
        lock(matter)
        who(actor, matter, verb)
        require_next(matter, target, verb)
        on = effective_date(on)
        check_date(matter, on)
        if before is not None:
            before(matter)
        move(matter, target, event_kind=event_kind, actor=actor, on=on, comment=comment)
    return matter


def sign_matter(matter, *, actor, comment="", on=None):
    """签收: the lead unit acknowledges the matter."""
    return _step(
        matter,
        Node.SIGNED,
        event_kind=EventKind.SIGNED,
        verb="签收",
        reason="签收事项",
        who=require_lead_unit,
        actor=actor,
        on=on,
        comment=comment,
    )


def start_handling(matter, *, actor, comment="", on=None):
    """办理: the lead unit starts working on the matter."""
    return _step(
        matter,
        Node.HANDLING,
        event_kind=EventKind.HANDLING_STARTED,
        verb="开始办理",
        reason="开始办理事项",
        who=require_lead_unit,
        actor=actor,
        on=on,
        comment=comment,
    )


def submit_feedback(matter, *, actor, text, on=None):
    """反馈: the lead unit reports what it has done (办理情况), for the office to review."""
    text = require_text(text, "text", "请填写办理情况。")

    def keep_text(matter):
        matter.feedback = text

    return _step(
        matter,
        Node.FEEDBACK,
        event_kind=EventKind.FEEDBACK_SUBMITTED,
        verb="反馈",
        reason="反馈办理情况",
        who=require_lead_unit,
        actor=actor,
        on=on,
        comment=text,
        before=keep_text,
    )


def review_matter(matter, *, actor, passed, comment="", on=None):
    """复核: the office passes the matter (ready for 销号) or returns it, with a comment, to 办理."""
    if passed:
        return _step(
            matter,
            Node.REVIEW,
            event_kind=EventKind.REVIEW_PASSED,
            verb="复核",
            reason="复核通过",
            who=require_office,
            actor=actor,
            on=on,
            comment=comment,
        )
    comment = require_text(comment, "comment", "退回须写明意见。")
    with transaction.atomic(), history_context(actor=actor, reason="复核退回"):
        lock(matter)
        require_office(actor, matter, "复核退回")
        require_next(matter, Node.REVIEW, "复核退回")
        on = effective_date(on)
        check_date(matter, on)
        move(
            matter,
            matter.kind.working_node(),
            event_kind=EventKind.REVIEW_RETURNED,
            actor=actor,
            on=on,
            comment=comment,
        )
    return matter


def close_matter(matter, *, actor, comment="", on=None):
    """销号: the office closes the matter — with evidence attached when the kind requires it, with no
    clock paused and no extension waiting for a decision."""

    def ready(matter):
        if matter.paused_since is not None:
            raise ValidationError("事项处于暂停计时中，请先恢复计时再销号。")
        if matter.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
            raise ValidationError("事项有待审批的延期申请，请先审批再销号。")
        if matter.kind.requires_evidence and not matter.attachments.exists():
            raise ValidationError(f"“{matter.kind.name}”类事项销号前须上传佐证材料。")

    return _step(
        matter,
        Node.CLOSED,
        event_kind=EventKind.CLOSED,
        verb="销号",
        reason="事项销号",
        who=require_office,
        actor=actor,
        on=on,
        comment=comment,
        before=ready,
    )


def reopen_matter(matter, *, actor, reason, deadline=None, on=None):
    """The office reopens a closed matter (back to 办理) with a reason, optionally with a new deadline
    (on or after the reopening date, never before the original deadline)."""
    reason = require_text(reason, "reason", "重新打开须写明原因。")
    with transaction.atomic(), history_context(actor=actor, reason="重新打开事项"):
        lock(matter)
        require_office(actor, matter, "重新打开事项")
        if matter.node != Node.CLOSED:
            raise ValidationError("只能重新打开已销号的事项。")
        on = effective_date(on)
        check_date(matter, on)
        changes = {}
        if deadline is not None and deadline != matter.deadline:
            if deadline < on:
                raise ValidationError({"deadline": "新期限不能早于重新打开的日期。"})
            if deadline < matter.original_deadline:
                raise ValidationError(
                    {"deadline": f"新期限不能早于原定期限 {matter.original_deadline:%Y-%m-%d}。"}
                )
            matter.deadline = changes["deadline"] = deadline
        previous = matter.node
        matter.node, matter.closed_on = matter.kind.working_node(), None
        matter.save()
        record(
            matter,
            EventKind.REOPENED,
            actor=actor,
            on=on,
            comment=reason,
            from_node=previous,
            to_node=matter.node,
            **changes,
        )
    return matter


def _shown(value):
    if value is None or value == "":
        return ""
    return str(value)


def update_matter(matter, *, actor, cooperating_units=None, comment="", on=None, **changes):
    """The office changes what was assigned (lead unit, cooperating units, leader, person, solution,
    title …; the names in EDITABLE_FIELDS) on an open matter; the timeline records old and new values.
    The deadline moves only through extensions."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable matter fields: {sorted(unknown)}")
    with transaction.atomic(), history_context(actor=actor, reason="修改交办信息"):
        lock(matter)
        require_office(actor, matter, "修改交办信息")
        require_open(matter)
        on = effective_date(on)
        check_date(matter, on)
        diff = {}
        for name, value in changes.items():
            field = Matter._meta.get_field(name)
            old = getattr(matter, name)
            if old != value:
                diff[str(field.verbose_name)] = [_shown(old), _shown(value)]
                setattr(matter, name, value)
        if "project" in changes and matter.project_id:
            matter.region_id = matter.project.region_id
        if cooperating_units is not None:
            cooperating_units = list(cooperating_units)
            _check_cooperating_units(matter, cooperating_units)
            before = list(matter.cooperating_units.all())
            if {unit.pk for unit in before} != {unit.pk for unit in cooperating_units}:
                diff["配合单位"] = ["、".join(map(str, before)), "、".join(map(str, cooperating_units))]
        elif "lead_unit" in changes:
            _check_cooperating_units(matter, list(matter.cooperating_units.all()))
        if not diff:
            return matter
        matter.full_clean()
        matter.save()
        if cooperating_units is not None:
            matter.cooperating_units.set(cooperating_units)
        record(matter, EventKind.EDITED, actor=actor, on=on, comment=comment, payload={"changes": diff})
    return matter


def add_comment(matter, *, actor, text, on=None):
    """留言: anyone who sees the matter adds a note to its timeline."""
    text = require_text(text, "text", "请填写留言内容。")
    with transaction.atomic(), history_context(actor=actor, reason="事项留言"):
        if not access.may_view(actor, matter):
            raise PermissionDenied("没有查看该事项的权限。")
        on = effective_date(on)
        check_date(matter, on)
        record(matter, EventKind.COMMENTED, actor=actor, on=on, comment=text)
    return matter
