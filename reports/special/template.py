"""The built-in template of the 专报 (DocumentKind.SPECIAL_REPORT), built with python-docx on the letters'
GB/T 9704 page (`reports.letters.builtin.LetterDocument`: A4, fonts with fallbacks, page numbers, optional
红头): the seven sections, each a sentence written from the figures, real Word tables whose rows are
docxtpl `{%tr for %}` loops, and the charts as images (`{{ chart_* }}`, filled with PNGs)."""

import functools

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from reports.letters.builtin import BODY_FONT, HEADING_FONT, LetterDocument, _paragraph_format, _style

TABLE_SIZE = Pt(10.5)  # 五号: tables in published reports


class SpecialReportDocument(LetterDocument):
    """A 专报 being built: the letter page plus a table cell style, a centred figure style and tables."""

    def __init__(self):
        super().__init__()
        self.cell = _style(self.document, "表格文字", font=BODY_FONT, size=TABLE_SIZE)
        _paragraph_format(self.cell, align=WD_ALIGN_PARAGRAPH.CENTER, line_spacing=1.0)
        self.cell_head = _style(self.document, "表格标题", font=HEADING_FONT, size=TABLE_SIZE)
        _paragraph_format(self.cell_head, align=WD_ALIGN_PARAGRAPH.CENTER, line_spacing=1.0)
        self.figure = _style(self.document, "插图", font=BODY_FONT, size=TABLE_SIZE)
        # Single spacing: under the body's fixed 28-pt spacing a picture would be cut to one line.
        _paragraph_format(self.figure, align=WD_ALIGN_PARAGRAPH.CENTER, line_spacing=1.0)

    def table(self, headings, loop, item, fields):
        """A Word table: a heading row, then one row per item of `loop` (`{%tr for item in loop %}`)."""
        table = self.document.add_table(rows=4, cols=len(headings))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        rows = table.rows
        for cell, heading in zip(rows[0].cells, headings, strict=True):
            cell.paragraphs[0].text = heading
            cell.paragraphs[0].style = self.cell_head
        rows[1].cells[0].paragraphs[0].text = f"{{%tr for {item} in {loop} %}}"
        for cell, field in zip(rows[2].cells, fields, strict=True):
            cell.paragraphs[0].text = f"{{{{ {item}.{field} }}}}"
            cell.paragraphs[0].style = self.cell
        rows[3].cells[0].paragraphs[0].text = "{%tr endfor %}"
        return table

    def chart(self, name):
        return self.add(f"{{{{ {name} }}}}", self.figure)


SUMMARY_HEADINGS = (
    "类别",
    "项目数",
    "总投资（亿元）",
    "年度计划（亿元）",
    "完成投资（亿元）",
    "完成率",
    "序时进度",
    "差距（百分点）",
)
SUMMARY_FIELDS = (
    "label",
    "projects",
    "total_investment_yi",
    "annual_plan_yi",
    "year_to_date_yi",
    "completion_rate",
    "time_elapsed",
    "gap_points",
)


# Built once per process: the bytes never change, and python-docx's style look-ups make a build cost a
# few tenths of a second, a tenth of a city-scale report (bench/special_report_benchmark.py).
@functools.cache
def build_special_report_template():
    """The built-in 专报 template (.docx bytes)."""
    doc = SpecialReportDocument()
    doc.tag("{%p if red_header %}")
    doc.add("{{ issuer_name }}", doc.issuer_mark)
    doc.blank()
    doc.tag("{%p endif %}")
    # The name and the period on lines of their own: a long title must not break inside the period.
    doc.add("{{ title_main }}", doc.title)
    doc.add("（{{ period }}）", doc.title)
    doc.add("（统计截至{{ as_of }}）", doc.number)
    doc.blank()
    doc.add("一、总体情况", doc.heading)
    doc.add("{{ overall.text }}{{ overall.rates_text }}")
    doc.table(SUMMARY_HEADINGS, "overall.tiers", "tier", SUMMARY_FIELDS)
    doc.tag("{%p for tier in overall.tiers %}")
    doc.add("{{ tier.text }}")
    doc.tag("{%p endfor %}")
    doc.chart("chart_tiers")
    doc.add("二、集中开工与签约项目", doc.heading)
    doc.add("{{ events.text }}")
    doc.tag("{%p for event in events.events %}")
    doc.add("{{ event.text }}")
    doc.tag("{%p endfor %}")
    doc.add("三、重点项目进展", doc.heading)
    doc.add("{{ major.text }}")
    doc.tag("{%p for project in major.projects %}")
    doc.add("{{ loop.index }}. {{ project.text }}")
    doc.tag("{%p endfor %}")
    doc.add("四、预警情况", doc.heading)
    doc.add("{{ warnings.text }}")
    doc.chart("chart_lights")
    doc.add("（一）红灯项目", doc.subheading)
    doc.table(
        ("项目名称", "责任单位", "完成率", "亮灯原因"),
        "warnings.red",
        "item",
        ("name", "unit", "completion_rate", "reasons"),
    )
    doc.add("（二）黄灯项目", doc.subheading)
    doc.table(
        ("项目名称", "责任单位", "完成率", "亮灯原因"),
        "warnings.yellow",
        "item",
        ("name", "unit", "completion_rate", "reasons"),
    )
    doc.add("五、问题协调", doc.heading)
    doc.add("{{ matters.text }}")
    doc.table(
        ("问题类别", "新交办", "办结", "逾期"),
        "matters.by_category",
        "row",
        ("label", "opened", "closed", "overdue"),
    )
    doc.add("六、调度填报情况", doc.heading)
    doc.add("{{ reporting.text }}")
    doc.table(
        ("排名", "单位", "应报", "已报", "缺报", "迟报", "完整率", "及时率"),
        "reporting.units",
        "unit",
        ("rank", "unit", "expected", "submitted", "missing", "late", "completeness", "timeliness"),
    )
    doc.add("七、下一步工作", doc.heading)
    doc.tag("{%p for step in next_steps %}")
    doc.add("{{ loop.index }}. {{ step }}")
    doc.tag("{%p endfor %}")
    doc.blank()
    doc.add("{{ issuer_name }}", doc.right)
    doc.add("{{ as_of }}", doc.right)
    return doc.save()
