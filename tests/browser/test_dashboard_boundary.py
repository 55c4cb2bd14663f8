"""地图边界 and the 专报 list in a real browser. The office opens 驾驶舱 → 地图边界 from the menu, is
told in Chinese which feature of a bad file is wrong, uploads a good one, sees it previewed under its
projects, and the dashboard's map then draws it (an ECharts geo component with the townships). On the
专报 list a queued report's row turns to 已完成 by itself while the page stays open (htmx polling).
Screenshots: test-artifacts/screenshots/dashboard-boundary-*.png, special-report-polling-*.png."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login, menu, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Six made-up townships on a wobbly 3 × 2 grid around the projects of `build_june` (not real geography):
# 唐江 holds 唐江家具产业园 and 唐江光伏组件, 凤岗 holds 凤岗电子信息.
GRID_X = (114.50, 114.70, 114.82, 114.95)
GRID_Y = (25.55, 25.73, 25.95)
NAMES = {
    (0, 0): "横寨乡",
    (1, 0): "凤岗镇",
    (2, 0): "龙岭镇",
    (0, 1): "唐江镇",
    (1, 1): "蓉江街道",
    (2, 1): "东山街道",
}


def _corner(i, j):
    wobble = 0.02 if 0 < i < len(GRID_X) - 1 and 0 < j < len(GRID_Y) - 1 else 0.0
    return [round(GRID_X[i] + wobble * ((-1) ** (i + j)), 4), round(GRID_Y[j] + wobble * ((-1) ** i), 4)]


def townships():
    features = []
    for (i, j), name in NAMES.items():
        ring = [_corner(i, j), _corner(i + 1, j), _corner(i + 1, j + 1), _corner(i, j + 1), _corner(i, j)]
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def chart(element_id):
    return f"echarts.getInstanceByDom(document.getElementById('{element_id}'))"


@pytest.fixture
def june(browser_world):
    from django.contrib.auth.models import Permission

    from dashboard.tests.helpers import build_june
    from org.models import Role
    from org.services import grant_role

    role = Role.objects.create(code="boundary_keeper", name="地图边界管理（测试）")
    role.permissions.set(Permission.objects.filter(content_type__app_label="dashboard"))
    grant_role(browser_world.office, role=role, region=browser_world.county, actor=None)
    return build_june(browser_world)


def test_the_office_uploads_a_boundary_and_the_dashboard_map_draws_it(
    page, live_server, june, screenshot_dir
):
    login(page, live_server, "office")
    menu(page).get_by_role("button", name="驾驶舱").click()
    menu(page).get_by_role("link", name="地图边界", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("地图边界")
    expect(page.locator("#boundary-in-force")).to_contain_text("未设置边界")

    bad = townships()
    bad["features"][2]["geometry"] = {"type": "Point", "coordinates": [114.9, 25.6]}
    form = page.locator("#boundary-upload-form")
    form.get_by_label("边界文件（GeoJSON）").set_input_files(
        files=[
            {
                "name": "南康区乡镇.geojson",
                "mimeType": "application/geo+json",
                "buffer": json.dumps(bad).encode(),
            }
        ]
    )
    form.get_by_role("button", name="上传").click()
    expect(form.locator(".invalid-feedback")).to_have_text(
        "第 3 个要素：几何类型“Point”不能作为边界，"
        "应为面（Polygon、MultiPolygon）或线（LineString、MultiLineString）。"
    )
    expect(page.locator("#boundary-versions tbody tr")).to_have_text("尚未上传地图边界。")
    page.screenshot(path=screenshot_dir / "dashboard-boundary-error-1366.png", full_page=True)

    data = json.dumps(townships(), ensure_ascii=False).encode()
    form = page.locator("#boundary-upload-form")
    form.get_by_label("边界文件（GeoJSON）").set_input_files(
        files=[{"name": "南康区乡镇.geojson", "mimeType": "application/geo+json", "buffer": data}]
    )
    form.get_by_label("边界名称").fill("南康区乡镇边界")
    form.get_by_role("button", name="上传").click()
    expect(page.get_by_role("alert")).to_contain_text("已上传地图边界“南康区乡镇边界”（6 个要素）并已启用")
    expect(page.locator("#boundary-in-force")).to_contain_text("驾驶舱地图正在使用“南康区乡镇边界”（6 个要素")
    rows = page.locator("#boundary-versions tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("使用中")
    expect(page.locator("#boundary-history tbody tr")).to_have_count(2)
    page.locator("#boundary-preview canvas").wait_for()
    assert page.evaluate(f"() => {chart('boundary-preview')}.getOption().series[0].data.length") == 3
    page.wait_for_timeout(600)  # ECharts' entry animation
    page.evaluate("document.fonts.ready")
    page.screenshot(path=screenshot_dir / "dashboard-boundary-page-1366.png", full_page=True)

    page.goto(url(live_server, "dashboard:dashboard") + "?as_of=2024-06-30")
    page.locator("#chart-map canvas").wait_for()
    option = page.evaluate(
        f"() => {{ const o = {chart('chart-map')}.getOption(); return {{geo: o.geo.map(g => g.map),"
        " points: o.series.map(s => [s.name, s.coordinateSystem, s.data.length])}; }"
    )
    assert option == {
        "geo": ["tiaodu-boundary"],
        "points": [["红灯", "geo", 1], ["黄灯", "geo", 1], ["绿灯", "geo", 1], ["未亮灯", "geo", 0]],
    }
    expect(page.locator("#chart-map").locator("xpath=..").locator("xpath=..")).not_to_contain_text(
        "未上传区划边界"
    )
    page.locator("#chart-map").scroll_into_view_if_needed()
    page.wait_for_timeout(600)
    page.locator("#chart-map").screenshot(path=screenshot_dir / "dashboard-boundary-map-1366.png")
    page.screenshot(path=screenshot_dir / "dashboard-boundary-dashboard-1366.png", full_page=True)


def test_a_queued_special_report_turns_done_without_a_reload(
    page, live_server, browser_world, settings, tmp_path, screenshot_dir
):
    from reports.choices import SpecialReportStatus
    from reports.models import SpecialReport
    from reports.special.services import queue_special_report, run_special_report
    from reports.tests.test_figures import build_until_as_of

    build_until_as_of(browser_world, settings, tmp_path)
    report = queue_special_report("2024-03-H1", actor=browser_world.office, region="360703", formats=["xlsx"])
    login(page, live_server, "office")
    page.goto(url(live_server, "reports:specialreport_list"))
    row = page.locator(f"#special-report-{report.pk}")
    expect(row).to_contain_text("排队中")
    page.screenshot(path=screenshot_dir / "special-report-polling-queued-1366.png", full_page=True)
    page.evaluate("() => { window.notReloaded = true; }")

    SpecialReport.objects.filter(pk=report.pk).update(status=SpecialReportStatus.RUNNING, progress=30)
    expect(row).to_contain_text("生成中", timeout=6_000)
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "30")
    page.screenshot(path=screenshot_dir / "special-report-polling-running-1366.png", full_page=True)
    run_special_report(report)

    expect(row).to_contain_text("已完成", timeout=6_000)
    expect(row).to_contain_text("100%")
    expect(row.get_by_role("link", name="Excel")).to_be_visible()
    assert page.evaluate("() => window.notReloaded") is True
    assert row.get_attribute("hx-trigger") is None  # the finished row no longer polls
    page.screenshot(path=screenshot_dir / "special-report-polling-done-1366.png", full_page=True)
