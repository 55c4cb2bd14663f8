"""The 专报's files from its context: the Word document (the special_report template in force, or the
built-in one, filled with docxtpl in the letters' sandbox, charts as PNG images), the Excel annex
(xlsxwriter: every project and matter row behind the figures, one sheet per section) and the PDF (the
letters' LibreOffice conversion, CJK fonts embedded)."""

import io

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from reports.letters.pdf import convert_to_pdf
from reports.letters.rendering import document_environment

from .charts import CHARTS

CHART_WIDTH = Mm(150)


def render_docx(template_bytes, context):
    """The .docx (bytes) of `template_bytes` filled from `context`, with the charts drawn in."""
    template = DocxTemplate(io.BytesIO(template_bytes))
    filled = dict(context)
    for name, draw in CHARTS.items():
        filled[name] = InlineImage(template, io.BytesIO(draw(context)), width=CHART_WIDTH)
    template.render(filled, jinja_env=document_environment(), autoescape=True)
    output = io.BytesIO()
    template.save(output)
    return output.getvalue()


def render_pdf(docx_bytes):
    """The PDF of a generated .docx (LibreOffice; ConversionUnavailable when it is not installed)."""
    return convert_to_pdf(docx_bytes)


PROJECT_COLUMNS = (
    ("项目编码", "code"),
    ("项目名称", "name"),
    ("责任单位", "unit"),
    ("所属区划", "region"),
    ("项目阶段", "stage"),
    ("总投资（万元）", "total_investment"),
    ("年度计划（万元）", "annual_plan"),
    ("年度累计完成（万元）", "year_to_date"),
    ("完成率", "completion_rate"),
    ("序时进度", "time_elapsed"),
    ("差距（百分点）", "gap_points"),
    ("进度", "schedule"),
    ("亮灯", "light"),
    ("开工日期", "started_on"),
    ("竣工日期", "completed_on"),
)
NUMERIC = {"total_investment", "annual_plan", "year_to_date", "gap_points"}


def _write_rows(book, sheet, columns, rows, head, number):
    for column, (label, _key) in enumerate(columns):
        sheet.write(0, column, label, head)
        sheet.set_column(column, column, 12 if column > 1 else 24)
    for line, row in enumerate(rows, start=1):
        for column, (_label, key) in enumerate(columns):
            cell = row.get(key, "")
            if key in NUMERIC and cell not in ("—", "", None):
                sheet.write_number(line, column, float(cell), number)
            elif cell in ("—", "", None):
                # No figure (no plan, no report): an empty cell, as the source row has none.
                continue
            else:
                sheet.write(line, column, "" if cell is None else str(cell))
    sheet.freeze_panes(1, 0)


def render_xlsx(context, figures):
    """The Excel annex (bytes): the rows behind every figure, one sheet per section — 项目明细 (every
    project in the figures), 重大项目, 红灯项目, 黄灯项目, 问题事项 (every matter in the figures),
    调度填报 (by unit). `figures`: the figures' `to_dict()`."""
    import xlsxwriter

    output = io.BytesIO()
    # Names are text: one starting with "=" must not become a formula, nor a URL-like one a link.
    book = xlsxwriter.Workbook(
        output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    # A fixed creation date: the same figures give the same annex.
    book.set_properties({"title": context["title"], "created": None})
    head = book.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1, "font_name": "宋体"})
    number = book.add_format({"num_format": "0.00"})
    sheets = (
        ("一、项目明细", context["projects"]),
        ("三、重大项目", context["major"]["projects"]),
        ("四、红灯项目", context["warnings"]["red"]),
        ("四、黄灯项目", context["warnings"]["yellow"]),
    )
    for name, rows in sheets:
        columns = PROJECT_COLUMNS + ((("亮灯原因", "reasons"),) if "灯项目" in name else ())
        _write_rows(book, book.add_worksheet(name), columns, rows, head, number)
    units = {}
    for row in context["projects"]:
        units[row["id"]] = row["name"]
    matters = [
        {
            "code": row["code"],
            "title": row["title"],
            "project": units.get(row["project_id"], ""),
            "opened_on": row["opened_on"] or "",
            "closed_on": row["closed_on"] or "",
        }
        for row in figures["matters"]["rows"]
    ]
    _write_rows(
        book,
        book.add_worksheet("五、问题事项"),
        (
            ("事项编号", "code"),
            ("事项名称", "title"),
            ("所属项目", "project"),
            ("交办日期", "opened_on"),
            ("销号日期", "closed_on"),
        ),
        matters,
        head,
        number,
    )
    _write_rows(
        book,
        book.add_worksheet("六、调度填报"),
        (("排名", "rank"), ("单位", "unit"), ("应报", "expected"), ("已报", "submitted"), ("缺报", "missing"),
         ("迟报", "late"), ("完整率", "completeness"), ("及时率", "timeliness")),
        context["reporting"]["units"],
        head,
        number,
    )  # fmt: skip
    book.close()
    return output.getvalue()
