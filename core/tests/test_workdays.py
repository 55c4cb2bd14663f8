"""`core.workdays`: working-day deadlines on the Chinese calendar.

The holiday dates below are written from the State Council notices (国务院办公厅关于部分节假日安排的通知)
and checked against `chinesecalendar`; every expected date is counted by hand in the comment beside it.
"""

import datetime
import random

import chinese_calendar
import pytest

from core.workdays import (
    WorkingCalendar,
    default_calendar,
    holiday_name,
    provisional_warning,
)

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)


def days(first, last):
    return [first + ONE_DAY * offset for offset in range((last - first).days + 1)]


@pytest.fixture
def calendar():
    return WorkingCalendar()


# --- the State Council arrangements -------------------------------------------------------------------


def test_spring_festival_2024_rest_and_make_up_days(calendar):
    rest = {D(2024, 2, 3), *days(D(2024, 2, 10), D(2024, 2, 17))}  # 02-03 an ordinary Saturday
    for day in days(D(2024, 2, 1), D(2024, 2, 19)):
        assert calendar.is_working_day(day) is (day not in rest), day
    assert calendar.is_working_day(D(2024, 2, 4))  # 调休 Sunday
    assert calendar.is_working_day(D(2024, 2, 18))  # 调休 Sunday after the holiday


def test_spring_festival_2024_deadlines(calendar):
    assert calendar.add_working_days(D(2024, 2, 8), 1) == D(2024, 2, 9)
    assert calendar.add_working_days(D(2024, 2, 9), 1) == D(2024, 2, 18)
    # 02-09 (1), 02-18 (2), 02-19 (3)
    assert calendar.add_working_days(D(2024, 2, 8), 3) == D(2024, 2, 19)
    assert calendar.add_working_days(D(2024, 2, 2), 1) == D(2024, 2, 4)  # Friday → 调休 Sunday
    assert calendar.working_days_between(D(2024, 2, 9), D(2024, 2, 18)) == 1
    assert calendar.working_days_between(D(2024, 2, 8), D(2024, 2, 19)) == 3
    assert calendar.working_days_between(D(2024, 2, 10), D(2024, 2, 17)) == 0
    # February 2024: 01-02, 04, 05–09, 18, 19–23, 26–29 = 2 + 1 + 5 + 1 + 5 + 4
    assert calendar.working_days_between(D(2024, 1, 31), D(2024, 2, 29)) == 18


def test_national_day_2024(calendar):
    assert calendar.is_working_day(D(2024, 9, 29))  # Sunday
    assert calendar.is_working_day(D(2024, 10, 12))  # Saturday
    assert not any(calendar.is_working_day(day) for day in days(D(2024, 10, 1), D(2024, 10, 7)))
    assert calendar.add_working_days(D(2024, 9, 27), 1) == D(2024, 9, 29)
    assert calendar.add_working_days(D(2024, 9, 30), 1) == D(2024, 10, 8)
    # 10-08, 09, 10, 11, 12
    assert calendar.working_days_between(D(2024, 9, 30), D(2024, 10, 12)) == 5
    assert calendar.next_working_day(D(2024, 10, 11)) == D(2024, 10, 12)
    assert calendar.next_working_day(D(2024, 10, 12)) == D(2024, 10, 14)
    assert calendar.previous_working_day(D(2024, 10, 8)) == D(2024, 9, 30)
    assert calendar.previous_working_day(D(2024, 10, 14)) == D(2024, 10, 12)


def test_mid_autumn_and_national_day_2023(calendar):
    assert not any(calendar.is_working_day(day) for day in days(D(2023, 9, 29), D(2023, 10, 6)))
    assert calendar.is_working_day(D(2023, 10, 7)) and calendar.is_working_day(D(2023, 10, 8))
    assert calendar.add_working_days(D(2023, 9, 28), 1) == D(2023, 10, 7)
    assert calendar.add_working_days(D(2023, 10, 6), 2) == D(2023, 10, 8)
    assert calendar.previous_working_day(D(2023, 10, 7)) == D(2023, 9, 28)
    # 10-07, 10-08, 10-09
    assert calendar.working_days_between(D(2023, 9, 28), D(2023, 10, 9)) == 3


def test_spring_festival_2025(calendar):
    assert not any(calendar.is_working_day(day) for day in days(D(2025, 1, 28), D(2025, 2, 4)))
    assert calendar.add_working_days(D(2025, 1, 24), 1) == D(2025, 1, 26)  # Friday → 调休 Sunday
    assert calendar.add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)
    assert calendar.add_working_days(D(2025, 2, 7), 1) == D(2025, 2, 8)  # 调休 Saturday
    assert calendar.add_working_days(D(2025, 2, 8), 1) == D(2025, 2, 10)
    assert calendar.working_days_between(D(2025, 1, 27), D(2025, 2, 5)) == 1


