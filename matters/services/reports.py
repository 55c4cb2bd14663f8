"""Blockers in approved progress reports become matters (问题): each non-empty line of a report's
"存在问题" is one project issue, assigned to the project's responsible unit until the office reassigns
it, with the kind's 办结 clock as its deadline. A unit writes the same blocker week after week until it
is solved: a line that repeats a still-open matter of the project is not raised again."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from core.history import history_context
from dispatch.choices import ReportStatus

from ..choices import Category, Source
from ..models import Matter, MatterKind
from .common import effective_date
from .flow import open_matter

PROJECT_ISSUE = "project_issue"
TITLE_LENGTH = 60
# Numbering units write in front of each line ("1、", "（2）", "3.", "一、", "-"): not part of the issue.
LIST_MARKER = re.compile(
    r"^\s*(?:[（(]\s*\d{1,3}\s*[)）]|\d{1,3}\s*[、.．)）]|[一二三四五六七八九十]{1,3}\s*[、.．]|[-•·*])\s*"
)


def blocker_lines(text):
    """[(line number, text)] of the non-empty lines of a report's blockers, numbering stripped; the
    line number counts every line of the field (1-based), so it stays the line the unit wrote."""
    lines = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        cleaned = LIST_MARKER.sub("", line, count=1).strip()
        if cleaned:
            lines.append((number, cleaned))
    return lines


def _title(text):
    return text if len(text) <= TITLE_LENGTH else f"{text[: TITLE_LENGTH - 1]}…"


def raise_matters_from_report(report, *, actor, on=None):
    """Turn each blocker line of the approved `report` into a project issue (交办 on `on`, today by
    default), unless that line already became one — running it again (a report reopened and approved
    again) adds only new lines — or repeats the text of a matter of the project still open. No
    permission check of its own: it follows from the approval, which the caller checked. Returns the
    matters created."""
    if report.status != ReportStatus.APPROVED:
        raise ValidationError("只有已审核的进度报告才能把存在问题转为事项。")
    lines = blocker_lines(report.blockers)
    if not lines:
        return []
    kind = MatterKind.objects.filter(code=PROJECT_ISSUE).first()
    if kind is None:
        raise ValidationError("未配置“项目问题”事项类型，无法把存在问题转为事项。")
    on = effective_date(on)
    project = report.project
    created = []
    with (
        transaction.atomic(),
        history_context(actor=actor, reason=f"进度报告存在问题转为事项：{report.round.label}"),
    ):
        done = set(Matter.objects.filter(source_report=report).values_list("source_line", flat=True))
        still_open = set(
            Matter.objects.filter(project=project, closed_on__isnull=True).values_list(
                "description", flat=True
            )
        )
        for number, text in lines:
            if number in done or text in still_open:
                continue
            still_open.add(text)
            matter = Matter(
                kind=kind,
                title=_title(text),
                description=text,
                source=Source.PROGRESS_REPORT,
                source_report=report,
                source_line=number,
                project=project,
                category=Category.OTHER,
                lead_unit_id=project.responsible_unit_id,
                responsible_leader_id=project.liaison_leader_id,
                region_id=project.region_id,
                opened_on=on,
                is_synthetic=report.is_synthetic,
            )
            open_matter(matter, actor=actor, on=on, payload={"report": report.pk, "line": number})
            created.append(matter)
    return created
