"""Excel import of project lists as offices keep them: layouts, exact values, errors, all or nothing,
re-import is a no-op, the command."""

import datetime
import json
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from core.history import history_context
from core.tests.test_spreadsheets import MB, write_zip_of_zeros
from org.models import Role
from org.services import grant_role
from projects.models import AnnualPlan, IndustryChain, Project, StageTransition
from projects.tests import sheets_projects as sheets
from projects.tests.sheets_checks import ON, call, nothing_written, run, shown, texts, written

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def chain(world):
    with history_context(reason="测试数据"):
        return IndustryChain.objects.create(name="现代家居")


# -- layouts ---------------------------------------------------------------------------------------


def test_plain_sheet_registers_projects_with_codes_stages_plans_and_history(world, chain, tmp_path):
    path = sheets.plain(tmp_path / "项目清单.xlsx")

    with history_context(request_id="req-import-1"):
        summary = run(world, path)

    assert texts(summary) == []
    assert (
        shown(summary, "rows_read created updated unchanged skipped header_row committed")
        == "2|2|0|0|0|2|True"
    )
    assert summary.total_investment_wan == Decimal("58000.00")
    furniture = Project.objects.get(name="年产10万套实木家具项目")
    assert shown(furniture, "code region address introducing_unit responsible_unit liaison_leader") == (
        "360703100-2024-0001|唐江镇|唐江镇工业园|唐江镇人民政府|唐江镇人民政府|甲镇领导（镇长）"
    )
    assert set(furniture.cooperating_units.all()) == {world.unit_b, world.county_unit}
    assert shown(furniture, "category industry_chain industry construction_content investor_name") == (
        "industry|现代家居|2110 木质家具制造|新建厂房及生产线|赣州家居有限公司"
    )
    assert furniture.investor_credit_code == sheets.CREDIT_CODE
    assert (furniture.total_investment, furniture.invested_to_date) == (
        Decimal("50000.00"),
        Decimal("3000.50"),
    )
    assert shown(furniture, "planned_start_year planned_end_year stage stage_since") == (
        "2024|2026|under_construction|2024-03-01"
    )
    assert (
        shown(furniture, "is_provincial_key is_city_key is_district_key is_major") == "True|False|False|False"
    )
    plan = furniture.annual_plans.get()
    assert (plan.year, plan.amount, plan.month_amounts) == (2024, Decimal("12000.00"), ["1000.00"] * 12)
    transition = furniture.transitions.get()
    assert (
        shown(transition, "from_stage to_stage effective_on actor") == "|under_construction|2024-03-01|office"
    )
    sewage = Project.objects.get(name="凤岗镇污水处理厂")
    assert shown(sewage, "code region introducing_unit liaison_leader category industry") == (
        "360703101-2024-0001|凤岗镇|凤岗镇人民政府|乙镇领导（镇长）|infrastructure|4620 污水处理及其再生利用"
    )
    assert shown(sewage, "invested_to_date stage is_major address") == "0.00|planned|True|"
    assert sewage.annual_plans.get().month_amounts == ["166.66"] * 11 + ["166.74"]
    for model in (Project, StageTransition, AnnualPlan):
        records = list(model.history.all())
        assert len(records) == 2
        assert {(r.history_type, r.history_user, r.history_change_reason, r.request_id) for r in records} == {
            ("+", world.office, "Excel 导入：项目清单.xlsx", "req-import-1")
        }
    record = furniture.history.get()
    assert (record.total_investment, record.code) == (Decimal("50000.00"), "360703100-2024-0001")
    assert {row.unit_id for row in record.cooperating_units.all()} == {world.unit_b.pk, world.county_unit.pk}
    assert sewage.history.get().cooperating_units.count() == 0


def test_merged_two_row_header_carries_the_group_unit(world, tmp_path):
    summary = run(world, sheets.merged_two_row(tmp_path / "调度表.xlsx"))

    assert texts(summary) == []
    assert summary.header_row == 3
    assert " ".join(f"{c['column']}:{c['field']}" for c in summary.columns) == (
        "B:name C:responsible_unit D:total_investment E:annual_plan F:invested_to_date "
        "G:planned_start_year H:planned_end_year I:tier"
    )
    solar = Project.objects.get(name="光伏组件制造项目")
    assert shown(solar, "total_investment invested_to_date planned_start_year planned_end_year") == (
        "500000.00|12345.00|2024|2026"
    )
    assert (
        shown(solar, "is_provincial_key is_city_key is_major responsible_unit")
        == "True|False|True|凤岗镇人民政府"
    )
    assert [(plan.year, plan.amount) for plan in solar.annual_plans.all()] == [(2024, Decimal("55000.00"))]
    park = Project.objects.get(name="家具产业园二期")
    assert (
        shown(park, "total_investment is_city_key planned_start_year planned_end_year")
        == "123456.00|True|2024|2027"
    )
    assert not park.annual_plans.exists()
    assert summary.total_investment_wan == Decimal("623456.00")


