"""The columns of a progress sheet (the round's pre-filled sheet, or a county's consolidated sheet) and
how each cell is read. Headers are the report fields' `verbose_name` (as the pre-filled sheet writes
them) and the words offices use for them; see `core.sheets.headers` for how the header is found."""

import unicodedata

from core.sheets import cells
from core.sheets.cells import CellError, is_empty, text
from core.sheets.headers import ColumnTable
from projects.importer.cells import stage as read_stage

from ..choices import Confidence

# (field, label in messages, headers offices write for it; see ColumnTable)
COLUMN_TABLE = (
    ("code", "项目编码", "项目编码 项目代码 编号 项目编号 编码"),
    ("name", "项目名称", "项目名称 项目名 名称"),
    ("unit", "责任单位", "责任单位 填报单位 牵头单位 责任主体"),
    ("baseline_year_to_date", "上期年度累计", "上期年度累计 上期年度累计完成投资 上期本年累计"),
    ("baseline_since_start", "上期开工累计", "上期开工累计 上期开工累计完成投资 上期累计"),
    (
        "investment_period",
        "本期完成投资",
        "本期完成投资 本期完成 本期 本期投资 当期完成投资 本周完成投资 本周完成 本周 本月完成投资 "
        "本月完成 本月 本旬完成投资 本季度完成投资 完成投资本期 完成投资本周 完成投资本月",
    ),
    (
        "investment_year_to_date",
        "年度累计完成投资",
        "年度累计完成投资 年度累计 本年累计 本年累计完成投资 本年度累计完成投资 年累计完成投资 今年累计 "
        "今年累计完成投资 自年初累计 年初至今累计 1-本月累计 完成投资本年累计 完成投资年度累计",
    ),
    (
        "investment_since_start",
        "开工累计完成投资",
        "开工累计完成投资 开工累计 开工以来累计 开工以来累计完成投资 自开工累计 自开工以来累计 累计完成投资 "
        "至今累计完成投资 项目累计完成投资 完成投资开工累计 完成投资开工以来累计",
    ),
    (
        "physical_progress",
        "形象进度",
        "形象进度 工程形象进度 项目形象进度 本期形象进度 本周形象进度 形象进度情况 项目进展情况 进展情况 "
        "项目进展 建设进度 工程进度 项目推进情况 推进情况",
    ),
    (
        "workers_on_site",
        "在场施工人数",
        "在场施工人数 施工人数 在场人数 现场施工人数 现场人数 用工人数 务工人数 在岗人数 施工人员",
    ),
    ("stage", "项目阶段", "项目阶段 项目状态 阶段 建设阶段 状态"),
    (
        "next_steps",
        "下步计划",
        "下步计划 下一步计划 下步工作计划 下一步工作计划 下周计划 下步打算 下一步工作",
    ),
    (
        "blockers",
        "存在问题",
        "存在问题 存在的问题 问题 困难问题 存在困难和问题 存在问题及困难 需协调解决的问题 需协调解决问题 "
        "需协调问题",
    ),
    ("confidence", "交付信心", "交付信心 信心 信心等级 推进信心"),
    ("confidence_narrative", "信心说明", "信心说明 交付信心说明 信心情况说明"),
    ("warning_comment", "预警说明", "预警说明 预警情况说明 警告说明"),
)
MONEY_FIELDS = {
    "baseline_year_to_date",
    "baseline_since_start",
    "investment_period",
    "investment_year_to_date",
    "investment_since_start",
}
PROGRESS_TABLE = ColumnTable(
    COLUMN_TABLE,
    money=MONEY_FIELDS,
    # "2024年累计完成投资" is the year to date; a year elsewhere ("2024年本期") changes nothing.
    dated_words=dict.fromkeys(
        ("累计完成投资", "累计完成", "累计", "完成投资", "累计投资"), "investment_year_to_date"
    ),
    year_free=True,
    required=("code", "name"),
    required_label="项目编码或项目名称",
)
LABELS = PROGRESS_TABLE.labels
# Columns shown in the sheet for reference only: read past, never imported.
REFERENCE_FIELDS = {"unit", "baseline_year_to_date", "baseline_since_start"}
CONFIDENCE_WORDS = {
    **{str(choice.label): choice.value for choice in Confidence},
    **{choice.value: choice.value for choice in Confidence},
}
CONFIDENCE_ACCEPTED = "、".join(str(choice.label) for choice in Confidence)


def code(value):
    found = "".join(unicodedata.normalize("NFKC", text(value)).split())
    return found or None


def name(value):
    return cells.one_line(value) or None


def signed_money(factor):
    """This period's amount may be negative (a correction, 核减); cumulative ones may not."""

    def read(value):
        if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
            return -cells.money(-value, factor)
        if isinstance(value, str) and unicodedata.normalize("NFKC", value).strip().startswith("-"):
            return -cells.money(unicodedata.normalize("NFKC", value).strip()[1:], factor)
        return cells.money(value, factor)

    return read


def money(factor):
    return lambda value: cells.money(value, factor)


def stage(value):
    if is_empty(value):
        return None
    return read_stage(value)


def confidence(value):
    if is_empty(value):
        return None
    word = cells.loose(text(value)).removesuffix("灯").removesuffix("色")
    if word not in CONFIDENCE_WORDS:
        raise CellError(f"无法识别的交付信心“{text(value)}”（可填：{CONFIDENCE_ACCEPTED}）")
    return CONFIDENCE_WORDS[word]


def free_text(value):
    return text(value) or None


def reader_for(column):
    """The cell reader of a recognised column (None for reference-only columns); the importer reads a
    column's cells with `cells.read_column`, each distinct value once."""
    key = column.field
    if key in REFERENCE_FIELDS:
        return None
    if key == "investment_period":
        read = signed_money(column.factor)
    elif key in MONEY_FIELDS:
        read = money(column.factor)
    else:
        read = {
            "code": code,
            "name": name,
            "workers_on_site": cells.whole_number,
            "stage": stage,
            "confidence": confidence,
        }.get(key, free_text)
    return read
