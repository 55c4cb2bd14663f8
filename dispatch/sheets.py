"""The pre-filled progress sheet of one unit for one round (填报表): what the unit downloads, fills in
Excel and uploads back through `dispatch.importer.import_progress`.

Title rows name the round, the unit and the due time; the header is the report fields' `verbose_name`;
one row per report of the unit in the round that the user may still change, pre-filled with the
report's current values. 项目编码, 项目名称 and the last figures (上期年度累计 / 上期开工累计) are locked
and grey; the rest is editable, with data validation (amounts decimal ≥ 0 where they cannot be negative,
workers a whole number ≥ 0, 项目阶段 and 交付信心 from lists). The sheet is protected so only the
editable cells can be typed in (no password: protection guards against slips, not against people).
"""

import io

import xlsxwriter
from django.utils import timezone

from projects.choices import Stage

from .choices import EDITABLE_STATUSES, Confidence
from .models import ProgressReport

# (field, column width, kind): kind is "locked", "money" (≥ 0), "signed" (may be negative), "whole",
# "stage", "confidence" or "text".
COLUMNS = (
    ("project__code", 18, "locked"),
    ("project__name", 30, "locked"),
    ("baseline_year_to_date", 14, "locked"),
    ("baseline_since_start", 14, "locked"),
    ("investment_period", 14, "signed"),
    ("investment_year_to_date", 14, "money"),
    ("investment_since_start", 14, "money"),
    ("physical_progress", 36, "text"),
    ("workers_on_site", 10, "whole"),
    ("stage", 16, "stage"),
    ("next_steps", 30, "text"),
    ("blockers", 30, "text"),
    ("confidence", 10, "confidence"),
    ("confidence_narrative", 30, "text"),
    ("warning_comment", 30, "text"),
)
HEADINGS = {"project__code": "项目编码", "project__name": "项目名称"}
TITLE_ROWS = 3  # title, unit and due time, how to fill it in
MAX_AMOUNT = 999_999_999_999.99  # max_digits=14, decimal_places=2
WHOLE_MESSAGE = "请填写不小于 0 的整数。"


def heading(name):
    return HEADINGS.get(name) or str(ProgressReport._meta.get_field(name).verbose_name)


def sheet_reports(dispatch_round, *, unit, user):
    """The reports of `unit` in `dispatch_round` that `user` may still change, by project code."""
    return (
        ProgressReport.objects.restrict(user, "change")
        .filter(round=dispatch_round, unit=unit, status__in=EDITABLE_STATUSES)
        .select_related("project")
        .order_by("project__code")
    )


def _cell_value(report, name):
    if name.startswith("project__"):
        return getattr(report.project, name.removeprefix("project__"))
    value = getattr(report, name)
    if name == "stage":
        return Stage(value).label if value else None
    if name == "confidence":
        return Confidence(value).label if value else None
    if value is None or value == "":
        return None
    return float(value) if hasattr(value, "as_tuple") else value


def round_sheet(dispatch_round, *, unit, user):
    """The .xlsx bytes of `unit`'s pre-filled sheet for `dispatch_round` (see the module docstring)."""
    reports = list(sheet_reports(dispatch_round, unit=unit, user=user))
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet("进度填报")
    title = workbook.add_format({"bold": True, "font_size": 14})
    header = workbook.add_format(
        {"bold": True, "bg_color": "#D9D9D9", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    locked = workbook.add_format({"bg_color": "#EDEDED", "border": 1, "locked": True})
    locked_money = workbook.add_format({"bg_color": "#EDEDED", "border": 1, "num_format": "0.00"})
    editable = workbook.add_format({"border": 1, "locked": False, "text_wrap": True, "valign": "top"})
    editable_money = workbook.add_format({"border": 1, "locked": False, "num_format": "0.00"})
    editable_whole = workbook.add_format({"border": 1, "locked": False, "num_format": "0"})

    due = timezone.localtime(dispatch_round.due_at)
    sheet.write(0, 0, f"{dispatch_round.cadence.name} · {dispatch_round.label} 项目进度填报表", title)
    sheet.write(1, 0, f"填报单位：{unit.name}　　截止时间：{due:%Y-%m-%d %H:%M}　　共 {len(reports)} 个项目")
    sheet.write(
        2,
        0,
        "说明：灰色列不可修改；金额以万元计，本期、年度累计、开工累计填一项即可推算其余；"
        "交付信心不是“绿”须写信心说明；校验提出警告时须写预警说明。上传后即报送。",
    )
    for column, (name, width, _) in enumerate(COLUMNS):
        sheet.set_column(column, column, width)
        sheet.write(TITLE_ROWS, column, heading(name), header)
    sheet.set_row(TITLE_ROWS, 32)
    formats = {
        "locked": locked,
        "signed": editable_money,
        "money": editable_money,
        "whole": editable_whole,
        "stage": editable,
        "confidence": editable,
        "text": editable,
    }
    for offset, report in enumerate(reports):
        row = TITLE_ROWS + 1 + offset
        for column, (name, _, kind) in enumerate(COLUMNS):
            cell_format = locked_money if kind == "locked" and name.startswith("baseline") else formats[kind]
            value = _cell_value(report, name)
            if value is None:
                sheet.write_blank(row, column, None, cell_format)
            elif isinstance(value, str):
                sheet.write_string(row, column, value, cell_format)
            else:
                sheet.write_number(row, column, value, cell_format)
    if reports:
        _validate(sheet, TITLE_ROWS + 1, TITLE_ROWS + len(reports))
    sheet.freeze_panes(TITLE_ROWS + 1, 2)
    sheet.protect("", {"format_columns": True, "format_rows": True, "autofilter": True, "sort": False})
    workbook.close()
    return buffer.getvalue()


def _validations():
    """Excel's data validation of each kind of editable column."""
    amount = {"validate": "decimal", "criteria": "between", "maximum": MAX_AMOUNT}
    return {
        "money": amount | {"minimum": 0, "error_message": "请填写不小于 0 的金额（万元）。"},
        "signed": amount | {"minimum": -MAX_AMOUNT, "error_message": "请填写金额（万元）；核减可填负数。"},
        "whole": {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_message": "请填写不小于 0 的整数。",
        },
        "stage": {
            "validate": "list",
            "source": [str(choice.label) for choice in Stage],
            "error_message": "请从列表中选择项目阶段。",
        },
        "confidence": {
            "validate": "list",
            "source": [str(choice.label) for choice in Confidence],
            "error_message": "请选择：绿、绿黄、黄、黄红、红。",
        },
    }


def _validate(sheet, first, last):
    validations = _validations()
    for column, (name, _, kind) in enumerate(COLUMNS):
        if kind in validations:
            sheet.data_validation(
                first, column, last, column, validations[kind] | {"error_title": heading(name)}
            )