def test_across_new_year(calendar):
    assert calendar.add_working_days(D(2024, 12, 31), 1) == D(2025, 1, 2)  # 元旦 2025-01-01
    assert calendar.working_days_between(D(2024, 12, 30), D(2025, 1, 2)) == 2  # 12-31, 01-02
    assert calendar.add_working_days(D(2025, 1, 2), -1) == D(2024, 12, 31)


# --- conventions --------------------------------------------------------------------------------------


def test_zero_days_is_start_when_working_else_the_next_working_day(calendar):
    assert calendar.add_working_days(D(2024, 2, 9), 0) == D(2024, 2, 9)
    assert calendar.add_working_days(D(2024, 2, 10), 0) == D(2024, 2, 18)
    assert calendar.add_working_days(D(2024, 2, 18), 0) == D(2024, 2, 18)


def test_negative_days_go_back(calendar):
    assert calendar.add_working_days(D(2024, 2, 18), -1) == D(2024, 2, 9)
    assert calendar.add_working_days(D(2024, 2, 19), -3) == D(2024, 2, 8)  # 02-18, 02-09, 02-08
    assert calendar.add_working_days(D(2024, 10, 8), -2) == D(2024, 9, 29)  # 09-30, 09-29
    assert calendar.add_working_days(D(2024, 10, 5), -1) == D(2024, 9, 30)  # from inside the holiday
    assert calendar.working_days_between(D(2024, 2, 19), D(2024, 2, 8)) == -3


def test_datetimes_are_read_as_their_date(calendar):
    assert calendar.is_working_day(datetime.datetime(2024, 2, 18, 9, 30))
    assert calendar.add_working_days(datetime.datetime(2024, 2, 9, 17, 0), 1) == D(2024, 2, 18)
    assert WorkingCalendar({datetime.datetime(2024, 2, 19, 8): False}).is_working_day(D(2024, 2, 19)) is False


def test_working_days_remaining_and_the_yellow_light(calendar):
    deadline = D(2024, 2, 19)
    remaining = {
        day: calendar.working_days_remaining(deadline, day) for day in days(D(2024, 2, 6), D(2024, 2, 23))
    }
    assert remaining[D(2024, 2, 6)] == 5  # 02-07, 08, 09, 18, 19
    assert remaining[D(2024, 2, 8)] == 3
    assert remaining[D(2024, 2, 9)] == 2
    assert {remaining[day] for day in days(D(2024, 2, 10), D(2024, 2, 17))} == {2}
    assert remaining[D(2024, 2, 18)] == 1
    assert remaining[D(2024, 2, 19)] == 0
    assert remaining[D(2024, 2, 20)] == -1
    assert remaining[D(2024, 2, 23)] == -4
    yellow = [day for day, left in remaining.items() if 0 <= left <= 3]
    assert yellow[0] == D(2024, 2, 8) and yellow[-1] == deadline


# --- pauses (挂起) ------------------------------------------------------------------------------------


def test_closed_pause_skips_its_working_days(calendar):
    start = D(2024, 2, 8)
    assert calendar.add_working_days_paused(start, 3, []) == D(2024, 2, 19)
    # 02-09 paused; 02-18, 02-19, 02-20 count
    assert calendar.add_working_days_paused(start, 3, [(D(2024, 2, 9), D(2024, 2, 18))]) == D(2024, 2, 20)


def test_pause_edges_start_day_stops_resume_day_counts(calendar):
    start = D(2024, 2, 8)
    # Paused on the deadline day itself: 02-19 does not count, 02-20 (resume day) does.
    assert calendar.add_working_days_paused(start, 3, [(D(2024, 2, 19), D(2024, 2, 20))]) == D(2024, 2, 20)
    # Paused on the day before the deadline and resumed on it: 02-18 stopped, 02-19 and 02-20 count.
    assert calendar.add_working_days_paused(start, 3, [(D(2024, 2, 18), D(2024, 2, 19))]) == D(2024, 2, 20)
    # A pause over rest days only changes nothing.
    assert calendar.add_working_days_paused(start, 3, [(D(2024, 2, 10), D(2024, 2, 18))]) == D(2024, 2, 19)
    # An empty pause [d, d) changes nothing.
    assert calendar.add_working_days_paused(start, 3, [(D(2024, 2, 9), D(2024, 2, 9))]) == D(2024, 2, 19)


