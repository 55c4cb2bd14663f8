"""Blockers of approved progress reports become project issues, once per line and not again while
their matter is open."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from matters import services
from matters.choices import Source
from matters.models import Matter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
D = datetime.date


# Blockers of approved reports -------------------------------------------------------------------


def at(day, hour=12):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def report(setup):
    from dispatch import services as dispatch_services
    from dispatch.models import Cadence

    cadence = Cadence.objects.create(
        name="每周调度", region=setup.world.county, due_offset_days=-2, expiry_days=3
    )
    dispatch_round = dispatch_services.open_round(cadence, on=D(2024, 3, 4), actor=setup.world.office)
    return dispatch_round.reports.get(project=setup.project)


def submit(setup, report, blockers, day):
    from dispatch import services as dispatch_services

    dispatch_services.submit_report(
        report,
        actor=setup.world.reporter_a,
        now=at(day, 10),
        investment_period=200,
        physical_progress="场地平整",
        workers_on_site=20,
        confidence="amber",
        confidence_narrative="用地未交付",
        blockers=blockers,
    )


def test_an_approved_reports_blockers_become_project_issues_once_per_line(setup, report):
    from dispatch import services as dispatch_services

    w = setup.world
    submit(setup, report, "1、项目用地尚未交付，无法开工\n\n（2）施工用电未接入\n", D(2024, 3, 6))
    with pytest.raises(ValidationError, match="只有已审核的进度报告才能把存在问题转为事项。"):
        services.raise_matters_from_report(report, actor=w.office)
    dispatch_services.approve_report(report, actor=w.office, now=at(D(2024, 3, 8)))
    raised = list(Matter.objects.filter(source_report=report).order_by("source_line"))
    assert [
        (m.code, m.source_line, m.title, m.source, m.lead_unit, m.responsible_leader, m.opened_on, m.deadline)
        for m in raised
    ] == [
        (
            "WT-2024-0001",
            1,
            "项目用地尚未交付，无法开工",
            Source.PROGRESS_REPORT,
            w.unit_a,
            w.leader_a,
            D(2024, 3, 8),
            D(2024, 3, 29),
        ),
        (
            "WT-2024-0002",
            3,
            "施工用电未接入",
            Source.PROGRESS_REPORT,
            w.unit_a,
            w.leader_a,
            D(2024, 3, 8),
            D(2024, 3, 29),
        ),
    ]
    assert (raised[0].project, raised[0].kind.code, raised[0].region) == (
        setup.project,
        "project_issue",
        w.county,
    )
    first = raised[0].events.get()
    assert (first.actor, first.payload) == (w.office, {"report": report.pk, "line": 1})
    assert services.raise_matters_from_report(report, actor=w.office) == []

    # Reopened, corrected with one more line and approved again: only the new line is added.
    dispatch_services.reopen_report(report, reason="补充问题", actor=w.office, now=at(D(2024, 3, 9), 9))
    submit(
        setup,
        report,
        "1、项目用地尚未交付，无法开工\n\n（2）施工用电未接入\n3. 环评批复未下达",
        D(2024, 3, 9),
    )
    dispatch_services.approve_report(report, actor=w.office, now=at(D(2024, 3, 9), 15))
    assert list(
        Matter.objects.filter(source_report=report)
        .order_by("source_line")
        .values_list("source_line", "title")
    ) == [
        (1, "项目用地尚未交付，无法开工"),
        (3, "施工用电未接入"),
        (4, "环评批复未下达"),
    ]


def test_a_blocker_repeated_while_its_matter_is_open_is_not_raised_again(setup, report):
    from dispatch import services as dispatch_services

    w = setup.world
    submit(setup, report, "项目用地尚未交付", D(2024, 3, 6))
    dispatch_services.approve_report(report, actor=w.office, now=at(D(2024, 3, 8)))
    [matter] = Matter.objects.all()
    next_week = dispatch_services.open_round(report.round.cadence, on=D(2024, 3, 11), actor=w.office)
    report_2 = next_week.reports.get(project=setup.project)
    submit(setup, report_2, "1、项目用地尚未交付\n2、施工用电未接入", D(2024, 3, 13))
    dispatch_services.approve_report(report_2, actor=w.office, now=at(D(2024, 3, 15)))
    assert list(Matter.objects.order_by("code").values_list("title", "source_report")) == [
        ("项目用地尚未交付", report.pk),
        ("施工用电未接入", report_2.pk),
    ]
    Matter.objects.filter(pk=matter.pk).update(node="closed", closed_on=D(2024, 3, 18))
    week_3 = dispatch_services.open_round(report.round.cadence, on=D(2024, 3, 18), actor=w.office)
    report_3 = week_3.reports.get(project=setup.project)
    submit(setup, report_3, "项目用地尚未交付", D(2024, 3, 20))
    dispatch_services.approve_report(report_3, actor=w.office, now=at(D(2024, 3, 22)))
    assert Matter.objects.filter(title="项目用地尚未交付").count() == 2  # closed, then raised anew


def test_a_report_without_blockers_raises_nothing(setup, report):
    from dispatch import services as dispatch_services

    submit(setup, report, " \n", D(2024, 3, 6))
    dispatch_services.approve_report(report, actor=setup.world.office, now=at(D(2024, 3, 8)))
    assert Matter.objects.count() == 0


def test_blocker_lines_drop_numbering_and_blank_lines():
    assert services.blocker_lines("一、土地未交付\n- 用电\n\n(3)资金缺口 \n4)审批慢\n环评") == [
        (1, "土地未交付"),
        (2, "用电"),
        (4, "资金缺口"),
        (5, "审批慢"),
        (6, "环评"),
    ]
