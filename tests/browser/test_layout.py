"""Phone and desktop layout: the collapsed navbar, no sideways scrolling, screenshots of each persona's
home page and 单位 list (test-artifacts/screenshots/<persona>-<page>-<width>.png), and no request to
any host but our own."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import login, menu, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONAS = ("office", "reporter_a", "reporter_b", "discipline")
PAGES = {"home": "home", "units": "org:unit_list"}


def horizontal_overflow(page):
    """How many CSS pixels the page is wider than the viewport (0 = no sideways scrollbar)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_phone_navbar_collapses_into_toggler(page, live_server):
    page.set_viewport_size(PHONE)
    login(page, live_server, "office")
    toggler = page.get_by_role("button", name="展开菜单")
    expect(toggler).to_be_visible()
    expect(menu(page).get_by_role("button", name="组织机构")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    toggler.click()
    expect(page.locator("#main-menu")).to_have_class(re.compile(r"\bshow\b"))
    expect(toggler).to_have_attribute("aria-expanded", "true")
    group = menu(page).get_by_role("button", name="组织机构")
    expect(group).to_be_visible()
    group.click()
    link = menu(page).get_by_role("link", name="单位", exact=True)
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("单位")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_desktop_navbar_is_expanded(page, live_server):
    login(page, live_server, "office")
    expect(page.get_by_role("button", name="展开菜单")).to_be_hidden()
    expect(menu(page).get_by_role("button", name="组织机构")).to_be_visible()
    assert horizontal_overflow(page) <= 0


@pytest.mark.parametrize("persona", PERSONAS)
def test_screenshots_and_no_sideways_scroll(page, live_server, screenshot_dir, persona):
    login(page, live_server, persona)
    for page_name, url_name in PAGES.items():
        for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            page.goto(url(live_server, url_name))
            page.evaluate("document.fonts.ready")
            assert horizontal_overflow(page) <= 1, f"{persona} {page_name} {width_name} 出现横向滚动条"
            page.screenshot(
                path=screenshot_dir / f"{persona}-{page_name}-{viewport['width']}.png", full_page=True
            )


def test_every_request_goes_to_the_live_server(page, live_server, browser_world, requests_seen):
    """Intranets have no CDN: pages and their scripts, styles, fonts and images come from our server.
    (The `context` fixture also checks this after every test.)"""
    login(page, live_server, "office")
    for address in (
        url(live_server, "org:unit_list"),
        live_server.url + browser_world.unit_a.get_absolute_url(),
        live_server.url + browser_world.unit_a.get_absolute_url() + "changelog/",
        url(live_server, "org:person_list"),
        url(live_server, "api_token"),
    ):
        page.goto(address)
    page.goto(url(live_server, "api_docs"), wait_until="networkidle")  # Swagger UI loads its assets late
    assert any(seen.endswith("/static/core/tiaodu.css") for seen in requests_seen)
    assert any(seen.endswith("/static/vendor/bootstrap/bootstrap.bundle.min.js") for seen in requests_seen)
    assert requests_seen.foreign() == []


def test_swagger_ui_renders(page, live_server):
    login(page, live_server, "office")
    page.goto(url(live_server, "api_docs"))
    # The schema is generated once per process (core.api.schema): seconds of work on a busy machine
    # when this test is the first to ask for it.
    expect(page.locator(".swagger-ui .info")).to_contain_text("tiaodu 调度 API", timeout=30000)