def test_several_pauses_in_any_order_overlapping_or_before_start(calendar):
    start = D(2024, 9, 27)
    assert calendar.add_working_days(start, 5) == D(2024, 10, 10)  # 09-29, 09-30, 10-08, 09, 10
    pauses = [(D(2024, 10, 8), D(2024, 10, 10)), (D(2024, 9, 29), D(2024, 9, 30))]
    # 09-29 paused; 09-30 (1); 10-08, 09 paused; 10-10 (2), 11 (3), 12 调休 Saturday (4), 14 (5)
    assert calendar.add_working_days_paused(start, 5, pauses) == D(2024, 10, 14)
    overlapping = [(D(2024, 10, 9), D(2024, 10, 10)), *pauses, (D(2024, 10, 8), D(2024, 10, 9))]
    assert calendar.add_working_days_paused(start, 5, overlapping) == D(2024, 10, 14)
    before_start = [(D(2024, 9, 1), D(2024, 9, 28))]
    assert calendar.add_working_days_paused(start, 5, before_start) == D(2024, 10, 10)
    straddling_start = [(D(2024, 9, 20), D(2024, 9, 30))]  # 09-29 paused; 09-30, 10-08, 09, 10, 11
    assert calendar.add_working_days_paused(start, 5, straddling_start) == D(2024, 10, 11)


def test_zero_days_with_pause_is_the_first_counting_day(calendar):
    assert calendar.add_working_days_paused(D(2024, 2, 9), 0, []) == D(2024, 2, 9)
    assert calendar.add_working_days_paused(D(2024, 2, 9), 0, [(D(2024, 2, 9), D(2024, 2, 19))]) == D(
        2024, 2, 19
    )


def test_open_pause_leaves_the_deadline_undetermined(calendar):
    start = D(2024, 2, 8)
    assert calendar.add_working_days_paused(start, 3, [(D(2024, 2, 18), None)]) is None
    assert (
        calendar.add_working_days_paused(start, 3, [(D(2024, 2, 9), D(2024, 2, 18)), (D(2024, 2, 20), None)])
        is None
    )
    # An open pause swallows a closed one that begins inside it.
    assert (
        calendar.add_working_days_paused(start, 3, [(D(2024, 2, 9), None), (D(2024, 2, 18), D(2024, 2, 19))])
        is None
    )


def test_open_pause_after_the_deadline_keeps_the_deadline(calendar):
    # Overdue since 02-19, suspended on 02-21: the deadline stays 02-19.
    assert calendar.add_working_days_paused(D(2024, 2, 8), 3, [(D(2024, 2, 21), None)]) == D(2024, 2, 19)
    # Paused the day after the deadline day: the deadline day itself still counted.
    assert calendar.add_working_days_paused(D(2024, 2, 8), 3, [(D(2024, 2, 20), None)]) == D(2024, 2, 19)


def test_bad_pause_input_is_refused_in_chinese(calendar):
    with pytest.raises(ValueError, match="恢复日期 2024-02-09 早于挂起日期 2024-02-18"):
        calendar.add_working_days_paused(D(2024, 2, 8), 3, [(D(2024, 2, 18), D(2024, 2, 9))])
    with pytest.raises(ValueError, match="不能为负数"):
        calendar.add_working_days_paused(D(2024, 2, 8), -1, [])


def _paused_by_hand(calendar, start, count, pauses):
    """Reference: walk day by day, counting working days outside every pause."""

    def paused(day):
        return any(
            pause_start <= day and (pause_end is None or day < pause_end) for pause_start, pause_end in pauses
        )

    day = start - ONE_DAY if count == 0 else start
    count = max(count, 1)
    while True:
        day += ONE_DAY
        if calendar.is_working_day(day):
            if paused(day):
                if any(end is None and begin <= day for begin, end in pauses):
                    return None
                continue
            count -= 1
            if count == 0:
                return day


def test_pauses_agree_with_a_day_by_day_count(calendar):
    generator = random.Random(20240208)
    for _ in range(400):
        start = D(2023, 1, 1) + ONE_DAY * generator.randrange(1000)
        pauses = []
        for _ in range(generator.randrange(4)):
            pause_start = start + ONE_DAY * generator.randrange(-10, 60)
            end = None if generator.random() < 0.15 else pause_start + ONE_DAY * generator.randrange(0, 20)
            pauses.append((pause_start, end))
        count = generator.randrange(0, 40)
        expected = _paused_by_hand(calendar, start, count, pauses)
        assert calendar.add_working_days_paused(start, count, pauses) == expected, (start, count, pauses)


# --- provisional years and overrides -------------------------------------------------------------------


def test_a_year_the_library_does_not_know_is_provisional(calendar):
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 4))
    assert calendar.is_provisional(2027)
    assert calendar.is_provisional(2003)
    assert not calendar.is_provisional(2026)
    assert calendar.provisional_years(D(2025, 12, 1), D(2028, 1, 5)) == [2027, 2028]
    assert calendar.provisional_years(D(2026, 12, 31), D(2024, 1, 1)) == []
    # Monday–Friday fallback: 2027-01-01 is a Friday, 01-02/03 the weekend.
    assert calendar.is_working_day(D(2027, 1, 1))
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    assert calendar.add_working_days(D(2027, 1, 1), 1) == D(2027, 1, 4)
    assert calendar.working_days_between(D(2026, 12, 31), D(2027, 1, 8)) == 6  # 01-01, 04–08


