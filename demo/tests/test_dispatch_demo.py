"""The demo's ten weeks of Nankang dispatch: the rounds and their expected reports, late, missing and
returned reports, figures that pass the validation rules and end at the library's 累计完成投资."""

import datetime
from decimal import Decimal

import pytest

from dispatch.choices import ReportStatus
from dispatch.models import Cadence, DispatchRound, LockException, ProgressReport, Reminder
from dispatch.selectors import completeness_board
from dispatch.services import check_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_output, db):
    return demo_output


def rounds():
    return list(DispatchRound.objects.filter(cadence__name="每周调度").order_by("period_start"))


def test_ten_weekly_rounds_with_the_projects_covered_each_week(demo):
    cadence = Cadence.objects.get(name="每周调度", region__code="360703")
    assert (cadence.due_offset_days, cadence.grace_days, cadence.expiry_days, cadence.is_synthetic) == (
        -2,
        1,
        3,
        True,
    )
    weekly = rounds()
    assert [r.period_start for r in weekly] == [
        datetime.date(2024, 1, 1) + datetime.timedelta(weeks=n) for n in range(10)
    ]
    assert weekly[9].label == "2024年第10周（3月4日—3月10日）"
    # Each round covers the projects in a covered stage on its first day: the 23 signed on 1 March only
    # from week 10 (with every project covered today, as `open_round` would now), the three completed
    # in January until their completion week.
    expected = [r.reports.count() for r in weekly]
    assert expected == [210, 211, 209, 209, 210, 210, 210, 210, 210, 233]
    assert weekly[8].reports.filter(project__events__kind="signing").count() == 0
    assert weekly[9].reports.filter(project__events__kind="signing").count() == 23
    assert not ProgressReport.objects.filter(is_synthetic=False).exists()


def test_some_reports_are_late_missing_or_returned_and_most_approved(demo):
    board = completeness_board(rounds())
    total = board.total
    assert total.expected == ProgressReport.objects.count()
    assert 0 < total.missing < total.expected * 0.1
    assert 0 < total.late < total.expected * 0.2
    assert total.approved > total.expected * 0.75
    returned_ever = ProgressReport.objects.filter(reviews__action="return").distinct()
    assert returned_ever.count() > 50
    assert returned_ever.filter(status=ReportStatus.APPROVED).exists()
    assert returned_ever.filter(status=ReportStatus.RETURNED, round=rounds()[-1]).exists()
    lines = {line.unit_name: line.tally for line in board.lines}
    assert lines["麻双乡人民政府"].completeness < 60 and lines["东山街道办事处"].completeness < 80
    assert board.lines[0].unit_name in ("麻双乡人民政府", "东山街道办事处")
    assert LockException.objects.get().unit.name == "麻双乡人民政府"
    assert (
        Reminder.objects.filter(kind="overdue").exists()
        and Reminder.objects.filter(is_synthetic=False).count() == 0
    )


def test_figures_pass_the_rules_and_end_at_the_librarys_invested_to_date(demo):
    reports = ProgressReport.objects.exclude(status=ReportStatus.PENDING).select_related(
        "project", "round__cadence"
    )
    for report in reports:
        findings = [finding for finding in check_report(report) if finding.field != "stage"]
        assert findings == [], (report, [finding.message for finding in findings])
    last_approved = {}
    for report in reports.filter(status=ReportStatus.APPROVED).order_by("round__period_start"):
        last_approved[report.project] = report.investment_since_start
    assert len(last_approved) > 200
    assert all(project.invested_to_date == figure for project, figure in last_approved.items())
    solar = ProgressReport.objects.filter(project__name="曜灵新能源光伏产业制造项目").order_by(
        "round__period_start"
    )
    assert [r.investment_period for r in solar[:7] if r.investment_period is not None] == [Decimal(0)] * len(
        [r for r in solar[:7] if r.investment_period is not None]
    )
    assert any(r.investment_period and r.investment_period > 0 for r in solar[7:])
    texts = set(
        ProgressReport.objects.exclude(physical_progress="").values_list("physical_progress", flat=True)
    )
    assert len(texts) > 30
    confidences = set(ProgressReport.objects.exclude(confidence="").values_list("confidence", flat=True))
    assert {"green", "red"} <= confidences and confidences & {"amber", "amber_red", "green_amber"}
