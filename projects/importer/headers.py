"""Finding the header of an office's project sheet and what each column holds.

The header row is found by itself: of the first `HEADER_SCAN_ROWS` rows, the one (or the pair of rows,
for a two-row header with merged group cells) that names the most known columns wins. Titles above
it and notes below the data do not matter. A merged group cell ("投资情况（万元）") is carried right
over the empty cells calamine leaves after it, so its sub-headers (总投资 / 年度计划 / 累计完成) get
its unit. Money units come from the header ("总投资（亿元）"), else the group cell, else a
"单位：亿元" note above the header, else 万元. A year in the header ("2024年计划投资") is the year of
an annual plan.
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


# (field, label in messages, the headers offices write for it: compared after NFKC, without spaces,
# "*" or ":", a money unit and a year taken out; a header with brackets also matches without them).
COLUMN_TABLE = (
    ("code", "项目编码", "项目编码 项目代码 编号 项目编号 编码"),
    ("name", "项目名称", "项目名称 项目名 名称"),
    (
        "region",
        "所在区划",
        "所在区划 县(市、区) 县市区 所在地 所在县(市、区) 所在县区 区划 所属区划 所在乡镇 乡镇(街道) "
        "所在乡镇(街道) 地区 所在区域",
    ),
    ("address", "建设地点", "建设地点 地址 项目地址 建设地址 项目建设地点 项目地点 选址"),
    ("introducing_unit", "引进单位", "引进单位 招商单位 引资单位 招引单位"),
    ("responsible_unit", "责任单位", "责任单位 牵头单位 责任主体 主体责任单位 项目责任单位 牵头责任单位"),
    ("cooperating_units", "配合单位", "配合单位 协助单位 协办单位 配合责任单位"),
    (
        "liaison_leader",
        "挂点领导",
        "挂点领导 联系领导 包挂领导 挂点联系领导 挂点区领导 挂点县领导 区挂点领导 县挂点领导 挂点责任领导 "
        "调度领导",
    ),
    ("task_force", "项目推进专班", "项目推进专班 专班 推进专班 工作专班 项目专班"),
    ("category", "项目类别", "项目类别 类别 项目类型 项目分类 类型"),
    ("industry_chain", "产业链", "产业链 所属产业 所属产业链 产业类别 产业"),
    ("industry", "国民经济行业", "行业 国民经济行业 所属行业 行业分类 国民经济行业分类 行业代码 行业类别"),
    ("emerging_industry", "战略性新兴产业", "战略性新兴产业 战新产业 战略性新兴产业分类"),
    (
        "construction_content",
        "建设内容",
        "建设内容 建设规模及内容 建设内容及规模 主要建设内容 项目建设内容 建设规模和内容 项目概况 建设规模",
    ),
    ("investor_name", "投资主体", "投资主体 项目业主 建设单位 项目单位 业主单位 投资方 投资企业 项目法人"),
    ("investor_credit_code", "统一社会信用代码", "统一社会信用代码 信用代码 社会信用代码"),
    ("total_investment", "总投资", "总投资 计划总投资 项目总投资 总投资额 投资总额 估算总投资"),
    (
        "annual_plan",
        "年度计划投资",
        "年度计划投资 年度计划 年计划投资 计划投资 本年计划投资 年度投资计划 本年度计划投资 年度计划投资额 "
        "计划完成投资 年度计划完成投资",
    ),
    (
        "invested_to_date",
        "累计完成投资",
        "累计完成投资 完成投资 累计完成 累计投资 开工以来累计完成投资 累计完成投资额 至今累计完成投资 "
        "已完成投资",
    ),
    (
        "planned_start_year",
        "计划开工时间",
        "开工时间 计划开工时间 开工日期 计划开工 计划开工日期 开工年份 计划开工年份 开工年月 计划开工年月",
    ),
    (
        "planned_end_year",
        "计划竣工时间",
        "竣工时间 计划竣工 计划竣工时间 竣工日期 计划竣工日期 计划竣工年份 竣工年份 竣工年月 计划竣工年月 "
        "计划建成时间 建成时间",
    ),
    ("stage", "项目阶段", "项目阶段 项目状态 阶段 状态 建设阶段"),
    ("tier", "项目级别", "项目级别 项目层级 级别 重点类别 项目等级"),
    ("is_provincial_key", "省重点", "省重点 省重点项目 是否省重点 是否省重点项目"),
    ("is_city_key", "市重点", "市重点 市重点项目 是否市重点 是否市重点项目"),
    ("is_district_key", "区重点", "区重点 县重点 区重点项目 县重点项目 是否区重点 是否县重点 县(区)重点"),
    ("is_provincial_large", "省大中型", "省大中型 省大中型项目 是否省大中型"),
    ("is_major", "重大项目", "重大项目 重大 是否重大项目"),
    ("latitude", "纬度", "纬度"),
    ("longitude", "经度", "经度"),
)
FIELD_SPECS = tuple(FieldSpec(key, label, tuple(words.split())) for key, label, words in COLUMN_TABLE)
LABELS = {spec.key: spec.label for spec in FIELD_SPECS}
SYNONYMS = {normalise_header(synonym): spec.key for spec in FIELD_SPECS for synonym in spec.synonyms}
MONEY_FIELDS = {"total_investment", "annual_plan", "invested_to_date"}
# Only an annual plan is "of a year"; "2024年完成投资" is not the cumulative total, so it is not read.
YEAR_FIELDS = {"annual_plan"}
YEAR_ONLY_PLAN = {"计划", "投资计划", "计划数"}

UNIT_IN_BRACKETS = re.compile(r"\((?:单位)?(亿元|万元|元)\)")
UNIT_AT_END = re.compile(r"/?(亿元|万元)$")
YEAR_IN_HEADER = re.compile(r"((?:19|20)\d\d)年?度?")
BRACKETS = re.compile(r"\([^)]*\)")
UNIT_NOTE = re.compile(r"单位[:：]\s*(亿元|万元|元)")
# A row right under the header holding only units ("（万元）") or column numbers (1, 2, 3 …).
UNIT_ROW_CELL = re.compile(r"^\(?(?:单位:?)?(亿元|万元|元|个|年|月|亩|%|年月)?\)?$|^\d+$")


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


def read_label(raw, *, group=None):
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
    key = SYNONYMS.get(cell) or SYNONYMS.get(BRACKETS.sub("", cell))
    if key is None and year and cell in YEAR_ONLY_PLAN:
        key = "annual_plan"
    if key is not None and year and key not in YEAR_FIELDS:
        key = None
    return Label(key, factor, year)


def _single(row):
    """[(column index, header text, Label)] of one header row."""
    return [(index, text(cell), read_label(cell)) for index, cell in enumerate(row) if not is_empty(cell)]


def _double(top, sub):
    """[(column index, header text, Label)] of a two-row header: merged groups carried to the right."""
    labels, group, group_text = [], None, ""
    for index, (upper, lower) in enumerate(zip(top, sub, strict=False)):
        if not is_empty(upper):
            group, group_text = read_label(upper), text(upper)
            if is_empty(lower):
                labels.append((index, group_text, group))
                continue
        elif is_empty(lower):
            group, group_text = None, ""
            continue
        if group is None:
            labels.append((index, text(lower), read_label(lower)))
            continue
        label = read_label(lower, group=group)
        if label.key is None:
            label = read_label(f"{group_text}{text(lower)}")
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


def find_layout(rows, *, year=None):
    """The header of `rows` and its columns; raises LayoutError when there is no 项目名称 column."""
    best = None  # (score, header index, data index, labels)
    singles = [_single(row) for row in rows[: HEADER_SCAN_ROWS + 1]]
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        candidates = [(index + 1, singles[index], 0)]
        if index + 1 < len(rows):
            # A pair of rows is a header only if it names more than either row does on its own (a title
            # or "单位：亿元" row above a one-row header names nothing more).
            alone = max(_score(singles[index]), _score(singles[index + 1]))
            candidates.append((index + 2, _double(row, rows[index + 1]), alone))
        for data_index, labels, to_beat in candidates:
            score = _score(labels)
            if score > to_beat and (best is None or score > best[0]):
                best = (score, index, data_index, labels)
    if best is None or best[0] == 0:
        first = next((row for row in rows[:HEADER_SCAN_ROWS] if any(not is_empty(cell) for cell in row)), [])
        listing = "、".join(f"{column_letter(index)} {header}" for index, header, _ in _single(first))
        raise LayoutError(
            f"没有找到列名行：前 {HEADER_SCAN_ROWS} 行中没有可识别的列名，须有“项目名称”列"
            + (f"（第一行为：{listing}）。" if listing else "。")
        )
    _, header_index, data_index, labels = best
    found = [f"{column_letter(index)} {header}" for index, header, _ in labels]
    if not any(label.key == "name" for _, _, label in labels):
        raise LayoutError(f"表中没有“项目名称”列。第 {header_index + 1} 行的列为：{'、'.join(found)}。")
    if data_index == header_index + 1 and data_index < len(rows) and _is_unit_row(rows[data_index]):
        labels = _with_units(labels, rows[data_index])
        data_index += 1
    return _columns(rows, header_index, data_index, labels, found, year)


def _with_units(labels, unit_row):
    """Labels of a header whose next row gives units ("（万元）") or column numbers only."""
    result = []
    for index, header, label in labels:
        unit = text(unit_row[index]) if index < len(unit_row) else ""
        if label.key and not label.factor and unit and not unit.isdigit():
            label = read_label(f"{header}{unit}")
        result.append((index, header, label))
    return result


def _columns(rows, header_index, data_index, labels, found, year):
    sheet_factor = _sheet_unit(rows[: header_index + 1]) or DEFAULT_FACTOR
    layout = Layout(header_index=header_index, data_index=data_index, columns=[], found=found)
    header_row = header_index + 1
    seen = {}
    for index, header, label in labels:
        if label.key is None:
            continue
        column_year = (label.year or year) if label.key in YEAR_FIELDS else None
        if label.key in YEAR_FIELDS and column_year is None:
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
                    f"“{header}”与第 {column_letter(seen[slot])} 列重复（都是“{LABELS[label.key]}”），"
                    "请删去其中一列",
                )
            )
            continue
        seen[slot] = index
        factor = (label.factor or sheet_factor) if label.key in MONEY_FIELDS else DEFAULT_FACTOR
        layout.columns.append(Column(index, label.key, header, factor, column_year))
    return layout
