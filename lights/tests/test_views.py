"""The lights pages: the rules editor (refusing a bad file line by line with the input kept, checking,
试算 against the stored lights, publishing a version), the versions, the lights list and a light's
reasons, a round's 亮灯 / 重新亮灯, the light filter and column of the project list and the light
history of the project page — each with who may see and do what (out of scope: 404, nothing changed)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lights import services
from lights.models import ProjectLight, RuleSet
from lights.tests.helpers import EXAMPLE_A, EXAMPLE_B, D, at, open_week, report
from tests.lights_cases import june_county

pytestmark = pytest.mark.django_db
EDITOR = reverse("lights:rules_editor")
BAD_RULES = '[[rule]]\nname = "甲"\ndimension = "speed"\nat_least = 1\nlevel = "黄"\n'
BAD_MESSAGE = "第 3 行：规则“甲”的维度（dimension）“speed”未知"


@pytest.fixture
def county(world):
    return june_county(world)


def snapshot():
    """Rows and history rows of the two lights tables."""
    return (
        list(RuleSet.objects.order_by("pk").values_list("pk", "version", "is_active", "note")),
        RuleSet.history.count(),
        list(ProjectLight.objects.order_by("pk").values_list("pk", "project", "level", "ruleset")),
        ProjectLight.history.count(),
    )


def signed_in(client, user):
    client.force_login(user)
    return client


# 编辑规则 ------------------------------------------------------------------------------------------


def test_the_editor_opens_on_the_rules_in_force_for_the_office_only(county, world, client):
    page = signed_in(client, world.office).get(EDITOR)
    assert page.status_code == 200
    assert page.context["form"]["text"].value() == EXAMPLE_A
    assert page.context["line_count"] == EXAMPLE_A.count("\n") + 1
    assert page.context["current"] == county.ruleset
    first = RuleSet.objects.get(version=1)
    assert signed_in(client, world.office).get(EDITOR, {"from": first.pk}).context["form"][
        "text"
    ].value() == (first.text)
    assert client.get(EDITOR, {"from": "abc"}).status_code == 404
    assert client.get(EDITOR, {"from": first.pk + 100}).status_code == 404
    for user in (world.reporter_a, world.no_role, world.discipline):
        assert signed_in(client, user).get(EDITOR).status_code == 403
        assert signed_in(client, user).post(EDITOR, {"text": EXAMPLE_B, "action": "save"}).status_code == 403
    client.logout()
    assert client.get(EDITOR)["Location"].startswith("/login/")
    assert RuleSet.objects.filter(is_active=True).get() == county.ruleset


def test_a_bad_file_is_refused_with_its_line_and_the_input_kept(county, world, client):
    before = snapshot()
    page = signed_in(client, world.office).post(EDITOR, {"text": BAD_RULES, "note": "试改", "action": "save"})
    assert page.status_code == 400
    html = page.content.decode()
    assert page.context["rule_errors"][0][0] == 3
    assert page.context["rule_errors"][0][1].startswith(BAD_MESSAGE)
    assert f'href="#rules-line-3" data-line="3">{BAD_MESSAGE}' in html
    assert 'data-error-lines="3"' in html and '<div class="error">3</div>' in html
    assert '<li id="rules-line-3" class="rules-listing-error">' in html
    assert page.context["form"]["text"].value() == BAD_RULES
    assert page.context["form"]["note"].value() == "试改"
    assert snapshot() == before


def test_checking_reads_the_rules_into_a_table_and_saves_nothing(county, world, client):
    before = snapshot()
    page = signed_in(client, world.office).post(EDITOR, {"text": EXAMPLE_A, "action": "check"})
    assert page.status_code == 200
    assert [
        (rule["line"], rule["name"], rule["condition"], rule["level_label"]) for rule in page.context["rules"]
    ] == [
        (4, "投资进度滞后", "年度投资完成率落后序时进度 ≥ 10 且 ≤ 30 个百分点", "黄灯"),
        (13, "投资进度严重滞后", "年度投资完成率落后序时进度 > 30 个百分点", "红灯"),
    ]
    assert "检查通过：共 2 条规则，序时进度按月（已过月数 ÷ 12）。" in page.content.decode()
    assert snapshot() == before


def test_saving_publishes_the_next_version_with_history(county, world, client):
    page = signed_in(client, world.office).post(
        EDITOR, {"text": EXAMPLE_B, "note": "按序时进度的比例考核", "action": "save"}, follow=True
    )
    published = RuleSet.objects.get(version=3)
    assert page.redirect_chain == [(published.get_absolute_url(), 302)]
    assert [str(message) for message in page.context["messages"]] == [
        "已发布预警规则第 3 版并启用；此后亮灯按此版本评价。"
    ]
    assert (published.text, published.note, published.created_by, published.is_active) == (
        EXAMPLE_B,
        "按序时进度的比例考核",
        world.office,
        True,
    )
    county.ruleset.refresh_from_db()
    assert county.ruleset.is_active is False
    record = published.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        world.office,
        "发布预警规则",
    )
    # The lights recorded with version 2 keep it.
    assert set(ProjectLight.objects.values_list("ruleset__version", flat=True)) == {2}
    # The same text again publishes nothing.
    before = snapshot()
    again = client.post(EDITOR, {"text": EXAMPLE_B, "action": "save"}, follow=True)
    assert [str(message) for message in again.context["messages"]] == [
        "规则没有改动，现行的预警规则第 3 版保持不变。"
    ]
    assert snapshot() == before


def test_the_dry_run_counts_the_lights_and_lists_the_changed_projects_without_saving(county, world, client):
    before = snapshot()
    page = signed_in(client, world.office).post(
        EDITOR, {"text": EXAMPLE_B, "action": "dry_run", "as_of": "2024-06-30"}
    )
    assert page.status_code == 200
    result = page.context["dry_run"]
    # Example (b): 300 of 1,200 is 50 % of 序时进度 (red), 100 is 16.67 % (red), 500 is 83.33 % (green).
    assert [(row["level"], row["tried"], row["stored"]) for row in result["levels"]] == [
        ("red", 2, 1),
        ("yellow", 0, 1),
        ("green", 1, 1),
        ("none", None, 0),
    ]
    assert result["total"] == 3 and result["changed_count"] == 1
    [change] = result["changed"]
    assert (change["name"], change["stored_label"], change["level_label"]) == (
        "唐江家具产业园",
        "黄灯",
        "红灯",
    )
    assert change["reasons"][0]["rule"] == "完成率低于序时进度六成"
    assert change["reasons"][0]["value_text"] == "50 %"
    assert snapshot() == before


def test_the_dry_run_covers_only_the_projects_the_user_may_view(county, world, client):
    page = signed_in(client, world.scoped).post(
        EDITOR, {"text": EXAMPLE_B, "action": "dry_run", "as_of": "2024-06-30"}
    )
    result = page.context["dry_run"]
    assert result["total"] == 2
    assert [(row["level"], row["tried"], row["stored"]) for row in result["levels"][:3]] == [
        ("red", 2, 1),
        ("yellow", 0, 1),
        ("green", 0, 0),
    ]


def test_a_dry_run_of_a_bad_file_is_refused_like_a_save(county, world, client):
    before = snapshot()
    page = signed_in(client, world.office).post(EDITOR, {"text": BAD_RULES, "action": "dry_run"})
    assert page.status_code == 400 and "dry_run" not in page.context
    assert snapshot() == before


# 规则版本 ------------------------------------------------------------------------------------------


def test_a_version_shows_its_rules_what_changed_and_may_be_put_back_in_force(county, world, client):
    first = RuleSet.objects.get(version=1)
    page = signed_in(client, world.office).get(county.ruleset.get_absolute_url())
    assert page.status_code == 200
    assert [rule["name"] for rule in page.context["rules"]] == ["投资进度滞后", "投资进度严重滞后"]
    assert page.context["previous"] == first
    assert ("+", 'consequence = "{责任单位}书面说明原因"') in page.context["changes"]
    assert ("-", 'consequence = "{责任单位}书面说明滞后原因并提出赶超措施"') in page.context["changes"]
    assert page.context["lights_count"] == 3
    assert "activate_url" not in page.context  # in force already
    assert page.context["editor_url"] == f"{EDITOR}?from={county.ruleset.pk}"

    activate = reverse("lights:ruleset_activate", kwargs={"pk": first.pk})
    before = snapshot()
    assert signed_in(client, world.reporter_a).post(activate).status_code == 403
    assert signed_in(client, world.no_role).post(activate).status_code == 404
    assert snapshot() == before
    assert signed_in(client, world.office).get(first.get_absolute_url()).context["activate_url"] == activate
    assert client.post(activate).status_code == 302
    assert RuleSet.objects.get(is_active=True) == first
    assert first.history.latest().history_user == world.office


def test_the_versions_list_opens_the_editor_for_the_office(county, world, client):
    page = signed_in(client, world.office).get(reverse("lights:ruleset_list"))
    assert page.context["add_url"] == EDITOR
    assert [row.record.version for row in page.context["table"].page.object_list] == [2, 1]
    assert signed_in(client, world.reporter_a).get(reverse("lights:ruleset_list")).context["add_url"] == ""


# 项目亮灯 ------------------------------------------------------------------------------------------


def listed(client, user, **params):
    page = signed_in(client, user).get(reverse("lights:projectlight_list"), params)
    assert page.status_code == 200
    return sorted(row.record.project.name for row in page.context["table"].page.object_list)


def test_the_lights_list_filters_by_level_unit_region_round_version_and_project(county, world, client):
    office = world.office
    assert listed(client, office) == ["凤岗智慧物流园", "唐江光伏组件", "唐江家具产业园"]
    assert listed(client, office, level="red") == ["唐江光伏组件"]
    assert listed(client, office, unit=world.unit_a.pk) == ["唐江光伏组件", "唐江家具产业园"]
    assert listed(client, office, region=world.region_b.pk) == ["凤岗智慧物流园"]
    assert listed(client, office, round=county.june.pk, level="green") == ["凤岗智慧物流园"]
    assert listed(client, office, ruleset=RuleSet.objects.get(version=1).pk) == []
    assert listed(client, office, project=county.solar.code) == ["唐江光伏组件"]
    assert listed(client, world.reporter_a) == ["唐江光伏组件", "唐江家具产业园"]
    assert listed(client, world.reporter_b, level="red") == []


def test_the_lights_export_spells_out_the_reasons(county, world, client):
    export = signed_in(client, world.office).get(
        reverse("lights:projectlight_list"), {"export": "xlsx", "level": "yellow"}
    )
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0] == (
        "项目",
        "项目名称",
        "调度轮次",
        "评价日期",
        "亮灯",
        "亮灯原因",
        "责任单位",
        "规则版本",
        "评价时间",
    )
    assert rows[1][:3] == (county.furniture.code, "唐江家具产业园", county.june.label)
    assert rows[1][4:8] == (
        "黄灯",
        "年度计划投资 1200.00 万元，年度累计完成 300.00 万元，完成率 25.00%，序时进度 50.00%，"
        "落后序时进度 25 个百分点（黄灯：年度投资完成率落后序时进度 ≥ 10 且 ≤ 30 个百分点）",
        "唐江镇人民政府",
        2,
    )
    assert len(rows) == 2


def test_a_light_spells_out_its_reasons_and_is_not_found_out_of_scope(county, world, client):
    light = county.lights[county.furniture.pk]
    page = signed_in(client, world.reporter_a).get(light.get_absolute_url())
    assert page.status_code == 200
    [reason] = page.context["reasons"]
    assert (reason["rule"], reason["value_text"], reason["threshold_text"], reason["consequence"]) == (
        "投资进度滞后",
        "25 个百分点",
        "年度投资完成率落后序时进度 ≥ 10 且 ≤ 30 个百分点",
        "唐江镇人民政府书面说明原因",
    )
    assert reason["rule_line"] == 4
    assert ("年度累计完成投资", "300 万元") in dict(page.context["figures"])["投资进度"]
    assert ("序时进度", "50.00%") in dict(page.context["figures"])["投资进度"]
    html = page.content.decode()
    assert f'<a href="{county.ruleset.get_absolute_url()}" id="light-ruleset">预警规则第 2 版</a>' in html
    assert "2024-07-01 09:00:00" in html
    for user in (world.reporter_b, world.no_role):
        assert signed_in(client, user).get(light.get_absolute_url()).status_code == 404


# 按轮次亮灯 ----------------------------------------------------------------------------------------


def test_the_rounds_list_counts_each_rounds_lights(county, world, client):
    july = open_week(county.cadence, D(2024, 7, 1))
    page = signed_in(client, world.office).get(reverse("lights:round_list"))
    rows = [(row["round"], row["lit"], row["counts"], row["versions"]) for row in page.context["rows"]]
    assert rows == [
        (july, False, {"green": 0, "yellow": 0, "red": 0}, ""),
        (county.june, True, {"green": 1, "yellow": 1, "red": 1}, "第 2 版"),
    ]
    assert signed_in(client, world.no_role).get(reverse("lights:round_list")).status_code == 403


def round_url(dispatch_round):
    return reverse("lights:round_lights", kwargs={"pk": dispatch_round.pk})


def test_the_office_records_and_re_records_a_rounds_lights(county, world, client):
    july = open_week(county.cadence, D(2024, 7, 1))
    for row, year_to_date in ((county.furniture, "300"), (county.solar, "600"), (county.logistics, "500")):
        report(july, row, year_to_date=year_to_date)
    url = round_url(july)
    page = signed_in(client, world.office).get(url)
    assert page.context["rows"] == [] and page.context["is_lit"] is False and page.context["expected"] == 3

    recorded = client.post(url, follow=True)
    assert [str(message) for message in recorded.context["messages"]] == [
        f"已为“{july.label}”亮灯（预警规则第 2 版）：红灯 0 个、黄灯 1 个、绿灯 2 个。"
    ]
    assert {light.project.name: light.level for light in july.lights.all()} == {
        "唐江家具产业园": "yellow",
        "唐江光伏组件": "green",
        "凤岗智慧物流园": "green",
    }
    worst_first = [row["light"].project.name for row in recorded.context["rows"]]
    assert worst_first == ["唐江家具产业园", "唐江光伏组件", "凤岗智慧物流园"]  # then by project code
    assert july.lights.get(project=county.furniture).history.get().history_user == world.office

    # Again without choosing 重新亮灯: refused, nothing changed.
    before = snapshot()
    refused = client.post(url)
    assert refused.status_code == 400
    assert refused.context["errors"] == [f"“{july.label}”已亮灯；如需按现行规则重新亮灯，请选择“重新亮灯”。"]
    assert snapshot() == before

    # 重新亮灯 with example (b) in force.
    services.save_ruleset(EXAMPLE_B, actor=world.office)
    client.post(url, {"replace": "1"})
    assert {light.project.name: (light.level, light.ruleset.version) for light in july.lights.all()} == {
        "唐江家具产业园": ("red", 3),
        "唐江光伏组件": ("green", 3),
        "凤岗智慧物流园": ("green", 3),
    }
    assert county.june.lights.filter(ruleset__version=2).count() == 3  # the June round keeps its lights


def test_recording_is_refused_to_those_who_may_not(county, world, client):
    july = open_week(county.cadence, D(2024, 7, 1))
    url = round_url(july)
    before = snapshot()
    # A township reporter may look but not record.
    assert signed_in(client, world.reporter_a).get(url).status_code == 200
    assert "record_url" not in client.get(url).context
    assert client.post(url).status_code == 403
    # Township A's administrator holds every permission on A only: the round also lights B's project.
    assert signed_in(client, world.scoped).post(url).status_code == 403
    assert signed_in(client, world.no_role).get(url).status_code == 403
    client.logout()
    assert client.post(url)["Location"].startswith("/login/")
    assert client.get(reverse("lights:round_list"))["Location"].startswith("/login/")
    assert snapshot() == before


def test_a_round_out_of_scope_is_not_found_and_unchanged(county, world, client):
    from dispatch.models import Cadence

    b_only = Cadence.objects.create(name="凤岗镇调度", region=world.region_b, due_offset_days=-2)
    b_round = open_week(b_only, D(2024, 7, 1))
    assert list(b_round.reports.values_list("project__name", flat=True)) == ["凤岗智慧物流园"]
    before = snapshot()
    for user in (world.scoped, world.reporter_a):
        assert signed_in(client, user).get(round_url(b_round)).status_code == 404
        assert client.post(round_url(b_round)).status_code == 404
    assert snapshot() == before


# 项目库：亮灯筛选、亮灯列与项目页的亮灯历史 ---------------------------------------------------------


def project_list(client, user, **params):
    page = signed_in(client, user).get(reverse("projects:project_list"), params)
    assert page.status_code == 200
    return sorted((row.record.name, row.record.light_level) for row in page.context["table"].page.object_list)


def test_the_project_list_filters_by_the_latest_light(county, world, client):
    assert project_list(client, world.office, light="red") == [("唐江光伏组件", "red")]
    assert project_list(client, world.office, light="yellow") == [("唐江家具产业园", "yellow")]
    assert project_list(client, world.office, light="green") == [("凤岗智慧物流园", "green")]
    assert project_list(client, world.office, light="none") == [("凤岗农产品冷链", None)]
    assert project_list(client, world.reporter_b, light="red") == []
    # The latest light counts: a later date-only light turns 唐江光伏组件 green.
    later = ProjectLight.objects.create(
        project=county.solar,
        as_of=D(2024, 7, 31),
        level="green",
        ruleset=county.ruleset,
        evaluated_at=at(D(2024, 8, 1)),
    )
    assert project_list(client, world.office, light="red") == []
    assert ("唐江光伏组件", "green") in project_list(client, world.office, light="green")
    later.delete()
    bad = signed_in(client, world.office).get(reverse("projects:project_list"), {"light": "blue"})
    assert len(bad.context["table"].rows) == 0 and "light" in bad.context["filter_form"].errors


def test_the_project_list_shows_and_exports_the_light(county, world, client):
    page = signed_in(client, world.office).get(reverse("projects:project_list"), {"light": "red"})
    html = page.content.decode()
    link = f'href="{county.solar.get_absolute_url()}#lights" title="截至 2024-06-30">红灯</a>'
    assert f'<a class="badge text-bg-danger text-decoration-none" {link}' in html
    export = client.get(reverse("projects:project_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    header = [cell.value for cell in sheet[1]]
    lights = {
        row[header.index("项目名称")]: row[header.index("亮灯")]
        for row in sheet.iter_rows(2, values_only=True)
    }
    assert lights == {
        "唐江家具产业园": "黄灯",
        "唐江光伏组件": "红灯",
        "凤岗智慧物流园": "绿灯",
        "凤岗农产品冷链": "未亮灯",
    }


def test_the_project_list_reads_the_lights_without_a_query_per_project(county, world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    signed_in(client, world.office).get(reverse("projects:project_list"))  # warm the session and caches
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("projects:project_list"))
    assert len(page.context["table"].rows) == 4
    light_queries = [
        query["sql"] for query in captured.captured_queries if "lights_projectlight" in query["sql"]
    ]
    assert len(light_queries) == 1  # the page itself (its count needs no light)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("projects:project_list"), {"light": "yellow"})
    light_queries = [
        query["sql"] for query in captured.captured_queries if "lights_projectlight" in query["sql"]
    ]
    assert len(light_queries) == 2  # the page and its count


def test_the_project_page_shows_the_current_light_and_the_history(county, world, client):
    july = open_week(county.cadence, D(2024, 7, 1))
    report(july, county.furniture, year_to_date="600")  # 50 % of the plan by 30 June: on schedule
    services.save_ruleset(EXAMPLE_B, actor=world.office)
    services.record_round_lights(july, actor=world.office, now=at(D(2024, 7, 8)))
    page = signed_in(client, world.reporter_a).get(county.furniture.get_absolute_url())
    assert page.context["current_light"]["label"] == "绿灯"
    history = [
        (row["light"].round, row["label"], row["light"].ruleset.version, [r["rule"] for r in row["reasons"]])
        for row in page.context["light_history"]
    ]
    assert history == [(july, "绿灯", 3, []), (county.june, "黄灯", 2, ["投资进度滞后"])]
    html = page.content.decode()
    assert 'id="project-light" href="#lights">绿灯</a>' in html
    assert (
        page.context["lights_url"] == f"{reverse('lights:projectlight_list')}?project={county.furniture.code}"
    )
    # A user who may not view lights gets no light section.
    from org.models import Role
    from org.services import grant_role

    role = Role.objects.create(code="projects-only", name="只看项目")
    role.permissions.set(
        Role.objects.get(code="viewer").permissions.exclude(content_type__app_label="lights")
    )
    grant_role(world.no_role, role=role, unit=world.unit_a, actor=None)
    page = signed_in(client, world.no_role).get(county.furniture.get_absolute_url())
    assert page.status_code == 200 and "light_history" not in page.context
