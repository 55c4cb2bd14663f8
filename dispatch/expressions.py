"""The small expression language of validation rules (校验规则), safe to take from the office's UI.

An expression is arithmetic over the report's figures: names from `VARIABLES`, decimal numbers,
`+ - * /`, parentheses and the functions `len`, `abs`, `min`, `max`, e.g.
`1.1 * total_investment` or `investment_year_to_date - previous_year_to_date`. It is parsed with
Python's own parser and anything else (attributes, calls of other names, subscripts …) is refused,
so a rule can never run code. Arithmetic is in Decimal: 0.1 + 0.2 == 0.3, as money must be.
"""

import ast
import functools
import operator
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

# name -> label the office sees when writing rules
VARIABLES = {
    "investment_period": "本期完成投资（万元）",
    "investment_year_to_date": "年度累计完成投资（万元）",
    "investment_since_start": "开工累计完成投资（万元）",
    "previous_year_to_date": "上期年度累计（万元，跨年为 0）",
    "previous_since_start": "上期开工累计（万元）",
    "total_investment": "项目总投资（万元）",
    "annual_plan": "本年度计划投资（万元）",
    "workers_on_site": "在场施工人数",
    "physical_progress": "形象进度（文字，用 len() 取字数）",
    "next_steps": "下步计划（文字）",
    "blockers": "存在问题（文字）",
}
FUNCTIONS = {"len", "abs", "min", "max"}


class Missing(Exception):
    """A figure the expression needs is not filled in; the rule is skipped (as DHIS2 does)."""


@functools.lru_cache(maxsize=1024)
def parse(text):
    """The checked syntax tree of `text`; a ValidationError in Chinese names what is wrong. Parsed
    once per text (rules are evaluated for every report of an import)."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ValidationError(f"表达式“{text}”写法有误（第 {error.offset or 1} 个字符附近）。") from error
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in VARIABLES and node.id not in FUNCTIONS:
            raise ValidationError(f"表达式“{text}”中的“{node.id}”不是可用的字段。")
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
            raise ValidationError(f"表达式“{text}”只能调用 {', '.join(sorted(FUNCTIONS))}。")
        if isinstance(node, ast.Constant) and (
            isinstance(node.value, bool) or not isinstance(node.value, int | float)
        ):
            raise ValidationError(f"表达式“{text}”中只能写数字常量。")
        if not isinstance(
            node,
            ast.Expression
            | ast.BinOp
            | ast.UnaryOp
            | ast.Name
            | ast.Constant
            | ast.Call
            | ast.Load
            | ast.Add
            | ast.Sub
            | ast.Mult
            | ast.Div
            | ast.USub
            | ast.UAdd,
        ):
            raise ValidationError(f"表达式“{text}”含有不允许的写法（{type(node).__name__}）。")
    return tree


def _number(value):
    if value.__class__ is Decimal:
        return value
    if value is None:
        raise Missing
    if isinstance(value, str):
        raise ValidationError("文字字段须用 len() 取字数后再比较。")
    return Decimal(value)


class Expression:
    """A parsed expression turned into Python closures once: `evaluate(values)` is its Decimal value
    with `values` {name: value}, raising `Missing` when a figure it needs is empty. The one evaluator
    of rules: `evaluate` and `holds` below and the import's rule book (`dispatch.importer.checks`) all
    go through it."""

    __slots__ = ("_compute", "text")

    def __init__(self, text):
        self.text = text
        self._compute = _numeric(parse(text).body)

    def evaluate(self, values):
        try:
            return self._compute(values)
        except InvalidOperation as error:
            raise ValidationError(f"表达式“{self.text}”无法计算。") from error

    def __repr__(self):
        return f"Expression({self.text!r})"


def _numeric(node):
    """A function of `values` giving the Decimal value of `node` (raising Missing for an empty figure,
    a ValidationError for text where a number is needed)."""
    if isinstance(node, ast.Name):
        name = node.id

        def figure(values):
            value = values.get(name)
            return value if value.__class__ is Decimal else _number(value)

        return figure
    if isinstance(node, ast.Constant):
        # Through str so that 1.1 is exactly 1.1, not the nearest binary fraction.
        constant = Decimal(str(node.value))
        return lambda values: constant
    if isinstance(node, ast.UnaryOp):
        operand = _numeric(node.operand)
        if isinstance(node.op, ast.USub):
            return lambda values: -operand(values)
        return operand
    if isinstance(node, ast.BinOp):
        left, right = _numeric(node.left), _numeric(node.right)
        if isinstance(node.op, ast.Add):
            return lambda values: left(values) + right(values)
        if isinstance(node.op, ast.Sub):
            return lambda values: left(values) - right(values)
        if isinstance(node.op, ast.Mult):
            return lambda values: left(values) * right(values)

        def divide(values):
            dividend, divisor = left(values), right(values)
            if divisor == 0:
                raise Missing
            return dividend / divisor

        return divide
    return _call(node.func.id, [_raw(argument) for argument in node.args])


def _raw(node):
    """A function argument: a figure as it is (len() takes text), anything else as a number."""
    if isinstance(node, ast.Name):
        name = node.id
        return lambda values: values.get(name)
    return _numeric(node)


def _call(name, arguments):
    def call(values):
        found = [argument(values) for argument in arguments]
        if name == "len":
            if len(found) != 1:
                raise ValidationError("len() 只取一个字段。")
            return Decimal(len((found[0] or "").strip()) if not isinstance(found[0], Decimal) else 0)
        numbers = [_number(value) for value in found]
        if name == "abs" and len(numbers) == 1:
            return abs(numbers[0])
        if name in ("min", "max") and numbers:
            return min(numbers) if name == "min" else max(numbers)
        raise ValidationError(f"{name}() 的参数个数不对。")

    return call


@functools.lru_cache(maxsize=1024)
def compiled(text):
    """The `Expression` of `text`, built once per text; a ValidationError as `parse` gives."""
    return Expression(text)


def evaluate(text, values):
    """The Decimal value of expression `text` with `values` {name: value}; raises `Missing` when a
    figure it needs is empty."""
    return compiled(text).evaluate(values)


COMPARISONS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
CENT = Decimal("0.01")


class Comparison:
    """`left operator right` compiled once; `holds(values)` as the function `holds` below."""

    __slots__ = ("_left", "_right", "left", "operator", "right")

    def __init__(self, left, operator, right):
        self.left, self.operator, self.right = compiled(left), operator, compiled(right)
        self._left, self._right = self.left._compute, self.right._compute

    def holds(self, values):
        """Whether it holds for `values`; None when a figure it needs is missing. Money is compared
        to the cent, so rounding in a spreadsheet does not trip an equality."""
        try:
            left_value, right_value = self._left(values), self._right(values)
        except Missing:
            return None
        except InvalidOperation:
            # Again through `evaluate`, for its message naming the side that cannot be computed.
            self.left.evaluate(values)
            self.right.evaluate(values)
            raise
        return COMPARISONS[self.operator](left_value.quantize(CENT), right_value.quantize(CENT))

    def __repr__(self):
        return f"Comparison({self.left.text!r}, {self.operator!r}, {self.right.text!r})"


@functools.lru_cache(maxsize=1024)
def comparison(left, operator, right):
    """The `Comparison` of a rule's two sides, built once per rule text."""
    return Comparison(left, operator, right)


def holds(left, operator, right, values):
    """Whether `left operator right` holds for `values`; None when a figure it needs is missing.
    Money is compared to the cent, so rounding in a spreadsheet does not trip an equality."""
    return comparison(left, operator, right).holds(values)
