"""Matters reads with exact values: the light at its thresholds (just inside, on, just outside) on
ordinary weeks and across National Day, the frozen light of a paused matter, overdue matters and the
per-project counts on past dates (as records stood then: a later closing and a later extension do not
change them), the board by node, my matters, the office's workday overrides and the allowed actions."""

import datetime

import pytest

from core.workdays import WorkingCalendar
from matters import services
from matters.choices import Light, Node
from matters.models import Matter, WorkdayOverride
from matters.selectors import (
    allowed_actions,
    board_counts,
    matter_light,
    my_matters,
    overdue_counts_by_project,
    overdue_matters,
    overdue_rows,
    working_calendar,
)

from .conftest import new_matter

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize(
    ("deadline", "today", "light"),
    [
        # Friday deadline 2024-03-15, yellow window 3 working days.
        (D(2024, 3, 15), D(2024, 3, 11), Light.GREEN),  # 4 working days left: just outside
        (D(2024, 3, 15), D(2024, 3, 12), Light.YELLOW),  # 3 left: on the threshold
        (D(2024, 3, 15), D(2024, 3, 13), Light.YELLOW),  # 2 left: just inside
        (D(2024, 3, 15), D(2024, 3, 15), Light.YELLOW),  # the deadline day itself (0 left)
        (D(2024, 3, 15), D(2024, 3, 16), Light.RED),  # the day after, a Saturday
        # Deadline Tuesday 2024-10-08, after the National Day break (10-01..07) and Sunday 09-29 (调休).
        (D(2024, 10, 8), D(2024, 9, 26), Light.GREEN),  # 09-27, 09-29, 09-30, 10-08: 4 left
        (D(2024, 10, 8), D(2024, 9, 27), Light.YELLOW),  # 09-29, 09-30, 10-08: 3 left
        (D(2024, 10, 8), D(2024, 10, 7), Light.YELLOW),  # 1 left
        (D(2024, 10, 8), D(2024, 10, 9), Light.RED),
    ],
)
def test_the_light_turns_yellow_three_working_days_before_the_deadline_and_red_after(
    setup, deadline, today, light
):
    matter = new_matter(setup, opened_on=D(2024, 3, 1), deadline=deadline)
    assert matter_light(matter, today=today) == light


def test_a_wider_yellow_window_a_closed_matter_and_a_paused_one(setup):
    w = setup.world
    kind = setup.kinds["project_issue"]
    kind.yellow_window_days = 5
    kind.save()
    matter = new_matter(setup, deadline=D(2024, 3, 15))
    assert matter_light(matter, today=D(2024, 3, 8)) == Light.YELLOW  # 5 left
    assert matter_light(matter, today=D(2024, 3, 7)) == Light.GREEN  # 6 left
    request = new_matter(setup, kind="enterprise_request", opened_on=D(2024, 3, 4))  # deadline 03-25
    services.pause_matter(request, actor=w.reporter_a, reason="等待企业补充材料", on=D(2024, 3, 6))
    # The clock stopped on 03-06 with 13 working days left: still green long after.
    assert matter_light(request, today=D(2024, 3, 28)) == Light.GREEN
    # Paused [03-06, 03-28): 16 working days; 03-25 + 16 crosses 清明 (04-04..06 off, Sunday 04-07 works).
    services.resume_matter(request, actor=w.reporter_a, on=D(2024, 3, 28))
    assert request.deadline == D(2024, 4, 17)
    assert matter_light(request, today=D(2024, 4, 11)) == Light.GREEN  # 4 left (window 3 for requests)
    assert matter_light(request, today=D(2024, 4, 12)) == Light.YELLOW  # 3 left
    closed = new_matter(setup, kind="enterprise_request", opened_on=D(2024, 3, 4))
    for step in (services.sign_matter, services.start_handling):
        step(closed, actor=w.reporter_a, on=D(2024, 3, 5))
    services.submit_feedback(closed, actor=w.reporter_a, text="已办", on=D(2024, 3, 5))
    services.review_matter(closed, actor=w.office, passed=True, on=D(2024, 3, 5))
    services.close_matter(closed, actor=w.office, on=D(2024, 3, 5))
    assert matter_light(closed, today=D(2024, 4, 1)) is None


def test_overdue_counts_by_project_read_the_records_as_they_stood_on_the_date(
    setup, scene, django_assert_num_queries
):
    furniture, logistics = setup.project.pk, setup.other_project.pk
    with django_assert_num_queries(1):
        on_20th = overdue_counts_by_project(D(2024, 3, 20))
    # A (extension approved only on 03-25) and B (closed only on 03-22) were overdue; C was closed then.
    assert on_20th == {furniture: 2}
    assert overdue_counts_by_project(D(2024, 3, 21)) == {furniture: 3}  # C reopened that day
    assert overdue_counts_by_project(D(2024, 3, 22)) == {furniture: 2}  # B closed
    assert overdue_counts_by_project(D(2024, 3, 25)) == {furniture: 1}  # A extended to 04-30
    # F's deadline 03-29 has passed; E (deadline 03-25) is paused and does not count.
    assert overdue_counts_by_project(D(2024, 4, 1)) == {furniture: 1, logistics: 1}
    assert overdue_counts_by_project(D(2024, 4, 1), project_ids=[logistics]) == {logistics: 1}
    assert overdue_counts_by_project(D(2024, 3, 8)) == {}
    # The same question asked today of the current records gives the current answer.
    assert overdue_counts_by_project(D(2024, 5, 2)) == {furniture: 2, logistics: 1}


