"""Workflows of the matters engine: 交办, 签收, 办理, 反馈, 复核, 销号, reopening, extensions, pauses,
escalation by hand and by rule, evidence, and blockers of approved reports becoming matters.

Every function takes the object first and `actor` keyword-only (None is the system: the periodic job,
an operator's command), checks who may act (see `matters.access`), runs in one transaction with a
history context, writes a `MatterEvent` and returns the object. `on` is the date the action takes
effect (today by default). Refusals are ValidationError / PermissionDenied with Chinese messages, and
leave the database as it was.
"""

from .attachments import add_attachment
from .deadlines import decide_extension, pause_matter, request_extension, resume_matter
from .escalation import escalate_matter, escalate_overdue_matters
from .flow import (
    EDITABLE_FIELDS,
    add_comment,
    assign_matter,
    close_matter,
    next_matter_code,
    reopen_matter,
    review_matter,
    sign_matter,
    start_handling,
    submit_feedback,
    update_matter,
)
from .reports import blocker_lines, raise_matters_from_report

__all__ = [
    "EDITABLE_FIELDS",
    "add_attachment",
    "add_comment",
    "assign_matter",
    "blocker_lines",
    "close_matter",
    "decide_extension",
    "escalate_matter",
    "escalate_overdue_matters",
    "next_matter_code",
    "pause_matter",
    "raise_matters_from_report",
    "reopen_matter",
    "request_extension",
    "resume_matter",
    "review_matter",
    "sign_matter",
    "start_handling",
    "submit_feedback",
    "update_matter",
]
