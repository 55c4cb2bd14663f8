"""`tiaodu matters overdue --as-of DATE [--json]` and `tiaodu matters escalate`, on the March 2024
scene of the selector tests, and the daily job."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from matters.choices import EscalationLevel
from matters.tasks import escalate_overdue

from .conftest import new_matter

pytestmark = pytest.mark.django_db
D = datetime.date


def run(*args):
    out = io.StringIO()
    call_command("matters", *args, stdout=out)
    return out.getvalue()


def test_overdue_prints_a_chinese_table_of_the_day(setup, scene):
    project = setup.project.code
    assert project == "360703-2024-0001"
    assert run("overdue", "--as-of", "2024-03-21").splitlines() == [
        "2024-03-21 超期未办结事项 4 件：",
        "事项编号      事项名称      项目编码          牵头单位        办结期限    超期工作日  升级层级",
        f"WT-2024-0002  用电未接入    {project}  唐江镇人民政府  2024-03-08  9           项目推进专班",
        f"WT-2024-0003  施工许可未办  {project}  唐江镇人民政府  2024-03-08  9           责任单位",
        "WT-2024-0005  镇区道路破损  —                 唐江镇人民政府  2024-03-08  9           项目推进专班",
        f"WT-2024-0001  用地未交付    {project}  唐江镇人民政府  2024-03-15  4           挂点联系领导",
    ]
    assert run("overdue", "--as-of", "2024-03-08") == "2024-03-08 没有超期未办结的事项。\n"


def test_overdue_as_json(setup, scene):
    result = json.loads(run("overdue", "--as-of", "2024-04-01", "--json"))
    assert (result["as_of"], result["count"]) == ("2024-04-01", 3)
    assert [m["code"] for m in result["matters"]] == ["WT-2024-0003", "WT-2024-0005", "WT-2024-0004"]
    assert result["matters"][2] == {
        "code": "WT-2024-0004",
        "title": "物流园用地报批",
        "kind": "project_issue",
        "project_code": setup.other_project.code,
        "project": "凤岗物流园项目（测试）",
        "lead_unit": "凤岗镇人民政府",
        "deadline": "2024-03-29",
        "working_days_overdue": 1,
        "escalation_level": "unit",
        "escalation_level_label": "责任单位",
    }


def test_a_bad_date_is_refused_in_chinese():
    with pytest.raises(
        CommandError, match="日期格式不正确：2024-13-01（应为 YYYY-MM-DD，例如 2024-03-15）。"
    ):
        run("overdue", "--as-of", "2024-13-01")


def test_escalate_runs_the_rule_for_a_date(setup):
    matter = new_matter(setup, opened_on=D(2024, 9, 2), deadline=D(2024, 9, 27))
    assert run("escalate", "--as-of", "2024-10-10").splitlines() == [
        "2024-10-10：升级 1 件事项。",
        f"  {matter.code} 项目用地未交地 → 项目推进专班",
    ]
    assert run("escalate", "--as-of", "2024-10-10") == "2024-10-10：升级 0 件事项。\n"


def test_the_daily_job_escalates_what_is_overdue_today(setup):
    matter = new_matter(setup, opened_on=D(2024, 9, 2), deadline=D(2024, 9, 27))
    assert escalate_overdue.call_local() == {"escalated": [matter.code]}
    matter.refresh_from_db()
    assert matter.escalation_level == EscalationLevel.DISTRICT_MEETING
    assert escalate_overdue.call_local() == {"escalated": []}
