"""The dashboard's live figures kept while nothing is written (reports.figures.cache), on the hand-built
county of test_figures: the same figures object while the data version holds, fresh figures after any
write or a late commit (PostgreSQL), expiry, one entry per user and scope, and never for a reading as
recorded in the past."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from core.history import history_context
from reports.figures import FiguresScope, cache, compute_figures

AS_OF = datetime.date(2024, 3, 16)


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


def test_a_write_raises_the_version(world, county):
    before, _ = cache.data_version()
    with history_context(actor=world.office, reason="测试"):
        county.p3.save()
    after, _ = cache.data_version()
    assert after != before and after[0] == before[0] == connection.alias


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL hands out ids before commit")
def test_a_transaction_in_progress_at_the_reading_that_commits_later_computes_afresh(county, computed):
    """Its history records may carry ids below the version read: once it has committed, the kept
    figures are not handed back."""
    import psycopg

    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432
    )
    try:
        other.execute("SELECT pg_current_xact_id()")  # holds a transaction id, as a write does
        first = live()
        assert live() is first  # still in progress
        other.commit()
        assert live() is not first
        assert len(computed) == 2
    finally:
        other.close()


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
