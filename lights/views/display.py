"""The rules and the lights in the office's words: a rule's condition as a sentence, a light's reasons
and figures as labelled rows, the text of a rules file as numbered lines. Shared by the pages, the
project page's light history and the API's parsed rules."""

from decimal import Decimal

from lights.choices import Dimension, Level, TimeElapsedMode
from lights.engine.measures import percent
from lights.rules import number_text
from lights.tables import LEVEL_TONES
from projects.choices import Stage
from projects.models import Project

TIER_LABELS = dict(Project.TIER_FLAGS)
STAGE_LABELS = dict(Stage.choices)

# The figures a light stores, per dimension (lights.engine): label and how the value reads.
RATIO, DAYS, MONTHS, WANYUAN, POINTS, PERCENT, COUNT, ROUNDS, TEXT = (
    "ratio",
    "days",
    "months",
    "wanyuan",
    "points",
    "percent",
    "count",
    "rounds",
    "text",
)
FIGURE_LABELS = {
    "planned_start": ("计划开工日期", TEXT),
    "planned_start_source": ("计划开工日期依据", TEXT),
    "started_on": ("实际开工日期", TEXT),
    "days_late": ("逾期未开工", DAYS),
    "months_late": ("逾期未开工", MONTHS),
    "annual_plan": ("年度计划投资", WANYUAN),
    "year_to_date": ("年度累计完成投资", WANYUAN),
    "reported_for": ("累计完成所据报告的周期末日", TEXT),
    "ratio": ("年度投资完成率", RATIO),
    "time_elapsed_ratio": ("序时进度", RATIO),
    "time_elapsed_basis": ("序时进度算法", TEXT),
    "gap_points": ("落后序时进度", POINTS),
    "ratio_of_schedule": ("完成率相当于序时进度的", PERCENT),
    "consecutive_missed": ("连续未报送", ROUNDS),
    "missed_rounds": ("未报送的轮次", TEXT),
    "overdue": ("逾期未办结的问题", COUNT),
    "entered_on": ("入库纳统日期", TEXT),
    "days_since_start": ("开工后仍未入库纳统", DAYS),
    "months_since_start": ("开工后仍未入库纳统", MONTHS),
}
SUFFIXES = {
    DAYS: " 天",
    MONTHS: " 个月",
    WANYUAN: " 万元",
    POINTS: " 个百分点",
    PERCENT: "%",
    COUNT: " 件",
    ROUNDS: " 轮",
}
FIGURE_ORDER = {key: index for index, key in enumerate(FIGURE_LABELS)}


def level_label(level):
    return Level(level).label if level in Level.values else "未亮灯"


def level_tone(level):
    return LEVEL_TONES.get(level, "light")


def condition_text(rule):
    """ "年度投资完成率落后序时进度 ≥ 10 且 ≤ 30 个百分点" — when the rule fires, in words."""
    bounds = rule.bounds.text()
    if rule.dimension == Dimension.PERSISTENCE:
        if rule.of_rule:
            return f"规则“{rule.of_rule}”连续触发 {bounds} 期（含本期）"
        return f"连续{Level(rule.of_level).label}及以上 {bounds} 期（含本期）"
    if rule.last is not None:
        return f"最近 {rule.last} 轮调度中未报送 {bounds} 轮"
    return f"{rule.measure_label} {bounds} {rule.unit}"


def applies_text(rule):
    """Which projects a rule covers: "省重点、重大项目；在建（开工/续建）" or 全部项目."""
    parts = []
    if rule.tiers:
        parts.append("、".join(TIER_LABELS[flag] for flag in rule.tiers))
    if rule.stages:
        parts.append("、".join(STAGE_LABELS[stage] for stage in rule.stages))
    return "；".join(parts) or "全部项目"


def rule_rows(rules):
    """The rules of a parsed file (`lights.rules.Rules`) as rows for a table, in file order."""
    return [
        {
            "line": rule.line,
            "name": rule.name,
            "dimension": rule.dimension,
            "dimension_label": rule.dimension_label,
            "measure": rule.measure,
            "condition": condition_text(rule),
            "level": rule.level,
            "level_label": Level(rule.level).label,
            "tone": level_tone(rule.level),
            "consequence": rule.consequence,
            "applies": applies_text(rule),
        }
        for rule in rules.rules
    ]


def time_elapsed_label(rules):
    return TimeElapsedMode(rules.time_elapsed_ratio).label


def _figure_value(key, value, kind):
    if value is None or value == "" or value == []:
        return "—"
    if key == "time_elapsed_basis" and value in TimeElapsedMode.values:
        return TimeElapsedMode(value).label
    if isinstance(value, list):
        return "、".join(str(item).split("（")[0] for item in value)
    if kind == RATIO:
        return percent(value)
    if kind in (WANYUAN, POINTS, PERCENT):
        value = number_text(Decimal(str(value)))
    return f"{value}{SUFFIXES.get(kind, '')}"


def figure_rows(figures):
    """A light's figures as [(dimension label, [(label, value text)])], in dimension order.

    Keys the pages do not know (a later engine's) are shown by their own name rather than hidden."""
    rows = []
    for dimension in Dimension:
        values = (figures or {}).get(dimension.value)
        if not values:
            continue
        if dimension == Dimension.PERSISTENCE:
            items = [(f"规则“{name}”连续触发", f"{count} 期") for name, count in values.items()]
        else:
            items = []
            for key in sorted(values, key=lambda name: FIGURE_ORDER.get(name, len(FIGURE_ORDER))):
                value = values[key]
                if key == "missed_of_last":
                    for last, recent in sorted(value.items(), key=lambda item: int(item[0])):
                        missed = "、".join(label.split("（")[0] for label in recent.get("rounds", []))
                        text = f"{recent.get('missed', 0)} 轮" + (f"（{missed}）" if missed else "")
                        items.append((f"最近 {last} 轮中未报送", text))
                    continue
                label, kind = FIGURE_LABELS.get(key, (key, TEXT))
                items.append((label, _figure_value(key, value, kind)))
        rows.append((dimension.label, items))
    return rows


def reason_rows(reasons):
    """A light's stored reasons with what a page shows beside them (level label and colour, the
    measured value with its unit, the dimension's label)."""
    rows = []
    for reason in reasons or ():
        value = reason.get("value")
        rows.append(
            {
                **reason,
                "level_label": level_label(reason.get("level")),
                "tone": level_tone(reason.get("level")),
                "dimension_label": Dimension(reason["dimension"]).label
                if reason.get("dimension") in Dimension.values
                else reason.get("dimension", ""),
                "value_text": "—"
                if value is None
                else f"{number_text(Decimal(str(value)))} {reason.get('unit', '')}",
            }
        )
    return rows


def numbered_lines(text, error_lines=()):
    """The lines of a rules text as (number, line, is an error line) for a numbered listing."""
    wrong = set(error_lines)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [(number, line, number in wrong) for number, line in enumerate(lines, start=1)]
