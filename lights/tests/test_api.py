"""The lights API: publishing rules (400 naming the lines, nothing saved), checking a file, putting a
version back in force, the stored lights filtered like the list page, a project's light history, an
evaluation that saves nothing, and the light filter and field of the project API — each in and out
of scope."""

import pytest
from django.core.management import call_command
from django.urls import include, path
from rest_framework.test import APIClient

from lights.models import ProjectLight, RuleSet
from lights.tests.helpers import EXAMPLE_A, EXAMPLE_B
from tests.lights_cases import june_county

pytestmark = pytest.mark.django_db
BAD_RULES = (
    '[[rule]]\nname = "甲"\ndimension = "speed"\nat_least = 1\nlevel = "黄"\n\n'
    '[[rule]]\nname = "乙"\nat_least = 1\nlevel = "红"\n'
)
BAD_ERRORS = [
    "第 3 行：规则“甲”的维度（dimension）“speed”未知；可用的维度：start（开工）、progress（投资进度）、"
    "persistence（持续预警）、reporting（调度报送）、matters（问题办理）、statistics（入库纳统）。",
    "第 7 行：规则“乙”缺少维度（dimension）；可用的维度：start（开工）、progress（投资进度）、"
    "persistence（持续预警）、reporting（调度报送）、matters（问题办理）、statistics（入库纳统）。",
]


@pytest.fixture
def county(world):
    return june_county(world)


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def snapshot():
    return (
        list(RuleSet.objects.order_by("pk").values_list("pk", "version", "is_active")),
        RuleSet.history.count(),
        list(ProjectLight.objects.order_by("pk").values_list("pk", "level", "ruleset")),
        ProjectLight.history.count(),
    )


# 预警规则 ------------------------------------------------------------------------------------------


def test_a_version_reads_with_its_parsed_rules(county, world):
    body = api(world.reporter_a).get(f"/api/lights/rulesets/{county.ruleset.pk}/").json()
    assert (body["version"], body["is_active"], body["note"], body["created_by"]) == (
        2,
        True,
        "按 2024 年考核办法",
        str(world.office),
    )
    assert body["time_elapsed_ratio"] == "months"
    assert [
        (rule["line"], rule["name"], rule["thresholds"], rule["level"], rule["condition"])
        for rule in body["rules"]
    ] == [
        (
            4,
            "投资进度滞后",
            {"at_least": 10.0, "at_most": 30.0},
            "yellow",
            "年度投资完成率落后序时进度 ≥ 10 且 ≤ 30 个百分点",
        ),
        (13, "投资进度严重滞后", {"above": 30.0}, "red", "年度投资完成率落后序时进度 > 30 个百分点"),
    ]
    listed = api(world.reporter_a).get("/api/lights/rulesets/?is_active=true").json()["results"]
    assert [row["version"] for row in listed] == [2]


