"""Bulk writes with history: many rows and their django-simple-history records in a few statements.

Saving tens of thousands of rows one by one, or through `bulk_create_with_history` (Django's INSERT
compiler prepares every value of every row), takes seconds where an import must take a fraction of one.
So rows go in as plain statements, each value prepared by its model field (`get_db_prep_save`, once per
distinct value of a column: the same few amounts and dates repeat). Each history record is then copied
from the row as stored (INSERT … SELECT) with the actor, reason, request id and time django-simple-history
would give it (`+` after an insert, `~` after an update). Model signals are not sent, as with any bulk
write. The caller runs all of this inside one transaction.

Per database, what measured fastest (20,000 rows, see bench/README.md):

- SQLite: an UPDATE per row through `executemany`; new rows are staged in a temporary table without
  indexes (`executemany`), then copied into the table by one INSERT … SELECT — each execution of an
  INSERT into a table opens every index and foreign key it touches, which cost twice the staging. The rows
  to copy into history are named by one JSON array of ids (`json_each`), one statement per model.
- PostgreSQL: COPY for new rows (with ids taken from the sequence first); for updates, COPY of the new
  values into a temporary table and one UPDATE … FROM it; the history copies name their rows by one
  array of ids (`= ANY(%s)`) per 10,000 rows.
"""

import json
from contextlib import contextmanager
from operator import itemgetter

from django.db import connection, models

CHUNK = 500  # SQLite: Django assumes at most 999 parameters per statement
CHUNK_POSTGRES = 10_000
HISTORY_EXTRAS = ("history_date", "history_change_reason", "history_type", "history_user", "request_id")
PREPARED_FIELDS = (models.DecimalField, models.DateField, models.JSONField)  # DateTimeField included


def chunks(items, size=None):
    """`items` in lists short enough for one statement's parameters."""
    items = list(items)
    size = size or (CHUNK_POSTGRES if connection.vendor == "postgresql" else CHUNK)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def model_columns(model):
    """The attnames of `model`'s concrete fields but its primary key: what an inserted row holds."""
    return [field.attname for field in model._meta.concrete_fields if not field.primary_key]


def column_names(model, attnames):
    """The quoted columns of `attnames`."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    return [connection.ops.quote_name(fields[name].column) for name in attnames]


def _prepared_column(model_field, values):
    """`values` of one column as the database takes them: `get_db_prep_save` once per distinct value."""
    prepare = model_field.get_db_prep_save
    if isinstance(model_field, models.JSONField):
        # A list is memoised by its items and their types ([1] and [True] are equal, not stored alike);
        # what cannot be hashed (a dict, nested lists) is prepared on its own.
        memo, result = {None: None}, []
        for value in values:
            try:
                key = (tuple(value), tuple(map(type, value))) if isinstance(value, list) else value
                if type(key) is not tuple and value is not None:
                    key = (value, type(value))
                prepared = memo[key]
            except KeyError:
                prepared = memo[key] = _adapted(prepare(value, connection))
            except TypeError:
                prepared = _adapted(prepare(value, connection))
            result.append(prepared)
        return result
    # Equal values (Decimal("1.0") and Decimal("1.00"), one instant in two time zones) are stored alike.
    memo = {value: _adapted(prepare(value, connection)) for value in set(values) if value is not None}
    memo[None] = None
    return list(map(memo.__getitem__, values))


def _adapted(value):
    """SQLite: `value` as the driver would bind it (a Decimal becomes text through the adapter Django
    registers), converted here once per distinct value rather than once per row."""
    if connection.vendor != "sqlite":
        return value
    import sqlite3

    adapt = sqlite3.adapters.get((type(value), sqlite3.PrepareProtocol))
    return adapt(value) if adapt is not None else value


def prepared_rows(model, attnames, rows):
    """Each dict of `rows` as a tuple of its values of `attnames`, prepared for the database."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    columns = []
    for name in attnames:
        values = list(map(itemgetter(name), rows))
        if isinstance(fields[name], PREPARED_FIELDS):
            values = _prepared_column(fields[name], values)
        columns.append(values)
    return list(zip(*columns, strict=True))


@contextmanager
def cursor():
    """A cursor for many parameters: on PostgreSQL a psycopg cursor binding them on the server (Django's
    default client-side binding re-parses a long statement in Python for every execution), elsewhere
    Django's own."""
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as server_cursor:
            yield server_cursor
    else:
        with connection.cursor() as django_cursor:
            yield django_cursor


def execute_many(sql, model, attnames, rows):
    """Run `sql` once for each dict of `rows`, with its values of `attnames` as parameters."""
    params = prepared_rows(model, attnames, rows)
    if params:
        with cursor() as database:
            database.executemany(sql, params)


