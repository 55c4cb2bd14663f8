"""The 单位 list: typing in 搜索 narrows the table, and 导出 Excel downloads the rows on screen."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.helpers import login, table_column, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def exported(page):
    """Click 导出 Excel; the downloaded workbook's rows as {header: value} dicts."""
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    assert download.suggested_filename.startswith("单位")
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    header, body = rows[0], rows[1:]
    return [dict(zip(header, row, strict=True)) for row in body]


def search(page, text):
    page.get_by_label("搜索", exact=True).fill(text)
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"[?&]q="))


def assert_export_matches_table(page):
    rows = exported(page)
    assert [row["单位名称"] for row in rows] == table_column(page, "单位名称")
    assert [row["单位编码"] for row in rows] == table_column(page, "单位编码")
    assert {row["单位类型"] for row in rows} <= {"乡镇（街道）", "人民政府"}


def test_search_narrows_the_table(page, live_server):
    login(page, live_server, "office")
    page.goto(url(live_server, "org:unit_list"))
    assert len(table_column(page, "单位名称")) == 3
    assert_export_matches_table(page)

    search(page, "唐江")
    expect(page.locator("#row-total")).to_have_text("1")
    assert table_column(page, "单位名称") == ["唐江镇人民政府"]

    search(page, "不存在的单位")
    expect(page.locator("#row-total")).to_have_text("0")


def test_export_of_a_filtered_list_has_the_same_rows(page, live_server):
    login(page, live_server, "office")
    page.goto(url(live_server, "org:unit_list") + "?q=%E5%94%90%E6%B1%9F")  # q=唐江, as the form leaves it
    assert table_column(page, "单位名称") == ["唐江镇人民政府"]
    assert_export_matches_table(page)


def test_export_right_after_filtering_has_the_same_rows(page, live_server):
    login(page, live_server, "office")
    page.goto(url(live_server, "org:unit_list"))
    search(page, "唐江")
    expect(page.locator("#row-total")).to_have_text("1")
    assert_export_matches_table(page)
