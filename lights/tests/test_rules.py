"""The rules file: the two published examples read exactly as written; every kind of mistake is refused
with a Chinese message naming the line (and the key)."""

from decimal import Decimal

import pytest

from lights.models import RuleSet
from lights.rules import Bounds, RulesError, parse_rules
from lights.tests.helpers import EXAMPLE_A, EXAMPLE_B, rules_text

D = Decimal
pytestmark = pytest.mark.django_db


def refused(text):
    with pytest.raises(RulesError) as caught:
        parse_rules(text)
    return caught.value.errors


# The published examples --------------------------------------------------------------------------


def test_example_a_reads_as_written():
    rules = parse_rules(EXAMPLE_A)
    yellow, red = rules.rules
    assert rules.time_elapsed_ratio == "months"
    assert (yellow.line, yellow.name, yellow.dimension, yellow.measure, yellow.level) == (
        4,
        "投资进度滞后",
        "progress",
        "gap_points",
        "yellow",
    )
    assert yellow.bounds == Bounds(at_least=D(10), at_most=D(30))
    assert (red.bounds, red.level, red.line) == (Bounds(above=D(30)), "red", 13)
    # 10–30 points below 序时进度 is yellow, both ends included; beyond 30 is red.
    assert [yellow.bounds.contains(D(value)) for value in ("9.99", "10", "30", "30.01")] == [
        False,
        True,
        True,
        False,
    ]
    assert [red.bounds.contains(D(value)) for value in ("30", "30.01")] == [False, True]
    assert yellow.bounds.text() == "≥ 10 且 ≤ 30"
    assert red.consequence == "由{挂点领导}约谈{责任单位}主要负责人"


def test_example_b_reads_as_written():
    yellow, red = parse_rules(EXAMPLE_B).rules
    assert (yellow.measure, yellow.bounds, yellow.level) == (
        "ratio_of_schedule",
        Bounds(at_least=D(60), below=D(80)),
        "yellow",
    )
    assert (red.bounds, red.level) == (Bounds(below=D(60)), "red")
    assert [yellow.bounds.contains(D(value)) for value in ("59.99", "60", "79.99", "80")] == [
        False,
        True,
        True,
        False,
    ]
    assert [red.bounds.contains(D(value)) for value in ("59.99", "60")] == [True, False]


def test_the_default_rules_installed_by_the_migration_read():
    ruleset = RuleSet.objects.get(is_active=True)
    rules = ruleset.rules()
    assert ruleset.version == 1
    assert [(rule.dimension, rule.level) for rule in rules.rules] == [
        ("progress", "yellow"),
        ("progress", "red"),
        ("start", "yellow"),
        ("start", "red"),
        ("reporting", "yellow"),
        ("reporting", "red"),
        ("matters", "yellow"),
        ("matters", "red"),
        ("statistics", "yellow"),
        ("persistence", "red"),
    ]
    assert rules.rules[-1].of_rule == "投资进度滞后"


def test_chinese_words_for_levels_stages_tiers_and_modes():
    rules = parse_rules(
        rules_text(
            {
                "name": "重大项目进度滞后",
                "dimension": "progress",
                "measure": "gap_points",
                "above": 5,
                "level": "红灯",
                "tiers": ["重大", "is_city_key"],
                "stages": ["在建", "stalled", "停缓建"],
            },
            settings="按日",
        )
    )
    (rule,) = rules.rules
    assert rules.time_elapsed_ratio == "days"
    assert (rule.level, rule.tiers, rule.stages) == (
        "red",
        ("is_major", "is_city_key"),
        ("under_construction", "stalled"),
    )


def test_single_measure_dimensions_need_no_measure_key():
    (rule,) = parse_rules(
        rules_text({"name": "问题逾期", "dimension": "matters", "at_least": 1, "level": "黄"})
    ).rules
    assert rule.measure == "overdue_count"


# Refusals ------------------------------------------------------------------------------------------


