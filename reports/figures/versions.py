"""Whether history has been written since: the version of a set of historical tables, for the live
figures kept in a server process (`cache`, every historical table; `records`, the six a project's record
reads).

A version is the largest `history_id` of each table, read through the primary keys in one statement.
Every business write leaves a history record (the rule `core.timetravel` rests on), so a write raises
it. SQLite has one writer at a time: ids are committed in order. PostgreSQL hands out ids before
commit, so a long transaction can commit after a shorter, later one, with ids below a version already
read: the ids of the other transactions in progress when a version is read are kept with it
(`pending`), and a version whose pending transactions have committed since is no longer the data's.
"""

from django.db import connection

# A 32-bit backend_xid widened to the snapshot's 64-bit ids by the nearest epoch.
_RUNNING = (
    "SELECT (r + mod(x - mod(r, 4294967296) + 6442450944, 4294967296) - 2147483648)::text "
    "FROM (SELECT backend_xid::text::numeric AS x, "
    "pg_snapshot_xmax(pg_current_snapshot())::text::numeric AS r FROM pg_stat_activity "
    "WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()) AS running"
)


def read(tables):
    """(the largest history_id of each of `tables` — quoted names — as a tuple, the ids of the other
    transactions in progress on PostgreSQL as a frozenset; empty on SQLite)."""
    maxima = ", ".join(f"(SELECT COALESCE(MAX(history_id), 0) FROM {table})" for table in tables)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(f"SELECT {maxima}")
            return tuple(cursor.fetchone()), frozenset()
        # The transactions holding an id are read first: one still in progress when the maxima are
        # read is then listed here or, having taken its id in the microseconds in between, in the
        # snapshot's list (which leaves out those that took an id after the last commit). The user
        # must see its own sessions in pg_stat_activity (one database user for the service).
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(_RUNNING)
        running = {row[0] for row in cursor.fetchall()}
        cursor.execute(f"SELECT {maxima}, ARRAY(SELECT pg_snapshot_xip(pg_current_snapshot())::text)")
        *versions, listed = cursor.fetchone()
        return tuple(versions), frozenset(running | set(listed))


def committed_since(pending):
    """(whether any of the `pending` transactions has committed, those still in progress)."""
    if not pending:
        return False, frozenset()
    with connection.cursor() as cursor:
        cursor.execute("SELECT x, pg_xact_status(x::xid8) FROM unnest(%s::text[]) AS x", [sorted(pending)])
        statuses = cursor.fetchall()
    committed = any(status == "committed" for _, status in statuses)
    return committed, frozenset(x for x, status in statuses if status == "in progress")
