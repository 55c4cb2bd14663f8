"""Reading one cell of an office's spreadsheet: text, money, numbers, years, ticks.

Every parser takes the cell as `core.spreadsheets` hands it over (None, str, int, float, bool, date,
datetime …) and returns a Python value, None for an empty cell, or raises `CellError` with the reason
in Chinese. Empty cells are blank, "——", "—", "-", "/" and "无". Numbers may be real numbers or text,
with full-width digits and punctuation ("１２，３４５.６") and thousands separators. Shared by the
project-list importer (`projects.importer`) and the progress importer (`dispatch.importer`).
"""

import datetime
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from core.imports import EMPTY_MARKERS, cell_text

CENT = Decimal("0.01")
MONEY_LIMIT = Decimal("1e12")  # max_digits=14, decimal_places=2
FIRST_YEAR, LAST_YEAR = 1990, 2100
# Excel stores dates as days since 1899-12-30 (the 1900 leap-year bug included); 1990..2100 in serials.
EXCEL_EPOCH = datetime.date(1899, 12, 30)
FIRST_SERIAL, LAST_SERIAL = 32874, 73415
MONEY_FACTORS = {"元": Decimal("0.0001"), "万元": Decimal(1), "万": Decimal(1), "亿元": Decimal(10000)}
MONEY_FACTORS["亿"] = MONEY_FACTORS["亿元"]
UNIT_NAMES = {Decimal("0.0001"): "元", Decimal(1): "万元", Decimal(10000): "亿元"}
TRUE_WORDS = {"是", "√", "✓", "✔", "y", "yes", "true", "1", "有", "●", "★"}
FALSE_WORDS = {"否", "×", "x", "n", "no", "false", "0"}
LIST_SEPARATORS = re.compile(r"[、,;\n]+")
LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
MONEY_NOISE = re.compile(r"[\s,]")
EMPTY_MARKER_LENGTH = max(len(marker) for marker in EMPTY_MARKERS)
PARENTHESES = re.compile(r"\([^)]*\)")
TEXT_MONEY = re.compile(r"^(.*?)(亿元|万元|亿|万|元)?$")
TEXT_YEAR = re.compile(r"^((?:19|20|21)\d\d)(?:年|[.\-/]|$)")


TEXT_TYPES = {str, type(None)}


class CellError(Exception):
    """A cell that cannot be read; str(error) is the reason, in Chinese."""


def loose(value):
    """Text compared loosely: full-width to half-width, no spaces at all, case-folded."""
    # str.split() splits on exactly the characters `\s` matches in a str pattern (str.isspace).
    return "".join(unicodedata.normalize("NFKC", str(value)).split()).casefold()


def is_empty(value):
    if value is None:
        return True
    if isinstance(value, str):
        stripped = value.strip()
        # Every empty marker is at most two characters long: longer text is never empty.
        return (
            len(stripped) <= EMPTY_MARKER_LENGTH and unicodedata.normalize("NFKC", stripped) in EMPTY_MARKERS
        )
    return False


def memoised(reader):
    """`reader` answering each distinct cell value once (units, leaders, dates … repeat down a sheet)."""
    memo = {}

    def read(value):
        key = (value.__class__, value)  # 1, 1.0 and True are equal keys otherwise
        try:
            answer = memo[key]
        except KeyError:
            try:
                answer = reader(value)
            except CellError as error:
                answer = Problem(str(error))
            memo[key] = answer
        if answer.__class__ is Problem:
            raise CellError(answer)
        return answer

    return read


class Problem(str):
    """A remembered CellError message."""


def read_column(reader, values):
    """`reader` applied to each of `values` (a column's cells, top to bottom), each distinct value read
    once; a cell it cannot read gives a `Problem` (the CellError's message) in its place. As `memoised`
    cell by cell, but the lookups run in C."""
    if set(map(type, values)) <= TEXT_TYPES:
        keys = values
    else:
        keys = list(zip(map(type, values), values, strict=True))  # 1, 1.0 and True are equal keys otherwise
    answers = {}
    for key in set(keys):
        try:
            answers[key] = reader(key if keys is values else key[1])
        except CellError as error:
            answers[key] = Problem(str(error))
    return list(map(answers.__getitem__, keys))


def text(value):
    """The cell as the office wrote it (stripped; full-width text kept), "" when empty."""
    if isinstance(value, str):
        stripped = value.strip()
        # As is_empty: every empty marker is at most two characters long.
        if len(stripped) <= EMPTY_MARKER_LENGTH and unicodedata.normalize("NFKC", stripped) in EMPTY_MARKERS:
            return ""
        return stripped
    if value is None:
        return ""
    return cell_text(value)