def test_toml_syntax_errors_are_translated_with_their_line():
    text = '[[rule]]\nname = "进度"\ndimension "progress"\n'
    assert refused(text) == [
        (
            3,
            "第 3 行：TOML 语法错误：键后面缺少“=”"
            "（第 11 列；Expected '=' after a key in a key/value pair）。",
        )
    ]
    assert refused('[[rule]]\nname = "进度\n') == [
        (
            2,
            "第 2 行：TOML 语法错误：字符串缺少结尾的引号（字符串不能跨行）"
            "（第 11 列；Illegal character '\\n'）。",
        )
    ]
    assert refused("[[rule]]\nat_least = 十\n") == [
        (2, "第 2 行：TOML 语法错误：值无效（文字须加引号，数字不加引号）（第 12 列；Invalid value）。")
    ]


def test_unknown_dimension_measure_key_and_level_name_their_lines():
    text = rules_text(
        {"name": "甲", "dimension": "quality", "at_least": 1, "level": "黄"},
        {"name": "乙", "dimension": "progress", "measure": "gap", "at_least": 1, "level": "黄"},
        {"name": "丙", "dimension": "matters", "at_least": 1, "level": "绿", "colour": "绿"},
    )
    messages = dict(refused(text))
    assert sorted(messages) == [3, 10, 18, 19]
    assert messages[3].startswith(
        "第 3 行：规则“甲”的维度（dimension）“quality”未知；可用的维度：start（开工）"
    )
    assert messages[10].startswith(
        "第 10 行：规则“乙”的指标（measure）“gap”不属于维度 progress；可用的指标：gap_points"
    )
    assert messages[18] == "第 18 行：规则“丙”的级别（level）“绿”未知；只能是 yellow、red（黄、红）。"
    assert messages[19].startswith("第 19 行：规则“丙”中未知的键“colour”；可用的键：name、dimension")


def test_missing_thresholds_and_non_numeric_values_are_refused():
    text = rules_text(
        {"name": "甲", "dimension": "matters", "level": "黄"},
        {"name": "乙", "dimension": "matters", "at_least": "3", "level": "黄"},
        {"name": "丙", "dimension": "matters", "at_least": 3, "above": 4, "level": "红"},
        {"name": "丁", "dimension": "matters", "at_least": 5, "below": 5, "level": "红"},
    )
    assert refused(text) == [
        (1, "第 1 行：规则“甲”缺少阈值：至少写 at_least（≥）、above（>）、at_most（≤）、below（<）之一。"),
        (9, "第 9 行：规则“乙”的阈值 at_least 须为数字（不加引号），不能是“3”。"),
        (16, "第 16 行：规则“丙”的 at_least 与 above 只能写一个。"),
        (23, "第 23 行：规则“丁”的阈值区间为空（≥ 5 且 < 5），没有任何数值能满足。"),
    ]


def test_overlapping_thresholds_name_both_lines():
    text = rules_text(
        {
            "name": "滞后",
            "dimension": "progress",
            "measure": "gap_points",
            "at_least": 10,
            "at_most": 30,
            "level": "黄",
        },
        {"name": "严重滞后", "dimension": "progress", "measure": "gap_points", "at_least": 30, "level": "红"},
    )
    assert refused(text) == [
        (
            9,
            "第 9 行：规则“严重滞后”与第 1 行的规则“滞后”阈值重叠（同一维度 progress、指标 gap_points、"
            "适用范围：≥ 30 与 ≥ 10 且 ≤ 30），同一数值只能落入其中一条。",
        )
    ]


def test_touching_thresholds_and_different_filters_do_not_overlap():
    rules = parse_rules(
        rules_text(
            {
                "name": "滞后",
                "dimension": "progress",
                "measure": "gap_points",
                "at_least": 10,
                "below": 30,
                "level": "黄",
            },
            {
                "name": "严重滞后",
                "dimension": "progress",
                "measure": "gap_points",
                "at_least": 30,
                "level": "红",
            },
            # Stricter for major projects: the same numbers, other projects.
            {
                "name": "重大项目滞后",
                "dimension": "progress",
                "measure": "gap_points",
                "at_least": 5,
                "level": "红",
                "tiers": ["重大"],
            },
            # Another measure of the same dimension is another scale.
            {
                "name": "不足六成",
                "dimension": "progress",
                "measure": "ratio_of_schedule",
                "below": 60,
                "level": "红",
            },
        )
    )
    assert [rule.name for rule in rules.rules] == ["滞后", "严重滞后", "重大项目滞后", "不足六成"]


