"""Periodic jobs of the weekly dispatch, run by the huey consumer that `tiaodu serve` starts."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core.history import history_context

from . import services


@db_periodic_task(crontab(minute="*/10"))
def open_rounds_and_remind():
    """Every ten minutes: open the rounds whose opening time has come, then remind the units still
    missing reports (once before the due time, once after it). Both steps are idempotent."""
    with history_context(reason="定时任务"):
        opened = services.open_due_rounds(actor=None)
        reminded = services.send_due_reminders(actor=None)
    return {"rounds": [r.pk for r in opened], "reminders": len(reminded)}
