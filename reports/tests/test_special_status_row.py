"""The 专报 list keeps a queued or running report's row up to date without a reload: the row asks htmx
to fetch it again every 2 s; the fragment shows the job's status and progress and, once the report
is done or failed, comes back without the trigger, so the polling stops."""

from django.urls import reverse

from reports.choices import SpecialReportStatus
from reports.models import SpecialReport
from reports.special.services import queue_special_report, run_special_report

LIST = reverse("reports:specialreport_list")
POLLING = 'hx-trigger="every 2s"'


def row_of(report):
    return reverse("reports:specialreport_row", args=[report.pk])


def test_a_queued_report_polls_its_row_until_it_is_done(world, county, client):
    report = queue_special_report("2024-03-H1", actor=world.office, region="360703", formats=["xlsx"])
    client.force_login(world.office)

    page = client.get(LIST).content.decode()
    assert f'id="special-report-{report.pk}"' in page
    assert f'hx-get="{row_of(report)}" {POLLING} hx-swap="outerHTML"' in page

    queued = client.get(row_of(report), headers={"HX-Request": "true"})
    assert queued.status_code == 200
    text = queued.content.decode()
    assert text.lstrip().startswith(f'<tr id="special-report-{report.pk}" data-status="queued"')
    assert POLLING in text and "排队中" in text and 'aria-valuenow="0"' in text

    SpecialReport.objects.filter(pk=report.pk).update(status=SpecialReportStatus.RUNNING, progress=30)
    text = client.get(row_of(report)).content.decode()
    assert POLLING in text and "生成中" in text and 'style="width: 30%"' in text

    run_special_report(report)
    text = client.get(row_of(report)).content.decode()
    assert 'data-status="done"' in text and "已完成" in text and 'aria-valuenow="100"' in text
    assert POLLING not in text and "hx-get" not in text
    assert reverse("reports:specialreport_file", args=[report.pk, "xlsx"]) in text
    assert "hx-get" not in client.get(LIST).content.decode()


def test_a_failed_report_stops_polling_and_shows_its_error(world, county, client):
    report = queue_special_report("2024-03-H1", actor=world.office, region="360703", formats=["xlsx"])
    SpecialReport.objects.filter(pk=report.pk).update(
        status=SpecialReportStatus.FAILED, progress=30, error="生成 Excel 附表失败：磁盘已满"
    )
    client.force_login(world.office)

    text = client.get(row_of(report)).content.decode()

    assert 'data-status="failed"' in text and "失败" in text and "生成 Excel 附表失败：磁盘已满" in text
    assert POLLING not in text


def test_a_row_out_of_scope_is_not_found(world, county, client):
    report = queue_special_report("2024-03-H1", actor=world.office, region="360703", formats=["xlsx"])
    client.force_login(world.reporter_a)  # a unit's grant: a county's reports are not its own

    assert client.get(row_of(report)).status_code == 404
    client.logout()
    assert client.get(row_of(report)).status_code == 302
