"""The per-project records of the live reading, kept between calls: after a write, the dashboard's next
view reloads the records of the projects written to and reuses the others' (`compute_figures(...,
keep_records=True)`, used by `cache.live_figures`).

A record (`values.Record`) is what the figures read of one project on the as-of date: its fields, its
stage and first start and completion from the stage transitions, its 开工 and 竣工 milestones, the
year's annual plan, its latest reported year-to-date figure and its latest light. Building it for
10,000 projects takes about two thirds of a fresh computation; the summaries over the records, the
reporting tallies and the matters are computed afresh on every call (see docs/figures.md).

Which projects were written to is read from history, the record every business write leaves (the rule
`core.timetravel` rests on): each of the tables a record reads (`SOURCES`) has a historical table with
an increasing `history_id`, so the projects changed since a version are those of the history records
above it, read through the primary key. Records are kept per as-of date, 序时进度 mode and dispatch rounds
of the year (a new or edited round reloads every record), for the database connection's alias.

A history record committed late with an id below one already seen (PostgreSQL hands out ids before
commit, so a long transaction can commit after a shorter, later one) is caught through PostgreSQL's
snapshot: the transactions in progress when a version was read are remembered, and when one of them has
committed since, every record is reloaded. SQLite has one writer at a time and commits in id order.
Entries also expire after `MAX_AGE` seconds (a write made without history, by hand in the database,
is seen then at the latest), and at most `SIZE` are kept.

Records are never changed once built (the builder only reads them), so one list serves every scope:
the scope's projects are read afresh each call (one query over the projects) and their records picked.
"""

import threading
import time
from collections import OrderedDict

from django.db import connection

from core.timetravel import historical_model, in_ids

SIZE = 3
MAX_AGE = 3600  # seconds


def sources():
    """[(model, the column of its historical table naming the project)] of what a record reads."""
    from dispatch.models import ProgressReport
    from lights.models import ProjectLight
    from projects.models import AnnualPlan, Milestone, Project, StageTransition

    return [
        (Project, "id"),
        (StageTransition, "project_id"),
        (Milestone, "project_id"),
        (AnnualPlan, "project_id"),
        (ProgressReport, "project_id"),
        (ProjectLight, "project_id"),
    ]


class _Entry:
    __slots__ = ("made", "pending", "records", "versions")

    def __init__(self, versions, pending):
        self.versions, self.pending = versions, pending
        self.made = time.monotonic()
        self.records = {}  # project id: Record, or None when it has no record (registered after as_of)


_entries = OrderedDict()
_lock = threading.Lock()


def _tables():
    return [
        (connection.ops.quote_name(historical_model(model)._meta.db_table), column)
        for model, column in sources()
    ]


def _read_version():
    """(the largest history_id of each source table, on PostgreSQL the ids of the other transactions
    in progress when they were read; an empty set on SQLite)."""
    maxima = ", ".join(f"(SELECT COALESCE(MAX(history_id), 0) FROM {table})" for table, _ in _tables())
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(f"SELECT {maxima}")
            return tuple(cursor.fetchone()), frozenset()
        # The transactions holding an id, read first: one still in progress when the maxima are read is
        # then either listed here or, having taken its id in the microseconds in between, in the
        # snapshot's list (which leaves out those that took an id after the last commit).
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        # backend_xid is 32 bits, the snapshot's ids 64: widened by the nearest epoch.
        cursor.execute(
            "SELECT (r + mod(x - mod(r, 4294967296) + 6442450944, 4294967296) - 2147483648)::text "
            "FROM (SELECT backend_xid::text::numeric AS x, "
            "pg_snapshot_xmax(pg_current_snapshot())::text::numeric AS r FROM pg_stat_activity "
            "WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()) AS running"
        )
        running = {row[0] for row in cursor.fetchall()}
        cursor.execute(f"SELECT {maxima}, ARRAY(SELECT pg_snapshot_xip(pg_current_snapshot())::text)")
        *versions, listed = cursor.fetchone()
        return tuple(versions), frozenset(running | set(listed))


