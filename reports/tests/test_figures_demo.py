"""The figures of the Ganzhou/Nankang demo, recomputed independently: plain SQL over the raw tables and
a little Python, none of the engine's code, compared figure by figure with `compute_figures`.

The demo back-fills ten weeks of 2024 into a database created today, so its history starts today: the
figures are read as recorded now (`recorded_at=now`), which for the current tables is the tables as
they are — exactly what plain SQL reads.
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from reports.figures import FiguresScope, compute_figures

AS_OF = datetime.date(2024, 3, 16)
CUTOFF = timezone.make_aware(datetime.datetime(2024, 3, 16, 23, 59, 59, 999999))
NANKANG = "360703"
# Every test asks for the database: only then does pytest-django point the connection at the test
# database before the module's fixtures load the demo.
pytestmark = pytest.mark.django_db
STARTED = ("under_construction", "completed", "operating")
FINISHED = ("completed", "operating")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for this module, inside a transaction rolled back at its end (the pattern
    of demo/tests/conftest.py)."""
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
        try:
            call_command("demo", stdout=StringIO())
            yield compute_figures(
                as_of=AS_OF,
                scope=FiguresScope(region=NANKANG),
                period="2024-03-H1",
                recorded_at=timezone.now(),
            )
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def money(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


def day(value):
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10])


def moment(value):
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def rate(part, whole):
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def raw(demo, django_db_blocker):
    """Everything recomputed from the raw tables."""
    with django_db_blocker.unblock():
        (path,) = rows("SELECT path FROM org_region WHERE code = %s", [NANKANG])[0]
        projects = {
            pk: {"code": code, "total": money(total), "start_year": start, "end_year": end, "unit": unit}
            for pk, code, total, start, end, unit in rows(
                "SELECT p.id, p.code, p.total_investment, p.planned_start_year, p.planned_end_year, "
                "p.responsible_unit_id FROM projects_project p JOIN org_region r ON r.id = p.region_id "
                "WHERE r.path LIKE %s",
                [path + "%"],
            )
        }
        steps = defaultdict(list)
        for project_id, effective_on, pk, to_stage in rows(
            "SELECT project_id, effective_on, id, to_stage FROM projects_stagetransition"
        ):
            steps[project_id].append((day(effective_on), pk, to_stage))
        milestones = {
            (project_id, kind): (day(planned) if planned else None, day(actual) if actual else None)
            for project_id, kind, planned, actual in rows(
                "SELECT project_id, kind, planned_on, actual_on FROM projects_milestone "
                "WHERE kind IN ('construction_start', 'completion')"
            )
        }
        plans = {
            project_id: money(amount)
            for project_id, amount in rows(
                "SELECT project_id, amount FROM projects_annualplan WHERE year = 2024"
            )
        }
        latest = {
            project_id: money(amount)
            for project_id, amount in rows(
                "SELECT project_id, ytd FROM (SELECT pr.project_id, pr.investment_year_to_date AS ytd, "
                "ROW_NUMBER() OVER (PARTITION BY pr.project_id ORDER BY r.period_end DESC, pr.id DESC) AS n "
                "FROM dispatch_progressreport pr JOIN dispatch_dispatchround r ON r.id = pr.round_id "
                "WHERE pr.status IN ('submitted', 'approved') AND pr.investment_year_to_date IS NOT NULL "
                "AND r.period_end >= %s AND r.period_end <= %s) latest WHERE n = 1",
                [datetime.date(2024, 1, 1), AS_OF],
            )
        }
        reports = rows(
            "SELECT pr.project_id, pr.unit_id, pr.first_submitted_at, r.on_time_until, r.due_at, "
            "r.period_end "
            "FROM dispatch_progressreport pr JOIN dispatch_dispatchround r ON r.id = pr.round_id "
            "WHERE r.period_end >= %s AND r.period_end <= %s",
            [datetime.date(2024, 1, 1), AS_OF],
        )
    result = {}
    inside = {}
    for pk, project in projects.items():
        timeline = sorted(steps[pk])
        known = [stage for on, _, stage in timeline if on <= AS_OF]
        if timeline and not known:
            continue
        project["stage"] = known[-1]
        start = milestones.get((pk, "construction_start"), (None, None))
        finish = milestones.get((pk, "completion"), (None, None))
        first_start = [on for on, _, stage in timeline if stage in STARTED][:1]
        first_finish = [on for on, _, stage in timeline if stage in FINISHED][:1]
        project["started"] = min(first_start + ([start[1]] if start[1] else []), default=None)
        project["finished"] = min(first_finish + ([finish[1]] if finish[1] else []), default=None)
        planned_start = start[0] or (
            datetime.date(project["start_year"], 12, 31) if project["start_year"] else None
        )
        project["planned_start"] = planned_start
        inside[pk] = project
    result["projects"] = sorted(inside)
    result["total"] = sum((p["total"] for p in inside.values()), Decimal(0))
    result["by_stage"] = defaultdict(list)
    for pk, project in inside.items():
        result["by_stage"][project["stage"]].append(pk)
    result["plan"] = sum((plans[pk] for pk in inside if pk in plans), Decimal(0))
    result["done"] = sum((latest[pk] for pk in inside if pk in latest), Decimal(0))
    result["starts_year"] = sorted(
        pk for pk, p in inside.items() if p["started"] and datetime.date(2024, 1, 1) <= p["started"] <= AS_OF
    )
    result["starts_period"] = sorted(
        pk for pk, p in inside.items() if p["started"] and datetime.date(2024, 3, 1) <= p["started"] <= AS_OF
    )
    planned = [
        pk
        for pk, p in inside.items()
        if p["planned_start"] and p["planned_start"].year == 2024 and p["stage"] != "cancelled"
    ]
    result["start_planned"] = sorted(planned)
    result["start_done"] = sorted(
        pk for pk in planned if inside[pk]["started"] and inside[pk]["started"] <= AS_OF
    )
    tally = [0, 0, 0]
    units = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for project_id, _unit, first, on_time_until, due_at, _ in reports:
        if project_id not in inside or moment(due_at) > CUTOFF:
            continue
        tally[0] += 1
        if first is not None and moment(first) <= CUTOFF:
            tally[1] += 1
            if moment(first) <= moment(on_time_until):
                tally[2] += 1
    result["reporting"] = tally
    for pk, project in inside.items():
        if pk in plans:
            units[project["unit"]][0] += plans[pk]
            units[project["unit"]][1] += latest.get(pk, Decimal(0))
    result["unit_rates"] = {unit: rate(done, plan) for unit, (plan, done) in units.items() if plan}
    return result