def test_publishing_rules_creates_the_next_version_in_force(county, world):
    client = api(world.office)
    created = client.post("/api/lights/rulesets/", {"text": EXAMPLE_B, "note": "按比例考核"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["version"], body["is_active"], body["note"]) == (3, True, "按比例考核")
    assert RuleSet.objects.get(is_active=True).version == 3
    assert RuleSet.objects.get(version=3).history.get().history_user == world.office
    # The same text again: 200 with the version in force, nothing published.
    before = snapshot()
    again = client.post("/api/lights/rulesets/", {"text": EXAMPLE_B}, format="json")
    assert (again.status_code, again.json()["id"]) == (200, body["id"])
    assert snapshot() == before


def test_a_refused_file_answers_400_naming_each_line_and_saves_nothing(county, world):
    before = snapshot()
    refused = api(world.office).post("/api/lights/rulesets/", {"text": BAD_RULES}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"text": BAD_ERRORS}
    assert snapshot() == before


def test_only_the_office_publishes_or_activates(county, world):
    first = RuleSet.objects.get(version=1)
    before = snapshot()
    for user in (world.reporter_a, world.discipline, world.no_role):
        assert api(user).post("/api/lights/rulesets/", {"text": EXAMPLE_B}, format="json").status_code == 403
        assert api(user).post(f"/api/lights/rulesets/{first.pk}/activate/").status_code == 403
    assert api().post("/api/lights/rulesets/", {"text": EXAMPLE_B}, format="json").status_code in (401, 403)
    assert api(world.office).put(f"/api/lights/rulesets/{first.pk}/", {"text": EXAMPLE_B}).status_code == 405
    assert api(world.office).delete(f"/api/lights/rulesets/{first.pk}/").status_code == 405
    assert snapshot() == before
    activated = api(world.office).post(f"/api/lights/rulesets/{first.pk}/activate/")
    assert (activated.status_code, activated.json()["is_active"]) == (200, True)
    assert RuleSet.objects.get(is_active=True) == first


def test_validate_reads_a_file_without_saving(county, world):
    client = api(world.reporter_a)
    before = snapshot()
    valid = client.post("/api/lights/rulesets/validate/", {"text": EXAMPLE_B}, format="json")
    assert valid.status_code == 200
    body = valid.json()
    assert (body["valid"], body["time_elapsed_ratio"]) == (True, "months")
    assert [(rule["name"], rule["measure"], rule["thresholds"]) for rule in body["rules"]] == [
        ("完成率低于序时进度八成", "ratio_of_schedule", {"at_least": 60.0, "below": 80.0}),
        ("完成率低于序时进度六成", "ratio_of_schedule", {"below": 60.0}),
    ]
    refused = client.post("/api/lights/rulesets/validate/", {"text": BAD_RULES}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "valid": False,
        "text": BAD_ERRORS,
        "errors": [{"line": 3, "message": BAD_ERRORS[0]}, {"line": 7, "message": BAD_ERRORS[1]}],
    }
    assert api(world.no_role).post("/api/lights/rulesets/validate/", {"text": EXAMPLE_B}).status_code == 403
    assert snapshot() == before


# 项目亮灯 ------------------------------------------------------------------------------------------


def light_names(response):
    assert response.status_code == 200, response.content
    return sorted(row["project_name"] for row in response.json()["results"])


def test_lights_are_filtered_like_the_list_page_and_narrowed_to_the_users_scope(county, world):
    office = api(world.office)
    assert light_names(office.get("/api/lights/lights/")) == [
        "凤岗智慧物流园",
        "唐江光伏组件",
        "唐江家具产业园",
    ]
    assert light_names(office.get("/api/lights/lights/?level=red")) == ["唐江光伏组件"]
    assert light_names(office.get(f"/api/lights/lights/?region={world.region_b.pk}")) == ["凤岗智慧物流园"]
    assert light_names(office.get(f"/api/lights/lights/?project={county.furniture.code}")) == [
        "唐江家具产业园"
    ]
    assert light_names(office.get(f"/api/lights/lights/?round={county.june.pk}&unit={world.unit_a.pk}")) == [
        "唐江光伏组件",
        "唐江家具产业园",
    ]
    row = office.get(f"/api/lights/lights/{county.lights[county.furniture.pk].pk}/").json()
    assert (row["level"], row["ruleset_version"], row["as_of"], row["project_code"]) == (
        "yellow",
        2,
        "2024-06-30",
        county.furniture.code,
    )
    assert row["reasons"][0]["consequence"] == "唐江镇人民政府书面说明原因"
    assert light_names(api(world.reporter_b).get("/api/lights/lights/")) == ["凤岗智慧物流园"]
    light_a = county.lights[county.solar.pk]
    before = snapshot()
    assert api(world.reporter_b).get(f"/api/lights/lights/{light_a.pk}/").status_code == 404
    assert api(world.reporter_b).delete(f"/api/lights/lights/{light_a.pk}/").status_code == 403
    assert api(world.office).delete(f"/api/lights/lights/{light_a.pk}/").status_code == 405
    assert api(world.office).post("/api/lights/lights/", {"project": county.solar.pk}).status_code == 405
    assert api(world.no_role).get("/api/lights/lights/").status_code == 403
    assert snapshot() == before


def test_a_projects_light_history_newest_first_and_404_out_of_scope(county, world):
    from lights import services
    from lights.tests.helpers import D, at, open_week, report

    july = open_week(county.cadence, D(2024, 7, 1))
    report(july, county.furniture, year_to_date="600")
    services.record_round_lights(july, actor=world.office, now=at(D(2024, 7, 8)))
    url = f"/api/lights/lights/projects/{county.furniture.pk}/"
    history = api(world.reporter_a).get(url)
    assert history.status_code == 200
    assert [(row["as_of"], row["level"], row["round"]) for row in history.json()] == [
        ("2024-07-07", "green", july.pk),
        ("2024-06-30", "yellow", county.june.pk),
    ]
    assert api(world.reporter_b).get(url).status_code == 404
    assert api(world.no_role).get(url).status_code == 403


def test_evaluate_saves_nothing_and_covers_the_users_projects(county, world):
    before = snapshot()
    answer = api(world.office).post(
        "/api/lights/evaluate/", {"as_of": "2024-06-30", "text": EXAMPLE_B}, format="json"
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["as_of"], body["rules_version"], body["counts"]) == (
        "2024-06-30",
        None,
        {"green": 1, "yellow": 0, "red": 2},
    )
    assert [(row["name"], row["level"]) for row in body["results"]] == [
        ("唐江家具产业园", "red"),
        ("唐江光伏组件", "red"),
        ("凤岗智慧物流园", "green"),
    ]
    assert body["results"][0]["reasons"][0]["value"] == 50
    # The rules in force (version 2), for township A's administrator: its two projects only.
    mine = api(world.scoped).post("/api/lights/evaluate/", {"as_of": "2024-06-30"}, format="json").json()
    assert (mine["rules_version"], mine["counts"]) == (2, {"green": 0, "yellow": 1, "red": 1})
    assert [row["name"] for row in mine["results"]] == ["唐江家具产业园", "唐江光伏组件"]
    refused = api(world.office).post("/api/lights/evaluate/", {"text": BAD_RULES}, format="json")
    assert (refused.status_code, refused.json()["text"]) == (400, BAD_ERRORS)
    assert (
        api(world.no_role).post("/api/lights/evaluate/", {"text": EXAMPLE_A}, format="json").status_code
        == 403
    )
    assert snapshot() == before


# 项目接口：亮灯筛选与字段 ----------------------------------------------------------------------------


def test_the_project_api_filters_by_the_latest_light_and_returns_it(county, world):
    def projects(user, query):
        response = api(user).get(f"/api/projects/projects/?{query}")
        assert response.status_code == 200, response.content
        return sorted((row["name"], row["light"], row["light_as_of"]) for row in response.json()["results"])

    assert projects(world.office, "light=red") == [("唐江光伏组件", "red", "2024-06-30")]
    assert projects(world.office, "light=none") == [("凤岗农产品冷链", None, None)]
    assert projects(world.office, "light=green&q=凤岗") == [("凤岗智慧物流园", "green", "2024-06-30")]
    assert projects(world.reporter_b, "light=yellow") == []
    assert api(world.office).get("/api/projects/projects/?light=blue").status_code == 400
    detail = api(world.office).get(f"/api/projects/projects/{county.furniture.pk}/").json()
    assert (detail["light"], detail["light_as_of"]) == ("yellow", "2024-06-30")


# Schema -------------------------------------------------------------------------------------------

# The lights API alone, for the schema check below (`--urlconf lights.tests.test_api`).
urlpatterns = [path("api/lights/", include("lights.api.urls"))]


def test_the_schema_of_the_lights_api_has_no_warnings(tmp_path):
    schema = tmp_path / "schema.yaml"
    call_command("spectacular", "--urlconf", __name__, "--validate", "--fail-on-warn", "--file", str(schema))
    text = schema.read_text()
    for endpoint in (
        "/rulesets/validate/",
        "/rulesets/{id}/activate/",
        "/lights/projects/{project_pk}/",
        "/evaluate/",
    ):
        assert f"/api/lights{endpoint}" in text
