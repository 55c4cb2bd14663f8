#!/usr/bin/env python3
"""Excel import benchmark: a 20,000-row project sheet, end to end, history included.

    .venv/bin/python bench/import_benchmark.py                 # SQLite, 20,000 rows (about 40 s in all)
    .venv/bin/python bench/import_benchmark.py --rows 2000     # smaller
    .venv/bin/python bench/import_benchmark.py --database postgres://postgres@127.0.0.1:5432/postgres

A fresh database (a temp SQLite file, or a throwaway PostgreSQL database next to the one named) is
migrated with `tiaodu migrate`; the units, leaders and industry chains the sheet names are created; a
sheet laid out as offices keep them (title row, header synonyms, 亿元 column, dates as dates and as text,
a 合计 row) is written with xlsxwriter (constant_memory). Timed:

  (a) a bare python-calamine read of the file (`CalamineWorkbook.from_path(…).get_sheet_by_index(0)
      .to_python()`, best of 3): what reading costs at the least;
  (b) the import as the web and `tiaodu import projects` run it: `read_spreadsheet` (child process under
      limits, zip-bomb check) + `import_projects(commit=True)`: every project registered with its code,
      stage transition and annual plan, all with history rows, in one transaction;
  (c) importing the same file again (a no-op: nothing written).

Target (acceptance): (b) sustains ≥ 5,000 rows/s. The ratio (b)/(a) is what to compare across machines.
Exit code 0 even when the target is missed (this is a measurement); 2 when the benchmark itself failed.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
TARGET_ROWS_PER_SECOND = 5000.0

TOWNSHIPS = (
    "唐江镇",
    "凤岗镇",
    "龙岭镇",
    "龙回镇",
    "镜坝镇",
    "横市镇",
    "龙华镇",
    "浮石乡",
    "横寨乡",
    "朱坊乡",
)
DEPARTMENTS = ("区发展和改革委员会", "区工业和信息化局", "区商务局", "区住房和城乡建设局", "区农业农村局")
CHAINS = ("现代家居", "电子信息", "新能源", "低空经济", "现代农业", "口岸经济")
INDUSTRIES = ("2110", "C2190", "3985", "3825", "0141", "5990")
STAGES = ("签约", "新上", "拟建", "续建", "在建", "新开工")
CATEGORIES = ("产业项目", "基础设施", "社会民生", "技改项目", "城市建设", "农业农村")
HEADER = [
    "序号",
    "项目名称",
    "所在区划",
    "建设地点",
    "引进单位",
    "责任单位",
    "配合单位",
    "挂点领导",
    "项目类别",
    "产业链",
    "国民经济行业",
    "建设内容",
    "项目业主",
    "统一社会信用代码",
    "总投资（亿元）",
    "2024年计划投资（万元）",
    "累计完成投资（万元）",
    "计划开工时间",
    "计划竣工时间",
    "项目阶段",
    "省重点",
    "市重点",
]


def credit_code(number):
    from projects.validators import credit_code_check_character

    first17 = f"91360703MA{number:07d}"
    return first17 + credit_code_check_character(first17)


def write_sheet(path, rows):
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("项目清单")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["南康区2024年重点项目调度清单（基准测试数据）"])
    sheet.write_row(1, 0, HEADER)
    total = 0
    for index in range(rows):
        township = TOWNSHIPS[index % len(TOWNSHIPS)]
        department = DEPARTMENTS[index % len(DEPARTMENTS)]
        total_yi = (index % 500 + 1) / 100  # 0.01 … 5.00 亿元
        total += round(total_yi * 10000)
        cooperating = "、".join(DEPARTMENTS[(index + step) % len(DEPARTMENTS)] for step in (1, 2))
        row = index + 2
        sheet.write_row(
            row,
            0,
            [
                index + 1,
                f"基准测试项目{index + 1:05d}号（{CHAINS[index % len(CHAINS)]}）",
                township,
                f"{township}工业园{index % 40 + 1}号地块",
                f"{township}人民政府",
                department,
                cooperating if index % 3 == 0 else "——",
                f"基准领导{index % 10 + 1}",
                CATEGORIES[index % len(CATEGORIES)],
                CHAINS[index % len(CHAINS)],
                INDUSTRIES[index % len(INDUSTRIES)],
                "新建标准厂房、生产线及配套设施，年产各类产品若干万件。",
                f"赣州基准测试企业{index % 2000 + 1}有限公司",
                credit_code(index % 2000 + 1),
                total_yi,
                str(index % 900 + 100) if index % 2 else index % 900 + 100,  # text numbers on odd rows
                "/" if index % 4 == 0 else (index % 300) * 1.5,
            ],
        )
        sheet.write_datetime(row, 17, datetime.datetime(2024, index % 12 + 1, 1), date_format)
        sheet.write_row(
            row,
            18,
            [
                f"{2025 + index % 3}年{index % 12 + 1}月",
                STAGES[index % len(STAGES)],
                "√" if index % 7 == 0 else "",
                "",
            ],
        )
    sheet.write_row(
        rows + 2,
        0,
        ["合计", None, None, None, None, None, None, None, None, None, None, None, None, None, total / 10000],
    )
    workbook.close()
    return total


def create_organisation():
    """The units, leaders and industry chains the sheet names, and the importing user."""
    from core.history import history_context
    from org.choices import LeaderRank, UnitKind
    from org.models import Leader, Person, Region, Unit, User
    from projects.models import IndustryChain

    with history_context(reason="基准测试数据"):
        county = Region.objects.get(code="360703")
        government = Unit.objects.create(
            code="B-GOV", name="南康区人民政府", kind=UnitKind.GOVERNMENT, region=county
        )
        for index, township in enumerate(TOWNSHIPS):
            region = Region.objects.get(name=township, code__startswith="360703")
            Unit.objects.create(
                code=f"B-T{index}",
                name=f"{township}人民政府",
                kind=UnitKind.TOWNSHIP,
                region=region,
                parent=government,
            )
        for index, name in enumerate(DEPARTMENTS):
            Unit.objects.create(
                code=f"B-D{index}", name=name, kind=UnitKind.DEPARTMENT, region=county, parent=government
            )
        for index in range(10):
            person = Person.objects.create(name=f"基准领导{index + 1}", unit=government)
            Leader.objects.create(person=person, rank=LeaderRank.DIVISION, position="副区长")
        for order, name in enumerate(CHAINS):
            IndustryChain.objects.create(name=name, sort_order=order)
        user = User.objects.create(username="bench_importer")
    return county, user


def bare_read(path, repeats=3):
    from python_calamine import CalamineWorkbook

    best = None
    for _ in range(repeats):
        started = time.perf_counter()
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, len(rows)


def timed_import(path, county, user):
    from core.spreadsheets import read_spreadsheet
    from projects.importer import import_projects

    started = time.perf_counter()
    sheets = read_spreadsheet(path)
    read_seconds = time.perf_counter() - started
    summary = import_projects(sheets[0], actor=user, region=county, file_name=path.name)
    total_seconds = time.perf_counter() - started
    return summary, read_seconds, total_seconds


def counts():
    from projects.models import AnnualPlan, Project, StageTransition

    models = (Project, StageTransition, AnnualPlan)
    result = {model.__name__: model.objects.count() for model in models}
    result |= {f"Historical{model.__name__}": model.history.count() for model in models}
    result["HistoricalProject_cooperating_units"] = (
        Project.history.model.cooperating_units.model.objects.count()
    )
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000, help="project rows in the sheet (default 20,000)")
    parser.add_argument("--database", help="postgres://user@127.0.0.1:5432/db (default: a fresh SQLite file)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (database, sheet)")
    options = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from harness import BenchmarkError
    from workspace import Workspace

    try:
        with Workspace("tiaodu-import-bench-", options.database, options.keep) as workspace:
            data_dir, database = workspace.data_dir, workspace.label
            county, user = create_organisation()
            path = data_dir / "项目清单.xlsx"
            started = time.perf_counter()
            total_wan = write_sheet(path, options.rows)
            print(
                f"wrote {options.rows:,} rows with xlsxwriter in {time.perf_counter() - started:.1f} s "
                f"({path.stat().st_size / 1024 / 1024:.1f} MB)",
                flush=True,
            )

            load_before = os.getloadavg()[0]
            bare_seconds, bare_rows = bare_read(path)
            summary, read_seconds, import_seconds = timed_import(path, county, user)
            if not summary.committed or summary.created != options.rows:
                raise BenchmarkError(
                    f"import failed: {summary.as_dict()['errors'][:5]} created {summary.created}"
                )
            if str(summary.total_investment_wan) != f"{total_wan}.00":
                raise BenchmarkError(f"total investment {summary.total_investment_wan} ≠ {total_wan}")
            written = counts()
            again, _, again_seconds = timed_import(path, county, user)
            if again.unchanged != options.rows or counts() != written:
                raise BenchmarkError("re-importing the same file changed something")

            rate = options.rows / import_seconds
            ratio = import_seconds / bare_seconds
            verdict = "PASS" if rate >= TARGET_ROWS_PER_SECOND else "FAIL"
            table = [
                (
                    "(a) bare python-calamine read",
                    bare_seconds,
                    f"{bare_rows:,} rows incl. title, header, 合计",
                ),
                (
                    "(b) import end to end",
                    import_seconds,
                    f"{rate:,.0f} rows/s; target ≥ {TARGET_ROWS_PER_SECOND:,.0f} rows/s: {verdict}",
                ),
                ("    of which read_spreadsheet", read_seconds, "child process under limits, zip check"),
                (
                    "    of which import_projects",
                    import_seconds - read_seconds,
                    "match, validate, write + history",
                ),
                (
                    "(c) re-import, nothing to change",
                    again_seconds,
                    f"{options.rows / again_seconds:,.0f} rows/s",
                ),
            ]
            print()
            print(
                f"tiaodu import benchmark — {database}, {os.cpu_count()} CPUs, "
                f"Python {platform.python_version()}"
            )
            for label, seconds, note in table:
                print(f"{label:<36} {seconds:7.2f} s   {note}")
            print(f"ratio (b)/(a): {ratio:.1f}× a bare calamine read of the same file")
            print("rows written: " + ", ".join(f"{name} {count:,}" for name, count in written.items()))
            print(
                f"load average (1 min) before/after: {load_before:.2f} / {os.getloadavg()[0]:.2f} on "
                f"{os.cpu_count()} CPUs (other work on the machine slows the import; rerun when it is idle)"
            )
            if options.json:
                document = {
                    "database": database,
                    "rows": options.rows,
                    "bare_read_seconds": bare_seconds,
                    "read_spreadsheet_seconds": read_seconds,
                    "import_seconds": import_seconds,
                    "reimport_seconds": again_seconds,
                    "rows_per_second": rate,
                    "ratio_to_bare_read": ratio,
                    "target_rows_per_second": TARGET_ROWS_PER_SECOND,
                    "pass": rate >= TARGET_ROWS_PER_SECOND,
                    "written": written,
                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                }
                Path(options.json).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
                print(f"wrote {options.json}")
            return 0
    except (BenchmarkError, OSError, subprocess.SubprocessError) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