def test_projects_investment_and_stages_match_the_raw_tables(demo, raw):
    summary = demo["summary"]
    assert summary["projects"]["sources"]["projects.project"] == raw["projects"]
    assert summary["projects"]["value"] == 239  # the seed's 八大行动 count
    assert summary["total_investment"]["value"] == raw["total"] == Decimal("13081500.00")
    for stage, entry in demo["by_stage"].items():
        assert entry["projects"]["sources"]["projects.project"] == sorted(raw["by_stage"].get(stage, [])), (
            stage
        )


def test_plan_completion_and_rates_match_the_raw_tables(demo, raw):
    summary = demo["summary"]
    assert summary["annual_plan"]["value"] == raw["plan"]
    assert summary["year_to_date"]["value"] == raw["done"]
    assert summary["completion_rate"]["value"] == rate(raw["done"], raw["plan"])
    assert summary["time_elapsed"] == Decimal("16.67")
    assert summary["gap_points"] == rate(raw["done"], raw["plan"]) - Decimal("16.67")


def test_starts_and_start_rate_match_the_raw_tables(demo, raw):
    assert demo["starts"]["year"]["projects"]["sources"]["projects.project"] == raw["starts_year"]
    assert demo["starts"]["period"]["projects"]["sources"]["projects.project"] == raw["starts_period"]
    assert demo["start_rate"]["planned"]["sources"]["projects.project"] == raw["start_planned"]
    assert demo["start_rate"]["started"]["sources"]["projects.project"] == raw["start_done"]
    assert demo["start_rate"]["rate"] == rate(len(raw["start_done"]), len(raw["start_planned"]))


def test_reporting_and_unit_ranking_match_the_raw_tables(demo, raw):
    year = demo["reporting"]["year"]
    assert [year["expected"], year["submitted"], year["on_time"]] == raw["reporting"]
    ranking = demo["unit_ranking"]
    assert {entry["id"]: entry["completion_rate"]["value"] for entry in ranking} == raw["unit_rates"]
    rates = [entry["completion_rate"]["value"] for entry in ranking]
    assert rates == sorted(rates, reverse=True)


def test_the_demo_figures_are_reproducible(demo):
    again = compute_figures(
        as_of=AS_OF,
        scope=FiguresScope(region=NANKANG),
        period="2024-03-H1",
        recorded_at=timezone.now(),
    )
    assert again.checksum() == demo.checksum()