def test_yi_yuan_headers_convert_exactly(world, tmp_path):
    summary = run(world, sheets.yi_yuan(tmp_path / "亿元.xlsx"), year=2025)

    assert texts(summary) == []
    park = Project.objects.get(name="电子信息产业园")
    assert (park.total_investment, park.invested_to_date) == (Decimal("123456.00"), Decimal("15000.00"))
    assert (park.annual_plans.get().year, park.annual_plans.get().amount) == (2025, Decimal("12345.67"))
    depot = Project.objects.get(name="智能仓储物流中心")
    assert (depot.total_investment, depot.invested_to_date) == (Decimal("0.51"), Decimal("300.00"))
    assert depot.annual_plans.get().amount == Decimal("2500.00")
    assert summary.total_investment_wan == Decimal("123456.51")


def test_totals_subtotals_and_notes_are_skipped(world, tmp_path):
    summary = run(world, sheets.totals(tmp_path / "合计.xlsx"))

    assert texts(summary) == []
    assert (summary.rows_read, summary.created, summary.skipped) == (3, 3, 3)
    assert sorted(Project.objects.values_list("name", "total_investment", "invested_to_date")) == [
        ("城北农贸市场", Decimal("2000.00"), Decimal("0.00")),
        ("城南污水管网改造", Decimal("3000.00"), Decimal("100.00")),
        ("龙华镇卫生院迁建", Decimal("1500.00"), Decimal("20.00")),
    ]
    assert summary.total_investment_wan == Decimal("6500.00")


def test_text_numbers_full_width_and_empty_markers(world, tmp_path):
    summary = run(world, sheets.text_numbers(tmp_path / "文本.xlsx"))

    assert texts(summary) == []
    park = Project.objects.get(name="数字经济产业园（一期）")  # the name is kept as written
    assert shown(park, "responsible_unit total_investment invested_to_date planned_start_year address") == (
        "唐江镇人民政府|12345.60|0.00|2024|"
    )
    oranges = Project.objects.get(name="赣南脐橙深加工项目")
    assert (
        shown(oranges, "total_investment invested_to_date planned_start_year address")
        == "1234.00|88.00|None|凤岗镇"
    )


def test_dates_as_serials_dates_and_text(world, tmp_path):
    summary = run(world, sheets.dates(tmp_path / "日期.xlsx"))

    assert texts(summary) == []
    years = Project.objects.order_by("name").values_list("name", "planned_start_year", "planned_end_year")
    assert list(years) == [
        ("项目一", 2024, 2026),
        ("项目三", 2024, 2027),
        ("项目二", 2023, 2026),
        ("项目五", 2024, 2025),
        ("项目四", 2024, 2025),
    ]


def test_reordered_columns_synonyms_codes_and_regions(world, tmp_path):
    summary = run(world, sheets.reordered(tmp_path / "乱序.xlsx"))

    assert texts(summary) == []
    aluminium = Project.objects.get(code="NK-2024-A01")
    assert shown(aluminium, "name region responsible_unit liaison_leader investor_name") == (
        "铝型材生产线|凤岗镇|凤岗镇人民政府|乙镇领导（镇长）|赣州铝业有限公司"
    )
    assert (aluminium.construction_content, aluminium.planned_start_year) == ("年产5万吨铝型材", 2024)
    tourism = Project.objects.get(code="NK-2024-A02")
    assert (
        shown(tourism, "name region responsible_unit planned_start_year")
        == "文旅街区|南康区|南康区人民政府|2025"
    )


def test_section_rows_give_category_and_stage(world, tmp_path):
    path = sheets.sections(tmp_path / "分组.xlsx")
    summary = run(world, path)

    assert texts(summary) == []
    assert (summary.rows_read, summary.skipped) == (3, 5)
    assert sorted(Project.objects.values_list("name", "category", "stage")) == [
        ("新能源电池项目", "industry", "planned"),  # its own stage wins over the section's
        ("电子元器件产业园", "industry", "under_construction"),
        ("镇区道路提升", "infrastructure", "signed"),
    ]
    assert run(world, path).unchanged == 3


