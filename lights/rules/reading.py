"""Reading a rules file: TOML parsed by tomllib, then checked key by key and rule against rule.

tomllib gives no positions for what it parsed, so a small scanner (`_scan`) records the line of each
table header and of each key; every error names the line ("第 N 行：……"), and `RulesError` carries them
all at once so the office can fix the whole file in one go.
"""

import math
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal

from ..choices import LEVEL_RANK, Dimension, Level, TimeElapsedMode
from .definitions import (
    BOUND_KEYS,
    LEVEL_WORDS,
    MEASURES,
    PLACEHOLDERS,
    RULE_KEYS,
    SETTINGS_KEYS,
    STAGE_WORDS,
    TIER_WORDS,
    TIME_ELAPSED_WORDS,
    Bounds,
    Rule,
    Rules,
    RulesError,
    number_text,
)

KEY_LINE = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*(?:\.\s*[^=]*)?=""")
HEADER_LINE = re.compile(r"""^\s*(\[\[?)\s*([^\]]*?)\s*\]\]?""")


@dataclass
class _Table:
    name: str
    line: int
    keys: dict = field(default_factory=dict)  # key -> line

    def line_of(self, key=None):
        """The line of `key`, else (a key missing, or none asked for) the line of the table's header."""
        return self.keys.get(key, self.line)


def _scan(text):
    """The tables of a (syntactically valid) TOML text with the line of their header and keys:
    (top-level keys as a _Table, {name: _Table} of plain tables, [_Table] of [[rule]] tables)."""
    top = current = _Table("", 1)
    tables, rules = {}, []
    closing = None  # the delimiter of a multi-line string being skipped
    for number, line in enumerate(text.split("\n"), start=1):
        if closing is not None:
            if closing in line:
                closing = None
            continue
        header = HEADER_LINE.match(line)
        key = KEY_LINE.match(line)
        if header and not key:
            name = header.group(2).strip().strip("\"'")
            current = _Table(name, number)
            if header.group(1) == "[[":
                if name == "rule":
                    rules.append(current)
                else:
                    tables.setdefault(name, current)
            else:
                tables.setdefault(name, current)
            continue
        if key:
            current.keys.setdefault(key.group(1).strip("\"'"), number)
        for delimiter in ('"""', "'''"):
            if line.count(delimiter) % 2 == 1:
                closing = delimiter
                break
    return top, tables, rules


TOML_MESSAGES = (
    ("Invalid statement", "无法识别的语句"),
    ("Expected newline or end of document after a statement", "一行只能写一个键值对，值后面多了内容"),
    ("Cannot declare", "同一个表或键不能声明两次"),
    ("Cannot overwrite a value", "同一个键不能赋值两次"),
    ("Cannot mutate immutable namespace", "不能修改已定义的值"),
    ("Cannot redefine namespace", "不能重新定义已有的表"),
    ("Expected ']' at the end of a table declaration", "表名后缺少“]”"),
    ("Expected ']]' at the end of an array declaration", "[[rule]] 后缺少“]]”"),
    ("Expected '=' after a key in a key/value pair", "键后面缺少“=”"),
    ("Invalid initial character for a key part", "键名含有不允许的字符（键名请用英文字母、数字、下划线）"),
    ("Unclosed array", "列表缺少“]”"),
    ("Unclosed inline table", "内联表缺少“}”"),
    ("Duplicate inline table key", "内联表中的键重复"),
    ("Unescaped '\\' in a string", "字符串中的反斜杠“\\”须写成“\\\\”"),
    ("Invalid hex value", "转义的十六进制值无效"),
    ("Escaped character is not a Unicode scalar value", "转义字符无效"),
    ("Unterminated string", "字符串缺少结尾的引号"),
    ("Illegal character '\\n'", "字符串缺少结尾的引号（字符串不能跨行）"),
    ("Illegal character", "字符串中含有不允许的字符"),
    ("Invalid date or datetime", "日期或时间无效"),
    ("Invalid value", "值无效（文字须加引号，数字不加引号）"),
    ("Expected", "缺少符号"),
    ("Found invalid character", "含有不允许的字符"),
)
TOML_POSITION = re.compile(r"\(at (?:line (\d+), column (\d+)|end of document)\)$")