def insert_rows(model, rows, attnames):
    """INSERT each dict of `rows` (values by attname) into `model`'s table, in the order given."""
    params = prepared_rows(model, attnames, rows)
    if not params:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(column_names(model, attnames))
    if connection.vendor == "postgresql":
        # COPY: several times faster than one INSERT per row, even in pipeline mode.
        with cursor() as database, database.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in params:
                copy.write_row(row)
        return
    # The staging table has no declared types: each value is kept as bound, and the INSERT … SELECT
    # applies the table's column affinity to it, as a direct INSERT would.
    stage = quote(f"bulk_{model._meta.db_table}")
    with cursor() as database:
        database.execute(f"CREATE TEMP TABLE {stage} ({columns})")
        placeholders = ", ".join(["%s"] * len(attnames))
        database.executemany(f"INSERT INTO temp.{stage} VALUES ({placeholders})", params)
        database.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM temp.{stage} ORDER BY rowid")
        database.execute(f"DROP TABLE temp.{stage}")  # on an error, rolled back with the transaction


def update_rows(model, rows, attnames):
    """UPDATE `attnames` of each dict of `rows` (which also holds its "id"; each id once)."""
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    columns = column_names(model, attnames)
    if connection.vendor != "postgresql":
        assignments = ", ".join(f"{column} = %s" for column in columns)
        execute_many(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", model, [*attnames, "id"], rows)
        return
    # PostgreSQL: one UPDATE per row costs a round trip each (3 s for 20,000 reports, even pipelined);
    # the new values are copied into a temporary table of the same column types, then set in one UPDATE.
    params = prepared_rows(model, ["id", *attnames], rows)
    if not params:
        return
    stage = quote(f"bulk_{model._meta.db_table}")
    names = ", ".join([pk, *columns])
    assignments = ", ".join(f"{column} = {stage}.{column}" for column in columns)
    with cursor() as database:
        database.execute(f"CREATE TEMP TABLE {stage} AS SELECT {names} FROM {table} WITH NO DATA")
        with database.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
            for row in params:
                copy.write_row(row)
        database.execute(f"UPDATE {table} SET {assignments} FROM {stage} WHERE {table}.{pk} = {stage}.{pk}")
        database.execute(f"DROP TABLE {stage}")  # on an error, rolled back with the transaction


def reserve_ids(model, count):
    """`count` new ids for rows of `model`, to insert with them (inside the transaction that inserts).

    PostgreSQL: taken from the sequence of the primary key. SQLite: the ids after the largest one the
    table has ever used (AUTOINCREMENT's `sqlite_sequence`, else its largest id); no other connection
    can take them meanwhile, since the transaction holds the database's write lock."""
    if not count:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with cursor() as database:
        if connection.vendor == "postgresql":
            # The sequence named once: `nextval(pg_get_serial_sequence(…))` looks it up for every row
            # (10× slower).
            database.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
            sequence = database.fetchone()[0]
            database.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
            return [row[0] for row in database.fetchall()]
        quote = connection.ops.quote_name
        database.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max({quote(pk)}) FROM {quote(table)}), 0))",
            [table],
        )
        last = database.fetchone()[0]
    return list(range(last + 1, last + count + 1))


def rows_named(column, pks):
    """A WHERE condition on `column` selecting the rows `pks`, and its parameters: one condition per
    statement — SQLite reads the ids from one JSON array, PostgreSQL takes them as one array."""
    if connection.vendor == "postgresql":
        yield from ((f"{column} = ANY(%s)", [part]) for part in chunks(pks))
    else:
        yield f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(pks))]


class HistoryWriter:
    """Rows and their history records, attributed to one actor, reason, request id and moment.

    A history record is copied from the row as stored (INSERT … SELECT), the way django-simple-history
    copies an instance's tracked fields: after an insert (`+`) or an update (`~`).
    """

    def __init__(self, *, actor, reason, request_id, now):
        self.now = now
        self.reason, self.request_id = reason, request_id
        self.user_id = actor.pk if actor is not None else None

    def history(self, model, pks, history_type):
        """History records of the rows `pks` of `model`, as they are now."""
        if not pks:
            return
        historical = model.history.model
        quote = connection.ops.quote_name
        source = [quote(field.column) for field in historical.tracked_fields]
        target = [quote(historical._meta.get_field(field.name).column) for field in historical.tracked_fields]
        target += [quote(historical._meta.get_field(name).column) for name in HISTORY_EXTRAS]
        date = historical._meta.get_field("history_date").get_db_prep_save(self.now, connection)
        extras = [date, self.reason, history_type, self.user_id, self.request_id]
        with cursor() as database:
            for condition, params in rows_named(quote(model._meta.pk.column), pks):
                database.execute(
                    f"INSERT INTO {quote(historical._meta.db_table)} ({', '.join(target)}) "
                    f"SELECT {', '.join(source)}, %s, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                    f"WHERE {condition}",
                    [*extras, *params],
                )

    def create(self, model, rows):
        """Insert `rows` (dicts without "id"; each gets its new "id") and write their `+` records."""
        for row, pk in zip(rows, reserve_ids(model, len(rows)), strict=True):
            row["id"] = pk
        insert_rows(model, rows, ["id", *model_columns(model)])
        self.history(model, [row["id"] for row in rows], "+")

    def update(self, model, rows, attnames):
        """Set `attnames` of `rows` (dicts with "id") and write their `~` records."""
        for row in rows:
            row["updated_at"] = self.now
        update_rows(model, rows, [*attnames, "updated_at"])
        self.history(model, [row["id"] for row in rows], "~")
