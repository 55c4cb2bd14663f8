"""Periodic jobs of the lights, run by the huey consumer that `tiaodu serve` starts."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core.history import history_context

from . import services


@db_periodic_task(crontab(minute="*/10"))
def record_due_lights():
    """Every ten minutes: record the lights of the rounds whose due time has passed and that have none
    yet, with the rules in force (idempotent: a round with lights is left as it is)."""
    with history_context(reason="定时任务"):
        recorded = services.record_due_round_lights(actor=None)
    return {"rounds": [dispatch_round.pk for dispatch_round in recorded]}