def test_settings_and_file_level_mistakes():
    text = (
        '[settings]\ntime_elapsed_ratio = "weeks"\nstart_month = 1\n\n[options]\nx = 1\n\n'
        '[[rule]]\nname = "甲"\ndimension = "matters"\nat_least = 1\nlevel = "黄"\n'
    )
    assert refused(text) == [
        (
            2,
            "第 2 行：time_elapsed_ratio（序时进度）只能是 months、days 或 plan（按月、按日、按计划），"
            "不能是“weeks”。",
        ),
        (3, "第 3 行：[settings] 中未知的键“start_month”；可用的键：time_elapsed_ratio。"),
        (5, "第 5 行：未知的表 [options]；规则文件只有 [settings] 和 [[rule]]。"),
    ]
    assert refused('[rule]\nname = "甲"\n') == [
        (1, "第 1 行：规则须逐条写成 [[rule]] 表（每条规则以单独一行 [[rule]] 开头）。")
    ]
    assert refused("[settings]\n") == [(1, "第 1 行：规则文件中没有任何规则（[[rule]]）。")]
    assert refused('[[rule]]\nname = "投资\\n进度"\ndimension = "matters"\nat_least = 1\nlevel = "黄"\n') == [
        (2, "第 2 行：规则名称不能换行。")
    ]


def test_names_filters_and_dimension_parameters_are_checked():
    text = rules_text(
        {"name": "甲", "dimension": "matters", "at_least": 1, "level": "黄", "stages": ["开工"]},
        {"name": "甲", "dimension": "start", "measure": "days_late", "above": 0, "level": "黄", "last": 3},
        {
            "name": "漏报",
            "dimension": "reporting",
            "measure": "missed_of_last",
            "at_least": 5,
            "last": 4,
            "level": "黄",
        },
        {"name": "连续", "dimension": "persistence", "of_rule": "不存在", "at_least": 3, "level": "红"},
        {"name": "持续", "dimension": "persistence", "of_level": "红", "at_least": 3, "level": "红"},
        {
            "name": "占位",
            "dimension": "matters",
            "at_least": 5,
            "level": "红",
            "consequence": "由{分管领导}约谈",
        },
    )
    messages = refused(text)
    assert messages == [
        (
            6,
            "第 6 行：规则“甲”的 stages 中有未知的项目阶段“开工”；"
            "可用的项目阶段：招商、新上、拟建、在建、竣工、投产、停缓建、取消。",
        ),
        (8, "第 8 行：规则名称“甲”与第 1 行的规则重复。"),
        (14, "第 14 行：规则“甲”的 last 只用于 reporting 维度的 missed_of_last 指标。"),
        (21, "第 21 行：规则“漏报”的阈值下限 5 大于 last = 4，规则永远不会触发。"),
        (27, "第 27 行：规则“连续”的 of_rule 指向不存在的规则“不存在”。"),
        (36, "第 36 行：规则“持续”的级别须高于 of_level（持续黄灯可升为红灯）。"),
        (
            43,
            "第 43 行：规则“占位”的后果（consequence）中有未知的占位符“{分管领导}”；"
            "可用的占位符：{责任单位}、{挂点领导}、{推进专班}。",
        ),
    ]


def test_a_refusal_is_a_validation_error_listing_every_line():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        parse_rules(rules_text({"name": "甲", "dimension": "x", "level": "黄"}))
    assert caught.value.messages == [
        "第 1 行：规则“甲”缺少阈值：至少写 at_least（≥）、above（>）、at_most（≤）、below（<）之一。",
        "第 3 行：规则“甲”的维度（dimension）“x”未知；可用的维度：start（开工）、progress（投资进度）、"
        "persistence（持续预警）、reporting（调度报送）、matters（问题办理）、statistics（入库纳统）。",
    ]
