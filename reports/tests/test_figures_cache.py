"""The dashboard's live figures kept while nothing is written (reports.figures.cache), on the hand-built
county of test_figures: the same figures object while the data version holds, fresh figures after any
write, a late commit below the largest id, expiry, one entry per user and scope, and never for a reading
as recorded in the past."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from core.history import history_context
from reports.figures import FiguresScope, cache, compute_figures
from reports.tests.test_figures import build_until_as_of

AS_OF = datetime.date(2024, 3, 16)


@pytest.fixture
def county(world, settings, tmp_path):
    return build_until_as_of(world, settings, tmp_path)


@pytest.fixture
def computed(monkeypatch):
    """The number of times the figures were computed."""
    calls = []

    def counting(**kwargs):
        calls.append(kwargs)
        return compute_figures(**kwargs)

    monkeypatch.setattr(cache, "compute_figures", counting)
    return calls


def live(scope=None, **kwargs):
    return cache.live_figures(as_of=AS_OF, scope=scope or FiguresScope(), year_reporting=False, **kwargs)


def test_the_same_figures_while_nothing_is_written_and_fresh_ones_after_a_write(world, county, computed):
    first = live()
    assert live() is first
    assert len(computed) == 1
    assert first["summary"]["total_investment"]["value"] == Decimal("108000.00")

    with history_context(actor=world.office, reason="测试"):
        county.p1.total_investment = Decimal("60000")
        county.p1.save()

    fresh = live()
    assert fresh is not first
    assert len(computed) == 2
    assert fresh["summary"]["total_investment"]["value"] == Decimal("118000.00")
    now = compute_figures(as_of=AS_OF, recorded_at=timezone.now(), year_reporting=False)
    assert fresh.checksum() == now.checksum()


def test_a_late_commit_below_the_largest_id_changes_the_version(county):
    """PostgreSQL hands out ids before commit: a record with a smaller id than one already seen can
    appear later. Taking one out and putting it back stands for that."""
    before = cache.data_version()
    table = connection.ops.quote_name("projects_historicalproject")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(history_id) FROM {table}")
        (largest,) = cursor.fetchone()
        cursor.execute(f"SELECT * FROM {table} WHERE history_id < %s ORDER BY history_id DESC", [largest])
        columns = [column[0] for column in cursor.description]
        row = cursor.fetchone()
        taken = row[columns.index("history_id")]
        cursor.execute(f"DELETE FROM {table} WHERE history_id = %s", [taken])
        missing = cache.data_version()
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        marks = ", ".join(["%s"] * len(columns))
        cursor.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", row)
    assert missing != before
    assert cache.data_version() == before


def test_entries_expire_and_the_date_is_part_of_the_key(county, computed, monkeypatch):
    first = live()
    assert cache.live_figures(as_of=AS_OF + datetime.timedelta(days=1), scope=FiguresScope()) is not first
    assert len(computed) == 2
    clock = cache.time.monotonic()
    monkeypatch.setattr(cache.time, "monotonic", lambda: clock + cache.MAX_AGE + 1)
    assert live() is not first
    assert len(computed) == 3


def test_each_user_and_scope_has_its_own_entry(world, county, computed):
    office = live(FiguresScope(user=world.office))
    township = live(FiguresScope(user=world.reporter_a))
    region = live(FiguresScope(region=world.region_a.code))
    assert len(computed) == 3
    assert office["parameters"]["scope"] != township["parameters"]["scope"]
    assert township["summary"]["projects"]["value"] <= office["summary"]["projects"]["value"]
    assert region["summary"]["projects"]["value"] < office["summary"]["projects"]["value"]
    assert live(FiguresScope(user=world.office)) is office
    assert len(computed) == 3


def test_the_dashboard_keeps_the_live_reading_only(world, county, client, computed):
    client.force_login(world.office)
    for _ in range(2):
        assert client.get("/dashboard/", {"as_of": AS_OF.isoformat()}).status_code == 200
        assert client.get("/api/dashboard/figures/", {"as_of": AS_OF.isoformat()}).status_code == 200
    assert len(computed) == 1
    recorded = {"as_of": AS_OF.isoformat(), "recorded_on": "2024-03-16"}
    for _ in range(2):
        assert client.get("/dashboard/", recorded).status_code == 200
    assert len(computed) == 1  # computed directly, not through the cache
