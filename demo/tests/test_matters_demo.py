"""The demo's closed loop: every blocker of an approved demo report is an issue (once while it is open),
routed to the department its text names, moved on through the services, the overdue ones escalated by
the ladder on the last demo day."""

import pytest

from core.workdays import WorkingCalendar
from demo.matters_loader import AS_OF
from dispatch.choices import ReportStatus
from dispatch.models import ProgressReport
from matters.choices import Category, EscalationLevel, EventKind, Node
from matters.models import Matter
from matters.selectors import overdue_rows
from matters.services import blocker_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_output, db):
    return demo_output


def test_each_blocker_of_an_approved_report_is_an_issue_while_it_stays_open(demo):
    reports = ProgressReport.objects.filter(status=ReportStatus.APPROVED, is_synthetic=True).exclude(
        blockers=""
    )
    lines = [(report, text) for report in reports for _, text in blocker_lines(report.blockers)]
    assert len(lines) > 50
    matters = list(Matter.objects.filter(is_synthetic=True).select_related("source_report"))
    assert matters and all(m.kind.code == "project_issue" for m in matters)
    for report, text in lines:
        raised_then = [m for m in matters if m.source_report_id == report.pk and m.description == text]
        open_before = [
            m
            for m in matters
            if m.project_id == report.project_id
            and m.description == text
            and m.opened_on <= report.reviewed_at.date()
            and (m.closed_on is None or m.closed_on > report.reviewed_at.date())
        ]
        assert raised_then or open_before, (report.pk, text)
        assert len([m for m in open_before if m.source_report_id != report.pk]) <= 1


def test_issues_are_routed_to_the_department_that_solves_them(demo):
    forest = Matter.objects.filter(is_synthetic=True, description__contains="林地")
    assert forest.exists()
    for matter in forest:
        assert (matter.category, matter.lead_unit.short_name) == (Category.LAND, "区林业局")
        assert [unit.short_name for unit in matter.cooperating_units.all()] == ["区自然资源局"]
        assert matter.events.filter(kind=EventKind.EDITED).exists()


def test_closed_issues_went_the_whole_way_with_evidence(demo):
    closed = Matter.objects.filter(is_synthetic=True, node=Node.CLOSED)
    assert closed.count() >= 10
    flow = [Node.ASSIGNED, Node.SIGNED, Node.HANDLING, Node.FEEDBACK, Node.REVIEW, Node.CLOSED]
    for matter in closed:
        assert matter.attachments.exists() and matter.closed_on <= AS_OF
        reached = list(matter.events.order_by("effective_on", "pk").values_list("to_node", flat=True))
        assert [node for node in flow if node in reached] == flow


def test_overdue_issues_stand_on_the_ladder_their_working_days_give(demo):
    rows = overdue_rows(AS_OF, Matter.objects.filter(is_synthetic=True))
    assert rows
    calendar = WorkingCalendar()
    for row in rows:
        matter = row.matter
        assert matter.closed_on is None and matter.deadline < AS_OF
        assert row.working_days_overdue == calendar.working_days_between(matter.deadline, AS_OF)
        steps = matter.kind.escalation_ladder
        reached = [step["level"] for step in steps if row.working_days_overdue >= step["after_days"]]
        assert matter.escalation_level == (reached[-1] if reached else EscalationLevel.UNIT)


def test_the_demo_command_reports_the_closed_loop(demo):
    closed = Matter.objects.filter(is_synthetic=True, closed_on__isnull=False).count()
    total = Matter.objects.filter(is_synthetic=True).count()
    assert f"调度报告转出问题 {total} 个，已销号 {closed} 个" in demo
