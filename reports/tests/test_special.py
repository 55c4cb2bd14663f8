"""The 专报 on the hand-built county of test_figures (see its docstring), period 2024-03-H1 (as of
15 March 2024): the context's numbers against the figures, the Word document, the Excel annex, the PDF
(where LibreOffice is installed, pages saved to test-artifacts/special/), regeneration after later edits
and the CLI."""

import datetime
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from reports.choices import SpecialReportStatus
from reports.figures import compute_figures
from reports.letters.pdf import libreoffice_command
from reports.models import SpecialReport
from reports.special.context import special_context, yi
from reports.special.services import (
    RULES_VERSION,
    generate_special_report,
    queue_special_report,
    regenerate_special_report,
)
from reports.tests.test_figures import edit_after_as_of

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "special"
AS_OF = datetime.date(2024, 3, 15)


def docx_text(document):
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def test_the_context_prints_the_figures_the_published_way(world, county):
    c = county
    figures = compute_figures(as_of=AS_OF, period="2024-03-H1").to_dict()

    context = special_context(figures)

    # 610 万元 of 2600 万元 = 23.46 %, 序时进度 2/12 = 16.67 %
    assert context["overall"]["text"] == (
        "截至3月15日，全区4个重点项目完成投资0.06亿元，占年度计划0.26亿元的23.46%，高于序时进度6.79个百分点。"
    )
    assert context["overall"]["rates_text"] == (
        "年度计划开工项目3个，已开工2个，开工率66.67%；计划竣工项目2个，已竣工1个，其中按期竣工1个，按期竣工率50.00%。"
    )
    tiers = {tier["label"]: tier for tier in context["overall"]["tiers"]}
    assert list(tiers) == ["省重点", "市重点", "区重点"]
    # 市重点: P2 (plan 600, 0 reported) and P4 (plan 500, 260 reported) → 260 / 1100 = 23.64 %
    assert tiers["市重点"]["projects"] == 2
    assert tiers["市重点"]["year_to_date"] == "260.00"
    assert tiers["市重点"]["completion_rate"] == "23.64%"
    assert tiers["省重点"]["text"] == (
        "截至3月15日，省重点1个重点项目完成投资0.04亿元，占年度计划0.12亿元的29.17%，高于序时进度12.50个百分点。"
    )
    assert [project["name"] for project in context["major"]["projects"]] == ["甲项目"]
    assert context["major"]["projects"][0]["text"] == (
        "甲项目（唐江镇人民政府）：总投资5.00亿元，目前处于在建（开工/续建）阶段，年度计划投资1200.00万元，"
        "截至3月15日完成350.00万元，完成率29.17%，快于序时进度，红灯。"
    )
    assert [item["id"] for item in context["warnings"]["red"]] == [c.p1.pk]
    assert [item["id"] for item in context["warnings"]["yellow"]] == [c.p4.pk]
    assert context["warnings"]["text"] == "全部项目中亮红灯1个、黄灯1个、绿灯1个，未亮灯1个。"
    assert context["matters"]["opened"] == 1 and context["matters"]["closed"] == 1
    assert context["matters"]["overdue"] == 1
    assert context["matters"]["text"].startswith(
        "本期新交办问题1件，办结销号1件；截至统计日，逾期未办结1件。"
    )
    assert "逾期事项牵头单位：唐江镇人民政府1件。" in context["matters"]["text"]
    # 唐江镇 reported all 4 on time; 凤岗镇 2 of 4, one late
    assert [
        (row["rank"], row["unit"], row["completeness"], row["timeliness"])
        for row in context["reporting"]["units"]
    ] == [
        (1, "唐江镇人民政府", "100.00%", "100.00%"),
        (2, "凤岗镇人民政府", "50.00%", "25.00%"),
    ]
    assert (
        "应报8份，已报6份，缺报2份，迟报1份，填报完整率75.00%，及时率62.50%。" in context["reporting"]["text"]
    )
    # every project of the figures is a row, with the figures' own numbers
    assert [row["id"] for row in context["projects"]] == [row["id"] for row in figures["projects"]]
    assert sum(
        Decimal(row["year_to_date"]) for row in context["projects"] if row["year_to_date"] != "—"
    ) == Decimal(figures["summary"]["year_to_date"]["value"])


def test_money_is_printed_in_yi_with_two_decimals():
    assert yi("1169400.00") == "116.94"
    assert yi(Decimal("50")) == "0.01"  # 0.005 rounds half up
    assert yi(None) == "—"


