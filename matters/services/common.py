"""What every matters workflow shares: the date an action takes effect, locking the matter, the
timeline row, node moves along the kind's flow and the permission checks with their messages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.utils import timezone

from .. import access
from ..choices import Node
from ..models import Matter, MatterEvent


def effective_date(on):
    """The business date an action takes effect: `on` when given (imports, tests, back-office entry),
    else today in the county's time zone."""
    return on or timezone.localdate()


def lock(matter):
    """Lock the matter's row for the rest of the transaction and reload its fields, so two people acting
    at once take turns and each sees what the other did."""
    Matter.objects.select_for_update().filter(pk=matter.pk).values_list("pk", flat=True).first()
    matter.refresh_from_db()
    return matter


def check_date(matter, on):
    """An action cannot take effect before the matter was opened or before its latest recorded action:
    the timeline must stay in date order for the state on a past date to be read back from it."""
    if on < matter.opened_on:
        raise ValidationError(
            {"on": f"操作日期 {on:%Y-%m-%d} 不能早于交办日期 {matter.opened_on:%Y-%m-%d}。"}
        )
    latest = matter.events.aggregate(latest=Max("effective_on"))["latest"]
    if latest is not None and on < latest:
        raise ValidationError({"on": f"操作日期 {on:%Y-%m-%d} 不能早于上一次操作日期 {latest:%Y-%m-%d}。"})


def record(matter, kind, *, actor, on, comment="", payload=None, **changes):
    """Write one row of the matter's timeline. `changes` are the event's from_node / to_node /
    from_level / to_level / deadline columns."""
    return MatterEvent.objects.create(
        matter=matter,
        kind=kind,
        effective_on=on,
        at=timezone.now(),
        actor=actor,
        comment=comment,
        payload=payload or {},
        is_synthetic=matter.is_synthetic,
        **changes,
    )


def require_open(matter):
    if matter.node == Node.CLOSED:
        raise ValidationError(f"事项 {matter.code} 已销号，不能再办理（如需继续请由项目办重新打开）。")


def require_next(matter, target, verb):
    """The matter's next node in its kind's flow must be `target` (skipped nodes are skipped)."""
    require_open(matter)
    kind = matter.kind
    if target not in kind.nodes:
        raise ValidationError(f"“{kind.name}”类事项没有“{Node(target).label}”环节，不能{verb}。")
    expected = kind.next_node(matter.node)
    if expected != target:
        current = Node(matter.node).label
        raise ValidationError(f"事项当前处于“{current}”环节，下一步应为“{expected.label}”，不能{verb}。")


def move(matter, target, *, event_kind, actor, on, comment="", payload=None):
    """Set the matter's node to `target` and record the move."""
    previous = matter.node
    matter.node = target
    matter.closed_on = on if target == Node.CLOSED else None
    matter.save()
    return record(
        matter,
        event_kind,
        actor=actor,
        on=on,
        comment=comment,
        payload=payload,
        from_node=previous,
        to_node=target,
    )


def require_lead_unit(actor, matter, verb):
    if not access.is_lead_unit_user(actor, matter):
        raise PermissionDenied(f"只有牵头单位（{matter.lead_unit}）的用户才能{verb}。")


def require_office(actor, matter, verb):
    if not access.is_office(actor, matter):
        raise PermissionDenied(f"只有项目办才能{verb}。")


def require_lead_unit_or_office(actor, matter, verb):
    if not (access.is_lead_unit_user(actor, matter) or access.is_office(actor, matter)):
        raise PermissionDenied(f"只有牵头单位（{matter.lead_unit}）或项目办才能{verb}。")


def require_text(value, field, message):
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text