def test_provisional_year_with_the_office_overrides():
    calendar = WorkingCalendar({D(2027, 1, 1): False, D(2027, 2, 6): True})  # 元旦; a 调休 Saturday
    assert not calendar.is_provisional(2027)
    assert calendar.provisional_years(D(2026, 1, 1), D(2028, 12, 31)) == [2028]
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert calendar.add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 6)
    assert calendar.working_days_between(D(2026, 12, 31), D(2027, 1, 8)) == 5  # 01-04–08


def test_overrides_beat_the_library():
    calendar = WorkingCalendar({D(2024, 2, 18): False, D(2024, 2, 12): True})
    assert not calendar.is_working_day(D(2024, 2, 18))
    assert calendar.is_working_day(D(2024, 2, 12))
    assert calendar.add_working_days(D(2024, 2, 9), 1) == D(2024, 2, 12)
    assert calendar.add_working_days(D(2024, 2, 12), 1) == D(2024, 2, 19)
    # The shared calendar is untouched.
    assert default_calendar().add_working_days(D(2024, 2, 9), 1) == D(2024, 2, 18)


def test_bad_overrides_are_refused():
    with pytest.raises(ValueError, match="工作日调整项无效"):
        WorkingCalendar({"2024-02-18": False})
    with pytest.raises(ValueError, match="工作日调整项无效"):
        WorkingCalendar({D(2024, 2, 18): "否"})


def test_provisional_warning():
    assert provisional_warning([2027]) == "2027 年节假日安排尚未录入，按周末计算"
    assert provisional_warning([2028, 2027, 2028]) == "2027、2028 年节假日安排尚未录入，按周末计算"
    assert provisional_warning([]) is None
    assert provisional_warning(default_calendar().provisional_years(D(2026, 11, 1), D(2027, 3, 1))) == (
        "2027 年节假日安排尚未录入，按周末计算"
    )


# --- holiday names, the shared calendar ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2024, 1, 1), "元旦"),
        (D(2024, 2, 12), "春节"),
        (D(2024, 2, 4), "春节"),  # the 调休 make-up Sunday belongs to the holiday too
        (D(2024, 4, 4), "清明节"),
        (D(2024, 5, 1), "劳动节"),
        (D(2024, 6, 10), "端午节"),
        (D(2023, 9, 29), "中秋节"),
        (D(2023, 10, 2), "国庆节"),
        (D(2015, 9, 3), "抗战胜利纪念日"),
        (D(2024, 2, 5), None),
        (D(2024, 2, 3), None),  # an ordinary Saturday
        (D(2027, 1, 1), None),
    ],
)
def test_holiday_name(day, name):
    assert holiday_name(day) == name


def test_every_library_holiday_has_a_chinese_name():
    names = {holiday_name(day) for day in [*chinese_calendar.holidays, *chinese_calendar.workdays]}
    assert names == {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节", "抗战胜利纪念日"}


def test_default_calendar_is_shared_and_agrees_with_the_library_on_every_known_day():
    calendar = default_calendar()
    assert default_calendar() is calendar
    for day in days(D(2004, 1, 1), D(2026, 12, 31)):
        assert calendar.is_working_day(day) is chinese_calendar.is_workday(day), day


def test_counting_undoes_adding_over_2023_to_2026(calendar):
    generator = random.Random(2023)
    for _ in range(2000):
        start = D(2023, 1, 1) + ONE_DAY * generator.randrange(1461)
        count = generator.randrange(-250, 251)
        deadline = calendar.add_working_days(start, count)
        assert calendar.is_working_day(deadline)
        if count > 0:
            assert calendar.working_days_between(start, deadline) == count, (start, count)
            # Nothing skipped: the working day before the deadline is one short.
            previous = calendar.previous_working_day(deadline)
            assert calendar.working_days_between(start, previous) == count - 1
        else:
            # Going back, `start` is left out too: exactly -count working days in [deadline, start).
            assert calendar.working_days_between(deadline - ONE_DAY, start - ONE_DAY) == -count, (
                start,
                count,
            )
        if calendar.is_working_day(start):
            assert calendar.working_days_between(start, deadline) == count, (start, count)


def test_going_back_from_a_rest_day_is_not_undone_by_counting(calendar):
    # Saturday 2024-02-10, inside the holiday: 1 back is Friday 02-09, 0 forward is Sunday 02-18.
    assert calendar.add_working_days(D(2024, 2, 10), -1) == D(2024, 2, 9)
    assert calendar.working_days_between(D(2024, 2, 10), D(2024, 2, 9)) == 0
    assert calendar.working_days_between(D(2024, 2, 10), D(2024, 2, 18)) == 1
