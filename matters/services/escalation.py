"""督办升级: a matter climbs from its lead unit to the project's liaison leader, the task force and
the district dispatch meeting — by rule, as it stays overdue for the working days the kind's ladder
sets, and by hand, when the office decides."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from core.history import history_context

from ..choices import LEVEL_ORDER, EscalationLevel, EventKind, Node
from ..models import Matter, MatterEvent
from ..selectors import overdue_matters, working_calendar
from .common import check_date, effective_date, lock, record, require_office, require_open, require_text


def _level_payload(matter, level):
    """Who the matter is now in front of, by name, for the record (the project's leader or task force)."""
    project = matter.project
    if level == EscalationLevel.LIAISON_LEADER and project and project.liaison_leader_id:
        return {"leader": str(project.liaison_leader)}
    if level == EscalationLevel.TASK_FORCE and project and project.task_force_id:
        return {"task_force": project.task_force.name}
    return {}


def escalate_matter(matter, *, actor, reason, to_level=None, on=None):
    """The office escalates an open matter by hand, with a reason, to the next level or to a chosen
    higher level."""
    reason = require_text(reason, "reason", "请填写升级原因。")
    with transaction.atomic(), history_context(actor=actor, reason="人工升级督办"):
        lock(matter)
        require_office(actor, matter, "升级督办")
        require_open(matter)
        current = LEVEL_ORDER.index(matter.escalation_level)
        if current == len(LEVEL_ORDER) - 1:
            raise ValidationError(f"事项已升级至最高层级（{LEVEL_ORDER[-1].label}）。")
        target = EscalationLevel(to_level) if to_level else LEVEL_ORDER[current + 1]
        if LEVEL_ORDER.index(target) <= current:
            current_label = EscalationLevel(matter.escalation_level).label
            raise ValidationError({"to_level": f"只能升级到比当前（{current_label}）更高的层级。"})
        on = effective_date(on)
        check_date(matter, on)
        previous, matter.escalation_level = matter.escalation_level, target
        matter.save()
        record(
            matter,
            EventKind.ESCALATED_BY_HAND,
            actor=actor,
            on=on,
            comment=reason,
            payload=_level_payload(matter, target),
            from_level=previous,
            to_level=target,
        )
    return matter


def _due_steps(matter, working_days_overdue):
    current = LEVEL_ORDER.index(matter.escalation_level)
    return [
        step
        for step in matter.kind.escalation_ladder
        if LEVEL_ORDER.index(step["level"]) > current and step["after_days"] <= working_days_overdue
    ]


def escalate_overdue_matters(as_of=None, *, actor=None):
    """Escalation by rule (the daily job): bring every open, unpaused matter overdue on `as_of` to the
    level its kind's ladder gives for its working days overdue, one timeline row per ladder step
    climbed. Idempotent: run again, it finds every matter already at its level. A matter never goes
    down (a hand escalation above the rule stays). Matters with actions recorded after `as_of` are
    left alone, so the timeline stays in date order. Returns the matters escalated."""
    as_of = effective_date(as_of)
    calendar = working_calendar()
    candidates = list(
        overdue_matters(as_of, Matter.objects.exclude(node=Node.CLOSED).filter(paused_since__isnull=True))
        .exclude(escalation_level=LEVEL_ORDER[-1])
        .select_related("kind")
    )
    latest = dict(
        MatterEvent.objects.filter(matter__in=[matter.pk for matter in candidates])
        .order_by()
        .values("matter")
        .annotate(latest=Max("effective_on"))
        .values_list("matter", "latest")
    )
    escalated = []
    for candidate in candidates:
        if latest.get(candidate.pk) and latest[candidate.pk] > as_of:
            continue
        working_days = calendar.working_days_between(candidate.deadline_then, as_of)
        if not _due_steps(candidate, working_days):
            continue
        with transaction.atomic(), history_context(actor=actor, reason="超期自动升级"):
            matter = lock(candidate)
            if matter.node == Node.CLOSED or matter.paused_since is not None or as_of <= matter.deadline:
                continue
            working_days = calendar.working_days_between(matter.deadline, as_of)
            steps = _due_steps(matter, working_days)
            for step in steps:
                previous, matter.escalation_level = matter.escalation_level, step["level"]
                record(
                    matter,
                    EventKind.ESCALATED_BY_RULE,
                    actor=actor,
                    on=as_of,
                    comment=(
                        f"超过办结期限 {working_days} 个工作日（规则：超期 {step['after_days']} 个工作日"
                        f"升级至{EscalationLevel(step['level']).label}）。"
                    ),
                    payload={
                        "working_days_overdue": working_days,
                        "after_days": step["after_days"],
                        "deadline": matter.deadline.isoformat(),
                    }
                    | _level_payload(matter, step["level"]),
                    from_level=previous,
                    to_level=step["level"],
                )
            if steps:
                matter.save()
                escalated.append(matter)
    return escalated