def test_overdue_matters_and_rows_give_the_deadline_days_overdue_and_level_of_the_day(setup, scene):
    # On 03-20: B and G (deadline 03-08), then A (03-15); C was closed from 03-12 to 03-21.
    assert [m.code for m in overdue_matters(D(2024, 3, 20))] == [
        "WT-2024-0002",
        "WT-2024-0005",
        "WT-2024-0001",
    ]
    rows = overdue_rows(D(2024, 3, 21))
    assert [(row.matter.code, row.deadline, row.working_days_overdue, row.level) for row in rows] == [
        ("WT-2024-0002", D(2024, 3, 8), 9, "task_force"),
        ("WT-2024-0003", D(2024, 3, 8), 9, "unit"),
        ("WT-2024-0005", D(2024, 3, 8), 9, "task_force"),
        ("WT-2024-0001", D(2024, 3, 15), 4, "liaison_leader"),
    ]
    assert rows[0].level_label == "项目推进专班"
    # Before the rule ran on 03-20 the same matters stood at the unit level.
    assert {row.level for row in overdue_rows(D(2024, 3, 19))} == {"unit"}


def test_board_counts_every_node_and_my_matters_are_the_users_own_open_ones(setup, scene):
    w = setup.world
    assert board_counts(Matter.objects.all()) == {
        Node.ASSIGNED: 4,
        Node.SIGNED: 0,
        Node.HANDLING: 1,
        Node.FEEDBACK: 0,
        Node.REVIEW: 0,
        Node.CLOSED: 1,
    }
    assert board_counts(Matter.objects.restrict(w.reporter_b, "view")) == {
        Node.ASSIGNED: 2,
        Node.SIGNED: 0,
        Node.HANDLING: 0,
        Node.FEEDBACK: 0,
        Node.REVIEW: 0,
        Node.CLOSED: 0,
    }
    assert [m.code for m in my_matters(w.reporter_b)] == ["SQ-2024-0001", "WT-2024-0004"]
    # Township A leads three open matters (B is closed); F and E name its person but are out of scope.
    assert [m.code for m in my_matters(w.reporter_a)] == ["WT-2024-0003", "WT-2024-0005", "WT-2024-0001"]
    assert list(my_matters(w.no_role)) == []


def test_the_offices_workday_overrides_correct_a_year_the_library_does_not_know(setup):
    assert working_calendar().is_provisional(2027)
    assert not working_calendar().is_working_day(D(2027, 2, 6))  # a Saturday, by default a rest day
    override = WorkdayOverride.objects.create(date=D(2027, 2, 6), is_working_day=True, note="2027年春节调休")
    WorkdayOverride.objects.create(date=D(2027, 2, 8), is_working_day=False, note="2027年春节")
    calendar = working_calendar()
    assert (calendar.is_working_day(D(2027, 2, 6)), calendar.is_working_day(D(2027, 2, 8))) == (True, False)
    assert not calendar.is_provisional(2027)
    # Friday 02-05 + 2 working days: Saturday 02-06 (调休) and Tuesday 02-09 (Monday 02-08 off).
    matter = new_matter(setup, opened_on=D(2027, 2, 5), deadline_days=2)
    assert matter.deadline == D(2027, 2, 9)
    override.delete()
    assert not working_calendar().is_working_day(D(2027, 2, 6))
    assert isinstance(working_calendar(), WorkingCalendar)


def test_allowed_actions_follow_the_node_and_the_user(setup):
    w = setup.world
    matter = new_matter(setup, cooperating_units=[w.unit_b])
    assert allowed_actions(matter, w.reporter_a) == {
        "sign",
        "request_extension",
        "add_attachment",
        "comment",
    }
    assert allowed_actions(matter, w.office) == {"edit", "escalate", "add_attachment", "comment"}
    assert allowed_actions(matter, w.reporter_b) == {"comment"}  # a cooperating unit
    assert allowed_actions(matter, w.no_role) == set()
    services.sign_matter(matter, actor=w.reporter_a, on=D(2024, 3, 4))
    services.start_handling(matter, actor=w.reporter_a, on=D(2024, 3, 4))
    services.submit_feedback(matter, actor=w.reporter_a, text="已办", on=D(2024, 3, 5))
    assert "review" in allowed_actions(matter, w.office)
    services.request_extension(
        matter, actor=w.reporter_a, requested_deadline=D(2024, 4, 1), reason="等待", on=D(2024, 3, 5)
    )
    assert allowed_actions(matter, w.reporter_a) == {"add_attachment", "comment"}
    assert allowed_actions(matter, w.office) == {
        "review",
        "edit",
        "escalate",
        "add_attachment",
        "decide_extension",
        "comment",
    }
