"""The 驾驶舱 page, the lists behind its numbers and the figures API, on the small county of
`helpers.build_june` (30 June 2024): the office sees the three projects, township A's user only its two."""

import json

import pytest
from django.http import QueryDict
from django.urls import reverse
from rest_framework.test import APIClient

from dashboard.selectors import dashboard_figures, figure_at, parse_parameters
from dashboard.tests.helpers import AS_OF, build_june

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard:dashboard")
ROWS = reverse("dashboard:rows")
API = reverse("dashboard-api:figures")


@pytest.fixture
def june(world):
    return build_june(world)


def cards(response):
    return {card["label"]: card for card in response.context["cards"]}


def listed(response):
    """{model label: [ids]} of the list page, as shown."""
    return {
        group["key"].replace("-", "."): [row["object"].pk for row in group["rows"]]
        for group in response.context["groups"]
    }


def test_the_office_sees_the_county(client, world, june):
    client.force_login(world.office)
    response = client.get(DASHBOARD, {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    shown = {label: card["value"] for label, card in cards(response).items()}
    assert shown == {
        "项目总数": 3,
        "总投资": "150000.00",
        "年度计划投资": "3400.00",
        "年度累计完成投资": "900.00",
        "年度投资完成率": "26.47",  # 900 / 3,400
        "序时进度": "50.00",  # 6 complete months of 12
        "与序时进度差距": "-23.53",
        "开工率": "—",  # no project planned to start in 2024
        "已开工项目": 0,
        "红灯": 1,  # 唐江光伏组件: 41.67 points behind
        "黄灯": 1,  # 唐江家具产业园: 25 points behind
        "绿灯": 1,
        "未亮灯": 0,
        "年内交办事项": 0,
        "年内销号事项": 0,
        "逾期事项": 0,
        "填报完整率": "100.00",
        "填报及时率": "100.00",
    }
    charts = response.context["charts"]
    assert [unit["name"] for unit in charts["units"]] == ["凤岗镇人民政府", "唐江镇人民政府"]
    assert [unit["value"] for unit in charts["units"]] == ["50.00", "16.67"]
    assert {stage["name"]: stage["value"] for stage in charts["stages"]}["在建（开工/续建）"] == 3
    content = response.content.decode()
    assert 'id="dashboard-charts"' in content
    assert "vendor/echarts/echarts.min.js" in content
    assert "<script>" not in content  # the CSP allows no inline script


def test_a_township_user_sees_only_its_rows(client, world, june):
    client.force_login(world.scoped)
    response = client.get(DASHBOARD, {"as_of": AS_OF.isoformat()})
    shown = cards(response)
    assert shown["项目总数"]["value"] == 2
    assert shown["年度计划投资"]["value"] == "2400.00"
    assert shown["年度累计完成投资"]["value"] == "400.00"
    assert shown["年度投资完成率"]["value"] == "16.67"
    assert shown["绿灯"]["value"] == 0
    assert [unit["name"] for unit in response.context["charts"]["units"]] == ["唐江镇人民政府"]
    rows = client.get(shown["项目总数"]["url"])
    assert listed(rows) == {"projects.project": [june["furniture"].pk, june["solar"].pk]}
    assert "凤岗电子信息" not in rows.content.decode()


def test_each_number_lists_exactly_its_source_rows(client, world, june):
    client.force_login(world.office)
    response = client.get(DASHBOARD, {"as_of": AS_OF.isoformat()})
    # The figures read independently of the page, as the records are now.
    figures = dashboard_figures(world.office, parse_parameters(QueryDict(f"as_of={AS_OF}"))).to_dict()
    linked = [card for card in response.context["cards"] if card["url"]]
    assert len(linked) == 16
    for card in linked:
        rows = client.get(card["url"])
        assert rows.status_code == 200, card["label"]
        assert listed(rows) == figure_at(figures, rows.context["path"])["sources"], card["label"]
    red = client.get(cards(response)["红灯"]["url"])
    assert listed(red)["projects.project"] == [june["solar"].pk]
    assert "唐江光伏组件" in red.content.decode()
    assert reverse("projects:project_detail", kwargs={"pk": june["solar"].pk}) in red.content.decode()
    plan = client.get(cards(response)["年度计划投资"]["url"])
    assert len(listed(plan)["projects.annualplan"]) == 3


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"as_of": "2024-13-01"}, "统计日期“2024-13-01”格式不正确，应为 YYYY-MM-DD，例如 2024-03-16。"),
        ({"region": "999999"}, "区划代码“999999”不存在。"),
        ({"recorded_on": "昨天"}, "数据记录日期“昨天”格式不正确，应为 YYYY-MM-DD，例如 2024-03-16。"),
        ({"tier": "国家级"}, "项目级别“国家级”不存在"),
        ({"period": "2024-13"}, "统计期“2024-13”的月份应在 1 至 12 之间。"),
    ],
)
def test_bad_filters_get_a_chinese_message(client, world, query, message):
    client.force_login(world.office)
    response = client.get(DASHBOARD, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    api = APIClient()
    api.force_authenticate(world.office)
    answer = api.get(API, query)
    assert answer.status_code == 400
    assert message in str(answer.json()["errors"])


def test_a_bad_figure_path_is_named(client, world, june):
    client.force_login(world.office)
    response = client.get(ROWS, {"as_of": AS_OF.isoformat(), "figure": "summary.nothing"})
    assert response.status_code == 400
    assert "统计项“summary.nothing”不存在。" in response.content.decode()
    response = client.get(ROWS, {"as_of": AS_OF.isoformat(), "figure": "summary.time_elapsed"})
    assert response.status_code == 400
    assert "统计项“summary.time_elapsed”没有可列出的明细。" in response.content.decode()


def test_the_api_returns_the_users_figures(world, june):
    api = APIClient()
    assert api.get(API, {"as_of": AS_OF.isoformat()}).status_code in (401, 403)
    api.force_authenticate(world.scoped)
    data = api.get(API, {"as_of": AS_OF.isoformat(), "region": "360703100"}).json()
    assert data["parameters"]["as_of"] == "2024-06-30"
    assert data["parameters"]["scope"]["region"]["code"] == "360703100"
    assert data["summary"]["projects"] == {
        "value": 2,
        "sources": {"projects.project": [june["furniture"].pk, june["solar"].pk]},
    }
    assert data["summary"]["completion_rate"]["value"] == "16.67"
    assert data["reporting"]["year"] is None


def test_anonymous_is_sent_to_login(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_chart_numbers_open_their_rows_under_a_chinese_title(client, world, june):
    client.force_login(world.office)
    charts = client.get(DASHBOARD, {"as_of": AS_OF.isoformat()}).context["charts"]
    first_unit = client.get(charts["units"][0]["url"])
    assert first_unit.context["label"] == "凤岗镇人民政府 · 年度投资完成率"
    assert listed(first_unit)["projects.project"] == [june["fenggang"].pk]
    stage = next(s for s in charts["stages"] if s["value"] == 3)
    under_construction = client.get(stage["url"])
    assert under_construction.context["label"] == "在建（开工/续建）阶段项目"
    assert listed(under_construction) == {
        "projects.project": [june["furniture"].pk, june["solar"].pk, june["fenggang"].pk]
    }


def test_the_map_plots_the_viewable_projects_and_the_office_boundary(client, world, june, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client.force_login(world.scoped)
    response = client.get(DASHBOARD, {"as_of": AS_OF.isoformat()})
    assert response.context["points"] == [
        [
            "唐江家具产业园",
            114.61,
            25.83,
            "yellow",
            reverse("projects:project_detail", args=[june["furniture"].pk]),
        ],
        ["唐江光伏组件", 114.66, 25.8, "red", reverse("projects:project_detail", args=[june["solar"].pk])],
    ]
    assert response.context["boundary_url"] is None
    assert "未上传区划边界" in response.content.decode()
    boundary = {"type": "FeatureCollection", "features": []}
    (tmp_path / "dashboard").mkdir()
    (tmp_path / "dashboard" / "boundary.geojson").write_text(json.dumps(boundary), encoding="utf-8")
    page = client.get(DASHBOARD, {"as_of": AS_OF.isoformat()})
    assert "未上传区划边界" not in page.content.decode()
    assert json.loads(client.get(page.context["boundary_url"]).content) == boundary
    (tmp_path / "dashboard" / "boundary.geojson").write_text("{not json", encoding="utf-8")
    page = client.get(DASHBOARD, {"as_of": AS_OF.isoformat()})
    assert page.context["boundary_url"] is None and "未上传区划边界" in page.content.decode()
    assert client.get(reverse("dashboard:boundary")).status_code == 404


def test_as_recorded_on_a_past_day_reads_the_records_of_that_day(client, world, june):
    """The test data was entered today: as recorded on 30 June 2024 nothing existed yet."""
    client.force_login(world.office)
    now = cards(client.get(DASHBOARD, {"as_of": AS_OF.isoformat()}))["项目总数"]["value"]
    then = client.get(DASHBOARD, {"as_of": AS_OF.isoformat(), "recorded_on": AS_OF.isoformat()})
    assert (now, cards(then)["项目总数"]["value"]) == (3, 0)
    assert "按 2024-06-30 的记录" in then.content.decode()
    rows = client.get(cards(then)["项目总数"]["url"])
    assert listed(rows) == {"projects.project": []}


def test_a_user_without_a_role_sees_empty_figures(client, world, june):
    client.force_login(world.no_role)
    response = client.get(DASHBOARD, {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    shown = cards(response)
    assert (shown["项目总数"]["value"], shown["年度投资完成率"]["value"]) == (0, "—")
    assert response.context["points"] == []
    assert listed(client.get(shown["红灯"]["url"])) == {"projects.project": [], "lights.projectlight": []}


def test_without_a_date_the_page_opens_on_the_last_dispatch_round(client, world, june):
    from django.utils import timezone

    from dashboard.selectors import default_as_of
    from dispatch.models import DispatchRound

    last_end = DispatchRound.objects.order_by("-period_end").values_list("period_end", flat=True).first()
    assert last_end == AS_OF < timezone.localdate()
    client.force_login(world.office)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert cards(response)["年度计划投资"]["value"] == "3400.00"  # the figures of 30 June 2024, not of today
    assert default_as_of(today=AS_OF.replace(day=20)) == AS_OF.replace(day=20)  # before the end


def test_without_rounds_the_page_opens_on_today(world):
    from django.utils import timezone

    from dashboard.selectors import default_as_of

    assert default_as_of() == timezone.localdate()
