"""问题协调 in a real browser: the office assigns (交办) a land matter to township A; A's reporter finds
it in 我的事项, signs it, starts handling and feeds back; the office returns it at 复核; the unit
feeds back again; the office passes the review and closes it (销号) with an evidence PDF. Screenshots
of the matter page and the board go to test-artifacts/screenshots/matters-*.png."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP
from tests.browser.helpers import login, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVIDENCE = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def kind(browser_world, settings, tmp_path):
    """The built-in 项目问题 kind: the migration's row, or the same again once a transactional test
    before this one flushed it."""
    from matters.models import MatterKind

    settings.MEDIA_ROOT = tmp_path / "media"
    ladder = [
        {"level": "liaison_leader", "after_days": 1},
        {"level": "task_force", "after_days": 5},
        {"level": "district_meeting", "after_days": 10},
    ]
    kind, _ = MatterKind.objects.get_or_create(
        code="project_issue", defaults={"name": "项目问题", "code_prefix": "WT", "escalation_ladder": ladder}
    )
    return kind


def node(page):
    return page.locator("#matter-node")


def test_a_matter_assigned_returned_at_review_and_closed_with_evidence(
    page, browser, live_server, browser_world, kind, screenshot_dir, requests_seen
):
    from matters import services
    from matters.models import Matter
    from matters.selectors import working_calendar

    # The office assigns the matter on the add page.
    login(page, live_server, "office")
    page.goto(url(live_server, "matters:matter_add"))
    page.get_by_label("事项类型").select_option(label="项目问题")
    page.get_by_label("事项名称").fill("实木家具项目用地未交付")
    page.get_by_label("问题类别").select_option(label="用地")
    page.get_by_label("牵头单位").select_option(label="唐江镇人民政府")
    page.get_by_label("解决措施").fill("镇政府牵头，10 个工作日内完成交地。")
    page.get_by_label("办结时限（工作日）").fill("10")
    page.get_by_role("button", name="保存").click()
    expect(node(page)).to_have_text("交办")
    matter = Matter.objects.get(title="实木家具项目用地未交付")
    matter_url = live_server.url + matter.get_absolute_url()

    # Township A's reporter, in its own browser context: 我的事项, then sign, handle, feed back.
    unit_context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    unit_context.set_default_timeout(10_000)
    unit_context.on("request", lambda request: requests_seen.append(request.url))
    unit = unit_context.new_page()
    try:
        login(unit, live_server, "reporter_a")
        unit.goto(url(live_server, "matters:my_matters"))
        turn = unit.locator("#my-turn")
        expect(turn).to_contain_text("待签收（牵头单位）")
        turn.get_by_role("link", name="实木家具项目用地未交付").click()
        expect(unit.locator("#action-review")).to_have_count(0)
        unit.locator("#action-sign").get_by_role("button", name="签收").click()
        expect(node(unit)).to_have_text("签收")
        unit.locator("#action-handle").get_by_role("button", name="开始办理").click()
        expect(node(unit)).to_have_text("办理")
        unit.get_by_label("办理情况").fill("已完成地块清表。")
        unit.get_by_role("button", name="提交反馈").click()
        expect(node(unit)).to_have_text("反馈")

        # The office returns it at 复核 with a comment.
        page.goto(matter_url)
        review = page.locator("#action-review")
        review.get_by_label("复核意见").fill("未附交地确认书，请补充后再反馈。")
        review.get_by_role("button", name="退回重办").click()
        expect(node(page)).to_have_text("办理")
        expect(page.locator("#timeline")).to_contain_text("未附交地确认书")

        # The unit sees the return and feeds back again.
        unit.reload()
        expect(unit.locator("#timeline")).to_contain_text("复核退回")
        unit.get_by_label("办理情况").fill("交地确认书已签署，地块已移交企业。")
        unit.get_by_role("button", name="提交反馈").click()
        expect(node(unit)).to_have_text("反馈")
    finally:
        unit_context.close()

    # The office passes the review and closes the matter with the evidence.
    page.reload()
    page.locator("#action-review").get_by_role("button", name="复核通过").click()
    expect(node(page)).to_have_text("复核")
    close = page.locator("#action-close")
    close.locator('input[type="file"]').set_input_files(
        [{"name": "交地确认书.pdf", "mimeType": "application/pdf", "buffer": EVIDENCE}]
    )
    close.get_by_label("销号意见").fill("问题已解决，同意销号。")
    close.get_by_role("button", name="销号").click()
    expect(node(page)).to_have_text("销号")
    expect(page.locator("#attachments")).to_contain_text("交地确认书.pdf")
    expect(page.locator("#matter-light")).to_have_count(0)
    page.evaluate("document.fonts.ready")
    page.screenshot(path=screenshot_dir / "matters-closed-1366.png", full_page=True)

    matter.refresh_from_db()
    kinds = list(matter.events.order_by("id").values_list("kind", flat=True))
    assert kinds == [
        "assigned",
        "signed",
        "handling_started",
        "feedback_submitted",
        "review_returned",
        "feedback_submitted",
        "review_passed",
        "attachment_added",
        "closed",
    ]
    assert (matter.node, matter.feedback) == ("closed", "交地确认书已签署，地块已移交企业。")

    # Three more matters, red, yellow and green today, for the board.
    today = timezone.localdate()
    calendar = working_calendar()
    for title, category, deadline in (
        ("35kV 线路迁改未完成", "energy", today - datetime.timedelta(days=3)),
        ("环评批复待出具", "environment", calendar.add_working_days(today, 2)),
        ("技术工人招聘缺口", "labour", calendar.add_working_days(today, 12)),
    ):
        services.assign_matter(
            Matter(
                kind=kind,
                title=title,
                category=category,
                lead_unit=browser_world.unit_a,
                opened_on=today - datetime.timedelta(days=30),
                deadline=deadline,
            ),
            actor=browser_world.office,
        )
    page.goto(url(live_server, "matters:board"))
    expect(page.locator('[data-node="closed"] .column-count')).to_have_text("1")
    expect(page.locator('[data-node="assigned"] .column-count')).to_have_text("3")
    expect(page.locator('[data-node="assigned"] .matter-light')).to_have_text(["红灯", "黄灯", "绿灯"])
    page.evaluate("document.fonts.ready")
    page.screenshot(path=screenshot_dir / "matters-board-1366.png", full_page=True)
