"""我的填报: the open rounds of the user's units with returned reports first, the unit's reminders and
marking them read — another unit's reminder answers 404 and stays unread."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dispatch import services
from dispatch.choices import ReminderChannel, ReminderKind
from dispatch.models import Reminder

# The fixtures and helpers of the reporting pages (the media fixture applies here too); pytest finds
# imported fixtures by name, which ruff reads as redefinitions.
# ruff: noqa: F811
from .test_reporting import (  # noqa: F401
    dispatch_round,
    fill_url,
    media,
    other_a,
    report_a,
    service_values,
    text_of,
)

pytestmark = pytest.mark.django_db


def test_my_reports_lists_open_rounds_with_returned_reports_first(client, world, report_a, other_a):
    services.submit_report(report_a, actor=world.reporter_a, **service_values())
    services.return_report(report_a, comment="照片看不清，请补拍", actor=world.office)
    past = services.open_round(report_a.round.cadence, on=datetime.date(2024, 3, 6), actor=world.office)
    assert past.reports.exists()  # locked long ago: not shown
    Reminder.objects.create(
        round=report_a.round,
        unit=world.unit_a,
        kind=ReminderKind.BEFORE_DUE,
        channel=ReminderChannel.IN_APP,
        message="唐江镇人民政府：还有 1 个项目未报送",
        sent_at=timezone.now(),
    )
    client.force_login(world.reporter_a)
    page = text_of(client.get(reverse("dispatch:my_reports")))
    assert page.index("唐江家具产业园") < page.index("唐江智能家居")
    assert "照片看不清，请补拍" in page
    assert "有 1 份报告被项目办退回" in page
    assert "唐江镇人民政府：还有 1 个项目未报送" in page
    assert report_a.round.label in page and past.label not in page
    assert "凤岗物流园" not in page
    assert fill_url(other_a) in page

    client.force_login(world.reporter_b)
    page = text_of(client.get(reverse("dispatch:my_reports")))
    assert "凤岗物流园" in page and "唐江家具产业园" not in page and "还有 1 个项目未报送" not in page


def test_a_unit_marks_its_reminder_read_and_no_other_units(client, world, report_a):
    reminder = Reminder.objects.create(
        round=report_a.round,
        unit=world.unit_a,
        kind=ReminderKind.OVERDUE,
        channel=ReminderChannel.IN_APP,
        message="唐江镇人民政府：已逾期，还有 2 个项目未报送",
        sent_at=timezone.now(),
    )
    url = reverse("dispatch:reminder_read", args=[reminder.pk])
    client.force_login(world.reporter_b)
    assert client.post(url).status_code == 404
    reminder.refresh_from_db()
    assert reminder.read_at is None and reminder.history.count() == 1

    client.force_login(world.reporter_a)
    assert "已逾期，还有 2 个项目未报送" in text_of(client.get(reverse("dispatch:my_reports")))
    assert client.get(url).status_code == 405
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.content == b""
    reminder.refresh_from_db()
    read_at = reminder.read_at
    assert read_at is not None and reminder.history.first().history_user == world.reporter_a
    assert "已逾期，还有 2 个项目未报送" not in text_of(client.get(reverse("dispatch:my_reports")))
    assert client.post(url).url == reverse("dispatch:my_reports")  # again: nothing changes
    reminder.refresh_from_db()
    assert reminder.read_at == read_at and reminder.history.count() == 2


def test_my_reports_is_in_the_menu(client, world, dispatch_round):
    client.force_login(world.reporter_a)
    assert reverse("dispatch:my_reports") in text_of(client.get(reverse("home")))
