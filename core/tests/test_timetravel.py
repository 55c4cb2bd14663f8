"""`core.timetravel`: rows as they stood at a moment, from history, in bulk."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.bulk import HistoryWriter, model_columns
from core.history import history_context
from core.timetravel import end_of_day, history_as_of, recorded_at, rows_as_of
from projects.models import AnnualPlan, Project
from tests.project_cases import make_project


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


MARCH_1, MARCH_10, MARCH_20 = (
    datetime.date(2024, 3, 1),
    datetime.date(2024, 3, 10),
    datetime.date(2024, 3, 20),
)
AS_OF = end_of_day(datetime.date(2024, 3, 16))


def totals(rows):
    return {row["code"]: row["total_investment"] for row in rows}


def build(world):
    """A, B, C registered on 1 March; A raised on 10 March; on 20 March A raised again, B deleted and
    D registered."""
    with history_context(reason="测试"), recorded_at(at(MARCH_1)):
        a, b, c = (make_project(world, "a") for _ in range(3))
    with history_context(reason="测试"), recorded_at(at(MARCH_10)):
        a.total_investment = Decimal("12000")
        a.save()
    with history_context(reason="测试"), recorded_at(at(MARCH_20)):
        a.total_investment = Decimal("15000")
        a.save()
        b.delete()
        d = make_project(world, "b")
    return a, b, c, d


def test_end_of_day_is_the_last_instant_in_the_office_time_zone():
    moment = end_of_day(datetime.date(2024, 3, 16))
    assert timezone.localtime(moment).isoformat() == "2024-03-16T23:59:59.999999+08:00"


def test_an_edit_and_a_deletion_after_the_moment_do_not_show(world):
    a, b, c, _ = build(world)
    expected = {a.code: Decimal("12000"), b.code: Decimal("10000"), c.code: Decimal("10000")}

    history = history_as_of(Project, AS_OF).values("code", "total_investment")
    fast = rows_as_of(Project, AS_OF, ["code", "total_investment"])

    assert totals(history) == expected
    assert totals(fast) == expected
    assert len(list(fast)) == 3  # one row per object, none twice


def test_now_reads_the_current_rows_and_before_anything_reads_nothing(world):
    a, _, c, d = build(world)
    now = timezone.now()
    expected = {a.code: Decimal("15000"), c.code: Decimal("10000"), d.code: Decimal("10000")}

    assert totals(rows_as_of(Project, now, ["code", "total_investment"])) == expected
    assert totals(history_as_of(Project, now).values("code", "total_investment")) == expected
    assert list(rows_as_of(Project, end_of_day(datetime.date(2024, 2, 29)), ["code"])) == []


def test_the_condition_applies_to_the_state_at_the_moment_not_to_older_records(world):
    a, b, c, _ = build(world)
    raised = Q(total_investment__gt=Decimal("11000"))
    # On 16 March only A had been raised (to 12000); on 5 March none had.
    assert totals(rows_as_of(Project, AS_OF, ["code", "total_investment"], raised)) == {
        a.code: Decimal("12000")
    }
    assert list(history_as_of(Project, end_of_day(datetime.date(2024, 3, 5)), raised)) == []
    # "Not raised" at 16 March must not pick A's older 10000 record.
    small = Q(total_investment__lte=Decimal("11000"))
    assert sorted(totals(rows_as_of(Project, AS_OF, ["code", "total_investment"], small))) == sorted(
        [b.code, c.code]
    )
    assert sorted(totals(history_as_of(Project, AS_OF, small).values("code", "total_investment"))) == sorted(
        [b.code, c.code]
    )


def test_records_written_in_the_same_instant_resolve_to_the_last_one(world):
    """Bulk writes stamp an insert and its updates with one instant; the last record wins."""
    project = make_project(world, "a")
    moment = at(MARCH_1)
    writer = HistoryWriter(actor=None, reason="批量", request_id="req", now=moment)
    row = {name: None for name in model_columns(AnnualPlan)}
    row.update(
        created_at=moment, updated_at=moment, is_synthetic=False, project_id=project.pk, year=2024,
        amount=Decimal("100"), month_amounts=[],
    )  # fmt: skip
    with transaction.atomic():
        writer.create(AnnualPlan, [row])
        writer.update(AnnualPlan, [{"id": row["id"], "amount": Decimal("250")}], ["amount"])
    later = end_of_day(MARCH_10)

    assert list(history_as_of(AnnualPlan, later).values_list("amount", flat=True)) == [Decimal("250")]
    assert list(rows_as_of(AnnualPlan, later, ["amount"])) == [{"amount": Decimal("250")}]


def test_with_nothing_written_since_the_moment_the_current_rows_are_read_alone(world):
    a, _, c, d = build(world)
    moment = at(datetime.date(2024, 3, 25))  # after the last record
    expected = {a.code: Decimal("15000"), c.code: Decimal("10000"), d.code: Decimal("10000")}

    alone = rows_as_of(Project, moment, ["code", "total_investment"])
    union = rows_as_of(Project, AS_OF, ["code", "total_investment"])

    assert not alone.query.combinator and union.query.combinator == "union"
    assert totals(alone) == totals(history_as_of(Project, moment).values("code", "total_investment"))
    assert totals(alone) == expected
    with history_context(reason="测试"), recorded_at(at(datetime.date(2024, 3, 30))):
        c.total_investment = Decimal("9000")
        c.save()
    assert totals(rows_as_of(Project, moment, ["code", "total_investment"])) == expected