def test_tier_words_ticks_and_several_cooperating_units(world, tmp_path):
    summary = run(world, sheets.tiers(tmp_path / "级别.xlsx"))

    assert texts(summary) == []
    flags = "is_provincial_key is_city_key is_district_key is_provincial_large is_major"
    base = Project.objects.get(name="高端家具智造基地")
    assert shown(base, flags) == "True|True|True|False|False"
    assert set(base.cooperating_units.all()) == {world.unit_a, world.unit_b, world.county_unit}
    assert base.liaison_leader == world.leader_a
    market = Project.objects.get(name="镇级农贸市场")
    assert shown(market, flags) == "False|False|False|False|False"
    assert (market.cooperating_units.count(), market.liaison_leader) == (0, None)
    assert shown(Project.objects.get(name="低空经济产业园"), flags) == "False|False|True|False|True"


def test_unit_note_above_the_header_and_units_row_below_it(world, tmp_path):
    summary = run(world, sheets.sheet_unit(tmp_path / "单位.xlsx"))

    assert texts(summary) == []
    assert summary.header_row == 3
    project = Project.objects.get()
    assert (project.total_investment, project.invested_to_date) == (Decimal("35000.00"), Decimal("1200.00"))


def test_csv_in_gbk(world, tmp_path):
    summary = run(world, sheets.csv_gbk(tmp_path / "项目.csv"))

    assert texts(summary) == []
    stored = Project.objects.values_list("name", "responsible_unit__code", "total_investment", "stage")
    assert sorted(stored) == [
        ("唐江镇光伏电站", "T-A", Decimal("1200.50"), "preparing"),
        ("赣州港多式联运中心", "T-B", Decimal("25000.00"), "signed"),
    ]
    assert set(Project.objects.values_list("planned_start_year", flat=True)) == {2024}


# -- re-import, updates, matching ------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(world, chain, tmp_path):
    path = sheets.plain(tmp_path / "项目清单.xlsx")
    run(world, path)
    before = written()

    summary = run(world, path, on=D(2024, 4, 1))

    assert texts(summary) == []
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert written() == before


def test_changed_cells_update_the_project_with_history(world, chain, tmp_path):
    path = sheets.plain(tmp_path / "项目清单.xlsx")
    run(world, path)
    furniture = Project.objects.get(name="年产10万套实木家具项目")
    rows = [
        ["项目名称", "所在区划", "总投资（亿元）", "2024年计划投资", "配合单位", "项目阶段"],
        ["年产10万套实木家具项目", "唐江镇", 5.2, 12000, "凤岗镇人民政府", "竣工"],
        ["凤岗镇污水处理厂", "凤岗镇", 0.8, 2400, None, None],
    ]

    with history_context(request_id="req-import-2"):
        summary = run(world, sheets.xlsx(tmp_path / "更新.xlsx", rows))

    assert texts(summary) == []
    assert (summary.created, summary.updated, summary.unchanged) == (0, 2, 0)
    furniture.refresh_from_db()
    assert (furniture.total_investment, furniture.stage) == (Decimal("52000.00"), "under_construction")
    assert list(furniture.cooperating_units.all()) == [world.unit_b]
    latest = furniture.history.latest()
    assert (
        shown(latest, "history_type history_change_reason request_id")
        == "~|Excel 导入：更新.xlsx|req-import-2"
    )
    assert shown(latest, "total_investment prev_record.total_investment") == "52000.00|50000.00"
    assert [row.unit_id for row in latest.cooperating_units.all()] == [world.unit_b.pk]
    assert furniture.annual_plans.get().history.count() == 1  # the plan did not change
    plan = Project.objects.get(name="凤岗镇污水处理厂").annual_plans.get()
    assert (plan.amount, plan.month_amounts) == (Decimal("2400.00"), ["200.00"] * 12)
    assert [record.history_type for record in plan.history.order_by("history_id")] == ["+", "~"]
    assert StageTransition.objects.count() == 2  # an import never moves a stage


def test_match_by_code_renames_and_by_name_only_within_the_region(world, tmp_path):
    run(world, sheets.reordered(tmp_path / "乱序.xlsx"))
    rows = [
        ["项目编码", "项目名称", "所在区划", "责任单位"],
        ["NK-2024-A01", "铝型材生产线（一期）", "凤岗镇", "T-B"],
        [None, "文旅街区", "南康区", "T-GOV"],
        [None, "文旅街区", "唐江镇", "T-A"],
    ]

    summary = run(world, sheets.xlsx(tmp_path / "编码.xlsx", rows))

    assert texts(summary) == []
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 1)
    assert Project.objects.get(code="NK-2024-A01").name == "铝型材生产线（一期）"
    assert sorted(Project.objects.filter(name="文旅街区").values_list("region__name", "code")) == [
        ("南康区", "NK-2024-A02"),
        ("唐江镇", "360703100-2024-0001"),
    ]


