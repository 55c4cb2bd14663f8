"""Time travel: many rows of a model as they stood at a past moment, read in bulk from history.

Every business model keeps its history in django-simple-history's historical table: one record per
insert (`+`), update (`~`) and deletion (`-`), each with its `history_date`. The state of an object
at a moment T is its latest record with `history_date <= T`, unless that record is a deletion; an
object whose first record comes after T did not exist yet.

"Latest" is by `history_date`, then by `history_id`: bulk writes (`core.bulk.HistoryWriter`, the
demo loader) stamp an insert and the updates that follow it with the same instant, and the record
written last has the larger `history_id`. (simple-history's own `as_of()` compares dates only and
returns one row per tied record.)

Two readings give the same rows:

- `history_as_of(model, T)`: the definition above, over the historical table alone (one correlated
  "latest record" subquery per candidate record). Exact and simple; it reads every record up to T, so
  it slows down as history grows (half a million weekly reports have well over a million records).
- `rows_as_of(model, T, fields)`: the current table for the objects with no record after T (their
  current row *is* their state at T, since every change writes a record) united with the
  historical state of the few objects changed or deleted after T. One query; for a recent T it reads
  the current table through its own indexes and touches history only through the `history_date`
  index. This is what the figures engine uses; tests prove it equals `history_as_of`.

Both take a `condition` (a `Q` over the model's fields, joins allowed) that is applied to each
object's state at T, never to pick an older record: "projects whose year was 2024 at T" is not "the
last record of each project that said 2024". Joins read related rows as they are now (historical
foreign keys point at the live tables); time-travel the related model too when that matters.

The rule the fast reading rests on — every change of a business row writes a history record — holds
for the services and for `core.bulk`; a raw `QuerySet.update()` on a business model breaks it (and
breaks the change log with it).
"""

import contextvars
import datetime
from contextlib import contextmanager
from decimal import Decimal

from django.db import connections
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from simple_history.signals import pre_create_historical_record

DELETION = "-"
_recorded_at = contextvars.ContextVar("tiaodu_recorded_at", default=None)


def end_of_day(day):
    """The last instant of `day` in the project's time zone (Asia/Shanghai): what "as it stood at the
    end of that day" compares history dates with."""
    midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(midnight) - datetime.timedelta(microseconds=1)


def historical_model(model):
    """The django-simple-history model that records `model` (ValueError when it has none)."""
    history = getattr(model, "history", None)
    if history is None:
        raise ValueError(f"{model._meta.label} has no history")
    return history.model


def _latest_record(historical, moment):
    """A subquery: the history_id of the latest record, at `moment`, of the object of the outer row."""
    return (
        historical._default_manager.filter(id=OuterRef("id"), history_date__lte=moment)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )


def history_as_of(model, moment, condition=None):
    """The historical records giving each object of `model` as it stood at `moment` (one per object
    that existed then and was not deleted by then), narrowed by `condition` on that state.

    Returns a queryset of historical records: filter, annotate, aggregate or take `.values()` of it
    as of any queryset."""
    historical = historical_model(model)
    records = historical._default_manager.filter(
        history_date__lte=moment, history_id=Subquery(_latest_record(historical, moment))
    ).exclude(history_type=DELETION)
    return records.filter(condition) if condition is not None else records


def changed_after(model, moment, field="id"):
    """A subquery of the ids of `model`'s objects with a history record after `moment` (changed,
    deleted or created since) — or of another `field` of those records (e.g. "project_id")."""
    return historical_model(model)._default_manager.filter(history_date__gt=moment).order_by().values(field)


def rows_as_of(model, moment, fields, condition=None, *, tuples=False, **expressions):
    """`fields` (names or attnames valid on the model and its historical model, e.g. "region_id") of
    each object of `model` as it stood at `moment` and satisfying `condition` then: a values queryset
    (one UNION ALL query) of the current rows unchanged since `moment` and the historical state of the
    rows changed or deleted after it. `expressions` are computed columns (as `values(**expressions)`),
    placed after the fields. `tuples`: rows as tuples in that order (as `values_list`), not dicts.

    The result can be iterated, or compiled (`sql_of`) and used as a derived table by SQL that groups
    or ranks it; being a union, the ORM cannot filter it further — pass `condition` instead. When no
    record of the model was written after `moment` (checked when this is called), it is the current
    rows alone."""
    condition = condition if condition is not None else Q()
    changed = changed_after(model, moment)
    if not changed.exists():
        # Nothing written since `moment` (the live reading): the current rows are the state then. One
        # look through the history_date index spares the union's probes of history for every row.
        current = model._base_manager.filter(condition)
        if tuples:
            return current.annotate(**expressions).values_list(*fields, *expressions).order_by()
        return current.values(*fields, **expressions).order_by()
    current = model._base_manager.filter(condition).exclude(id__in=changed)
    past = history_as_of(model, moment, condition).filter(id__in=changed)
    if tuples:
        columns = [*fields, *expressions]
        current = current.annotate(**expressions).values_list(*columns).order_by()
        past = past.annotate(**expressions).values_list(*columns).order_by()
    else:
        current = current.values(*fields, **expressions).order_by()
        past = past.values(*fields, **expressions).order_by()
    return current.union(past, all=True)


def in_ids(field, ids, using="default"):
    """A condition `field IN ids` for any number of ids as ONE parameter (SQLite reads a JSON array,
    PostgreSQL an array), so ten thousand ids neither hit the parameter limit nor get parsed one by one."""
    import json

    from django.db.models.expressions import RawSQL

    ids = [int(pk) for pk in ids]
    if connections[using].vendor == "postgresql":
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", [ids])})
    return Q(**{f"{field}__in": RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])})


def sql_of(queryset):
    """(sql, params) of a queryset, to embed as `(sql) AS name` in a larger statement; None when the
    queryset can match nothing (Django raises EmptyResultSet for `pk__in=[]`)."""
    from django.core.exceptions import EmptyResultSet

    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:
        return None


def fetch(sql, params, using="default"):
    """All rows of a statement, as tuples, without the ORM's per-row work."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fetch_as_of(model, moment, fields, condition=None):
    """`rows_as_of(..., tuples=True)` fetched as the database driver returns them, without the ORM's
    converters — for tens of thousands of rows. Dates, datetimes and booleans come typed (SQLite's
    registered converters, PostgreSQL's types); a DecimalField comes as SQLite stores it (a float or an
    int): read it with `decimal()`."""
    compiled = sql_of(rows_as_of(model, moment, fields, condition, tuples=True))
    return fetch(*compiled) if compiled is not None else []


def decimal(value):
    """A stored decimal as `Decimal`: SQLite hands back floats (their shortest repr is the stored
    value), PostgreSQL Decimals."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


@contextmanager
def recorded_at(moment):
    """Stamp every history record written inside the block (through model saves and deletes) with
    `moment` instead of the present: for tests that build a timeline, and for back-filling records
    at the time they describe. Bulk writers do not send the signal this rests on: `core.bulk.HistoryWriter`
    takes its moment as an argument, simple-history's `bulk_create_with_history` a `default_date`."""
    token = _recorded_at.set(moment)
    try:
        yield
    finally:
        _recorded_at.reset(token)


def _stamp_moment(sender, history_instance, **kwargs):
    moment = _recorded_at.get()
    if moment is not None:
        history_instance.history_date = moment


pre_create_historical_record.connect(_stamp_moment, dispatch_uid="tiaodu_timetravel_recorded_at")
