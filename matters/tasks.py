"""Periodic jobs of the matters engine, run by the huey consumer that `tiaodu serve` starts."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core.history import history_context

from . import services


@db_periodic_task(crontab(minute="20", hour="0"))
def escalate_overdue():
    """Every day just after midnight: escalate, by the kinds' ladders, the matters overdue today
    (idempotent: a second run the same day escalates nothing)."""
    with history_context(reason="定时任务"):
        escalated = services.escalate_overdue_matters(actor=None)
    return {"escalated": [matter.code for matter in escalated]}