def test_codes_continue_the_numbering_of_registered_projects(world, tmp_path):
    from projects.services import register_project

    for number, name in enumerate(("已登记一", "已登记二"), start=1):
        project = Project(
            name=name, region=world.county, introducing_unit=world.unit_a, responsible_unit=world.unit_a
        )
        register_project(project, on=ON, actor=world.office)
        assert project.code == f"360703-2024-{number:04d}"

    run(world, sheets.totals(tmp_path / "合计.xlsx"))

    assert sorted(Project.objects.filter(name__startswith="城").values_list("code", flat=True)) == [
        "360703-2024-0003",
        "360703-2024-0004",
    ]


# -- errors: nothing written -----------------------------------------------------------------------


def test_bad_rows_give_chinese_errors_by_row_and_column_and_write_nothing(world, tmp_path):
    summary = run(world, sheets.bad(tmp_path / "有错.xlsx"))

    assert texts(summary) == [
        "第 3 行 第 B 列：找不到单位“不存在的镇政府”",
        "第 3 行 第 C 列：找不到领导“查无此人”",
        "第 3 行 第 D 列：金额不能为负数（-5）",
        "第 3 行 第 E 列：无法识别的日期“明年”（可写 2024-03-01、2024.3.1、2024年3月 或 2024）",
        "第 3 行 第 G 列：统一社会信用代码“91360703MA3512345X”校验位不正确。",
        "第 4 行 第 F 列：计划竣工年份（2025）早于计划开工年份（2026）",
        "第 5 行 第 C 列：挂点领导只能填一人（现为“甲镇领导、乙镇领导”）",
        "第 5 行 第 D 列：“约五千”不是金额",
        "第 6 行 第 A 列：项目名称为空",
        "第 7 行 第 A 列：项目名称与第 2 行重复",
    ]
    assert summary.as_dict()["errors"][0] == {
        "row": 3,
        "column": "B",
        "message": "找不到单位“不存在的镇政府”",
        "text": "第 3 行 第 B 列：找不到单位“不存在的镇政府”",
    }
    assert not summary.committed
    assert written() == nothing_written()


def test_one_bad_row_blocks_the_updates_of_the_good_ones(world, chain, tmp_path):
    run(world, sheets.plain(tmp_path / "项目清单.xlsx"))
    before = written()
    rows = [
        ["项目名称", "所在区划", "总投资", "挂点领导"],
        ["年产10万套实木家具项目", "唐江镇", 99999, None],
        ["凤岗镇污水处理厂", "凤岗镇", 1, "乙镇领导（已调离）、某人"],
    ]

    summary = run(world, sheets.xlsx(tmp_path / "部分错.xlsx", rows))

    assert texts(summary) == ["第 3 行 第 D 列：挂点领导只能填一人（现为“乙镇领导（已调离）、某人”）"]
    assert written() == before
    assert Project.objects.get(name="年产10万套实木家具项目").total_investment == Decimal("50000.00")


def test_missing_name_column_lists_the_columns_found(world, tmp_path):
    summary = run(world, sheets.missing_name(tmp_path / "单位.xlsx"))

    assert texts(summary) == [
        "表中没有“项目名称”列。第 2 行的列为：A 序号、B 单位名称、C 总投资、D 责任单位。"
    ]
    assert written() == nothing_written()


def test_wrong_columns_and_plan_without_a_year(world, tmp_path):
    unrelated = sheets.xlsx(tmp_path / "人员.xlsx", [["姓名", "电话"], ["张三", "0797-1234567"]])
    no_year = sheets.xlsx(
        tmp_path / "计划.xlsx", [["项目名称", "责任单位", "年度计划投资"], ["甲", "T-A", 10]]
    )

    assert texts(run(world, unrelated)) == [
        "没有找到列名行：前 20 行中没有可识别的列名，须有“项目名称”列（第一行为：A 姓名、B 电话）。"
    ]
    assert texts(run(world, no_year)) == [
        "第 1 行 第 C 列：“年度计划投资”列没有写年份：请写在列名中（如“2024年计划投资”）或指定导入年度"
    ]
    assert written() == nothing_written()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("伪装.xlsx", b"just some text, not a workbook\n", "文件不是有效的 Excel 文件"),
        ("说明.txt", b"text", "不支持的文件类型：.txt，请上传 .xlsx、.xls、.ods 或 .csv 文件"),
        (
            "损坏.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "文件无法解析，可能已损坏或不是有效的表格文件",
        ),
    ],
)
def test_files_that_are_not_spreadsheets_write_nothing(world, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)

    assert texts(run(world, path)) == [message]
    assert written() == nothing_written()


