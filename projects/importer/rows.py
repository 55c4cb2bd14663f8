"""The rows below the header: which are projects, which are totals, section headings or notes, and
what each project row's cells say. Which row is which is decided by `core.sheets.rows.kind_of`:

- a blank row, or a repetition of the header (printed sheets repeat it on every page), is passed over;
- a row whose name (or first text cell) is 合计 / 小计 / 总计 / 共计 / 其中…, or that has no name and only
  numbers, is a total: skipped (counted);
- a section heading ("一、产业项目（120个）", "（二）续建项目") with nothing but numbers beside it is
  skipped (counted); the category or stage it names applies to the rows below it without their own;
- a note ("注：…", "说明：…", "制表人：…") ends the data: nothing below it is read.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

from core.sheets.rows import TOP_SECTION, kind_of, lead_ordinal  # noqa: F401 (kind_of re-exported)

from ..validators import validate_credit_code
from . import cells
from .cells import CellError, loose, one_line, text

SERIAL = re.compile(r"^\d{1,5}$")
MAX_TEXT = 200
MAX_CODE = 32


@dataclass
class ProjectRow:
    """A data row read from the sheet: `values` holds the non-empty cells as model values (ids for
    related rows); `columns` the letter each came from; `plans` the annual plans by year."""

    number: int
    values: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)
    plans: dict = field(default_factory=dict)
    cooperating_units: list | None = None
    errors: list = field(default_factory=list)  # (column letter or None, message)


@dataclass
class Section:
    category: str | None = None
    stage: str | None = None


def _limited(limit):
    def read(value):
        result = one_line(value)
        if len(result) > limit:
            raise CellError(f"不能超过 {limit} 个字（现为 {len(result)} 个字）")
        return result or None

    return read


def _code(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None  # a row number (序号) in a column titled 编号
    code = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text(value)))
    if not code or SERIAL.match(code):
        return None
    if len(code) > MAX_CODE:
        raise CellError(f"项目编码不能超过 {MAX_CODE} 个字符")
    return code


def _credit_code(value):
    code = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text(value))).upper()
    if not code:
        return None
    try:
        validate_credit_code(code)
    except ValidationError as error:
        raise CellError(error.messages[0]) from error
    return code


def _coordinate(limit):
    def read(value):
        number = cells.decimal_number(value)
        if number is None:
            return None
        if not -limit <= number <= limit:
            raise CellError(f"应在 -{limit} 到 {limit} 之间")
        return number.quantize(Decimal("0.000001"))

    return read


def _one_of(resolve):
    def read(value):
        name = one_line(value)
        return resolve(name) if name else None

    return read


def _leader(directory):
    def read(value):
        found = cells.names(value)
        if len(found) > 1:
            raise CellError(f"挂点领导只能填一人（现为“{text(value)}”）")
        return directory.leader(found[0]) if found else None

    return read


def _many(resolve):
    def read(value):
        ids, problems = [], []
        for name in cells.names(value):
            try:
                ids.append(resolve(name))
            except CellError as error:
                problems.append(str(error))
        if problems:
            raise CellError("；".join(problems))
        return ids or None

    return read


@dataclass(frozen=True)
class Reader:
    index: int
    letter: str
    key: str
    year: int | None
    read: object  # cell -> value or None; raises CellError


def column_readers(layout, directory):
    """A Reader for each recognised column (memoised: the same cell text is read once)."""
    readers = {
        "code": _code,
        "name": _limited(MAX_TEXT),
        "region": _one_of(directory.region),
        "address": _limited(MAX_TEXT),
        "introducing_unit": _one_of(directory.unit),
        "responsible_unit": _one_of(directory.unit),
        "cooperating_units": _many(directory.unit),
        "liaison_leader": _leader(directory),
        "task_force": _one_of(directory.task_force),
        "category": cells.category,
        "industry_chain": _one_of(directory.chain),
        "industry": _one_of(directory.industry),
        "emerging_industry": _one_of(directory.emerging_industry),
        "construction_content": lambda value: text(value) or None,
        "investor_name": _limited(MAX_TEXT),
        "investor_credit_code": _credit_code,
        "planned_start_year": cells.year,
        "planned_end_year": cells.year,
        "stage": cells.stage,
        "tier": cells.tiers,
        "latitude": _coordinate(90),
        "longitude": _coordinate(180),
    }
    result = []
    for column in layout.columns:
        if column.field in cells.TIER_FIELDS:
            reader = cells.tick
        elif column.field in ("total_investment", "invested_to_date", "annual_plan"):
            reader = _money(column.factor)
        else:
            reader = readers[column.field]
        result.append(Reader(column.index, column.letter, column.field, column.year, cells.memoised(reader)))
    return result


def _money(factor):
    return lambda value: cells.money(value, factor)


# Columns read even when the cell is blank (blank means 否 there).
READ_BLANK = {*cells.TIER_FIELDS, "tier"}


def read_project(number, raw, readers, section):
    """The project in sheet row `number` (1-based)."""
    row = ProjectRow(number)
    values, columns = row.values, row.columns
    width = len(raw)
    for reader in readers:
        key = reader.key
        value = raw[reader.index] if reader.index < width else None
        if value is None and key not in READ_BLANK:
            continue
        try:
            parsed = reader.read(value)
        except CellError as error:
            row.errors.append((reader.letter, str(error)))
            continue
        if key == "tier":
            values.update(parsed)
            columns.update(dict.fromkeys(parsed, reader.letter))
        elif parsed is None:
            continue
        elif key == "annual_plan":
            row.plans[reader.year] = parsed
            columns["annual_plan", reader.year] = reader.letter
        elif key == "cooperating_units":
            row.cooperating_units = parsed
            columns[key] = reader.letter
        else:
            values[key] = parsed
            columns[key] = reader.letter
    if section.category and "category" not in values:
        values["category"] = section.category
    if section.stage and "stage" not in values:
        values["stage"] = section.stage
    return row


def enter_section(section, raw, name_index):
    """The section context after heading row `raw`."""
    name_cell = raw[name_index] if name_index < len(raw) else None
    heading = one_line(name_cell) or next(
        (cell for cell in raw if isinstance(cell, str) and cell.strip()), ""
    )
    lead = lead_ordinal(raw, name_index)
    top = bool(TOP_SECTION.match(loose(heading))) or (lead is not None and not loose(lead).startswith("("))
    category = cells.category(heading, strict=False)
    stage = cells.section_stage(heading)
    if top:
        return Section(category=category, stage=stage)
    return Section(category=category or section.category, stage=stage or section.stage)
