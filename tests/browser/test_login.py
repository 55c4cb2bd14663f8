"""The login form's Chinese error, and django-axes locking the account after too many failures."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.browser.helpers import fill_login, login, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRONG = "not-the-password"


def test_wrong_password_shows_chinese_error(page, live_server):
    page.goto(url(live_server, "login"))
    fill_login(page, "reporter_a", WRONG)
    expect(page.locator(".alert-danger")).to_contain_text("用户名或密码不正确")
    expect(page.get_by_label("用户名", exact=True)).to_have_value("reporter_a")
    expect(page.locator("#home-cards")).to_have_count(0)
    # the right password still works while under the limit
    fill_login(page, "reporter_a", PASSWORD)
    expect(page.locator("#home-cards")).to_be_visible()


def test_too_many_failures_lock_the_account(page, live_server):
    limit = settings.AXES_FAILURE_LIMIT
    page.goto(url(live_server, "login"))
    for _ in range(limit - 1):
        fill_login(page, "reporter_b", WRONG)
        expect(page.locator(".alert-danger")).to_contain_text("用户名或密码不正确")
    fill_login(page, "reporter_b", WRONG)  # the limit-th failure locks
    expect(page.locator("main")).to_contain_text("登录失败次数过多")

    # locked: even the right password is refused
    page.goto(url(live_server, "login"))
    fill_login(page, "reporter_b", PASSWORD)
    expect(page.locator("main")).to_contain_text("登录失败次数过多")
    expect(page.locator("#home-cards")).to_have_count(0)

    # the lock is per account: another persona signs in from the same browser
    login(page, live_server, "reporter_a")
