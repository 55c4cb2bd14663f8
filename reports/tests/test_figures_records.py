"""The live reading's per-project records kept between calls (reports.figures.records), on the
hand-built county of test_figures: after every kind of write the figures equal a fresh computation, and
only the projects written to are read again."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from core.history import history_context
from projects.choices import MilestoneKind
from reports.figures import FiguresScope, compute_figures, records
from reports.figures.builder import _Builder
from reports.tests.test_figures import AS_OF, allow_late_report, at, open_week, register, submit

D = datetime.date
FRESH = []  # set while a fresh computation runs: its reads are not counted


@pytest.fixture
def read(monkeypatch):
    """The ids of the projects whose records were read, call by call."""
    calls = []
    original = _Builder.read_records

    def reading(self, condition, rounds):
        found = original(self, condition, rounds)
        if not FRESH:
            calls.append(sorted(record.id for record in found))
        return found

    monkeypatch.setattr(_Builder, "read_records", reading)
    return calls


def kept(scope=None, as_of=AS_OF):
    """The figures through the kept records, checked against a fresh computation of the same moment."""
    moment = timezone.now()
    parameters = {"as_of": as_of, "scope": scope or FiguresScope(), "recorded_at": moment}
    figures = compute_figures(**parameters, keep_records=True)
    FRESH.append(True)
    try:
        fresh = compute_figures(**parameters)
    finally:
        FRESH.clear()
    assert figures.to_dict() == fresh.to_dict()
    return figures


def edit(world):
    return history_context(actor=world.office, reason="测试")


def test_the_records_are_read_once_then_only_those_of_the_projects_written_to(world, county, read):
    everyone = sorted(p.pk for p in (county.p1, county.p2, county.p3, county.p4))
    kept()
    assert read == [everyone]
    kept()
    assert read == [everyone]  # nothing written: nothing read

    with edit(world):
        county.p1.total_investment = Decimal("60000")
        county.p1.save()
    figures = kept()
    assert read[-1] == [county.p1.pk]
    assert figures["summary"]["total_investment"]["value"] == Decimal("118000.00")


def test_every_kind_of_write_reads_its_project_again(world, county, read):
    from lights.models import ProjectLight, RuleSet
    from projects import services as projects
    from projects.models import Milestone

    kept()
    writes = {
        "stage": lambda: projects.change_stage(
            county.p3, to_stage="under_construction", on=D(2024, 3, 14), actor=world.office
        ),
        "plan": lambda: projects.set_annual_plan(
            county.p2, year=2024, amount=Decimal("900"), actor=world.office
        ),
        "milestone": lambda: Milestone.objects.update_or_create(
            project=county.p4, kind=MilestoneKind.CONSTRUCTION_START, defaults={"actual_on": D(2023, 2, 1)}
        ),
        "light": lambda: ProjectLight.objects.create(
            project=county.p3,
            as_of=D(2024, 3, 15),
            level="yellow",
            ruleset=RuleSet.objects.get(is_active=True),
            evaluated_at=at(D(2024, 3, 15)),
        ),
    }
    expected = {"stage": county.p3, "plan": county.p2, "milestone": county.p4, "light": county.p3}
    for name, write in writes.items():
        with edit(world):
            write()
        kept()
        assert read[-1] == [expected[name].pk], name

    allow_late_report(county.w10["p3"], world.unit_b, at(D(2024, 3, 15)), world.office)
    submit(county.w10["p3"], "120", at(D(2024, 3, 15), 11), world.reporter_b)  # a report
    figures = kept()
    assert read[-1] == [county.p3.pk]
    assert figures["summary"]["year_to_date"]["value"] == Decimal("610.00") + Decimal("120.00")


def test_a_new_project_is_read_and_a_deleted_one_dropped(world, county, read):
    kept()
    with edit(world):
        county.p5 = register(world, "戊项目", unit=world.unit_a, region=world.region_a, stage="signed",
                             on=D(2024, 3, 1), plan="100", start_year=2024, end_year=2025,
                             total="1000")  # fmt: skip
    figures = kept()
    assert read[-1] == [county.p5.pk]
    assert figures["summary"]["projects"]["value"] == 5

    with edit(world):
        county.p2.delete()
    figures = kept()
    assert figures["summary"]["projects"]["value"] == 4
    assert county.p2.pk not in figures["summary"]["projects"]["sources"]["projects.project"]


def test_a_write_between_the_moment_and_the_version_is_read_again_next_time(world, county, read):
    """The figures read the records as they stood at their moment; a write committed after it and
    before the store reads its version is in the version, so its project must not be kept."""
    kept()
    moment = timezone.now()
    with edit(world):
        county.p1.total_investment = Decimal("60000")
        county.p1.save()
    parameters = {"as_of": AS_OF, "scope": FiguresScope(), "recorded_at": moment}
    then = compute_figures(**parameters, keep_records=True)
    assert then["summary"]["total_investment"]["value"] == Decimal("108000.00")
    now = kept()
    assert now["summary"]["total_investment"]["value"] == Decimal("118000.00")
    assert read[-1] == [county.p1.pk]


def test_a_project_registered_after_the_date_is_kept_as_having_no_record(world, county, read):
    with edit(world):
        late = register(world, "己项目", unit=world.unit_a, region=world.region_a, stage="signed",
                        on=D(2024, 4, 1), plan=None, start_year=2024, end_year=2025,
                        total="500")  # fmt: skip
    figures = kept()
    assert late.pk not in figures["summary"]["projects"]["sources"]["projects.project"]
    kept()
    assert len(read) == 1


def test_scopes_share_the_records_and_dates_and_rounds_have_their_own(world, county, read):
    kept()
    kept(FiguresScope(region=world.region_a.code))
    kept(FiguresScope(user=world.reporter_a))
    assert len(read) == 1  # every scope picks from the records read once

    kept(as_of=AS_OF + datetime.timedelta(days=1))
    assert len(read) == 2  # another date: other stages and lights

    cadence = county.w10["p1"].round.cadence
    open_week(cadence, D(2024, 3, 18), at(D(2024, 3, 18), 9))
    kept(as_of=D(2024, 3, 25))
    kept(as_of=D(2024, 3, 25))
    assert len(read) == 3


def test_entries_expire(county, read, monkeypatch):
    kept()
    clock = records.time.monotonic()
    monkeypatch.setattr(records.time, "monotonic", lambda: clock + records.MAX_AGE + 1)
    kept()
    assert len(read) == 2


def test_a_version_gone_down_reads_everything_again(county, read):
    kept()
    table = connection.ops.quote_name("projects_historicalproject")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE history_id = (SELECT MAX(history_id) FROM {table})")
    kept()
    assert len(read) == 2 and len(read[1]) == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL hands out ids before commit")
def test_a_transaction_in_progress_at_a_reading_that_commits_later_reads_everything_again(county, read):
    """Another connection's transaction, in progress when a version is read, then committed: its
    history records may carry ids below the version, so every record is read again."""
    import psycopg

    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432
    )
    try:
        other.execute("SELECT pg_current_xact_id()")  # holds a transaction id, as a write does
        kept()
        kept()
        assert len(read) == 1  # still in progress: nothing to read again
        other.commit()
        kept()
        assert len(read) == 2 and len(read[1]) == 4
        kept()
        assert len(read) == 2
    finally:
        other.close()


def test_warming_reads_every_record_so_that_a_view_of_any_scope_reads_none(world, county, read):
    assert records.warm(AS_OF) == 4
    kept(FiguresScope(user=world.reporter_a))
    kept()
    assert len(read) == 1  # the warming's read only


def test_the_server_keeps_the_records_warm_in_the_background_and_survives_a_failure(monkeypatch):
    import threading

    from dashboard import warm

    runs, stop = [], threading.Event()

    def once():
        runs.append(True)
        if len(runs) == 1:
            raise RuntimeError("数据库暂不可用")
        if len(runs) == 3:
            stop.set()
        return 4

    monkeypatch.setattr(warm, "warm_once", once)
    thread = warm.keep_warm(0.01, stop=stop)
    thread.join(timeout=10)
    assert not thread.is_alive() and len(runs) == 3
    assert warm.keep_warm(0) is None
