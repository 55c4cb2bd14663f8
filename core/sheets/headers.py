"""Finding the header of an office's sheet and what each column holds.

The header row is found by itself: of the first `HEADER_SCAN_ROWS` rows, the one (or the pair of rows,
for a two-row header with merged group cells) that names the most known columns of the importer's
`ColumnTable` wins. Titles above it and notes below the data do not matter. A merged group cell
("投资情况（万元）") is carried right over the empty cells calamine leaves after it, so its sub-headers
(总投资 / 年度计划 / 累计完成) get its unit; a sub-header that names nothing alone is read together with
its group ("完成投资" over "本月"). Money units come from the header ("总投资（亿元）"), else the group
cell, else a "单位：亿元" note above the header, else 万元. A year in the header ("2024年计划投资") is the
year of a column the table dates.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from core.imports import column_letter, normalise_header

from .cells import MONEY_FACTORS, is_empty, text

HEADER_SCAN_ROWS = 20
DEFAULT_FACTOR = Decimal(1)  # 万元


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    synonyms: tuple[str, ...]


class ColumnTable:
    """The columns an importer recognises.

    `rows` is (field, label in messages, the headers offices write for it — compared after NFKC,
    without spaces, "*" or ":", a money unit and a year taken out; a header with brackets also matches
    without them). `money` are the fields read in a unit (万元 by default). `dated` are the fields that
    belong to a year (written in the header, else the import's year); a year written on any other
    field's header makes it unrecognised, unless `year_free` (a year there changes nothing), and
    `dated_words` maps a header that is only recognisable with a year ("2024年计划") to its field.
    `required` are the fields of which the sheet must have at least one column (`required_label`
    names them in messages).
    """

    def __init__(
        self,
        rows,
        *,
        money=(),
        dated=(),
        dated_words=None,
        year_free=False,
        required=("name",),
        required_label="项目名称",
    ):
        self.specs = tuple(FieldSpec(key, label, tuple(words.split())) for key, label, words in rows)
        self.labels = {spec.key: spec.label for spec in self.specs}
        self.synonyms = {normalise_header(word): spec.key for spec in self.specs for word in spec.synonyms}
        self.money, self.dated = frozenset(money), frozenset(dated)
        self.dated_words = {normalise_header(word): key for word, key in (dated_words or {}).items()}
        self.year_free = year_free
        self.required, self.required_label = tuple(required), required_label


UNIT_IN_BRACKETS = re.compile(r"\((?:单位)?(亿元|万元|元)\)")
UNIT_AT_END = re.compile(r"/?(亿元|万元)$")
YEAR_IN_HEADER = re.compile(r"((?:19|20)\d\d)年?度?")
BRACKETS = re.compile(r"\([^)]*\)")
UNIT_NOTE = re.compile(r"单位[:：]\s*(亿元|万元|元)")
# A row right under the header holding only units ("（万元）") or column numbers (1, 2, 3 …).
UNIT_ROW_CELL = re.compile(r"^\(?(?:单位:?)?(亿元|万元|元|个|年|月|亩|人|%|年月)?\)?$|^\d+$")


@dataclass(frozen=True)
class Label:
    """What a header cell says: the field, and the unit and year written in it."""

    key: str | None
    factor: Decimal | None
    year: int | None


@dataclass(frozen=True)
class Column:
    index: int
    field: str
    header: str
    factor: Decimal = DEFAULT_FACTOR
    year: int | None = None

    @property
    def letter(self):
        return column_letter(self.index)


@dataclass
class Layout:
    """Where the header is and what each recognised column holds (0-based row indexes)."""

    header_index: int
    data_index: int
    columns: list[Column]
    found: list[str] = field(default_factory=list)
    errors: list[tuple[int, str | None, str]] = field(default_factory=list)

    def column(self, key):
        return next((column for column in self.columns if column.field == key), None)


class LayoutError(Exception):
    """The sheet has no usable header; str(error) says why, in Chinese."""


def read_label(raw, table, *, group=None):
    """The field a header cell names; `group` is the merged cell above it in a two-row header."""
    cell = normalise_header(raw)  # NFKC: full-width brackets are ASCII from here on
    factor = None
    unit = UNIT_IN_BRACKETS.search(cell) or UNIT_AT_END.search(cell)
    if unit:
        factor = MONEY_FACTORS[unit.group(1)]
        cell = cell[: unit.start()] + cell[unit.end() :]
    year = None
    found_year = YEAR_IN_HEADER.search(cell)
    if found_year:
        year = int(found_year.group(1))
        cell = cell[: found_year.start()] + cell[found_year.end() :]
    cell = cell.removeprefix("其中")
    if group is not None:
        factor = factor or group.factor
        year = year or group.year
    key = None
    if year:
        key = table.dated_words.get(cell) or table.dated_words.get(BRACKETS.sub("", cell))
    if key is None:
        key = table.synonyms.get(cell) or table.synonyms.get(BRACKETS.sub("", cell))
        if key is not None and year and key not in table.dated and not table.year_free:
            key = None
    return Label(key, factor, year)


def _single(row, table):
    """[(column index, header text, Label)] of one header row."""
    return [
        (index, text(cell), read_label(cell, table)) for index, cell in enumerate(row) if not is_empty(cell)
    ]


def _double(top, sub, table):
    """[(column index, header text, Label)] of a two-row header: merged groups carried to the right."""
    labels, group, group_text = [], None, ""
    for index, (upper, lower) in enumerate(zip(top, sub, strict=False)):
        if not is_empty(upper):
            group, group_text = read_label(upper, table), text(upper)
            if is_empty(lower):
                labels.append((index, group_text, group))
                continue
        elif is_empty(lower):
            group, group_text = None, ""
            continue
        if group is None:
            labels.append((index, text(lower), read_label(lower, table)))
            continue
        label = read_label(lower, table, group=group)
        if label.key is None:
            label = read_label(f"{group_text}{text(lower)}", table)
        labels.append((index, f"{group_text}/{text(lower)}", label))
    return labels


def _score(labels):
    return len({label.key for _, _, label in labels if label.key})


def _is_unit_row(row):
    cells = [cell for cell in row if not is_empty(cell)]
    return bool(cells) and all(UNIT_ROW_CELL.match(normalise_header(text(cell))) for cell in cells)


def _sheet_unit(rows):
    """The unit a "单位：亿元" note above the header gives every money column without its own."""
    for row in rows:
        for cell in row:
            if isinstance(cell, str):
                match = UNIT_NOTE.search(unicodedata.normalize("NFKC", cell))
                if match:
                    return MONEY_FACTORS[match.group(1)]
    return None


def find_layout(rows, table, *, year=None):
    """The header of `rows` and its columns; raises LayoutError when none of `table.required` is there."""
    best = None  # (score, header index, data index, labels)
    singles = [_single(row, table) for row in rows[: HEADER_SCAN_ROWS + 1]]
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        candidates = [(index + 1, singles[index], 0)]
        if index + 1 < len(rows):
            # A pair of rows is a header only if it names more than either row does on its own (a title
            # or "单位：亿元" row above a one-row header names nothing more).
            alone = max(_score(singles[index]), _score(singles[index + 1]))
            candidates.append((index + 2, _double(row, rows[index + 1], table), alone))
        for data_index, labels, to_beat in candidates:
            score = _score(labels)
            if score > to_beat and (best is None or score > best[0]):
                best = (score, index, data_index, labels)
    if best is None or best[0] == 0:
        first = next((row for row in rows[:HEADER_SCAN_ROWS] if any(not is_empty(cell) for cell in row)), [])
        listing = "、".join(f"{column_letter(index)} {header}" for index, header, _ in _single(first, table))
        raise LayoutError(
            f"没有找到列名行：前 {HEADER_SCAN_ROWS} 行中没有可识别的列名，须有“{table.required_label}”列"
            + (f"（第一行为：{listing}）。" if listing else "。")
        )
    _, header_index, data_index, labels = best
    found = [f"{column_letter(index)} {header}" for index, header, _ in labels]
    if not any(label.key in table.required for _, _, label in labels):
        raise LayoutError(
            f"表中没有“{table.required_label}”列。第 {header_index + 1} 行的列为：{'、'.join(found)}。"
        )
    if data_index == header_index + 1 and data_index < len(rows) and _is_unit_row(rows[data_index]):
        labels = _with_units(labels, rows[data_index], table)
        data_index += 1
    return _columns(rows, header_index, data_index, labels, found, year, table)


def _with_units(labels, unit_row, table):
    """Labels of a header whose next row gives units ("（万元）") or column numbers only."""
    result = []
    for index, header, label in labels:
        unit = text(unit_row[index]) if index < len(unit_row) else ""
        if label.key and not label.factor and unit and not unit.isdigit():
            label = read_label(f"{header}{unit}", table)
        result.append((index, header, label))
    return result


def _columns(rows, header_index, data_index, labels, found, year, table):
    sheet_factor = _sheet_unit(rows[: header_index + 1]) or DEFAULT_FACTOR
    layout = Layout(header_index=header_index, data_index=data_index, columns=[], found=found)
    header_row = header_index + 1
    seen = {}
    for index, header, label in labels:
        if label.key is None:
            continue
        column_year = (label.year or year) if label.key in table.dated else None
        if label.key in table.dated and column_year is None:
            layout.errors.append(
                (
                    header_row,
                    column_letter(index),
                    f"“{header}”列没有写年份：请写在列名中（如“2024年计划投资”）或指定导入年度",
                )
            )
            continue
        slot = (label.key, column_year)
        if slot in seen:
            layout.errors.append(
                (
                    header_row,
                    column_letter(index),
                    f"“{header}”与第 {column_letter(seen[slot])} 列重复（都是“{table.labels[label.key]}”），"
                    "请删去其中一列",
                )
            )
            continue
        seen[slot] = index
        factor = (label.factor or sheet_factor) if label.key in table.money else DEFAULT_FACTOR
        layout.columns.append(Column(index, label.key, header, factor, column_year))
    return layout