def one_line(value):
    """Text for a name: line breaks typed inside the cell (Alt+Enter) removed."""
    found = text(value)
    return LINE_BREAKS.sub("", found) if "\n" in found or "\r" in found else found


def names(value):
    """The names in a cell listing several (separated by 、，, ; or line breaks)."""
    normalised = unicodedata.normalize("NFKC", text(value))
    return [part.strip() for part in LIST_SEPARATORS.split(normalised) if part.strip()]


def without_titles(name):
    """ "张三（副区长）" -> "张三": the title people add after a leader's name."""
    return PARENTHESES.sub("", unicodedata.normalize("NFKC", name)).strip()


def money(value, factor=Decimal(1)):
    """An amount in 万元 (Decimal, to the cent) from a cell in the column's unit (`factor` 万元 per
    unit); a text cell may name its own unit ("1.2亿元"). Rounds half up to 0.01 万元."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"“{text(value)}”不是金额")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        amount, factor = _text_amount(value, factor)
    else:
        raise CellError(f"“{text(value)}”不是金额")
    if not amount.is_finite():
        raise CellError(f"“{text(value)}”不是金额")
    if amount < 0:
        raise CellError(f"金额不能为负数（{text(value)}）")
    result = (amount * factor).quantize(CENT, rounding=ROUND_HALF_UP)
    if result >= MONEY_LIMIT:
        raise CellError(f"金额过大（{text(value)}）")
    return result


def _text_amount(value, factor):
    cleaned = MONEY_NOISE.sub("", unicodedata.normalize("NFKC", value))
    number, unit = TEXT_MONEY.match(cleaned).groups()
    if unit:
        factor = MONEY_FACTORS[unit]
    try:
        return Decimal(number), factor
    except InvalidOperation as error:
        raise CellError(f"“{value}”不是金额") from error


def decimal_number(value):
    """A plain number (latitude, longitude)."""
    if is_empty(value):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CellError(f"“{text(value)}”不是数字")
    try:
        number = Decimal(repr(value) if isinstance(value, float) else loose(value).replace(",", ""))
    except InvalidOperation as error:
        raise CellError(f"“{text(value)}”不是数字") from error
    if not number.is_finite():
        raise CellError(f"“{text(value)}”不是数字")
    return number


def year(value):
    """The year of a date written any way offices write it: a date cell, an Excel serial (45352),
    a year (2024), or text such as 2024-03-01, 2024.3.1, 2024/3, 2024年3月, 2024年."""
    if is_empty(value):
        return None
    if isinstance(value, datetime.date):  # datetime included
        found = value.year
    elif isinstance(value, bool):
        raise CellError(f"无法识别的日期“{text(value)}”")
    elif isinstance(value, int | float):
        found = _numeric_year(value)
    elif isinstance(value, str):
        normalised = loose(value)
        match = TEXT_YEAR.match(normalised)
        if match:
            found = int(match.group(1))
        else:
            try:
                found = _numeric_year(float(normalised))
            except ValueError:
                found = None
        if found is None:
            raise CellError(f"无法识别的日期“{value}”（可写 2024-03-01、2024.3.1、2024年3月 或 2024）")
    else:
        raise CellError(f"无法识别的日期“{text(value)}”")
    if not FIRST_YEAR <= found <= LAST_YEAR:
        raise CellError(f"年份 {found} 超出范围（{FIRST_YEAR}–{LAST_YEAR}）")
    return found


def _numeric_year(number):
    whole = int(number)
    if FIRST_YEAR <= whole <= LAST_YEAR:
        return whole  # 2024, or 2024.3 typed as a number
    if FIRST_SERIAL <= whole <= LAST_SERIAL:
        return (EXCEL_EPOCH + datetime.timedelta(days=whole)).year
    raise CellError(f"无法识别的日期“{cell_text(number)}”")


def tick(value):
    """A yes/no cell: 是/√/Y/1 (and ●, ★) are yes; 否/×/N/0 and empty cells are no."""
    if is_empty(value):
        return False
    if isinstance(value, bool):
        return value
    word = loose(cell_text(value) if not isinstance(value, str) else value)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"“{text(value)}”应填“是”或“否”")


def whole_number(value):
    """A count (workers on site): a whole number ≥ 0, from a number or text ("８５", "85人")."""
    if is_empty(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        cleaned = re.sub(r"[\s,人名]", "", unicodedata.normalize("NFKC", value))
        if not cleaned.isdigit():
            raise CellError(f"“{value}”不是整数")
        value = int(cleaned)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CellError(f"“{text(value)}”不是整数")
    if value < 0:
        raise CellError(f"不能为负数（{value}）")
    return value
