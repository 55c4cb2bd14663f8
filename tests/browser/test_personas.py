"""What each persona sees after signing in through the login form: home cards, menus, the 单位 list,
add buttons, and the 404 page for a row outside their grant."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login, menu, table_column, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNTY_UNITS = ["唐江镇人民政府", "凤岗镇人民政府", "南康区人民政府"]


def cards(page):
    return page.locator("#home-cards .card")


def card_count(page, label):
    return int(page.locator(f'#home-cards [data-count="{label}"]').inner_text())


def test_office_home_cards_and_admin_menu(page, live_server):
    login(page, live_server, "office")
    for label in ("单位", "人员", "领导", "项目推进专班", "招商队", "用户", "授权"):
        expect(cards(page).filter(has_text=label).first).to_be_visible()
    assert card_count(page, "单位") == 3  # the county's three units, not 章贡区's
    expect(page.locator("#my-grants")).to_contain_text("项目办 · 南康区")

    menu(page).get_by_role("button", name="系统管理").click()
    dropdown = menu(page).locator(".dropdown-menu.show")
    expect(dropdown.get_by_role("link", name="用户", exact=True)).to_be_visible()
    expect(dropdown.get_by_role("link", name="授权", exact=True)).to_be_visible()

    dropdown.get_by_role("link", name="授权", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("授权")


def test_office_unit_list_is_the_county(page, live_server):
    login(page, live_server, "office")
    page.goto(url(live_server, "org:unit_list"))
    assert sorted(table_column(page, "单位名称")) == sorted(COUNTY_UNITS)
    expect(page.locator("#row-total")).to_have_text("3")
    expect(page.locator("#object-table")).not_to_contain_text("章贡区人民政府")
    expect(page.get_by_role("link", name="新增", exact=True)).to_be_visible()


@pytest.mark.parametrize(
    ("username", "own", "other"),
    [("reporter_a", "唐江镇人民政府", "凤岗镇人民政府"), ("reporter_b", "凤岗镇人民政府", "唐江镇人民政府")],
)
def test_township_reporter_sees_only_their_township(page, live_server, browser_world, username, own, other):
    login(page, live_server, username)
    expect(menu(page)).not_to_contain_text("系统管理")
    expect(menu(page)).to_contain_text("组织机构")
    assert card_count(page, "单位") == 1
    expect(page.locator("#home-cards")).not_to_contain_text("用户")

    page.goto(url(live_server, "org:unit_list"))
    assert table_column(page, "单位名称") == [own]
    expect(page.locator("#object-table")).not_to_contain_text(other)
    # unit_reporter may only view units: no add button, no import
    expect(page.get_by_role("link", name="新增", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Excel 导入")).to_have_count(0)

    page.goto(url(live_server, "org:person_list"))
    expect(page.get_by_role("link", name="新增", exact=True)).to_be_visible()
    expect(page.locator("#object-table")).to_contain_text("甲镇" if own == "唐江镇人民政府" else "乙镇")
    expect(page.locator("#object-table")).not_to_contain_text("乙镇" if own == "唐江镇人民政府" else "甲镇")

    other_unit = browser_world.unit_b if username == "reporter_a" else browser_world.unit_a
    own_unit = browser_world.unit_a if username == "reporter_a" else browser_world.unit_b
    response = page.goto(live_server.url + other_unit.get_absolute_url())
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("未找到")
    expect(page.locator("main")).not_to_contain_text(other)

    response = page.goto(live_server.url + own_unit.get_absolute_url())
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(own)
    # timestamps in local time, as in the change log, not "2026-…:55.312482+00:00"
    expect(page.locator(".detail-table")).to_contain_text("创建时间")
    expect(page.locator(".detail-table")).not_to_contain_text("+00:00")


def test_discipline_sees_org_lists_but_not_promotion(page, live_server, browser_world):
    from org.models import Person

    login(page, live_server, "discipline")
    expect(menu(page)).not_to_contain_text("招商队")
    expect(menu(page)).not_to_contain_text("招商引资")
    expect(menu(page)).not_to_contain_text("系统管理")
    expect(page.locator("#home-cards")).not_to_contain_text("招商队")

    page.goto(url(live_server, "org:unit_list"))
    assert sorted(table_column(page, "单位名称")) == sorted(COUNTY_UNITS)
    expect(page.get_by_role("link", name="新增", exact=True)).to_have_count(0)

    page.goto(url(live_server, "org:person_list"))
    county_people = Person.objects.filter(unit__region__path__startswith=browser_world.county.path)
    expect(page.locator("#row-total")).to_have_text(str(county_people.count()))
    expect(page.locator("#object-table")).to_contain_text("甲镇联络员")
    expect(page.locator("#object-table")).to_contain_text("乙镇联络员")

    response = page.goto(url(live_server, "promotion:promotionteam_list"))
    assert response.status in (403, 404)


@pytest.mark.parametrize(
    ("username", "hidden"),
    [("office", ["章贡区人民政府"]), ("reporter_a", ["凤岗镇人民政府", "章贡区人民政府"])],
)
def test_filter_choices_stay_in_scope(page, live_server, username, hidden):
    login(page, live_server, username)
    page.goto(url(live_server, "org:unit_list"))
    options = page.get_by_label("上级单位", exact=True).locator("option").all_inner_texts()
    assert not set(hidden) & {option.strip() for option in options}, options
