"""Reading one cell of an office's project sheet: text, money, years, ticks, stages, categories.

Every parser takes the cell as `core.spreadsheets` hands it over (None, str, int, float, bool, date,
datetime …) and returns a Python value, None for an empty cell, or raises `CellError` with the reason
in Chinese. Empty cells are blank, "——", "—", "-", "/" and "无". Numbers may be real numbers or text,
with full-width digits and punctuation ("１２，３４５.６") and thousands separators.
"""

import datetime
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from core.imports import EMPTY_MARKERS, cell_text

from ..choices import Category, Stage

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
SPACES = re.compile(r"\s+")
LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
EMPTY_MARKER_LENGTH = max(len(marker) for marker in EMPTY_MARKERS)
PARENTHESES = re.compile(r"\([^)]*\)")
TEXT_MONEY = re.compile(r"^(.*?)(亿元|万元|亿|万|元)?$")
TEXT_YEAR = re.compile(r"^((?:19|20|21)\d\d)(?:年|[.\-/]|$)")

# Words for a project's stage, tried in this order (the first word found in the cell wins).
STAGE_WORDS = (
    ("停缓建", Stage.STALLED),
    ("停建", Stage.STALLED),
    ("缓建", Stage.STALLED),
    ("未开工", Stage.PLANNED),
    ("拟开工", Stage.PLANNED),
    ("拟建", Stage.PLANNED),
    ("竣工", Stage.COMPLETED),
    ("投产", Stage.OPERATING),
    ("运营", Stage.OPERATING),
    ("续建", Stage.UNDER_CONSTRUCTION),
    ("在建", Stage.UNDER_CONSTRUCTION),
    ("开工", Stage.UNDER_CONSTRUCTION),
    ("新上", Stage.PREPARING),
    ("筹备", Stage.PREPARING),
    ("签约", Stage.SIGNED),
    ("招商", Stage.SIGNED),
)
STAGES_ACCEPTED = "招商/签约、新上、拟建、续建/在建/开工、竣工、投产、停缓建"

# Words for a project's category, tried in this order.
CATEGORY_WORDS = (
    ("技改", Category.TECH_UPGRADE),
    ("技术改造", Category.TECH_UPGRADE),
    ("基础设施", Category.INFRASTRUCTURE),
    ("基建", Category.INFRASTRUCTURE),
    ("民生", Category.LIVELIHOOD),
    ("社会事业", Category.LIVELIHOOD),
    ("城市", Category.URBAN),
    ("城建", Category.URBAN),
    ("农业", Category.AGRICULTURE),
    ("农村", Category.AGRICULTURE),
    ("产业", Category.INDUSTRY),
    ("工业", Category.INDUSTRY),
    ("其他", Category.OTHER),
)

# 项目级别: the words of a single "level" column and the flag each one sets.
TIER_WORDS = (
    ("省重点", "is_provincial_key"),
    ("市重点", "is_city_key"),
    ("区重点", "is_district_key"),
    ("县重点", "is_district_key"),
    ("省大中型", "is_provincial_large"),
    ("重大", "is_major"),
)
TIER_FIELDS = ("is_provincial_key", "is_city_key", "is_district_key", "is_provincial_large", "is_major")
TIER_NONE = {"否", "一般", "一般项目", "其他", "无"}


class CellError(Exception):
    """A cell that cannot be read; str(error) is the reason, in Chinese."""


def loose(value):
    """Text compared loosely: full-width to half-width, no spaces at all, case-folded."""
    return SPACES.sub("", unicodedata.normalize("NFKC", str(value))).casefold()


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


def text(value):
    """The cell as the office wrote it (stripped; full-width text kept), "" when empty."""
    if is_empty(value):
        return ""
    if isinstance(value, str):
        return value.strip()
    return cell_text(value)


def one_line(value):
    """Text for a name: line breaks typed inside the cell (Alt+Enter) removed."""
    return LINE_BREAKS.sub("", text(value))


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
    cleaned = re.sub(r"[\s,]", "", unicodedata.normalize("NFKC", value))
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


def tiers(value):
    """项目级别: the flags named in one cell ("省重点、市重点", "重大项目")."""
    word = loose(text(value))
    flags = dict.fromkeys(TIER_FIELDS, False)
    for key, flag in TIER_WORDS:
        if key in word:
            flags[flag] = True
    if word and not any(flags.values()) and word not in TIER_NONE:
        raise CellError(
            f"无法识别的项目级别“{text(value)}”（可填：省重点、市重点、区重点、省大中型、重大项目）"
        )
    return flags


def stage(value):
    """The stage (its value) a new project starts in."""
    word = loose(text(value))
    if not word:
        return None
    for choice in Stage:
        if word in (choice.value, loose(choice.label)):
            return choice.value
    for key, choice in STAGE_WORDS:
        if key in word:
            return choice.value
    raise CellError(f"无法识别的项目阶段“{text(value)}”（可填：{STAGES_ACCEPTED}）")


def category(value, *, strict=True):
    """The project category (its value); with strict=False an unknown word gives None."""
    word = loose(text(value))
    if not word:
        return None
    for choice in Category:
        if word in (choice.value, loose(choice.label)):
            return choice.value
    for key, choice in CATEGORY_WORDS:
        if key in word:
            return choice.value
    if not strict:
        return None
    labels = "、".join(str(choice.label) for choice in Category)
    raise CellError(f"无法识别的项目类别“{text(value)}”（可填：{labels}）")


def section_stage(value):
    """The stage a section heading names ("一、续建项目（45个）"), or None."""
    word = loose(text(value))
    for key, choice in STAGE_WORDS:
        if key in word:
            return choice.value
    return None
