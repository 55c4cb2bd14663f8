"""Writing a project-list import: the results of the services, in bulk, with their history.

The same results as the services: `register_project` (a code "<region>-<year>-<nnnn>", the first stage,
a `StageTransition` row) and `set_annual_plan` (the year's amount phased in a straight line by
`phase_by_month`), plus projects' cooperating units with their many-to-many history. The rows and their
history records go through `core.bulk` (INSERT … SELECT copies, `executemany`, COPY on PostgreSQL).
"""

import re

from django.db import connection

from core import bulk

from ..models import Project
from ..services import phase_by_month


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
        bulk.execute_many(sql, through, ["project_id", "unit_id"], pairs)
    new_pairs = [{"project_id": pk, "unit_id": unit} for pk, units in added.items() for unit in units]
    bulk.insert_rows(through, new_pairs, ["project_id", "unit_id"])
    historical = Project.history.model
    m2m_history = historical.cooperating_units.model
    date = historical._meta.get_field("history_date").get_db_prep_save(writer.now, connection)
    links, records = quote(through._meta.db_table), quote(historical._meta.db_table)
    project_column = quote(through._meta.get_field("project").column)
    # Ids as placeholders, not one array: with `= ANY(%s)` PostgreSQL plans this join badly (18.7 s
    # instead of 0.2 s for 20,000 projects).
    with bulk.cursor() as cursor:
        for part in bulk.chunks(project_ids):
            cursor.execute(
                f"INSERT INTO {quote(m2m_history._meta.db_table)} "
                "(id, project_id, unit_id, history_id) "
                f"SELECT t.id, t.project_id, t.unit_id, h.history_id FROM {links} t "
                f"JOIN {records} h ON h.id = t.{project_column} "
                "AND h.request_id = %s AND h.history_date = %s "
                f"WHERE t.{project_column} IN ({', '.join(['%s'] * len(part))})",
                [writer.request_id, date, *part],
            )