def _syntax_error(error, text):
    """(line, message) of a tomllib error, in Chinese."""
    message = str(error)
    position = TOML_POSITION.search(message)
    english = message[: position.start()].strip() if position else message
    if position and position.group(1):
        line, where = int(position.group(1)), f"第 {position.group(2)} 列"
    else:
        line, where = max(1, text.rstrip("\n").count("\n") + 1), "文件末尾"
    chinese = next((words for prefix, words in TOML_MESSAGES if english.startswith(prefix)), None)
    detail = f"{chinese}（{where}；{english}）" if chinese else f"{english}（{where}）"
    return line, f"第 {line} 行：TOML 语法错误：{detail}。"


def _number(value):
    """A TOML number as a Decimal (None when it is not a number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return Decimal(str(value))


class _Reader:
    def __init__(self):
        self.errors = []

    def error(self, line, message):
        self.errors.append((line, f"第 {line} 行：{message}"))

    # -- settings ------------------------------------------------------------------------------

    def settings(self, data, table):
        if not isinstance(data, dict):
            self.error(table.line, "settings 须写成 [settings] 表。")
            return TimeElapsedMode.MONTHS
        for key in data:
            if key not in SETTINGS_KEYS:
                self.error(
                    table.line_of(key),
                    f"[settings] 中未知的键“{key}”；可用的键：{'、'.join(SETTINGS_KEYS)}。",
                )
        value = data.get("time_elapsed_ratio", TimeElapsedMode.MONTHS.value)
        mode = TIME_ELAPSED_WORDS.get(value) if isinstance(value, str) else None
        if mode is None:
            self.error(
                table.line_of("time_elapsed_ratio"),
                f"time_elapsed_ratio（序时进度）只能是 months、days 或 plan（按月、按日、按计划），"
                f"不能是“{value}”。",
            )
            return TimeElapsedMode.MONTHS
        return mode

    # -- one rule ------------------------------------------------------------------------------

    def rule(self, data, table):
        """A Rule from one [[rule]] table, or None (with its errors recorded)."""
        errors_before = len(self.errors)
        line_of = table.line_of
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            self.error(line_of("name"), "规则缺少名称（name），或名称不是文字。")
            name = ""
        name = name.strip()
        if "\n" in name or "\r" in name:
            self.error(line_of("name"), "规则名称不能换行。")
            name = " ".join(name.split())
        called = f"规则“{name}”" if name else "规则"
        for key in data:
            if key not in RULE_KEYS:
                self.error(line_of(key), f"{called}中未知的键“{key}”；可用的键：{'、'.join(RULE_KEYS)}。")
        dimension = self._dimension(data, line_of, called)
        measure = self._measure(data, line_of, called, dimension) if dimension else None
        bounds = self._bounds(data, line_of, called)
        level = self._level(data, line_of, called)
        consequence = self._consequence(data, line_of, called)
        tiers = self._words(data, "tiers", TIER_WORDS, "项目级别", line_of, called)
        stages = self._words(data, "stages", STAGE_WORDS, "项目阶段", line_of, called)
        last = self._last(data, line_of, called, dimension, measure, bounds)
        of_level, of_rule = self._persistence(data, line_of, called, dimension, level)
        if len(self.errors) > errors_before:
            return None
        return Rule(
            line=table.line,
            name=name,
            dimension=dimension,
            measure=measure,
            bounds=bounds,
            level=level,
            consequence=consequence,
            tiers=tiers,
            stages=stages,
            last=last,
            of_level=of_level,
            of_rule=of_rule,
            key_lines=dict(table.keys),
        )

    def _dimension(self, data, line_of, called):
        value = data.get("dimension")
        known = "、".join(f"{d.value}（{d.label}）" for d in Dimension)
        if value is None:
            self.error(line_of("dimension"), f"{called}缺少维度（dimension）；可用的维度：{known}。")
            return None
        if not isinstance(value, str) or value not in Dimension.values:
            self.error(
                line_of("dimension"), f"{called}的维度（dimension）“{value}”未知；可用的维度：{known}。"
            )
            return None
        return value

    def _measure(self, data, line_of, called, dimension):
        measures = MEASURES[dimension]
        known = "、".join(f"{key}（{label}）" for key, (label, _) in measures.items())
        value = data.get("measure")
        if value is None:
            if len(measures) == 1:
                return next(iter(measures))
            self.error(
                line_of("measure"), f"{called}缺少指标（measure）；维度 {dimension} 可用的指标：{known}。"
            )
            return None
        if value not in measures:
            self.error(
                line_of("measure"),
                f"{called}的指标（measure）“{value}”不属于维度 {dimension}；可用的指标：{known}。",
            )
            return None
        return value

    def _bounds(self, data, line_of, called):
        values = {}
        for key in BOUND_KEYS:
            if key not in data:
                continue
            number = _number(data[key])
            if number is None:
                self.error(line_of(key), f"{called}的阈值 {key} 须为数字（不加引号），不能是“{data[key]}”。")
            else:
                values[key] = number
        present = [key for key in BOUND_KEYS if key in data]
        if not present:
            self.error(
                line_of(),
                f"{called}缺少阈值：至少写 at_least（≥）、above（>）、at_most（≤）、below（<）之一。",
            )
        for pair in (("at_least", "above"), ("at_most", "below")):
            if all(key in data for key in pair):
                self.error(line_of(pair[1]), f"{called}的 {pair[0]} 与 {pair[1]} 只能写一个。")
                values.pop(pair[1], None)
        bounds = Bounds(**values)
        if bounds.is_empty():
            self.error(
                line_of(present[-1]),
                f"{called}的阈值区间为空（{bounds.text()}），没有任何数值能满足。",
            )
        return bounds

    def _level(self, data, line_of, called):
        value = data.get("level")
        if value is None:
            self.error(line_of("level"), f"{called}缺少级别（level）：yellow 或 red（黄、红）。")
            return None
        level = LEVEL_WORDS.get(value.strip()) if isinstance(value, str) else None
        if level is None:
            self.error(
                line_of("level"), f"{called}的级别（level）“{value}”未知；只能是 yellow、red（黄、红）。"
            )
        return level

    def _consequence(self, data, line_of, called):
        value = data.get("consequence", "")
        if not isinstance(value, str):
            self.error(line_of("consequence"), f"{called}的后果（consequence）须为文字（加引号）。")
            return ""
        for placeholder in re.findall(r"\{([^{}]*)\}", value):
            if placeholder not in PLACEHOLDERS:
                known = "、".join(f"{{{word}}}" for word in PLACEHOLDERS)
                self.error(
                    line_of("consequence"),
                    f"{called}的后果（consequence）中有未知的占位符“{{{placeholder}}}”；可用的占位符：{known}。",
                )
        return value.strip()

    def _words(self, data, key, words, what, line_of, called):
        if key not in data:
            return ()
        value = data[key]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.error(line_of(key), f'{called}的 {key}（{what}）须为文字列表，例如 {key} = ["…"]。')
            return ()
        found = []
        for item in value:
            code = words.get(item.strip())
            if code is None:
                # The short Chinese words: 在建 rather than 在建（开工/续建）.
                known = "、".join(dict.fromkeys(w for w in words if not w.isascii() and "（" not in w))
                self.error(
                    line_of(key), f"{called}的 {key} 中有未知的{what}“{item}”；可用的{what}：{known}。"
                )
            elif code not in found:
                found.append(code)
        return tuple(found)

    def _last(self, data, line_of, called, dimension, measure, bounds):
        wanted = dimension == Dimension.REPORTING and measure == "missed_of_last"
        if "last" not in data:
            if wanted:
                self.error(
                    line_of("measure"),
                    f"{called}缺少 last（看最近多少轮调度），例如 last = 4 表示“最近 4 轮中未报送 N 轮”。",
                )
            return None
        if not wanted:
            self.error(line_of("last"), f"{called}的 last 只用于 reporting 维度的 missed_of_last 指标。")
            return None
        value = data["last"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.error(line_of("last"), f"{called}的 last 须为正整数，不能是“{value}”。")
            return None
        lower = bounds.lower
        if lower is not None and lower[0] > value:
            self.error(
                line_of("last"),
                f"{called}的阈值下限 {number_text(lower[0])} 大于 last = {value}，规则永远不会触发。",
            )
        return value

    def _persistence(self, data, line_of, called, dimension, level):
        is_persistence = dimension == Dimension.PERSISTENCE
        for key in ("of_level", "of_rule"):
            if key in data and not is_persistence:
                self.error(line_of(key), f"{called}的 {key} 只用于 persistence（持续预警）维度。")
        if not is_persistence:
            return None, None
        if ("of_level" in data) == ("of_rule" in data):
            self.error(
                line_of("dimension"),
                f"{called}须写 of_level（持续处于哪一级）或 of_rule（持续触发哪条规则）二者之一。",
            )
            return None, None
        if "of_rule" in data:
            value = data["of_rule"]
            if not isinstance(value, str) or not value.strip():
                self.error(line_of("of_rule"), f"{called}的 of_rule 须为规则名称。")
                return None, None
            return None, value.strip()
        value = data["of_level"]
        of_level = LEVEL_WORDS.get(value.strip()) if isinstance(value, str) else None
        if of_level is None:
            self.error(
                line_of("of_level"), f"{called}的 of_level “{value}”未知；只能是 yellow、red（黄、红）。"
            )
            return None, None
        if level is not None and LEVEL_RANK[Level(level)] <= LEVEL_RANK[Level(of_level)]:
            self.error(line_of("level"), f"{called}的级别须高于 of_level（持续黄灯可升为红灯）。")
        return of_level, None

    # -- the whole file ------------------------------------------------------------------------

    def rules(self, data, tables):
        items = data.get("rule", [])
        if not isinstance(items, list) or len(items) != len(tables):
            line = tables[0].line if tables else 1
            self.error(line, "规则须逐条写成 [[rule]] 表（每条规则以单独一行 [[rule]] 开头）。")
            return []
        rules, named = [], {}
        for item, table in zip(items, tables, strict=True):
            rule = self.rule(item, table)
            if rule is not None:
                rules.append(rule)
            # Names are checked on every rule, refused or not, so one reading reports all repeats.
            name = item.get("name") if isinstance(item, dict) else None
            if isinstance(name, str) and name.strip():
                if name.strip() in named:
                    self.error(
                        table.line, f"规则名称“{name.strip()}”与第 {named[name.strip()]} 行的规则重复。"
                    )
                else:
                    named[name.strip()] = table.line
        if not items:
            self.error(1, "规则文件中没有任何规则（[[rule]]）。")
        return rules

    def across(self, rules):
        """Checks between rules: persistence naming an existing rule, no overlaps."""
        by_name = {}
        for rule in rules:
            by_name.setdefault(rule.name, rule)
        for rule in rules:
            if rule.of_rule is None:
                continue
            target = by_name.get(rule.of_rule)
            line = rule.key_lines.get("of_rule", rule.line)
            if target is None:
                self.error(line, f"规则“{rule.name}”的 of_rule 指向不存在的规则“{rule.of_rule}”。")
            elif target.dimension == Dimension.PERSISTENCE:
                self.error(line, f"规则“{rule.name}”的 of_rule 不能指向另一条持续预警规则。")
        groups = {}
        for rule in rules:
            for earlier in groups.get(rule.group, []):
                if rule.bounds.overlaps(earlier.bounds):
                    self.error(
                        rule.line,
                        f"规则“{rule.name}”与第 {earlier.line} 行的规则“{earlier.name}”阈值重叠"
                        f"（同一维度 {rule.dimension}、指标 {rule.measure}、适用范围：{rule.bounds.text()}"
                        f" 与 {earlier.bounds.text()}），同一数值只能落入其中一条。",
                    )
            groups.setdefault(rule.group, []).append(rule)


def parse_rules(text):
    """The `Rules` of a rules file's text; raises RulesError listing every problem with its line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesError([_syntax_error(error, text)]) from None
    top, tables, rule_tables = _scan(text)
    reader = _Reader()
    for key in data:
        if key in ("settings", "rule"):
            continue
        if isinstance(data[key], dict) and key in tables:
            reader.error(tables[key].line, f"未知的表 [{key}]；规则文件只有 [settings] 和 [[rule]]。")
        else:
            line = tables[key].line if key in tables else top.line_of(key)
            reader.error(line, f"未知的键“{key}”；规则文件只有 [settings] 和 [[rule]]。")
    settings_table = tables.get("settings", _Table("settings", 1))
    mode = reader.settings(data.get("settings", {}), settings_table)
    rules = reader.rules(data, rule_tables)
    reader.across(rules)
    if reader.errors:
        raise RulesError(reader.errors)
    return Rules(time_elapsed_ratio=mode, rules=tuple(rules), text=text)


def read_rules_file(path):
    """`parse_rules` of a file; a file that is not UTF-8 is refused as a RulesError (OSError when it
    cannot be read at all)."""
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise RulesError(
            [(line, f"第 {line} 行：规则文件须为 UTF-8 编码（可在记事本“另存为”中选择）。")]
        ) from None
    return parse_rules(text)
