"""Read uploaded spreadsheets (hostile input) into plain rows.

Excel and OpenDocument files are parsed by python-calamine in a child process under memory, CPU and
wall-clock limits, because calamine can abort the whole process, raise a ``BaseException`` panic, or
allocate gigabytes on a crafted file (see MACHINE_NOTES.md, "Excel"). Zip-based files are vetted for
zip bombs before any parser sees them. CSV is parsed in-process: the csv module is safe on any input.

This module must stay importable without Django configured: the child runs ``python -m
core.spreadsheets`` and gets its limits on the command line.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import os
import signal
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from core.sheets.memory import collector_paused

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ZIP_FORMATS = {".xlsx", ".xlsm", ".ods"}
CALAMINE_FORMATS = ZIP_FORMATS | {".xls"}
MAX_ZIP_MEMBERS = 10_000
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_MIN_BYTES = 10 * 1024 * 1024

# Exit codes of the child process.
EXIT_PARSE_ERROR = 3
EXIT_MEMORY = 4

DEFAULTS = {
    "IMPORT_MAX_ROWS": 50_000,
    "IMPORT_TIME_LIMIT_SECONDS": 60,
    "IMPORT_MEMORY_LIMIT_BYTES": 1024 * 1024 * 1024,
    "IMPORT_MAX_INFLATED_BYTES": 200 * 1024 * 1024,
}


class SpreadsheetError(Exception):
    """A file we cannot read; str(error) is a clear Chinese message for the user."""


@dataclass
class Sheet:
    """One worksheet: its name and its rows, every row padded to the same width.

    Cells are None (blank), str (stripped, full-width spaces included), int (whole numbers), float,
    bool, datetime.date (date without time), datetime.datetime, datetime.time or datetime.timedelta.
    """

    name: str
    rows: list[list[object]]


def read_spreadsheet(path, *, max_rows=None, time_limit=None, memory_limit=None) -> list[Sheet]:
    """All sheets of the file at `path` (.xlsx, .xlsm, .xls, .ods, .csv).

    Limits default to the IMPORT_* Django settings. Raises SpreadsheetError, with a message for the
    user, when the file is of an unsupported type, unreadable, a likely zip bomb, over the row limit,
    or when parsing crashes or exceeds the time or memory limit.
    """
    with start_reading(path, max_rows=max_rows, time_limit=time_limit, memory_limit=memory_limit) as reading:
        return reading.sheets()


def start_reading(path, *, max_rows=None, time_limit=None, memory_limit=None) -> Reading:
    """`read_spreadsheet` in two steps: the file is checked and its parsing started in the child
    process now; `.sheets()` waits for the sheets (the time limit counts from then). The caller may
    do other work meanwhile — the progress importer reads the round's reports while the child parses.
    Use it as a context manager (or call `.close()`): a child not waited for is killed. Raises
    SpreadsheetError as read_spreadsheet does, here or from `.sheets()`."""
    path = Path(path).resolve()
    max_rows = int(max_rows if max_rows is not None else _setting("IMPORT_MAX_ROWS"))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return Reading(sheets=[_read_csv(path, max_rows)])
    if suffix not in CALAMINE_FORMATS:
        raise SpreadsheetError(
            f"不支持的文件类型：{suffix or '（无扩展名）'}，请上传 .xlsx、.xls、.ods 或 .csv 文件"
        )
    if suffix in ZIP_FORMATS:
        _check_zip(path, _setting("IMPORT_MAX_INFLATED_BYTES"))
    return Reading(
        child=(
            path,
            max_rows,
            time_limit if time_limit is not None else _setting("IMPORT_TIME_LIMIT_SECONDS"),
            memory_limit if memory_limit is not None else _setting("IMPORT_MEMORY_LIMIT_BYTES"),
        )
    )


class Reading:
    """A spreadsheet being read (`start_reading`): `sheets()` gives its sheets once parsed."""

    def __init__(self, *, sheets=None, child=None):
        self._sheets, self._error, self._process, self._output = sheets, None, None, None
        if child is not None:
            path, self.max_rows, self.time_limit, memory_limit = child
            self._process = subprocess.Popen(
                _limited(_child_command(path, self.max_rows), self.time_limit, memory_limit),
                cwd=PROJECT_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )

    def running(self):
        """Whether the child process has not been seen to finish yet."""
        return self._process is not None and self._output is None

    def ready(self, timeout):
        """Wait up to `timeout` seconds for the child (taking in its output meanwhile, so a child with
        much to say is not held up); whether it has finished. Never raises for the file itself."""
        if not self.running():
            return True
        try:
            self._output = self._process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def sheets(self) -> list[Sheet]:
        """The sheets; waits for the child at most the time limit (from this call). Raises the same
        SpreadsheetError every time it is asked, when the file could not be read."""
        if self._sheets is None and self._error is None:
            try:
                self._sheets = self._collect()
            except SpreadsheetError as error:
                self._error = error
        if self._error is not None:
            raise self._error
        return self._sheets

    def close(self):
        """Kill the child if it is still running (the sheets were not asked for)."""
        if self.running() and self._process.returncode is None:
            self._process.kill()
            self._process.communicate()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _collect(self):
        process, time_limit, max_rows = self._process, self.time_limit, self.max_rows
        if self._output is None:
            try:
                self._output = process.communicate(timeout=time_limit)
            except subprocess.TimeoutExpired as error:
                process.kill()
                process.communicate()
                raise SpreadsheetError(f"文件解析超时（超过 {time_limit:g} 秒）") from error
            except BaseException:
                process.kill()
                raise
        stdout, stderr = self._output
        stderr = stderr.decode("utf-8", "replace")
        if process.returncode == -signal.SIGXCPU:
            raise SpreadsheetError(f"文件解析超时（超过 {time_limit:g} 秒）")
        # Rust reports a failed allocation on stderr and then aborts.
        if process.returncode == EXIT_MEMORY or "memory allocation of" in stderr:
            raise SpreadsheetError("文件过大，解析超出内存限制")
        if process.returncode == EXIT_PARSE_ERROR:
            raise SpreadsheetError("文件无法解析，可能已损坏或不是有效的表格文件")
        try:
            if process.returncode != 0:
                raise ValueError(process.returncode)
            with collector_paused():  # hundreds of thousands of cells: see core.sheets.memory
                payload = json.loads(stdout, object_hook=_decode_cell)
        except ValueError as error:
            raise SpreadsheetError("文件解析失败（进程异常退出）") from error
        if "too_many_rows" in payload:
            raise SpreadsheetError(f"工作表“{payload['too_many_rows']}”超过 {max_rows} 行的导入上限")
        return [Sheet(name=sheet["name"], rows=sheet["rows"]) for sheet in payload["sheets"]]


def _setting(name):
    # Imported here, not at module level, so the child process never loads Django.
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return getattr(settings, name, DEFAULTS[name])
    except ImproperlyConfigured:
        return DEFAULTS[name]


def _human_size(n):
    if n >= 1024**3:
        return f"{n / 1024**3:.1f} GB"
    return f"{n / 1024**2:.0f} MB"


def _check_zip(path, max_inflated):
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SpreadsheetError("文件不是有效的 Excel 文件") from error
    if len(members) > MAX_ZIP_MEMBERS:
        raise SpreadsheetError(f"文件包含的内部条目过多（{len(members)} 个），可能是恶意文件，已拒绝。")
    inflated = sum(member.file_size for member in members)
    if inflated > max_inflated:
        raise SpreadsheetError(f"文件解压后过大（约 {_human_size(inflated)}），可能是压缩炸弹，已拒绝。")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > MAX_COMPRESSION_RATIO and member.file_size > RATIO_CHECK_MIN_BYTES:
            raise SpreadsheetError(f"文件压缩比异常（约 {ratio:.0f} 倍），可能是压缩炸弹，已拒绝。")


def _child_command(path, max_rows):
    return [sys.executable, "-m", "core.spreadsheets", os.fspath(path), str(max_rows)]


def _limited(command, time_limit, memory_limit):
    # prlimit (util-linux, essential on Debian) sets the limits in the child itself: preexec_fn is not
    # safe in a threaded server (gunicorn --threads). It only lowers limits, never raises them. A core
    # file of up to memory_limit bytes must not be left behind by an abort, hence --core=0.
    cpu = math.ceil(time_limit) + 1
    limits = [f"--as={memory_limit}", f"--cpu={cpu}:{cpu + 1}", "--core=0"]
    return ["prlimit", *limits, "--", *command]


def _read_csv(path, max_rows):
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SpreadsheetError("无法识别 CSV 文件的编码，请另存为 UTF-8 编码的 CSV 文件")
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            cells = [_normalise(cell) for cell in row]
            if len(rows) >= max_rows:
                if any(cell is not None for cell in cells):
                    raise SpreadsheetError(f"工作表“{path.stem}”超过 {max_rows} 行的导入上限")
                continue
            rows.append(cells)
    except csv.Error as error:
        raise SpreadsheetError(f"CSV 文件格式有误：{error}") from error
    return Sheet(name=path.stem, rows=_tidy(rows))


def _normalise(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time() and value.tzinfo is None:
        return value.date()
    return value


def _normalise_row(row):
    """`_normalise` of each cell, with the usual cells (text, numbers, blanks) decided inline."""
    cells = []
    for value in row:
        kind = value.__class__
        if kind is str:
            cells.append(value.strip() or None)
        elif kind is float:
            cells.append(int(value) if value.is_integer() else value)
        elif kind is int or value is None:
            cells.append(value)
        else:
            cells.append(_normalise(value))
    return cells


def _tidy(rows):
    """Drop trailing blank rows and pad every row to the widest one."""
    while rows and all(cell is None for cell in rows[-1]):
        rows.pop()
    width = max((len(row) for row in rows), default=0)
    return [row + [None] * (width - len(row)) for row in rows]


def _encode_cell(value):
    # Order matters: datetime is a subclass of date.
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"$time": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"$timedelta": value.total_seconds()}
    raise TypeError(f"cannot encode {type(value).__name__}")


def _decode_cell(obj):
    if "$datetime" in obj:
        return datetime.datetime.fromisoformat(obj["$datetime"])
    if "$date" in obj:
        return datetime.date.fromisoformat(obj["$date"])
    if "$time" in obj:
        return datetime.time.fromisoformat(obj["$time"])
    if "$timedelta" in obj:
        return datetime.timedelta(seconds=obj["$timedelta"])
    return obj


def _read_workbook(path, max_rows):
    """Child side: parse with calamine; returns the JSON-ready payload."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    workbook = CalamineWorkbook.from_path(path)
    sheets = []
    for meta in workbook.sheets_metadata:
        # Chart and macro sheets hold no cells.
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        rows = []
        # iter_rows, not to_python, so a sheet over the limit is not first converted whole.
        for row in workbook.get_sheet_by_name(meta.name).iter_rows():
            cells = _normalise_row(row)
            if len(rows) >= max_rows:
                # Blank rows past the limit are harmless; only real data counts as too many.
                if any(cell is not None for cell in cells):
                    return {"too_many_rows": meta.name}
                continue
            rows.append(cells)
        sheets.append({"name": meta.name, "rows": _tidy(rows)})
    return {"sheets": sheets}


def _child_main(argv):
    path, max_rows = argv[0], int(argv[1])
    try:
        payload = _read_workbook(path, max_rows)
        # UTF-8, not \\u escapes: Chinese text takes half the bytes and parses faster in the parent.
        output = json.dumps(payload, default=_encode_cell, ensure_ascii=False, separators=(",", ":")).encode()
    except MemoryError:
        sys.stderr.write("out of memory\n")
        return EXIT_MEMORY
    # BaseException: calamine panics surface as pyo3_runtime.PanicException, which is not an Exception.
    except BaseException as error:
        sys.stderr.write(f"{type(error).__name__}: {error}\n")
        return EXIT_PARSE_ERROR
    sys.stdout.buffer.write(output)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
