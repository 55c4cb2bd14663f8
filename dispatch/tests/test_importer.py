"""The progress import: the pre-filled sheet round trip equals the form, consolidated sheets laid out
the offices' ways, errors by row and column with nothing written, scope, the lock, re-import, the CLI."""

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dispatch import services
from dispatch.choices import ReportAction, ReportStatus
from dispatch.importer import import_progress
from dispatch.importer.checks import RuleBook
from dispatch.models import ProgressReport, ReportReview
from dispatch.sheets import round_sheet
from dispatch.tests.test_services import WEEK_10, at, project, weekly
from projects import services as project_services

pytestmark = pytest.mark.django_db
W = Decimal
NOW = at(WEEK_10.replace(day=6))
COMPARED = (
    "status",
    "baseline_year_to_date",
    "baseline_since_start",
    "investment_period",
    "investment_year_to_date",
    "investment_since_start",
    "physical_progress",
    "workers_on_site",
    "stage",
    "next_steps",
    "blockers",
    "confidence",
    "confidence_narrative",
    "warning_comment",
    "submitted_by_id",
    "submitted_at",
    "first_submitted_at",
)


@pytest.fixture
def dispatch_round(world):
    project(world, "唐江家具产业园", total="10000", invested="1000")  # NK codes: see register_project
    project(world, "唐江物流中心", total="5000", invested="0")
    project(world, "凤岗光伏电站", unit=world.unit_b, total="20000", invested="3000")
    return services.open_round(weekly(world), on=WEEK_10, actor=world.office)


def report_of(dispatch_round, name):
    return ProgressReport.objects.get(round=dispatch_round, project__name=name)


def state(report):
    report.refresh_from_db()
    return {name: getattr(report, name) for name in COMPARED}


def snapshot(dispatch_round):
    return {report.pk: state(report) for report in ProgressReport.objects.filter(round=dispatch_round)} | {
        "reviews": ReportReview.objects.count()
    }


def workbook_bytes(rows, merges=()):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    for merged in merges:
        sheet.merge_cells(merged)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(dispatch_round, rows, *, merges=(), user=None, actor=None, dry_run=False):
    return import_progress(
        workbook_bytes(rows, merges), round=dispatch_round, actor=actor, user=user, dry_run=dry_run, now=NOW
    )


# The round trip -----------------------------------------------------------------------------------

FILLED = {
    "investment_period": W("200"),
    "physical_progress": "主体结构施工至三层",
    "workers_on_site": 85,
    "next_steps": "四月封顶",
    "blockers": "用电报装待批",
    "confidence": "green_amber",
    "confidence_narrative": "用电报装可能推迟一周",
}


