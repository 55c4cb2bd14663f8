import datetime
import json
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from core import spreadsheets
from core.spreadsheets import PROJECT_ROOT, Sheet, SpreadsheetError, read_spreadsheet

MB = 1024 * 1024


def write_xlsx(path, sheets):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for row in rows:
            worksheet.append(row)
    workbook.save(path)
    return path


def write_zip_of_zeros(path, size, members=1):
    # Streamed so the test never holds the inflated bytes in memory.
    chunk = bytes(MB)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index in range(members):
            with archive.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True) as member:
                for _ in range(size // MB):
                    member.write(chunk)
    return path


def fake_child(monkeypatch, code):
    monkeypatch.setattr(spreadsheets, "_child_command", lambda path, max_rows: [sys.executable, "-c", code])


def test_xlsx_two_sheets_normalised(tmp_path, monkeypatch):
    write_xlsx(
        tmp_path / "book.xlsx",
        {
            "项目": [
                ["名称", "数量", "金额", "开工日期", "更新时间", "已完成"],
                [
                    "\u3000一号工程\u3000",
                    3,
                    2.5,
                    datetime.date(2024, 3, 1),
                    datetime.datetime(2024, 3, 1, 8, 30),
                    True,
                ],
                [" 二号工程 ", 7.0, None, datetime.datetime(2024, 3, 2), None, False],
                [None, None, None, None, None, None],
            ],
            "备注": [["说明"], [None, "第二列"]],
        },
    )
    # A relative path from another cwd: the child must still find core/ and the file.
    monkeypatch.chdir(tmp_path)

    sheets = read_spreadsheet("book.xlsx")

    assert sheets == [
        Sheet(
            name="项目",
            rows=[
                ["名称", "数量", "金额", "开工日期", "更新时间", "已完成"],
                ["一号工程", 3, 2.5, datetime.date(2024, 3, 1), datetime.datetime(2024, 3, 1, 8, 30), True],
                ["二号工程", 7, None, datetime.date(2024, 3, 2), None, False],
            ],
        ),
        Sheet(name="备注", rows=[["说明", None], [None, "第二列"]]),
    ]
    row = sheets[0].rows[1]
    assert [type(cell) for cell in row] == [str, int, float, datetime.date, datetime.datetime, bool]
    assert type(sheets[0].rows[2][3]) is datetime.date


def test_csv_utf8_with_bom(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_bytes("\ufeff姓名,年龄,\r\n\u3000张三\u3000, 30 ,\r\n李四\r\n,,\r\n".encode())

    assert read_spreadsheet(path) == [
        Sheet(name="名单", rows=[["姓名", "年龄", None], ["张三", "30", None], ["李四", None, None]])
    ]


def test_csv_gbk(tmp_path):
    path = tmp_path / "项目.csv"
    path.write_bytes("项目名称,投资额（万元）\r\n城南污水处理厂,1200.5\r\n".encode("gbk"))

    assert read_spreadsheet(path) == [
        Sheet(name="项目", rows=[["项目名称", "投资额（万元）"], ["城南污水处理厂", "1200.5"]])
    ]


def test_zip_bomb_rejected_before_parsing(tmp_path, monkeypatch):
    path = write_zip_of_zeros(tmp_path / "bomb.xlsx", 300 * MB)
    assert path.stat().st_size < 1 * MB
    fake_child(monkeypatch, "raise SystemExit('the parser must not run')")

    with pytest.raises(SpreadsheetError) as error:
        read_spreadsheet(path)

    assert str(error.value) == "文件解压后过大（约 300 MB），可能是压缩炸弹，已拒绝。"


def test_member_with_absurd_compression_ratio_rejected(tmp_path):
    path = write_zip_of_zeros(tmp_path / "ratio.xlsx", 20 * MB)

    with pytest.raises(SpreadsheetError) as error:
        read_spreadsheet(path)

    assert str(error.value).startswith("文件压缩比异常（约 ")
    assert str(error.value).endswith(" 倍），可能是压缩炸弹，已拒绝。")


def test_too_many_zip_members_rejected(tmp_path):
    path = tmp_path / "many.ods"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(10_001):
            archive.writestr(f"m{index}", b"")

    with pytest.raises(SpreadsheetError) as error:
        read_spreadsheet(path)

    assert str(error.value) == "文件包含的内部条目过多（10001 个），可能是恶意文件，已拒绝。"


def test_non_zip_named_xlsx_rejected(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"<html>not a workbook</html>")

    with pytest.raises(SpreadsheetError) as error:
        read_spreadsheet(path)

    assert str(error.value) == "文件不是有效的 Excel 文件"


def test_corrupt_xls_reported_by_child(tmp_path):
    path = tmp_path / "broken.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)

    with pytest.raises(SpreadsheetError) as error:
        read_spreadsheet(path)

    assert str(error.value) == "文件无法解析，可能已损坏或不是有效的表格文件"


def test_unknown_extension(tmp_path):
    path = tmp_path / "报告.doc"
    path.write_bytes(b"whatever")

    with pytest.raises(SpreadsheetError) as error:
        read_spreadsheet(path)

    assert str(error.value) == "不支持的文件类型：.doc，请上传 .xlsx、.xls、.ods 或 .csv 文件"


def test_row_limit_xlsx(tmp_path):
    path = write_xlsx(tmp_path / "rows.xlsx", {"汇总": [["a"]], "明细": [[i] for i in range(6)]})

    with pytest.raises(SpreadsheetError) as error:
        read_spreadsheet(path, max_rows=5)

    assert str(error.value) == "工作表“明细”超过 5 行的导入上限"


def test_row_limit_counts_only_rows_with_data(tmp_path):
    path = write_xlsx(tmp_path / "rows.xlsx", {"明细": [[i] for i in range(5)]})
    workbook = openpyxl.load_workbook(path)
    # A styled but empty cell far below the data is common in real office files.
    workbook["明细"]["A20"].number_format = "0.00"
    workbook.save(path)

    assert read_spreadsheet(path, max_rows=5) == [Sheet(name="明细", rows=[[0], [1], [2], [3], [4]])]


def test_row_limit_csv(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("1\n2\n3\n,\n", encoding="utf-8")

    assert read_spreadsheet(path, max_rows=3) == [Sheet(name="rows", rows=[["1"], ["2"], ["3"]])]
    with pytest.raises(SpreadsheetError) as error:
        read_spreadsheet(path, max_rows=2)
    assert str(error.value) == "工作表“rows”超过 2 行的导入上限"


def test_child_over_time_limit(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "slow.xlsx", {"表": [["a"]]})
    fake_child(monkeypatch, "import time; time.sleep(30)")

    with pytest.raises(SpreadsheetError) as error:
        read_spreadsheet(path, time_limit=0.5)

    assert str(error.value) == "文件解析超时（超过 0.5 秒）"


def test_child_killed_by_signal(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "abort.xlsx", {"表": [["a"]]})
    fake_child(monkeypatch, "import os; os.abort()")

    with pytest.raises(SpreadsheetError) as error:
        read_spreadsheet(path)

    assert str(error.value) == "文件解析失败（进程异常退出）"


def test_child_memory_limit_applied(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "big.xlsx", {"表": [["a"]]})
    # Without the RLIMIT_AS set by the parent this allocation succeeds and the child exits 0 with no JSON.
    fake_child(
        monkeypatch,
        "import sys\ntry:\n    data = bytearray(2 * 1024 ** 3)\nexcept MemoryError:\n    sys.exit(4)",
    )

    with pytest.raises(SpreadsheetError) as error:
        read_spreadsheet(path, memory_limit=512 * MB)

    assert str(error.value) == "文件过大，解析超出内存限制"


def test_child_module_does_not_load_django():
    result = subprocess.run(
        [sys.executable, "-c", "import sys, core.spreadsheets; print('django' in sys.modules)"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout == "False\n"


def test_cell_normalisation_and_child_json_round_trip():
    # calamine already turns most midnight datetimes into dates; other readers' values still get normalised.
    raw = [
        "\u3000 x \u3000",
        "  ",
        3.0,
        -0.0,
        2.5,
        True,
        datetime.datetime(2024, 3, 1),
        datetime.datetime(2024, 3, 1, 0, 0, 1),
    ]
    cells = [spreadsheets._normalise(value) for value in raw]
    extra = [datetime.time(8, 30), datetime.timedelta(hours=36)]

    encoded = json.dumps({"rows": [cells + extra]}, default=spreadsheets._encode_cell)
    decoded = json.loads(encoded, object_hook=spreadsheets._decode_cell)["rows"][0]

    expected = ["x", None, 3, 0, 2.5, True, datetime.date(2024, 3, 1), datetime.datetime(2024, 3, 1, 0, 0, 1)]
    assert decoded == [*expected, *extra]
    assert [type(cell) for cell in decoded] == [
        str,
        type(None),
        int,
        int,
        float,
        bool,
        datetime.date,
        datetime.datetime,
        datetime.time,
        datetime.timedelta,
    ]
