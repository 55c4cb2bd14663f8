"""Steps the browser tests share: signing in through the real form, opening pages by URL name."""

from django.urls import reverse
from playwright.sync_api import expect

from conftest import PASSWORD


def url(live_server, name, **kwargs):
    return live_server.url + reverse(name, kwargs=kwargs or None)


def fill_login(page, username, password):
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    with page.expect_navigation():  # the next step must see the answer, not the page being left
        page.get_by_role("button", name="登录", exact=True).click()


def login(page, live_server, username, password=PASSWORD):
    """Sign in as a persona through the login page; ends on the home page."""
    page.goto(url(live_server, "login"))
    fill_login(page, username, password)
    expect(page.locator("#home-cards")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(username)


def menu(page):
    return page.get_by_role("navigation", name="主导航")


def table_column(page, header):
    """The cells of one column of the list table, as shown."""
    table = page.locator("#object-table table")
    table.wait_for()
    headers = table.locator("thead th").all_inner_texts()
    column = [text.strip() for text in headers].index(header)
    return [text.strip() for text in table.locator(f"tbody tr td:nth-child({column + 1})").all_inner_texts()]