def test_the_pre_filled_sheet_round_trip_gives_the_same_reports_as_the_form(world):
    first = project(world, "唐江家具产业园", total="10000", invested="1000")
    second = project(world, "唐江电子厂", total="10000", invested="1000")
    project_services.set_annual_plan(first, year=2024, amount=W("3000"), actor=world.office)
    project_services.set_annual_plan(second, year=2024, amount=W("3000"), actor=world.office)
    dispatch_round = services.open_round(weekly(world), on=WEEK_10, actor=world.office)
    by_form = report_of(dispatch_round, "唐江家具产业园")
    services.submit_report(by_form, actor=world.reporter_a, now=NOW, **FILLED)

    by_sheet = report_of(dispatch_round, "唐江电子厂")
    workbook = openpyxl.load_workbook(
        io.BytesIO(round_sheet(dispatch_round, unit=world.unit_a, user=world.reporter_a))
    )
    sheet = workbook.active
    headers = [cell.value for cell in sheet[4]]
    codes = [row[0].value for row in sheet.iter_rows(min_row=5)]
    assert codes == [second.code]  # the submitted report can no longer be changed: not in the sheet
    row = 5 + codes.index(second.code)
    labels = {name: str(ProgressReport._meta.get_field(name).verbose_name) for name in FILLED}
    for name, value in FILLED.items():
        cell_value = {"confidence": "绿黄"}.get(name, value)
        sheet.cell(
            row=row,
            column=headers.index(labels[name]) + 1,
            value=cell_value if name != "investment_period" else 200,
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    summary = import_progress(
        buffer.getvalue(), round=dispatch_round, actor=world.reporter_a, user=world.reporter_a, now=NOW
    )

    assert summary.errors == []
    assert (summary.rows_read, summary.updated, summary.unchanged, summary.created) == (1, 1, 0, 0)
    assert state(by_sheet) == state(by_form)
    assert state(by_sheet)["investment_since_start"] == W("1200")
    form_review = by_form.reviews.get()
    sheet_review = by_sheet.reviews.get()
    assert (form_review.action, sheet_review.action) == (ReportAction.SUBMIT, ReportAction.IMPORT)
    assert (sheet_review.actor, sheet_review.at, sheet_review.comment) == (
        form_review.actor,
        form_review.at,
        form_review.comment,
    )
    record = by_sheet.history.latest("history_date")
    assert (record.history_type, record.history_user, record.status) == ("~", world.reporter_a, "submitted")
    assert record.request_id and record.history_change_reason == "Excel 导入"
    assert sheet_review.history.get().history_type == "+"


# Consolidated sheets, laid out the offices' ways --------------------------------------------------


def test_two_row_merged_header_with_title_rows_and_a_totals_row(world, dispatch_round):
    furniture, logistics = (
        report_of(dispatch_round, "唐江家具产业园"),
        report_of(dispatch_round, "唐江物流中心"),
    )
    rows = [
        ["南康区重点项目调度汇总表（2024年第10周）"],
        ["填报单位：区项目办"],
        ["序号", "项目编码", "项目名称", "完成投资（万元）", None, None, "形象进度", "交付信心"],
        [None, None, None, "本月", "本年累计", "开工累计", None, None],
        ["合计", None, None, 500, 500, 2500, None, None],
        [1, furniture.project.code, "唐江家具产业园", 300, 300, 1300, "钢结构吊装", "绿"],
        [2, logistics.project.code, "唐江物流中心", 200, 200, 200, "土方开挖", "绿"],
    ]
    summary = run(dispatch_round, rows, merges=("A1:H1", "D3:F3"), user=world.office, actor=world.office)
    assert summary.errors == []
    assert (summary.rows_read, summary.updated, summary.skipped, summary.total_investment_wan) == (
        2,
        2,
        1,
        W("500"),
    )
    furniture.refresh_from_db()
    assert (
        furniture.investment_period,
        furniture.investment_year_to_date,
        furniture.investment_since_start,
    ) == (
        W("300"),
        W("300"),
        W("1300"),
    )
    assert (furniture.status, furniture.physical_progress) == (ReportStatus.SUBMITTED, "钢结构吊装")


def test_amounts_in_yi_yuan_and_a_unit_note(world, dispatch_round):
    furniture = report_of(dispatch_round, "唐江家具产业园")
    rows = [
        ["单位：亿元"],
        ["项目名称", "本期完成投资", "开工累计完成投资（万元）", "形象进度", "交付信心"],
        ["唐江家具产业园", 0.0125, 1125, "封顶", "绿"],
    ]
    summary = run(dispatch_round, rows, user=world.office, actor=world.office)
    assert summary.errors == []
    furniture.refresh_from_db()
    assert (furniture.investment_period, furniture.investment_since_start) == (W("125.00"), W("1125"))
    rows[1][1] = "本期完成投资（亿元）"
    rows[0] = ["某某表"]
    assert run(dispatch_round, rows, user=world.office, actor=world.office).unchanged == 1


def test_text_numbers_full_width_digits_and_empty_markers(world, dispatch_round):
    logistics = report_of(dispatch_round, "唐江物流中心")
    rows = [
        [
            "项目编码",
            "项目名称",
            "年度累计完成投资",
            "在场施工人数",
            "项目阶段",
            "存在问题",
            "交付信心",
            "信心说明",
            "形象进度",
        ],
        [
            logistics.project.code,
            "唐江物流中心",
            "１，２３４.５",
            "８５人",
            "在建",
            "——",
            "黄",
            "资金未到位",
            "土方",
        ],
    ]
    summary = run(dispatch_round, rows, user=world.office, actor=world.office)
    assert summary.errors == [], summary.errors
    logistics.refresh_from_db()
    # Only the year to date given: this period and since start follow from the last figures (0, 0).
    assert (
        logistics.investment_year_to_date,
        logistics.investment_period,
        logistics.investment_since_start,
    ) == (
        W("1234.50"),
        W("1234.50"),
        W("1234.50"),
    )
    assert (logistics.workers_on_site, logistics.blockers, logistics.confidence) == (85, "", "amber")


def test_a_year_in_the_header_and_a_unit_row_under_it(world, dispatch_round):
    furniture = report_of(dispatch_round, "唐江家具产业园")
    rows = [
        ["项目名称", "2024年累计完成投资", "开工以来累计完成投资", "工程形象进度", "推进信心"],
        ["（万元）", "（万元）", "（万元）", None, None],
        ["唐江家具产业园", "400", "1400", "装修", "绿色"],
        ["注：本表由项目办汇总"],
        ["不是项目", 1, 1, "x", "绿"],
    ]
    summary = run(dispatch_round, rows, user=world.office, actor=world.office)
    assert summary.errors == []
    assert summary.rows_read == 1
    furniture.refresh_from_db()
    assert (furniture.investment_year_to_date, furniture.investment_since_start, furniture.confidence) == (
        W("400"),
        W("1400"),
        "green",
    )


def test_sections_and_subtotals_are_skipped(world, dispatch_round):
    rows = [
        ["序号", "项目名称", "责任单位", "本周完成投资", "形象进度", "交付信心"],
        ["一、产业项目（1个）", None, None, 100, None, None],
        [1, "唐江家具产业园", "唐江镇人民政府", 100, "主体施工", "绿"],
        ["二、基础设施（1个）", None, None, 50, None, None],
        [2, "凤岗光伏电站", "凤岗镇人民政府", 50, "组件安装", "绿"],
        ["小计", None, None, 150, None, None],
    ]
    summary = run(dispatch_round, rows, user=world.office, actor=world.office)
    assert summary.errors == []
    assert (summary.rows_read, summary.skipped, summary.updated) == (2, 3, 2)
    assert report_of(dispatch_round, "凤岗光伏电站").investment_since_start == W("3050")


def test_a_bad_sheet_writes_nothing_and_names_row_and_column(world, dispatch_round):
    before = snapshot(dispatch_round)
    furniture = report_of(dispatch_round, "唐江家具产业园")
    rows = [
        ["项目调度表"],
        ["项目编码", "项目名称", "本期完成投资", "在场施工人数", "形象进度", "交付信心", "信心说明"],
        [furniture.project.code, "唐江家具产业园", 100, 10, "施工", "绿", ""],
        ["NK-NOPE", "不存在的项目", 100, 10, "施工", "绿", ""],
        [None, "唐江物流中心", "一百", "十人", "施工", "紫", ""],
        [None, "凤岗光伏电站", 100, 10, "", "红", ""],
    ]
    summary = run(dispatch_round, rows, user=world.office, actor=world.office)
    assert [str(error) for error in summary.errors] == [
        "第 4 行 第 A 列：本轮调度中没有这个项目，或它不在您的填报范围内",
        "第 5 行 第 C 列：“一百”不是金额",
        "第 5 行 第 D 列：“十人”不是整数",
        "第 5 行 第 F 列：无法识别的交付信心“紫”（可填：绿、绿黄、黄、黄红、红）",
        "第 6 行 第 E 列：请填写形象进度",
        "第 6 行 第 G 列：交付信心不是“绿”时须填写信心说明",
    ]
    assert summary.committed is False
    assert snapshot(dispatch_round) == before


def test_a_reporter_cannot_import_another_units_project(world, dispatch_round):
    before = snapshot(dispatch_round)
    rows = [
        ["项目名称", "本期完成投资", "形象进度", "交付信心"],
        ["唐江家具产业园", 100, "施工", "绿"],
        ["凤岗光伏电站", 100, "施工", "绿"],
    ]
    summary = run(dispatch_round, rows, user=world.reporter_a, actor=world.reporter_a)
    assert [str(error) for error in summary.errors] == [
        "第 3 行 第 A 列：本轮调度中没有这个项目，或它不在您的填报范围内"
    ]
    assert snapshot(dispatch_round) == before


def test_a_locked_round_refuses_without_an_exception(world, dispatch_round):
    before = snapshot(dispatch_round)
    rows = [["项目名称", "本期完成投资", "形象进度", "交付信心"], ["唐江家具产业园", 100, "施工", "绿"]]
    late = at(WEEK_10.replace(day=12))
    summary = import_progress(
        workbook_bytes(rows), round=dispatch_round, actor=world.office, user=world.office, now=late
    )
    assert [str(error) for error in summary.errors] == [
        "第 2 行 第 A 列：本轮调度已锁定，不能再报送；如需补报，请联系项目办开通补报许可"
    ]
    assert snapshot(dispatch_round) == before
    services.grant_lock_exception(
        dispatch_round,
        unit=world.unit_a,
        until=at(WEEK_10.replace(day=14)),
        reason="补报",
        actor=world.office,
    )
    summary = import_progress(
        workbook_bytes(rows), round=dispatch_round, actor=world.office, user=world.office, now=late
    )
    assert (summary.errors, summary.updated) == ([], 1)


def test_a_warning_needs_a_comment_and_reimporting_changes_nothing(world, dispatch_round):
    furniture = report_of(dispatch_round, "唐江家具产业园")
    project_services.set_annual_plan(furniture.project, year=2024, amount=W("100"), actor=world.office)
    rows = [
        ["项目名称", "本期完成投资", "形象进度", "交付信心", "预警说明"],
        ["唐江家具产业园", 150, "施工", "绿", None],
    ]
    summary = run(dispatch_round, rows, user=world.office, actor=world.office)
    assert [str(error) for error in summary.errors] == [
        "第 2 行 第 B 列：年度累计完成投资已超过年度计划投资，请说明（警告：请在“预警说明”列中说明后再报送）"
    ]
    rows[1][4] = "追加投资，计划待调整"
    assert run(dispatch_round, rows, user=world.office, actor=world.office, dry_run=True).updated == 1
    assert report_of(dispatch_round, "唐江家具产业园").status == ReportStatus.PENDING
    assert run(dispatch_round, rows, user=world.office, actor=world.office).updated == 1
    before = snapshot(dispatch_round)
    history = ProgressReport.history.count()
    again = run(dispatch_round, rows, user=world.office, actor=world.office)
    assert (again.errors, again.updated, again.unchanged) == ([], 0, 1)
    assert snapshot(dispatch_round) == before
    assert ProgressReport.history.count() == history


def test_the_rule_book_finds_what_check_report_finds(world, dispatch_round):
    furniture = report_of(dispatch_round, "唐江家具产业园")
    project_services.set_annual_plan(furniture.project, year=2024, amount=W("100"), actor=world.office)
    book = RuleBook(services.active_rules(dispatch_round.cadence))
    for values in (
        {"investment_period": W("150")},
        {"investment_year_to_date": W("50"), "investment_since_start": W("99999")},
        {"investment_period": W("20000"), "physical_progress": "施工", "confidence": "red"},
        {},
    ):
        report = report_of(dispatch_round, "唐江家具产业园")
        services._apply(report, values)
        assert book.findings(report, annual_plan=W("100")) == services.check_report(report)


# The command --------------------------------------------------------------------------------------


def test_the_command_imports_progress_with_json_and_dry_run(world, dispatch_round, tmp_path, capsys):
    path = tmp_path / "调度.xlsx"
    path.write_bytes(
        workbook_bytes(
            [["项目名称", "本期完成投资", "形象进度", "交付信心"], ["唐江家具产业园", 100, "施工", "绿"]]
        )
    )
    name = f"{dispatch_round.cadence.name}:{dispatch_round.period_start}"
    services_now = NOW
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=services_now):
        call_command("import", "progress", str(path), "--round", name, "--dry-run", "--json")
        data = json.loads(capsys.readouterr().out)
        assert (data["rows_read"], data["updated"], data["committed"], data["total_investment_wan"]) == (
            1,
            1,
            False,
            "100.00",
        )
        assert report_of(dispatch_round, "唐江家具产业园").status == ReportStatus.PENDING
        call_command("import", "progress", str(path), "--round", str(dispatch_round.pk), "--actor", "office")
        assert "更新 1" in capsys.readouterr().out
    report = report_of(dispatch_round, "唐江家具产业园")
    assert (report.status, report.submitted_by) == (ReportStatus.SUBMITTED, world.office)
    with pytest.raises(CommandError, match="找不到调度轮次"):
        call_command("import", "progress", str(path), "--round", "每周调度:2030-01-07")
    with pytest.raises(CommandError, match="--round"):
        call_command("import", "progress", str(path))
