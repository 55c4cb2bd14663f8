"""催报: reminders to the units still missing reports, in the app and by e-mail."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.history import history_context

from ..choices import (
    ReminderChannel,
    ReminderKind,
)
from ..models import DispatchRound, Reminder
from .rounds import _now

# Reminders --------------------------------------------------------------------------------------


def _unit_emails(unit):
    from org.models import User

    return sorted(
        set(
            User.objects.filter(is_active=True, grants__unit=unit)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def send_reminders(dispatch_round, *, kind, actor, now=None):
    """Remind every unit with reports not yet submitted in `dispatch_round`: in the app, and by e-mail
    when SMTP is configured (TIAODU_EMAIL_HOST) and the unit's users have addresses. Each unit gets
    one reminder of each kind per round; returns the reminders written now."""
    now = _now(now)
    kind = ReminderKind(kind)
    waiting = (
        dispatch_round.reports.filter(first_submitted_at__isnull=True)
        .values_list("unit", flat=True)
        .distinct()
    )
    from org.models import Unit

    due = timezone.localtime(dispatch_round.due_at)
    round_name = f"{dispatch_round.cadence.name}“{dispatch_round.label}”"
    written = []
    with transaction.atomic(), history_context(actor=actor, reason=f"催报：{kind.label}"):
        for unit in Unit.objects.filter(pk__in=waiting).order_by("code"):
            count = dispatch_round.reports.filter(unit=unit, first_submitted_at__isnull=True).count()
            if kind == ReminderKind.BEFORE_DUE:
                message = (
                    f"{unit.name}：{round_name}还有 {count} 个项目未报送，请于 {due:%m月%d日 %H:%M} 前报送。"
                )
            else:
                message = (
                    f"{unit.name}：{round_name}已于 {due:%m月%d日 %H:%M} 截止，"
                    f"仍有 {count} 个项目未报送，请尽快补报。"
                )
            channels = [(ReminderChannel.IN_APP, "")]
            emails = _unit_emails(unit) if settings.EMAIL_HOST else []
            if emails:
                channels.append((ReminderChannel.EMAIL, ", ".join(emails)))
            for channel, recipients in channels:
                reminder, created = Reminder.objects.get_or_create(
                    round=dispatch_round,
                    unit=unit,
                    kind=kind,
                    channel=channel,
                    defaults={"message": message, "recipients": recipients[:500], "sent_at": now},
                )
                if not created:
                    continue
                written.append(reminder)
                if channel == ReminderChannel.EMAIL:
                    transaction.on_commit(
                        lambda message=message, emails=emails: send_mail(
                            "调度催报", message, None, emails, fail_silently=True
                        )
                    )
    return written


def send_due_reminders(*, now=None, actor, before_hours=24):
    """The periodic job: a before-due reminder within `before_hours` of each open round's due time,
    and an overdue reminder once it has passed (until the round locks)."""
    now = _now(now)
    written = []
    rounds = DispatchRound.objects.filter(opens_at__lte=now, cadence__is_active=True).filter(
        Q(locks_at__isnull=True) | Q(locks_at__gt=now)
    )
    for dispatch_round in rounds.select_related("cadence"):
        if dispatch_round.due_at - datetime.timedelta(hours=before_hours) <= now < dispatch_round.due_at:
            written += send_reminders(dispatch_round, kind=ReminderKind.BEFORE_DUE, actor=actor, now=now)
        elif now >= dispatch_round.due_at:
            written += send_reminders(dispatch_round, kind=ReminderKind.OVERDUE, actor=actor, now=now)
    return written


def mark_reminder_read(reminder, *, actor, now=None):
    """The unit has seen the reminder (知道了): it leaves 我的填报; marking it again changes nothing."""
    if reminder.read_at is not None:
        return reminder
    with transaction.atomic(), history_context(actor=actor, reason="催报提醒已读"):
        reminder.read_at = _now(now)
        reminder.save(update_fields=["read_at", "updated_at"])
    return reminder