def test_the_generated_report_stores_its_parameters_figures_and_files(world, county):
    report = generate_special_report("2024-03-h1", actor=world.office, formats="docx,xlsx")

    report.refresh_from_db()
    assert report.status == SpecialReportStatus.DONE and report.progress == 100
    assert report.as_of == AS_OF
    assert report.period_code == "2024-03-H1" and report.period_label == "2024年3月上半月"
    assert report.rules_version == RULES_VERSION
    assert report.parameters == {
        "period": "2024-03-H1",
        "region": None,
        "recorded_at": None,
        "formats": ["docx", "xlsx"],
    }
    assert report.figures_checksum == compute_figures(as_of=AS_OF, period="2024-03-H1").checksum()
    assert report.figures["summary"]["year_to_date"]["value"] == "610.00"
    assert not report.pdf_file
    assert report.history.count() >= 2

    with report.docx_file.open("rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    text = docx_text(document)
    headings = (
        "一、总体情况 二、集中开工与签约项目 三、重点项目进展 四、预警情况 "
        + "五、问题协调 六、调度填报情况 七、下一步工作"
    )
    for heading in headings.split():
        assert heading in text
    assert "截至3月15日，全区4个重点项目完成投资0.06亿元" in text
    assert "{{" not in text and "{%" not in text
    assert len(document.tables) == 5
    tiers_table = document.tables[0]
    assert [cell.text for cell in tiers_table.rows[2].cells][:6] == [
        "市重点",
        "2",
        "5.00",
        "0.11",
        "0.03",
        "23.64%",
    ]
    red_table = document.tables[1]
    assert [cell.text for cell in red_table.rows[1].cells][:3] == ["甲项目", "唐江镇人民政府", "29.17%"]
    assert len(document.inline_shapes) == 2  # the two charts

    with report.xlsx_file.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    rows = list(book["一、项目明细"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [project["code"] for project in report.figures["projects"]]
    assert [row[7] for row in rows] == [
        float(project["year_to_date"]) if project["year_to_date"] else None
        for project in report.figures["projects"]
    ]
    assert [row[0] for row in book["四、红灯项目"].iter_rows(min_row=2, values_only=True)] == [county.p1.code]
    assert [row[0] for row in book["五、问题事项"].iter_rows(min_row=2, values_only=True)] == [
        row["code"] for row in report.figures["matters"]["rows"]
    ]


def test_a_name_that_looks_like_a_formula_or_a_link_stays_text_in_the_annex(world, county):
    from core.history import history_context

    with history_context(actor=world.office, reason="测试"):
        county.p1.name = '=HYPERLINK("http://example.com","甲")'
        county.p1.save()
    report = generate_special_report("2024-03-H1", actor=world.office, formats="xlsx", recorded_at="now")

    with report.xlsx_file.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read()))["一、项目明细"]
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert cells[county.p1.code].value == county.p1.name
    assert cells[county.p1.code].data_type == "s"  # a string, not a formula
    assert cells[county.p1.code].hyperlink is None


def test_regenerating_after_later_edits_gives_the_same_figures(world, county):
    first = generate_special_report("2024-03-H1", actor=world.office, formats="xlsx")
    edit_after_as_of(world, county)

    again = regenerate_special_report(first, actor=world.office)

    assert again.pk != first.pk
    assert again.figures_checksum == first.figures_checksum
    assert again.figures == first.figures
    # the same period read as recorded now sees the edits (P1's plan 1200 → 1500)
    now = generate_special_report("2024-03-H1", actor=world.office, formats="xlsx", recorded_at="now")
    assert now.figures_checksum != first.figures_checksum
    assert now.figures["summary"]["annual_plan"]["value"] == "2900.00"


def test_bad_input_and_permissions_are_refused_in_chinese(world, county):
    with pytest.raises(ValidationError, match="统计期“2024-13”的月份应在 1 至 12 之间"):
        queue_special_report("2024-13", actor=world.office)
    with pytest.raises(ValidationError, match="区划代码“999999”不存在"):
        queue_special_report("2024-03", actor=world.office, region="999999")
    with pytest.raises(ValidationError, match="文件格式“doc”不正确"):
        queue_special_report("2024-03", actor=world.office, formats="doc")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        queue_special_report("2024-03", actor=world.reporter_a)
    assert SpecialReport.objects.count() == 0


def test_the_background_job_generates_a_queued_report(world, county):
    from reports.tasks import generate_special_report_task

    report = queue_special_report("2024-03", actor=world.office, formats="xlsx")
    assert report.status == SpecialReportStatus.QUEUED and report.as_of == datetime.date(2024, 3, 31)

    result = generate_special_report_task.call_local(report.pk)

    report.refresh_from_db()
    assert report.status == SpecialReportStatus.DONE and report.progress == 100
    assert report.xlsx_file and not report.docx_file
    assert result == {"report": report.pk, "checksum": report.figures_checksum}


def test_the_cli_writes_the_files(world, county, tmp_path):
    out = io.StringIO()
    call_command(
        "report",
        "special",
        "--period",
        "2024-03-H1",
        "--format",
        "docx,xlsx",
        "--out",
        str(tmp_path / "out"),
        stdout=out,
    )

    report = SpecialReport.objects.get()
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "专报-2024-03-H1.docx",
        "专报-2024-03-H1.xlsx",
    ]
    assert out.getvalue().strip().endswith(f"校验码 {report.figures_checksum}")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="统计期“2024-3-H3”格式不正确"):
        call_command("report", "special", "--period", "2024-3-H3", "--out", str(tmp_path))


@pytest.mark.skipif(libreoffice_command() is None, reason="LibreOffice 未安装")
def test_the_pdf_shows_chinese_text_tables_and_charts(world, county):
    report = generate_special_report("2024-03-H1", actor=world.office, formats="docx,pdf")

    with report.pdf_file.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "special-2024-03-H1.pdf").write_bytes(pdf)
    fonts = subprocess.run(
        ["pdffonts", str(ARTIFACTS / "special-2024-03-H1.pdf")], capture_output=True, text=True
    )
    # every font embedded (the "emb" column, fifth from the end), the Chinese ones Noto CJK
    font_lines = [line.split() for line in fonts.stdout.splitlines()[2:] if line.strip()]
    assert font_lines and all(parts[-5] == "yes" for parts in font_lines)
    assert any("CJK" in parts[0] for parts in font_lines)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "3",
                str(ARTIFACTS / "special-2024-03-H1.pdf"),
                str(ARTIFACTS / "special-page"),
            ],
            check=True,
        )
        assert sorted(ARTIFACTS.glob("special-page-*.png"))
