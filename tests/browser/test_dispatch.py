"""一周一调度 in a real browser: township A's reporter fills a report on a phone (390×844) with a site
photo and submits it; the office, on a desktop, returns it with a comment; the reporter sees the
comment and resubmits; the office approves. Screenshots of the phone fill page, the returned report
and the office's review page go to test-artifacts/screenshots/dispatch-*.png."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import ExifTags, Image
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import login, menu, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def horizontal_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def site_photo():
    """A phone photo taken in portrait: stored landscape pixels with EXIF orientation 6."""
    image = Image.new("RGB", (1200, 900), (150, 160, 170))
    for x in range(0, 1200, 100):
        image.paste((200, 80, 40), (x, 600, x + 50, 900))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def dispatch_round(browser_world, settings, tmp_path):
    from dispatch import services
    from dispatch.models import Cadence
    from projects import services as project_services
    from projects.choices import Stage
    from projects.models import Project

    settings.MEDIA_ROOT = tmp_path / "media"
    world = browser_world
    for name, unit in (("唐江现代家具产业园（一期）", world.unit_a), ("凤岗智慧物流园", world.unit_b)):
        project_services.register_project(
            Project(
                name=name,
                region=world.county,
                introducing_unit=unit,
                responsible_unit=unit,
                total_investment=Decimal("50000"),
                invested_to_date=Decimal("12000"),
            ),
            stage=Stage.UNDER_CONSTRUCTION,
            on=datetime.date(2024, 1, 2),
            actor=world.office,
        )
    cadence = Cadence.objects.create(name="每周调度", region=world.county, due_offset_days=-2, expiry_days=3)
    return services.open_round(cadence, on=timezone.localdate(), actor=world.office)


def test_report_filled_on_a_phone_returned_resubmitted_and_approved(
    page, browser, live_server, dispatch_round, screenshot_dir, requests_seen
):
    from dispatch.models import ProgressReport

    report = dispatch_round.reports.get(project__name="唐江现代家具产业园（一期）")
    detail = live_server.url + report.get_absolute_url()

    # The reporter, on a phone: 我的填报 from the menu, then the fill page.
    page.set_viewport_size(PHONE)
    login(page, live_server, "reporter_a")
    page.get_by_role("button", name="展开菜单").click()
    menu(page).get_by_role("button", name="调度").click()
    menu(page).get_by_role("link", name="我的填报").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的填报")
    expect(page.locator("#content")).not_to_contain_text("凤岗智慧物流园")
    row = page.locator(".report-row").filter(has_text="唐江现代家具产业园（一期）")
    expect(row).to_contain_text("未填报")
    assert horizontal_overflow(page) <= 1
    row.get_by_role("link", name="填报").click()

    expect(page.locator("#project-name")).to_have_text("唐江现代家具产业园（一期）")
    expect(page.locator("#baseline-since-start")).to_have_text("12000.00")
    period = page.get_by_label("本期完成投资（万元）", exact=True)
    expect(period).to_have_attribute("inputmode", "decimal")
    period.fill("600")
    page.get_by_label("形象进度", exact=True).fill("1#、2# 厂房主体封顶，3# 厂房基础施工")
    page.get_by_label("在场施工人数", exact=True).fill("126")
    page.get_by_label("存在问题", exact=True).fill("35kV 专线迁改需供电公司协调")
    page.locator("#field-confidence").get_by_text("黄", exact=True).click()
    # Below green without a narrative: the service refuses and the page says why, input kept.
    page.get_by_role("button", name="报送", exact=True).click()
    expect(page.locator("#form-errors")).to_contain_text("交付信心不是“绿”时须填写信心说明。")
    expect(page.locator("#field-confidence_narrative")).to_contain_text("交付信心不是“绿”时须填写信心说明。")
    expect(page.get_by_label("本期完成投资（万元）", exact=True)).to_have_value("600")
    page.get_by_label("信心说明", exact=True).fill("专线迁改未完成，可能影响 4 月设备进场")
    page.locator('input[name="photos"]').set_input_files(
        [{"name": "IMG_20240306_101500.jpg", "mimeType": "image/jpeg", "buffer": site_photo()}]
    )
    page.get_by_label("照片说明", exact=True).fill("1#、2# 厂房主体封顶")
    page.evaluate("document.fonts.ready")
    assert horizontal_overflow(page) <= 1, "填报页在手机上出现横向滚动条"
    page.screenshot(path=screenshot_dir / "dispatch-fill-phone-390.png", full_page=True)
    page.get_by_role("button", name="报送", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的填报")
    expect(page.locator(".alert-success")).to_contain_text("已报送")
    expect(row).to_contain_text("已报送")
    report.refresh_from_db()
    assert (report.status, report.investment_since_start) == ("submitted", Decimal("12600.00"))
    photo = report.photos.get()
    assert (photo.width, photo.height) == (900, 1200)  # turned upright

    # The office, on a desktop, in its own browser context: reviews and returns the report.
    office_context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    office_context.set_default_timeout(10_000)
    office_context.on("request", lambda request: requests_seen.append(request.url))
    office = office_context.new_page()
    try:
        login(office, live_server, "office")
        office.goto(detail)
        expect(office.locator("#report-status")).to_have_text("已报送")
        thumbnail = office.locator("#report-photos img").first
        expect(thumbnail).to_be_visible()
        # Visible is not loaded (a lazy image is fetched once laid out): wait for the picture itself.
        image = thumbnail.element_handle()
        office.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image)
        assert office.evaluate("(img) => img.naturalWidth", image) == 240
        office.evaluate("document.fonts.ready")
        office.screenshot(path=screenshot_dir / "dispatch-office-review-1366.png", full_page=True)
        office.get_by_label("退回意见").fill("本期完成投资 600 万元与形象进度不符，请按监理月报核实后重报。")
        office.get_by_role("button", name="退回", exact=True).click()
        expect(office.locator("#report-status")).to_have_text("已退回")

        # The reporter sees the comment on 我的填报 and on the fill page, corrects and resubmits.
        page.reload()
        expect(row).to_contain_text("已退回")
        expect(row.locator(".review-comment")).to_contain_text("请按监理月报核实后重报")
        expect(page.locator("#returned-summary")).to_be_visible()
        page.evaluate("document.fonts.ready")
        page.screenshot(path=screenshot_dir / "dispatch-returned-phone-390.png", full_page=True)
        row.get_by_role("link", name="修改后重新报送").click()
        expect(page.locator("#review-comment")).to_contain_text("请按监理月报核实后重报")
        expect(page.locator("#report-photos img")).to_have_count(1)
        assert horizontal_overflow(page) <= 1
        page.get_by_label("本期完成投资（万元）", exact=True).fill("450")
        page.get_by_role("button", name="报送", exact=True).click()
        expect(row).to_contain_text("已报送")

        # The office approves; the timeline shows the whole exchange.
        office.reload()
        expect(office.locator("#investment-since-start")).to_have_text("12450.00")
        office.get_by_label("审核意见", exact=True).fill("同意")
        office.get_by_role("button", name="审核通过", exact=True).click()
        expect(office.locator("#report-status")).to_have_text("已审核")
        expect(office.locator("#timeline li")).to_have_count(4)
        expect(office.locator("#timeline")).to_contain_text("退回")
        office.evaluate("document.fonts.ready")
        office.screenshot(path=screenshot_dir / "dispatch-office-approved-1366.png", full_page=True)
    finally:
        office_context.close()

    report = ProgressReport.objects.select_related("project").get(pk=report.pk)
    assert (report.status, report.project.invested_to_date) == ("approved", Decimal("12450.00"))
    page.goto(detail)
    expect(page.locator("#report-status")).to_have_text("已审核")
    expect(page.locator("#review")).to_have_count(0)  # the reporter has no review buttons
    page.goto(url(live_server, "dispatch:report_fill", pk=report.pk))
    expect(page.locator("#report-status")).to_have_text("已审核")  # sent back to the report page
