"""驾驶舱 in a real browser: the office opens the dashboard for 30 June 2024, the charts draw (a canvas
of non-zero size in each), the map plots the three projects without a boundary file, and clicking the
红灯 number opens the list of the one red project. Screenshots go to
test-artifacts/screenshots/dashboard-*.png."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login, menu, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def june(browser_world):
    from dashboard.tests.helpers import build_june

    return build_june(browser_world)


def canvas_size(page, chart_id):
    return page.evaluate(
        "(id) => { const c = document.querySelector('#' + id + ' canvas');"
        " return c ? [c.clientWidth, c.clientHeight] : null; }",
        chart_id,
    )


def test_dashboard_draws_its_charts_and_a_number_opens_its_rows(page, live_server, june, screenshot_dir):
    login(page, live_server, "office")
    menu(page).get_by_role("button", name="驾驶舱").click()
    menu(page).get_by_role("link", name="驾驶舱", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("驾驶舱")
    page.get_by_label("统计日期", exact=True).fill("2024-06-30")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#dashboard-as-of")).to_contain_text("统计日期 2024-06-30")
    expect(page.locator("#card-summary-projects")).to_contain_text("3")
    expect(page.locator("#card-summary-completion_rate")).to_contain_text("26.47")
    for chart_id in ("chart-stages", "chart-lights", "chart-units", "chart-reporting", "chart-map"):
        page.locator(f"#{chart_id} canvas").wait_for()
        width, height = canvas_size(page, chart_id)
        assert width > 100 and height > 100, chart_id
    expect(page.locator("#unit-ranking tbody tr").first).to_contain_text("凤岗镇人民政府")
    page.wait_for_timeout(600)  # ECharts' entry animation
    page.evaluate("document.fonts.ready")
    page.screenshot(path=screenshot_dir / "dashboard-office-1366.png", full_page=True)

    page.locator("#card-lights-red a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("统计明细：红灯")
    table = page.locator("#rows-projects-project table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody tr").first).to_contain_text("唐江光伏组件")
    expect(table.locator("tbody tr td").last).to_have_text("红灯")
    expect(page.locator("#rows-lights-projectlight tbody tr")).to_have_count(1)
    page.screenshot(path=screenshot_dir / "dashboard-red-rows-1366.png", full_page=True)
    table.get_by_role("link", name="唐江光伏组件").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("唐江光伏组件")

    # A bar of the stage chart opens its projects too: click the middle of the 在建 bar (3 projects).
    page.go_back()
    page.go_back()
    chart = page.locator("#chart-stages")
    chart.locator("canvas").wait_for()
    page.wait_for_timeout(600)
    x, y = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-stages'))"
        ".convertToPixel({seriesIndex: 0}, [3, 1.5])"
    )
    chart.click(position={"x": x, "y": y})
    expect(page.get_by_role("heading", level=1)).to_have_text("统计明细：在建（开工/续建）阶段项目")
    expect(page.locator("#rows-projects-project tbody tr")).to_have_count(3)


def test_a_bad_date_is_named_in_chinese(page, live_server, june):
    login(page, live_server, "scoped")
    page.goto(url(live_server, "dashboard:dashboard") + "?as_of=2024-02-30")
    expect(page.locator("#dashboard-errors")).to_have_text(
        "统计日期“2024-02-30”格式不正确，应为 YYYY-MM-DD，例如 2024-03-16。"
    )
