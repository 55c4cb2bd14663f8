"""The per-project records of the live reading, kept between calls: after a write, the dashboard's next
view reloads the records of the projects written to and reuses the others' (`compute_figures(...,
keep_records=True)`, used by `cache.live_figures`).

A record (`values.Record`) is what the figures read of one project on the as-of date: its fields, its
stage and first start and completion from the stage transitions, its 开工 and 竣工 milestones, the
year's annual plan, its latest reported year-to-date figure and its latest light. Building it for
10,000 projects takes about two thirds of a fresh computation; the summaries over the records, the
reporting tallies and the matters are computed afresh on every call (see docs/figures.md).

Which projects were written to is read from history, the record every business write leaves (the rule
`core.timetravel` rests on): each of the tables a record reads (`sources()`) has a historical table with
an increasing `history_id`, so the projects changed since a version are those of the history records
above it, read through the primary key. Records are kept per as-of date, 序时进度 mode and dispatch rounds
of the year (a new or edited round reloads every record), for the database connection's alias.

A history record committed late with an id below one already seen (PostgreSQL hands out ids before
commit) is caught through the transactions in progress when the version was read (`versions`): when
one of them has committed since, every record is read again. Entries also expire after `MAX_AGE`
seconds (a write made without history, by hand in the database, is seen then at the latest), and at
most `SIZE` are kept.

Records are never changed once built (the builder only reads them), so one list serves every scope:
the scope's projects are read afresh each call (one query over the projects) and their records picked.
"""

import threading
import time
from collections import OrderedDict

from django.db import connection

from core.timetravel import changed_after, historical_model, in_ids

from . import versions

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
    __slots__ = ("made", "pending", "records", "version")

    def __init__(self, version, pending):
        self.version, self.pending = version, pending
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
    return versions.read([table for table, _ in _tables()])


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
    queries = [changed_after(model, moment, column) for model, column in sources()]
    return {value for row in queries[0].union(*queries[1:]) for value in row.values()}


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
        version, pending = _read_version()
        entry = _entries.pop(key, None)
        changed = None
        if entry is not None and time.monotonic() - entry.made <= MAX_AGE:
            late, still_pending = versions.committed_since(entry.pending)
            if not late:
                changed = _changed(entry.version, version)
                pending |= still_pending
        if changed is None:
            entry = _Entry(version, pending)
        else:
            entry.version, entry.pending = version, pending
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
