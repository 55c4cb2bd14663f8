"""`tiaodu figures`: the figures object as JSON, or a Chinese summary, for the hand-built county."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def figures(*arguments):
    out = StringIO()
    call_command("figures", *arguments, stdout=out)
    return out.getvalue()


def test_json_prints_the_figures_object(county):
    data = json.loads(figures("--as-of", "2024-03-16", "--period", "2024-03-H1", "--json"))

    assert data["summary"]["annual_plan"]["value"] == "2600.00"
    assert data["summary"]["completion_rate"]["value"] == "23.46"
    assert data["parameters"]["period"]["label"] == "2024年3月上半月"
    assert data["reporting"]["year"]["completeness"] == "75.00"
    assert [row["code"] for row in data["projects"]] == sorted(
        project.code for project in (county.p1, county.p2, county.p3, county.p4)
    )


def test_scope_options_narrow_the_figures(county):
    data = json.loads(figures("--as-of", "2024-03-16", "--region", "360703101", "--tier", "市重点", "--json"))

    assert data["summary"]["projects"]["sources"]["projects.project"] == [county.p4.pk]
    assert data["parameters"]["scope"]["region"]["name"] == "凤岗镇"
    assert data["parameters"]["scope"]["tiers"] == [{"key": "city", "label": "市重点"}]


def test_without_json_a_chinese_summary_with_the_checksum(county):
    text = figures("--as-of", "2024-03-16", "--period", "2024-03-H1")

    assert "项目 4 个，总投资 10.80 亿元。" in text
    assert (
        "2024 年度计划投资 0.26 亿元，已完成 0.06 亿元，完成率 23.46%，"
        "序时进度 16.67%，快于序时 6.79 个百分点。" in text
    )
    assert "计划年内开工 3 个，已开工 2 个，开工率 66.67%" in text
    assert "    1. 凤岗镇人民政府 32.50%" in text
    assert "校验码：" in text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--as-of", "2024-3-16x"), "--as-of：日期“2024-3-16x”格式不正确，应为 2024-03-16。"),
        (("--as-of", "2024-03-16", "--region", "999999"), "区划代码“999999”不存在。"),
        (("--as-of", "2024-03-16", "--tier", "国家级"), "项目级别“国家级”不存在"),
        (("--as-of", "2024-03-16", "--period", "2024-3-X"), "统计期“2024-3-X”格式不正确"),
        (("--as-of", "2024-03-16", "--recorded-at", "yesterday"), "--recorded-at：时间“yesterday”格式不正确"),
    ],
)
def test_bad_input_is_refused_in_chinese_naming_the_option(db, arguments, message):
    with pytest.raises(CommandError) as error:
        figures(*arguments)
    assert message in str(error.value)
