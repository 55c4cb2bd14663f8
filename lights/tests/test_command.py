"""`tiaodu lights --as-of DATE [--rules FILE] [--region CODE] [--json]`: the stored rules or a file,
a Chinese table or JSON, and a refused file ending with exit code 2 and the lines at fault."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from lights import services
from lights.tests.helpers import (
    EXAMPLE_A,
    EXAMPLE_B,
    LAST_JUNE_WEEK,
    open_week,
    project,
    report,
    weekly,
)

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("lights", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def june(world):
    """Two reported projects on 30 June 2024: 300 and 500 of 1,200, in townships A and B."""
    behind = project(world, "滞后项目", plan="1200", region=world.region_a, liaison_leader=world.leader_a)
    on_track = project(world, "正常项目", plan="1200", unit=world.unit_b, region=world.region_b)
    dispatch_round = open_week(weekly(world), LAST_JUNE_WEEK)
    report(dispatch_round, behind, year_to_date="300")
    report(dispatch_round, on_track, year_to_date="500")
    services.save_ruleset(EXAMPLE_A, actor=world.office)
    return behind, on_track


def test_the_stored_rules_as_a_chinese_table(june):
    behind, on_track = june
    out, _ = run("--as-of", "2024-06-30")
    lines = out.splitlines()
    assert lines[0] == "2024-06-30 项目亮灯（预警规则第 2 版）：共 2 个项目，红灯 0 个，黄灯 1 个，绿灯 1 个"
    assert lines[1].split() == ["项目编码", "项目名称", "亮灯", "原因"]
    assert lines[2].split("  ")[0] == behind.code
    assert "滞后项目" in lines[2] and "黄灯" in lines[2]
    assert lines[2].endswith(
        "投资进度滞后：年度计划投资 1200.00 万元，年度累计完成 300.00 万元，完成率 25.00%，序时进度 50.00%，"
        "落后序时进度 25 个百分点（黄灯：年度投资完成率落后序时进度 ≥ 10 且 ≤ 30 个百分点）。"
        "后果：唐江镇人民政府书面说明原因"
    )
    assert lines[3].startswith(on_track.code) and lines[3].endswith("绿灯  —")


def test_json_with_a_rules_file(june, tmp_path):
    behind, on_track = june
    path = tmp_path / "rules.toml"
    path.write_text(EXAMPLE_B, encoding="utf-8")
    out, _ = run("--as-of", "2024-06-30", "--rules", str(path), "--json")
    payload = json.loads(out)
    assert (payload["as_of"], payload["rules_version"], payload["counts"]) == (
        "2024-06-30",
        "file",
        {"green": 1, "yellow": 0, "red": 1},
    )
    first, second = payload["projects"]
    assert (first["code"], first["name"], first["light"], first["rules_version"]) == (
        behind.code,
        "滞后项目",
        "red",
        "file",
    )
    assert first["reasons"][0]["rule"] == "完成率低于序时进度六成"
    assert first["reasons"][0]["value"] == 50
    assert (second["code"], second["light"], second["reasons"]) == (on_track.code, "green", [])
    stored, _ = run("--as-of", "2024-06-30", "--json")
    assert json.loads(stored)["rules_version"] == 2


def test_a_region_narrows_the_projects(june, world):
    out, _ = run("--as-of", "2024-06-30", "--region", world.region_b.code, "--json")
    assert [item["name"] for item in json.loads(out)["projects"]] == ["正常项目"]
    with pytest.raises(CommandError) as caught:
        run("--as-of", "2024-06-30", "--region", "999999")
    assert str(caught.value) == "找不到区划代码：999999"


def test_a_bad_rules_file_exits_2_naming_the_lines(june, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        EXAMPLE_A.replace('dimension = "progress"', 'dimension = "progres"', 1).replace(
            "above = 30", "at_least = 30"
        ),
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "lights", "--as-of", "2024-06-30", "--rules", str(path), stdout=io.StringIO(), stderr=err
        )
    assert caught.value.returncode == 2
    assert str(caught.value) == f"规则文件 {path} 有 1 处错误，未评价。"
    assert err.getvalue().splitlines() == [
        "第 6 行：规则“投资进度滞后”的维度（dimension）“progres”未知；"
        "可用的维度：start（开工）、progress（投资进度）、persistence（持续预警）、reporting（调度报送）、"
        "matters（问题办理）、statistics（入库纳统）。"
    ]
    path.write_text(EXAMPLE_A.replace("above = 30", "at_least = 30"), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command(
            "lights", "--as-of", "2024-06-30", "--rules", str(path), stdout=io.StringIO(), stderr=err
        )
    assert caught.value.returncode == 2
    assert (
        err.getvalue()
        .splitlines()[-1]
        .startswith("第 13 行：规则“投资进度严重滞后”与第 4 行的规则“投资进度滞后”阈值重叠")
    )
    path.write_bytes('[[rule]]\nname = "进度"\n'.encode("gbk"))
    with pytest.raises(CommandError) as caught:
        call_command(
            "lights", "--as-of", "2024-06-30", "--rules", str(path), stdout=io.StringIO(), stderr=err
        )
    assert err.getvalue().splitlines()[-1] == "第 2 行：规则文件须为 UTF-8 编码（可在记事本“另存为”中选择）。"


def test_dates_and_missing_files_are_refused_in_chinese(june):
    with pytest.raises(CommandError) as caught:
        run("--as-of", "2024/06/30")
    assert str(caught.value) == "评价日期“2024/06/30”格式不对，应为 年-月-日，例如 2024-06-30。"
    with pytest.raises(CommandError) as caught:
        run("--as-of", "2024-06-30", "--rules", "/nonexistent/rules.toml")
    assert str(caught.value) == "找不到规则文件：/nonexistent/rules.toml"
