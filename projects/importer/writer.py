"""Writing an import: many rows and their history rows in a few statements.

Saving 20,000 projects one by one, or even through `bulk_create_with_history` (Django's INSERT compiler
prepares every value of every row: about 8 s for 20,000 projects with their stage transitions and plans
on this machine, history included), misses the 5,000 rows/s an office's whole project list must load at.
So rows go in as plain statements, each value prepared by its model field (`get_db_prep_save`,
memoised: the same few amounts and dates repeat): `executemany` on SQLite, COPY on PostgreSQL (with ids
taken from the sequence first). Each history record is then copied from the row as stored (INSERT …
SELECT) with the actor, reason, request id and time django-simple-history would give it (`+` after an
insert, `~` after an update, the many-to-many set snapshotted with it). The caller runs all of this
inside one transaction.

The same results as the services, in bulk: `register_project` (a code "<region>-<year>-<nnnn>",
the first stage, a `StageTransition` row) and `set_annual_plan` (the year's amount phased in a
straight line by `phase_by_month`). Model signals are not sent, as with any bulk write.
"""

import re
from contextlib import contextmanager
from operator import itemgetter

from django.db import connection, models

from ..models import AnnualPlan, Project, StageTransition
from ..services import phase_by_month

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


def _converters(model, attnames):
    """For each column, None (the value goes as it is) or a memoised `get_db_prep_save`."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    result = []
    for name in attnames:
        model_field = fields[name]
        if not isinstance(model_field, PREPARED_FIELDS):
            result.append(None)
            continue
        memo = {}

        def convert(value, model_field=model_field, memo=memo):
            if value is None:
                return None
            key = tuple(value) if isinstance(value, list) else value
            try:
                return memo[key]
            except KeyError:
                prepared = memo[key] = model_field.get_db_prep_save(value, connection)
                return prepared

        result.append(convert)
    return result


def _params(model, attnames, rows):
    """Each row's values of `attnames`, prepared for the database."""
    values_of = itemgetter(*attnames) if len(attnames) > 1 else lambda row: (row[attnames[0]],)
    converted = [
        (position, convert)
        for position, convert in enumerate(_converters(model, attnames))
        if convert is not None
    ]
    params = []
    for row in rows:
        values = list(values_of(row))
        for position, convert in converted:
            values[position] = convert(values[position])
        params.append(values)
    return params


@contextmanager
def _cursor():
    """A cursor for many parameters: on PostgreSQL a psycopg cursor binding them on the server (Django's
    default client-side binding re-parses a long statement in Python for every execution), elsewhere
    Django's own."""
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            yield cursor
    else:
        with connection.cursor() as cursor:
            yield cursor


def _execute_many(sql, model, attnames, rows):
    params = _params(model, attnames, rows)
    if params:
        with _cursor() as cursor:
            cursor.executemany(sql, params)


def _columns(model, attnames):
    fields = {field.attname: field for field in model._meta.concrete_fields}
    return [connection.ops.quote_name(fields[name].column) for name in attnames]


