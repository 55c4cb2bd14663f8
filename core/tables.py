"""Base table for every list page, and the Excel export of a table (the table *is* the export)."""

import datetime
import io
from decimal import Decimal

import django_tables2 as tables
import xlsxwriter
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django_tables2.utils import Accessor

from core.imports import natural_value

EXPORT_ROW_LIMIT = 100_000


class BaseTable(tables.Table):
    """A table whose first column links to the row's detail page."""

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "没有符合条件的记录。"
        template_name = "django_tables2/bootstrap5-responsive.html"


def column_choices(table):
    """[(name, header)] of the table's columns, for the column-choice form."""
    return [
        (column.name, str(column.header)) for column in table.columns.iterall() if column.name != "actions"
    ]


def _cell_value(record, column):
    accessor = Accessor(column.accessor)
    field = accessor.get_field(record._meta.model) if isinstance(record, models.Model) else None
    if field is not None and getattr(field, "choices", None):
        value = accessor.resolve(record, quiet=True)
        return str(dict(field.flatchoices).get(value, value or ""))
    value = accessor.resolve(record, quiet=True)
    if value is None:
        return None
    if isinstance(value, models.Manager):
        return "、".join(natural_value(item.__class__, item.pk) for item in value.all())
    if isinstance(value, models.Model):
        # Related rows are written the way an import names them, so an export re-imports as is.
        return natural_value(value.__class__, value.pk)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, int | float | datetime.date):
        return value
    return str(value)


def export_table_xlsx(table, filename, title=""):
    """The table's rows (all pages, visible columns) as an .xlsx download."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet((title or "数据")[:31])
    header_format = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    time_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    columns = [
        column
        for column in table.columns
        if column.name != "actions" and not getattr(column.column, "exclude_from_export", False)
    ]
    for index, column in enumerate(columns):
        sheet.write(0, index, str(column.header), header_format)
        sheet.set_column(index, index, max(10, min(40, len(str(column.header)) * 2 + 2)))
    for row_number, record in enumerate(table.data, start=1):
        if row_number > EXPORT_ROW_LIMIT:
            break
        for index, column in enumerate(columns):
            value = _cell_value(record, column)
            if isinstance(value, datetime.datetime):
                sheet.write_datetime(row_number, index, value, time_format)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(
                    row_number, index, datetime.datetime.combine(value, datetime.time()), date_format
                )
            elif value is not None:
                sheet.write(row_number, index, value)
    sheet.freeze_panes(1, 0)
    workbook.close()
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
