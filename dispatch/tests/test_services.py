"""Dispatch workflows, given/when/then with exact values: periods and round times, opening a round,
the three investment figures, each built-in validation rule, submit/return/approve/reopen with their
timeline, the lock and its exceptions, on-time vs late vs missing counting across a deadline."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dispatch import services
from dispatch.choices import PeriodType, ReportAction, ReportStatus
from dispatch.expressions import evaluate, holds, parse
from dispatch.models import Cadence, LockException, ProgressReport, ValidationRule
from dispatch.periods import period_containing, round_times
from dispatch.selectors import completeness_board, round_completeness
from projects import services as project_services
from projects.choices import Stage
from projects.models import Project

pytestmark = pytest.mark.django_db
D = datetime.date
W = Decimal


def at(day, hour=12, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def weekly(world, **overrides):
    values = {"name": "每周调度", "region": world.county, "due_offset_days": -2, "expiry_days": 3}
    return Cadence.objects.create(**(values | overrides))


def project(
    world, name, *, unit=None, stage=Stage.UNDER_CONSTRUCTION, total="10000", invested="1000", **flags
):
    unit = unit or world.unit_a
    row = Project(
        name=name,
        region=world.county,
        introducing_unit=unit,
        responsible_unit=unit,
        total_investment=W(total),
        invested_to_date=W(invested),
        **flags,
    )
    return project_services.register_project(row, stage=stage, on=D(2024, 1, 2), actor=world.office)


WEEK_10 = D(2024, 3, 4)  # Monday of 2024 week 10


def filled(**overrides):
    values = {
        "investment_period": W("200"),
        "physical_progress": "主体结构施工至三层",
        "workers_on_site": 85,
        "confidence": "green",
    }
    return values | overrides


# Periods ----------------------------------------------------------------------------------------


def test_periods_of_each_type():
    assert period_containing(PeriodType.WEEKLY, D(2024, 3, 6)).label == "2024年第10周（3月4日—3月10日）"
    week = period_containing(PeriodType.WEEKLY, D(2024, 3, 6), start_weekday=3)
    assert (week.start, week.end) == (D(2024, 2, 29), D(2024, 3, 6))
    first = period_containing(PeriodType.WEEKLY, D(2025, 1, 2))
    assert (first.start, first.label[:8]) == (D(2024, 12, 30), "2025年第1周")
    assert period_containing(PeriodType.HALF_MONTHLY, D(2024, 2, 20)).end == D(2024, 2, 29)
    assert period_containing(PeriodType.HALF_MONTHLY, D(2024, 3, 15)).label == "2024年3月上半月"
    assert period_containing(PeriodType.MONTHLY, D(2024, 3, 31)).start == D(2024, 3, 1)
    quarter = period_containing(PeriodType.QUARTERLY, D(2024, 5, 5))
    assert (quarter.start, quarter.end, quarter.label) == (D(2024, 4, 1), D(2024, 6, 30), "2024年第2季度")
    assert period_containing(PeriodType.DAILY, D(2024, 3, 6)).label == "2024年3月6日"


def test_round_times_follow_the_cadence(world):
    cadence = weekly(world, grace_days=1, expiry_days=3)
    times = round_times(cadence, period_containing(PeriodType.WEEKLY, WEEK_10))
    assert times.opens_at == at(D(2024, 3, 4), 0)
    assert times.due_at == at(D(2024, 3, 8), 17)  # Friday 17:00
    assert times.on_time_until == at(D(2024, 3, 9), 17)
    assert times.locks_at == at(D(2024, 3, 11), 17)
    cadence.expiry_days = None
    assert round_times(cadence, period_containing(PeriodType.WEEKLY, WEEK_10)).locks_at is None


# Opening ----------------------------------------------------------------------------------------


def test_opening_a_round_expects_one_report_per_covered_project(world):
    building = project(world, "在建家具厂")
    project(world, "已投产电子厂", stage=Stage.OPERATING)
    other_unit = project(world, "凤岗物流园", unit=world.unit_b)
    cadence = weekly(world)
    dispatch_round = services.open_round(cadence, on=WEEK_10, actor=world.office)
    reports = {report.project.name: report for report in dispatch_round.reports.all()}
    assert set(reports) == {"在建家具厂", "凤岗物流园"}
    assert reports["在建家具厂"].unit == world.unit_a
    assert reports["凤岗物流园"].unit == world.unit_b
    first = reports["在建家具厂"]
    assert (first.status, first.stage, first.baseline_since_start, first.baseline_year_to_date) == (
        ReportStatus.PENDING,
        Stage.UNDER_CONSTRUCTION,
        W("1000"),
        W("0"),
    )
    assert first.history.get().request_id
    # Opening again adds nothing; a unit filter narrows the coverage of another cadence.
    services.open_round(cadence, on=WEEK_10, actor=world.office)
    assert dispatch_round.reports.count() == 2
    only_b = weekly(world, name="凤岗专调")
    only_b.units.set([world.unit_b])
    assert [r.project for r in services.open_round(only_b, on=WEEK_10, actor=world.office).reports.all()] == [
        other_unit
    ]
    assert building.progress_reports.count() == 1


def test_tier_flags_narrow_the_coverage(world):
    major = project(world, "重大光伏项目", is_major=True)
    project(world, "一般项目")
    cadence = weekly(world, tier_flags=["is_major", "is_provincial_key"])
    assert list(services.covered_projects(cadence)) == [major]


def test_next_round_starts_from_the_last_reported_figures_and_a_new_year_restarts_year_to_date(world):
    built = project(world, "在建家具厂", invested="1000")
    cadence = weekly(world)
    week_10 = services.open_round(cadence, on=WEEK_10, actor=world.office)
    report = week_10.reports.get()
    services.submit_report(report, actor=world.reporter_a, now=at(D(2024, 3, 6)), **filled())
    week_11 = services.open_round(cadence, on=D(2024, 3, 11), actor=world.office)
    following = week_11.reports.get(project=built)
    assert (following.baseline_year_to_date, following.baseline_since_start) == (W("200"), W("1200"))
    new_year = services.open_round(cadence, on=D(2025, 1, 8), actor=world.office).reports.get()
    assert (new_year.baseline_year_to_date, new_year.baseline_since_start) == (W("0"), W("1200"))


# The three investment figures -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"investment_period": W("200")}, (W("200"), W("700"), W("3200"))),
        ({"investment_year_to_date": W("700")}, (W("200"), W("700"), W("3200"))),
        ({"investment_since_start": W("3200")}, (W("200"), W("700"), W("3200"))),
        (
            {"investment_period": W("200"), "investment_year_to_date": W("700")},
            (W("200"), W("700"), W("3200")),
        ),
        (
            {"investment_year_to_date": W("700"), "investment_since_start": W("3200")},
            (W("200"), W("700"), W("3200")),
        ),
        (
            {"investment_period": W("200"), "investment_since_start": W("3200")},
            (W("200"), W("700"), W("3200")),
        ),
    ],
)
def test_any_figure_given_determines_the_others(given, expected):
    report = ProgressReport(baseline_year_to_date=W("500"), baseline_since_start=W("3000"), **given)
    services.complete_investment(report)
    assert (
        report.investment_period,
        report.investment_year_to_date,
        report.investment_since_start,
    ) == expected


def test_three_figures_that_disagree_are_refused(world):
    project(world, "在建家具厂", invested="1000")
    report = services.open_round(weekly(world), on=WEEK_10, actor=world.office).reports.get()
    with pytest.raises(ValidationError) as error:
        services.submit_report(
            report,
            actor=world.reporter_a,
            now=at(D(2024, 3, 6)),
            **filled(
                investment_period=W("200"), investment_year_to_date=W("200"), investment_since_start=W("1300")
            ),
        )
    assert error.value.messages == ["本期完成投资应等于本期与上期开工累计之差。"]
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING


# Validation rules -------------------------------------------------------------------------------


def test_expressions_are_decimal_and_refuse_anything_but_arithmetic():
    assert evaluate("1.1 * total_investment", {"total_investment": W("10000")}) == W("11000.0")
    assert evaluate("0.1 + 0.2", {}) == W("0.3")
    assert evaluate("len(physical_progress)", {"physical_progress": "  封顶 "}) == 2
    assert holds("investment_period", ">=", "0", {"investment_period": None}) is None
    for bad in ("__import__('os')", "total_investment.real", "open(1)", "x + 1", "'text'", "1 <"):
        with pytest.raises(ValidationError):
            parse(bad)


def rule(name):
    return ValidationRule.objects.get(name=name)


def submit_with(world, report, **values):
    return services.submit_report(report, actor=world.reporter_a, now=at(D(2024, 3, 6)), **filled(**values))


@pytest.fixture
def report(world):
    project(world, "在建家具厂", total="10000", invested="1000")
    return services.open_round(weekly(world), on=WEEK_10, actor=world.office).reports.get()


def test_rule_year_to_date_never_decreases_within_a_year(world, report):
    report.baseline_year_to_date = W("500")
    with pytest.raises(ValidationError) as error:
        submit_with(world, report, investment_period=None, investment_year_to_date=W("400"))
    assert rule("年度累计不减少").message in error.value.messages


def test_rule_since_start_at_most_1_1_times_total_investment(world, report):
    with pytest.raises(ValidationError) as error:
        submit_with(world, report, investment_period=W("10001"))  # 1000 + 10001 > 11000
    assert rule("开工累计不超过总投资 1.1 倍").message in error.value.messages
    report.refresh_from_db()
    assert submit_with(world, report, investment_period=W("10000")).status == ReportStatus.SUBMITTED


def test_rule_this_period_equals_the_year_to_date_difference(world, report):
    with pytest.raises(ValidationError) as error:
        submit_with(world, report, investment_period=W("200"), investment_year_to_date=W("250"))
    assert rule("本期等于年度累计之差").message in error.value.messages


def test_rule_physical_progress_is_required(world, report):
    with pytest.raises(ValidationError) as error:
        submit_with(world, report, physical_progress="   ")
    assert error.value.messages == [rule("形象进度必填").message]


def test_a_warning_needs_a_comment_and_a_disabled_rule_is_not_applied(world, report):
    project_services.set_annual_plan(report.project, year=2024, amount=W("100"), actor=world.office)
    with pytest.raises(ValidationError) as error:
        submit_with(world, report)
    assert error.value.messages == [
        "年度累计完成投资已超过年度计划投资，请说明。（警告：请在“预警说明”中说明后再报送）"
    ]
    ValidationRule.objects.filter(name="年度累计超过年度计划").update(is_active=False)
    assert submit_with(world, report).status == ReportStatus.SUBMITTED


def test_a_warning_with_a_comment_is_submitted(world, report):
    project_services.set_annual_plan(report.project, year=2024, amount=W("100"), actor=world.office)
    submitted = submit_with(world, report, warning_comment="设备提前进场，年度计划将调增")
    assert submitted.status == ReportStatus.SUBMITTED


def test_a_rule_written_by_the_office_applies_to_its_cadence_only(world, report):
    ValidationRule.objects.create(
        name="在场人数不少于 10 人",
        left_side="workers_on_site",
        operator=">=",
        right_side="10",
        importance="blocking",
        message="在建项目在场施工人数不少于 10 人。",
        cadence=report.round.cadence,
    )
    with pytest.raises(ValidationError) as error:
        submit_with(world, report, workers_on_site=3)
    assert error.value.messages == ["在建项目在场施工人数不少于 10 人。"]
    other = weekly(world, name="每月调度", period_type="monthly")
    assert [r.name for r in services.active_rules(other)].count("在场人数不少于 10 人") == 0


def test_confidence_below_green_needs_a_narrative(world, report):
    with pytest.raises(ValidationError) as error:
        submit_with(world, report, confidence="amber")
    assert error.value.messages == ["交付信心不是“绿”时须填写信心说明。"]
    assert (
        submit_with(world, report, confidence="amber", confidence_narrative="用地报批滞后").confidence
        == "amber"
    )


def test_a_stage_the_project_may_not_move_to_is_refused(world, report):
    with pytest.raises(ValidationError) as error:
        submit_with(world, report, stage=Stage.SIGNED)
    assert "不能报为" in error.value.messages[0]


# Review ------------------------------------------------------------------------------------------


def test_return_resubmit_approve_keeps_a_timeline_and_updates_the_project(world, report):
    submit_with(world, report)
    with pytest.raises(ValidationError):
        services.return_report(report, comment=" ", actor=world.office, now=at(D(2024, 3, 7)))
    services.return_report(report, comment="请补充现场照片", actor=world.office, now=at(D(2024, 3, 7)))
    assert (report.status, report.review_comment) == (ReportStatus.RETURNED, "请补充现场照片")
    services.submit_report(
        report, actor=world.reporter_a, now=at(D(2024, 3, 7), 15), **filled(stage=Stage.COMPLETED)
    )
    services.approve_report(report, actor=world.office, now=at(D(2024, 3, 8)))
    assert [entry.action for entry in report.reviews.all()] == [
        ReportAction.SUBMIT,
        ReportAction.RETURN,
        ReportAction.SUBMIT,
        ReportAction.APPROVE,
    ]
    built = Project.objects.get(pk=report.project_id)
    assert (built.invested_to_date, built.stage, built.stage_since) == (
        W("1200"),
        Stage.COMPLETED,
        D(2024, 3, 10),
    )
    assert report.first_submitted_at == at(D(2024, 3, 6))
    # Approved reports are locked: no saving, no second approval.
    with pytest.raises(ValidationError):
        services.save_report(report, actor=world.reporter_a, now=at(D(2024, 3, 8)), workers_on_site=1)
    with pytest.raises(ValidationError):
        services.approve_report(report, actor=world.office)


def test_reopening_after_the_lock_lets_the_unit_correct_and_leaves_history(world, report):
    submit_with(world, report)
    services.approve_report(report, actor=world.office, now=at(D(2024, 3, 8)))
    after_lock = at(D(2024, 3, 20))
    services.reopen_report(report, reason="投资数据有误", actor=world.office, now=after_lock)
    assert report.status == ReportStatus.RETURNED
    exception = LockException.objects.get(round=report.round, unit=world.unit_a)
    assert exception.until == after_lock + datetime.timedelta(days=3)
    services.submit_report(
        report, actor=world.reporter_a, now=after_lock, **filled(investment_period=W("150"))
    )
    assert report.status == ReportStatus.SUBMITTED
    assert report.first_submitted_at == at(D(2024, 3, 6))  # timeliness keeps the first submission
    reasons = list(report.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert "重新打开进度报告" in reasons
    assert [h.investment_period for h in report.history.order_by("history_id")][-1] == W("150")


# Lock and exceptions ----------------------------------------------------------------------------


def test_the_round_locks_after_its_expiry_days_unless_the_unit_has_an_exception(world, report):
    locks_at = report.round.locks_at
    assert locks_at == at(D(2024, 3, 11), 17)
    with pytest.raises(ValidationError) as error:
        services.submit_report(report, actor=world.reporter_a, now=locks_at, **filled())
    assert "已锁定" in error.value.messages[0]
    services.grant_lock_exception(
        report.round, unit=world.unit_b, until=at(D(2024, 3, 15)), reason="乡镇换届", actor=world.office
    )
    with pytest.raises(ValidationError):  # another unit's exception does not help
        services.submit_report(report, actor=world.reporter_a, now=at(D(2024, 3, 12)), **filled())
    services.grant_lock_exception(
        report.round, unit=world.unit_a, until=at(D(2024, 3, 15)), reason="系统故障补报", actor=world.office
    )
    submitted = services.submit_report(report, actor=world.reporter_a, now=at(D(2024, 3, 12)), **filled())
    assert submitted.status == ReportStatus.SUBMITTED
    assert not submitted.is_on_time
    report.refresh_from_db()
    with pytest.raises(ValidationError):  # the exception has run out
        services.return_report(report, comment="补充", actor=world.office)
        services.submit_report(report, actor=world.reporter_a, now=at(D(2024, 3, 16)), **filled())


def test_a_round_not_yet_open_takes_no_reports(world, report):
    with pytest.raises(ValidationError) as error:
        services.save_report(report, actor=world.reporter_a, now=at(D(2024, 3, 3)), workers_on_site=3)
    assert "才开放填报" in error.value.messages[0]


# Completeness and timeliness --------------------------------------------------------------------


def test_on_time_late_and_missing_are_counted_across_the_deadline(world):
    for number in range(3):
        project(world, f"唐江项目{number}")
    for number in range(2):
        project(world, f"凤岗项目{number}", unit=world.unit_b)
    cadence = weekly(world, grace_days=1)
    dispatch_round = services.open_round(cadence, on=WEEK_10, actor=world.office)
    a_reports = list(dispatch_round.reports.filter(unit=world.unit_a).order_by("project__name"))
    b_reports = list(dispatch_round.reports.filter(unit=world.unit_b).order_by("project__name"))
    on_time_limit = dispatch_round.on_time_until  # Saturday 17:00 (Friday 17:00 + 1 grace day)
    services.submit_report(a_reports[0], actor=world.reporter_a, now=dispatch_round.due_at, **filled())
    services.submit_report(a_reports[1], actor=world.reporter_a, now=on_time_limit, **filled())
    services.submit_report(
        a_reports[2], actor=world.reporter_a, now=on_time_limit + datetime.timedelta(seconds=1), **filled()
    )
    services.submit_report(b_reports[0], actor=world.reporter_b, now=at(D(2024, 3, 5)), **filled())
    services.return_report(b_reports[0], comment="补充照片", actor=world.office, now=at(D(2024, 3, 6)))
    lines, total = round_completeness(dispatch_round)
    by_unit = {line.unit_name: line.tally for line in lines}
    a, b = by_unit[world.unit_a.name], by_unit[world.unit_b.name]
    assert (a.expected, a.submitted, a.on_time, a.late, a.missing) == (3, 3, 2, 1, 0)
    assert (b.expected, b.submitted, b.on_time, b.late, b.missing, b.returned) == (2, 1, 1, 0, 1, 1)
    assert lines[0].unit_name == world.unit_b.name  # missing first
    assert (total.expected, total.submitted, total.on_time) == (5, 4, 3)
    assert (total.completeness, total.timeliness) == (W("80.00"), W("60.00"))
    assert (a.completeness, a.timeliness) == (W("100.00"), W("66.67"))
    board = completeness_board([dispatch_round])
    assert [line.unit_name for line in board.lines] == [world.unit_b.name, world.unit_a.name]
    assert board.round_totals[dispatch_round.pk].submitted == 4


# Reminders --------------------------------------------------------------------------------------


def test_reminders_go_once_to_units_still_missing_reports(world, settings):
    project(world, "唐江项目")
    project(world, "凤岗项目", unit=world.unit_b)
    dispatch_round = services.open_round(weekly(world), on=WEEK_10, actor=world.office)
    services.submit_report(
        dispatch_round.reports.get(unit=world.unit_a),
        actor=world.reporter_a,
        now=at(D(2024, 3, 5)),
        **filled(),
    )
    before_due = at(D(2024, 3, 8), 9)
    written = services.send_due_reminders(now=before_due, actor=None)
    assert [(r.unit, r.kind, r.channel) for r in written] == [(world.unit_b, "before_due", "in_app")]
    assert "还有 1 个项目未报送" in written[0].message
    assert services.send_due_reminders(now=before_due, actor=None) == []
    overdue = services.send_due_reminders(now=at(D(2024, 3, 9)), actor=None)
    assert [(r.unit, r.kind) for r in overdue] == [(world.unit_b, "overdue")]
    assert services.send_due_reminders(now=at(D(2024, 3, 12)), actor=None) == []  # locked: no more chasing


def test_the_periodic_job_opens_the_current_round_and_reminds(world):
    from dispatch.tasks import open_rounds_and_remind

    project(world, "唐江项目")
    cadence = weekly(world)
    result = open_rounds_and_remind.call_local()
    dispatch_round = cadence.rounds.get()
    assert result["rounds"] == [dispatch_round.pk]
    assert dispatch_round.period_start <= timezone.localdate() <= dispatch_round.period_end
    assert dispatch_round.reports.count() == 1
    assert open_rounds_and_remind.call_local()["rounds"] == [dispatch_round.pk]
    assert dispatch_round.reports.count() == 1


def test_several_cadences_run_side_by_side(world):
    # As a high-tech zone runs them: daily, weekly, monthly and quarterly rounds at once.
    project(world, "唐江项目")
    cadences = {
        kind: weekly(world, name=f"{kind}调度", period_type=kind, due_offset_days=0)
        for kind in ("daily", "weekly", "monthly", "quarterly")
    }
    opened = services.open_due_rounds(now=at(D(2024, 5, 15), 9), actor=world.office)
    periods = {r.cadence.period_type: (r.period_start, r.period_end) for r in opened}
    assert periods == {
        "daily": (D(2024, 5, 15), D(2024, 5, 15)),
        "weekly": (D(2024, 5, 13), D(2024, 5, 19)),
        "monthly": (D(2024, 5, 1), D(2024, 5, 31)),
        "quarterly": (D(2024, 4, 1), D(2024, 6, 30)),
    }
    assert all(cadence.rounds.get().reports.count() == 1 for cadence in cadences.values())
    daily = cadences["daily"].rounds.get()
    assert (daily.due_at, daily.locks_at) == (at(D(2024, 5, 15), 17), at(D(2024, 5, 18), 17))