def insert_rows(model, rows, attnames):
    """INSERT each dict of `rows` (values by attname) into `model`'s table."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(_columns(model, attnames))
    if connection.vendor != "postgresql":
        placeholders = ", ".join(["%s"] * len(attnames))
        _execute_many(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", model, attnames, rows)
        return
    # PostgreSQL: COPY, several times faster than one INSERT per row even in pipeline mode.
    params = _params(model, attnames, rows)
    if params:
        with _cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in params:
                copy.write_row(row)


def update_rows(model, rows, attnames):
    """UPDATE `attnames` of each dict of `rows` (which also holds its "id")."""
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{column} = %s" for column in _columns(model, attnames))
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"
    _execute_many(sql, model, [*attnames, "id"], rows)


def model_columns(model):
    return [field.attname for field in model._meta.concrete_fields if not field.primary_key]


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
        historical = model.history.model
        quote = connection.ops.quote_name
        source = [quote(field.column) for field in historical.tracked_fields]
        target = [quote(historical._meta.get_field(field.name).column) for field in historical.tracked_fields]
        target += [quote(historical._meta.get_field(name).column) for name in HISTORY_EXTRAS]
        date = historical._meta.get_field("history_date").get_db_prep_save(self.now, connection)
        extras = [date, self.reason, history_type, self.user_id, self.request_id]
        with _cursor() as cursor:
            for part in chunks(pks):
                cursor.execute(
                    f"INSERT INTO {quote(historical._meta.db_table)} ({', '.join(target)}) "
                    f"SELECT {', '.join(source)}, %s, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                    f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(part))})",
                    [*extras, *part],
                )

    def create(self, model, rows, id_of):
        """Insert `rows` (dicts without "id") and their `+` records; `id_of(rows)` finds each new id
        (on PostgreSQL the ids are taken from the table's sequence first and inserted with the rows)."""
        if connection.vendor == "postgresql":
            for row, pk in zip(rows, reserve_ids(model, len(rows)), strict=True):
                row["id"] = pk
            insert_rows(model, rows, ["id", *model_columns(model)])
        else:
            insert_rows(model, rows, model_columns(model))
            for row, pk in zip(rows, id_of(rows), strict=True):
                row["id"] = pk
        self.history(model, [row["id"] for row in rows], "+")

    def update(self, model, rows, attnames):
        """Set `attnames` of `rows` (dicts with "id") and write their `~` records."""
        for row in rows:
            row["updated_at"] = self.now
        update_rows(model, rows, [*attnames, "updated_at"])
        self.history(model, [row["id"] for row in rows], "~")


def reserve_ids(model, count):
    """PostgreSQL: `count` ids from the sequence of `model`'s primary key."""
    if not count:
        return []
    with _cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def new_codes(wanted, taken):
    """Codes continuing `next_project_code`'s scheme "<region code>-<year>-<nnnn>" for `wanted`
    [(region code, year)], skipping `taken`; numbers compared as numbers (past 9999 too)."""
    by_prefix = {}
    codes = []
    for region_code, year in wanted:
        prefix = f"{region_code}-{year}-"
        if prefix not in by_prefix:
            existing = Project.objects.filter(code__startswith=prefix).values_list("code", flat=True)
            pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
            numbers = [int(match.group(1)) for code in existing if (match := pattern.match(code))]
            by_prefix[prefix] = max(numbers, default=0)
        number = by_prefix[prefix] + 1
        while f"{prefix}{number:04d}" in taken:
            number += 1
        by_prefix[prefix] = number
        codes.append(f"{prefix}{number:04d}")
    return codes


def project_ids(rows):
    wanted = [row["code"] for row in rows]
    found = {}
    for part in chunks(wanted):
        found.update(Project.objects.filter(code__in=part).values_list("code", "pk"))
    return [found[code] for code in wanted]


def transition_ids(rows):
    found = {}
    for part in chunks({row["project_id"] for row in rows}):
        found.update(
            (project_id, pk)
            for pk, project_id in StageTransition.objects.filter(project_id__in=part).values_list(
                "pk", "project_id"
            )
        )
    return [found[row["project_id"]] for row in rows]


def plan_ids(rows):
    found = {}
    for part in chunks({row["project_id"] for row in rows}):
        for pk, project_id, year in AnnualPlan.objects.filter(project_id__in=part).values_list(
            "pk", "project_id", "year"
        ):
            found[project_id, year] = pk
    return [found[row["project_id"], row["year"]] for row in rows]


def plan_row(project_id, year, amount, now):
    """An AnnualPlan row as `set_annual_plan` makes it (months phased in a straight line)."""
    return {
        "created_at": now,
        "updated_at": now,
        "is_synthetic": False,
        "project_id": project_id,
        "year": year,
        "amount": amount,
        "month_amounts": [str(month) for month in phase_by_month(amount)],
    }


def write_cooperating_units(writer, project_ids, added, removed):
    """Apply the changes to projects' cooperating units ({project id: {unit ids}}), then copy each of
    `project_ids`' full set into the many-to-many history of its record of this import (as
    django-simple-history snapshots the set with every record)."""
    through = Project.cooperating_units.through
    quote = connection.ops.quote_name
    pairs = [{"project_id": pk, "unit_id": unit} for pk, units in removed.items() for unit in units]
    if pairs:
        sql = (
            f"DELETE FROM {quote(through._meta.db_table)} "
            f"WHERE {quote('project_id')} = %s AND {quote('unit_id')} = %s"
        )
        _execute_many(sql, through, ["project_id", "unit_id"], pairs)
    new_pairs = [{"project_id": pk, "unit_id": unit} for pk, units in added.items() for unit in units]
    insert_rows(through, new_pairs, ["project_id", "unit_id"])
    historical = Project.history.model
    m2m_history = historical.cooperating_units.model
    date = historical._meta.get_field("history_date").get_db_prep_save(writer.now, connection)
    links, records = quote(through._meta.db_table), quote(historical._meta.db_table)
    project_column = quote(through._meta.get_field("project").column)
    with _cursor() as cursor:
        for part in chunks(project_ids):
            cursor.execute(
                f"INSERT INTO {quote(m2m_history._meta.db_table)} "
                "(id, project_id, unit_id, history_id) "
                f"SELECT t.id, t.project_id, t.unit_id, h.history_id FROM {links} t "
                f"JOIN {records} h ON h.id = t.{project_column} "
                "AND h.request_id = %s AND h.history_date = %s "
                f"WHERE t.{project_column} IN ({', '.join(['%s'] * len(part))})",
                [writer.request_id, date, *part],
            )