def test_corrupt_xlsx_writes_nothing(world, chain, tmp_path):
    good = sheets.plain(tmp_path / "good.xlsx").read_bytes()
    truncated = tmp_path / "截断.xlsx"
    truncated.write_bytes(good[: len(good) // 2])
    garbage = tmp_path / "乱码.xlsx"
    with zipfile.ZipFile(garbage, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("xl/workbook.xml", "not xml at all")

    assert texts(run(world, truncated)) == ["文件不是有效的 Excel 文件"]
    assert texts(run(world, garbage)) == ["文件无法解析，可能已损坏或不是有效的表格文件"]
    assert written() == nothing_written()


def test_zip_bomb_is_refused_before_parsing(world, tmp_path, settings):
    settings.IMPORT_MAX_INFLATED_BYTES = 8 * MB
    path = write_zip_of_zeros(tmp_path / "炸弹.xlsx", 16 * MB)

    assert texts(run(world, path)) == ["文件解压后过大（约 16 MB），可能是压缩炸弹，已拒绝。"]
    assert written() == nothing_written()


def test_restricted_import_writes_nothing_outside_the_users_grants(world, tmp_path):
    role = Role.objects.create(code="project_reporter", name="项目填报（测试）")
    role.permissions.set(
        Permission.objects.filter(
            content_type__app_label="projects", codename__in=("view_project", "add_project", "change_project")
        )
    )
    grant_role(world.reporter_a, role=role, region=world.region_a, actor=None)
    rows = [
        ["项目名称", "所在区划", "责任单位"],
        ["唐江镇项目", "唐江镇", "T-A"],
        ["凤岗镇项目", "凤岗镇", "T-B"],
    ]
    path = sheets.xlsx(tmp_path / "授权.xlsx", rows)

    summary = run(world, path, actor=world.reporter_a, restrict_to=world.reporter_a)

    assert texts(summary) == [
        "第 3 行：写入后的项目不在您的授权范围内（按所在区划和责任、引进、配合单位判断）"
    ]
    assert written() == nothing_written()
    own = sheets.xlsx(tmp_path / "本镇.xlsx", rows[:2])
    summary = run(world, own, actor=world.reporter_a, restrict_to=world.reporter_a)
    assert (texts(summary), summary.created) == ([], 1)


def test_dry_run_counts_but_writes_nothing(world, chain, tmp_path):
    summary = run(world, sheets.plain(tmp_path / "项目清单.xlsx"), commit=False)

    assert (summary.created, summary.committed) == (2, False)
    assert summary.total_investment_wan == Decimal("58000.00")
    assert written() == nothing_written()


# -- the command -----------------------------------------------------------------------------------


def test_command_json_summary(world, chain, tmp_path):
    path = sheets.plain(tmp_path / "项目清单.xlsx")

    output, error = call(path, "--json", "--region", "360703", "--actor", "office")

    assert error is None
    data = json.loads(output)
    counts = [data[key] for key in ("rows_read", "created", "updated", "unchanged", "skipped", "errors")]
    assert counts == [2, 2, 0, 0, 0, []]
    assert (data["total_investment_wan"], data["committed"]) == ("58000.00", True)
    assert Project.history.filter(history_user=world.office).count() == 2
    again = json.loads(call(path, "--json", "--region", "360703")[0])
    assert (again["unchanged"], again["created"]) == (2, 0)


def test_command_dry_run_and_errors(world, tmp_path):
    output, error = call(sheets.totals(tmp_path / "合计.xlsx"), "--dry-run", "--region", "南康区")
    assert error is None
    assert output.splitlines() == [
        "读取 3 行项目：新增 3，更新 0，不变 0；跳过合计/小计/分组行 3 行。",
        "所读项目总投资 6,500.00 万元（0.65 亿元）。",
        "预览（--dry-run）：未写入。",
    ]
    assert written() == nothing_written()

    output, error = call(sheets.bad(tmp_path / "有错.xlsx"), "--json", "--region", "360703")
    data = json.loads(output)
    assert (len(data["errors"]), data["errors"][0]["row"], data["errors"][0]["column"]) == (10, 3, "B")
    assert (str(error), error.returncode) == ("有 10 处错误，未写入任何数据。", 1)
    assert written() == nothing_written()
