"""The small expression language of validation rules (校验规则), safe to take from the office's UI.

An expression is arithmetic over the report's figures: names from `VARIABLES`, decimal numbers,
`+ - * /`, parentheses and the functions `len`, `abs`, `min`, `max`, e.g.
`1.1 * total_investment` or `investment_year_to_date - previous_year_to_date`. It is parsed with
Python's own parser and anything else (attributes, calls of other names, subscripts …) is refused,
so a rule can never run code. Arithmetic is in Decimal: 0.1 + 0.2 == 0.3, as money must be.
"""

import ast
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


def parse(text):
    """The checked syntax tree of `text`; a ValidationError in Chinese names what is wrong."""
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
    if value is None:
        raise Missing
    if isinstance(value, str):
        raise ValidationError("文字字段须用 len() 取字数后再比较。")
    return Decimal(value)


def _evaluate(node, values):
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.Constant):
        # Through str so that 1.1 is exactly 1.1, not the nearest binary fraction.
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        return values.get(node.id)
    if isinstance(node, ast.UnaryOp):
        operand = _number(_evaluate(node.operand, values))
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left = _number(_evaluate(node.left, values))
        right = _number(_evaluate(node.right, values))
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            raise Missing
        return left / right
    name = node.func.id
    arguments = [_evaluate(argument, values) for argument in node.args]
    if name == "len":
        if len(arguments) != 1:
            raise ValidationError("len() 只取一个字段。")
        return Decimal(len((arguments[0] or "").strip()) if not isinstance(arguments[0], Decimal) else 0)
    numbers = [_number(argument) for argument in arguments]
    if name == "abs" and len(numbers) == 1:
        return abs(numbers[0])
    if name in ("min", "max") and numbers:
        return min(numbers) if name == "min" else max(numbers)
    raise ValidationError(f"{name}() 的参数个数不对。")


def evaluate(text, values):
    """The Decimal value of expression `text` with `values` {name: value}; raises `Missing` when a
    figure it needs is empty."""
    try:
        return _number(_evaluate(parse(text), values))
    except InvalidOperation as error:
        raise ValidationError(f"表达式“{text}”无法计算。") from error


COMPARISONS = {
    "==": lambda left, right: left == right,
    "!=": lambda left, right: left != right,
    "<": lambda left, right: left < right,
    "<=": lambda left, right: left <= right,
    ">": lambda left, right: left > right,
    ">=": lambda left, right: left >= right,
}


def holds(left, operator, right, values):
    """Whether `left operator right` holds for `values`; None when a figure it needs is missing.
    Money is compared to the cent, so rounding in a spreadsheet does not trip an equality."""
    try:
        left_value, right_value = evaluate(left, values), evaluate(right, values)
    except Missing:
        return None
    cent = Decimal("0.01")
    return COMPARISONS[operator](left_value.quantize(cent), right_value.quantize(cent))
