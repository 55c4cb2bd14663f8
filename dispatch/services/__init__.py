"""Workflows of the weekly dispatch: opening rounds, filling, submitting, reviewing, locking, reminding.

Every function takes the object first and `actor` keyword-only, runs in one transaction, records
history (and the report's own review timeline) and returns the object. Views, the API, the Excel
import and the commands all call these.
"""

from .reminders import mark_reminder_read, send_due_reminders, send_reminders
from .reports import (
    INVESTMENT_FIELDS,
    REOPEN_DAYS,
    REPORT_FIELDS,
    Finding,
    _apply,
    active_rules,
    add_photo,
    approve_report,
    check_report,
    complete_investment,
    delete_photo,
    reopen_report,
    report_values,
    return_report,
    save_report,
    submit_report,
)
from .rounds import (
    accepts_reports,
    covered_projects,
    grant_lock_exception,
    open_due_rounds,
    open_round,
)

__all__ = [
    "INVESTMENT_FIELDS",
    "REOPEN_DAYS",
    "REPORT_FIELDS",
    "Finding",
    "_apply",
    "accepts_reports",
    "active_rules",
    "add_photo",
    "approve_report",
    "check_report",
    "complete_investment",
    "covered_projects",
    "delete_photo",
    "grant_lock_exception",
    "mark_reminder_read",
    "open_due_rounds",
    "open_round",
    "reopen_report",
    "report_values",
    "return_report",
    "save_report",
    "send_due_reminders",
    "send_reminders",
    "submit_report",
]