def _committed_since(pending):
    """(whether any of the `pending` transactions has committed, those still in progress)."""
    if not pending:
        return False, frozenset()
    with connection.cursor() as cursor:
        cursor.execute("SELECT x, pg_xact_status(x::xid8) FROM unnest(%s::text[]) AS x", [sorted(pending)])
        statuses = cursor.fetchall()
    committed = any(status == "committed" for _, status in statuses)
    return committed, frozenset(x for x, status in statuses if status == "in progress")


def _changed(old, new):
    """The ids of the projects with a history record in a source table above version `old`; None
    when a table's version went down (history removed by hand: reload everything)."""
    if any(after < before for before, after in zip(old, new, strict=True)):
        return None
    parts = [
        f"SELECT {column} FROM {table} WHERE history_id > %s"
        for (table, column), before, after in zip(_tables(), old, new, strict=True)
        if after > before
    ]
    if not parts:
        return set()
    params = [before for before, after in zip(old, new, strict=True) if after > before]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ".join(parts), params)
        return {row[0] for row in cursor.fetchall()}


def _written_after(moment):
    """The ids of the projects with a history record in a source table dated after `moment`."""
    queries = [
        historical_model(model)
        ._default_manager.filter(history_date__gt=moment)
        .order_by()
        .values_list(column)
        for model, column in sources()
    ]
    return {row[0] for row in queries[0].union(*queries[1:])}


def _scope_ids(condition):
    from projects.models import Project

    return list(Project._base_manager.filter(condition).order_by("id").values_list("id", flat=True))


def records(builder, condition, rounds):
    """The builder's records of the projects matching `condition` as they stood at `builder.moment`
    (the present: a moment just taken), sorted by id: kept ones where their project has not been
    written to since, the others built by `builder.read_records`."""
    key = (
        connection.alias,
        builder.as_of,
        str(builder.schedule_mode),
        tuple(tuple(sorted(row.items())) for row in rounds),
    )
    with _lock:
        # The version is read before the records are, so a write that lands in between is read again
        # next time (its history id is above the version kept).
        versions, pending = _read_version()
        entry = _entries.pop(key, None)
        changed = None
        if entry is not None and time.monotonic() - entry.made <= MAX_AGE:
            late, still_pending = _committed_since(entry.pending)
            if not late:
                changed = _changed(entry.versions, versions)
                pending |= still_pending
        if changed is None:
            entry = _Entry(versions, pending)
        else:
            entry.versions, entry.pending = versions, pending
            for project_id in changed:
                entry.records.pop(project_id, None)
        ids = _scope_ids(condition)
        kept = entry.records
        needed = [pk for pk in ids if pk not in kept]
        if needed:
            for record in builder.read_records(in_ids("id", needed), rounds):
                kept[record.id] = record
            for pk in needed:
                kept.setdefault(pk, None)
        found = [kept[pk] for pk in ids if kept[pk] is not None]
        # A write committed after the builder's moment but before the version was read is in the
        # version, yet the records show the projects as they stood at the moment: not kept.
        for project_id in _written_after(builder.moment):
            kept.pop(project_id, None)
        _entries[key] = entry
        while len(_entries) > SIZE:
            _entries.popitem(last=False)
        return found


def warm(as_of, schedule_mode="months"):
    """Read or refresh the records of every project for `as_of` as they are now, so that the next
    live reading of that date, in any scope, reads only what is written after; the number of
    records kept. (`dashboard.warm` calls it in each server process.)"""
    from django.db.models import Q
    from django.utils import timezone

    from lights.choices import TimeElapsedMode

    from . import data
    from .builder import _Builder

    builder = _Builder(as_of, timezone.now(), None, TimeElapsedMode(schedule_mode))
    return len(records(builder, Q(), data.rounds(builder.moment, builder.ytd.start, as_of)))


def clear():
    """Forget every kept record (tests)."""
    with _lock:
        _entries.clear()
