"""The live figures, kept while nothing has changed: `live_figures` returns the `Figures` computed for
the same parameters earlier in this process when not one history record has been written since — the
dashboard re-opened, filtered back and forth, its numbers opened one after another in a meeting — and
computes them afresh otherwise.

"Nothing has changed" is read from history, the record every business write leaves (the rule
`core.timetravel` rests on): the data version is the largest `history_id` of every historical table,
read through the primary keys in one statement (`versions.read`); on PostgreSQL, where ids are handed
out before commit, an entry is also dropped when a transaction in progress at its reading has committed
since (`versions.committed_since`). Entries also expire after `MAX_AGE` seconds, and the as-of date is
part of the key (a matter falls overdue when the date moves on, not when a record is written).

Only the live reading is kept (records as they are now); a reading as recorded at a past moment is
computed each time. The cache is per process (each server worker keeps its own few entries), holds the
`Figures` object itself (no pickling) and at most `SIZE` of them.
"""

import threading
import time
from collections import OrderedDict

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.utils import timezone

from . import versions
from .engine import compute_figures

SIZE = 4
MAX_AGE = 300  # seconds

_entries = OrderedDict()
_lock = threading.Lock()


def historical_tables():
    """The tables of every django-simple-history model, sorted (a figure may read any of them: the
    projects and their children, dispatch, lights, matters, the organisation's names and scopes)."""
    tables = {
        model._meta.db_table
        for model in apps.get_models()
        if model.__name__.startswith("Historical") and hasattr(model, "instance_type")
    }
    return sorted(tables)


def data_version():
    """(the largest history_id of every historical table, with the database alias first; the other
    transactions in progress on PostgreSQL)."""
    version, pending = versions.read([connection.ops.quote_name(table) for table in historical_tables()])
    return (connection.alias, *version), pending


def _key(as_of, scope, period, schedule_mode, year_reporting):
    """The parameters as a hashable key: the scope as the SQL it resolves to (a user's scope resolves
    to the units and regions that user may see now) and as the figures describe it (by name, the
    user's name included)."""
    import json

    from projects.models import Project

    condition, described = scope.resolve()
    try:
        sql, params = Project._base_manager.filter(condition).query.sql_with_params()
    except EmptyResultSet:  # a scope that can match nothing (a user without any role)
        sql, params = "", ()
    described = json.dumps(described, sort_keys=True, default=str)
    period_code = getattr(period, "code", period)
    return (as_of, sql, tuple(map(str, params)), described, period_code, str(schedule_mode), year_reporting)


def live_figures(*, as_of, scope, period=None, schedule_mode="months", year_reporting=True):
    """`compute_figures(...)` of the records as they are now, from this process's cache when nothing
    has been written since it was computed (see the module docstring). Returns a `Figures`; callers
    must not change it."""
    from .scope import FiguresScope

    scope = scope or FiguresScope()
    key = _key(as_of, scope, period, schedule_mode, year_reporting)
    version, pending = data_version()
    now = time.monotonic()
    with _lock:
        entry = _entries.get(key)
    if entry is not None and entry[0] == version and now - entry[1] <= MAX_AGE:
        late, still_pending = versions.committed_since(entry[3])
        if not late:
            with _lock:
                if key in _entries:
                    _entries[key] = (*entry[:3], still_pending | pending)
                    _entries.move_to_end(key)
            return entry[2]
    figures = compute_figures(
        as_of=as_of,
        scope=scope,
        period=period,
        recorded_at=timezone.now(),
        schedule_mode=schedule_mode,
        year_reporting=year_reporting,
        keep_records=True,
    )
    with _lock:
        _entries[key] = (version, now, figures, pending)
        _entries.move_to_end(key)
        while len(_entries) > SIZE:
            _entries.popitem(last=False)
    return figures


def clear():
    """Forget every kept entry and record (tests)."""
    from . import records

    with _lock:
        _entries.clear()
    records.clear()
