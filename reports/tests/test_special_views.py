"""专报 pages: the office generates a report from the list page (the background job, run at once
here) and downloads it; a user without the add permission sees no form and is refused a POST; a report
out of a user's scope is a 404."""

import pytest
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from reports.choices import SpecialReportStatus
from reports.models import SpecialReport
from reports.tests.test_figures import build_until_as_of


@pytest.fixture
def county(world, settings, tmp_path, monkeypatch):
    # Run the background job in the request, as the test settings' embedded queue would.
    monkeypatch.setattr(HUEY, "immediate", True)
    return build_until_as_of(world, settings, tmp_path)


def test_the_office_generates_a_report_and_downloads_its_files(world, county, client):
    client.force_login(world.office)
    url = reverse("reports:specialreport_list")

    response = client.post(url, {"period": "2024-03-H1", "formats": ["docx", "xlsx"]})

    assert response.status_code == 302
    report = SpecialReport.objects.get()
    assert report.status == SpecialReportStatus.DONE and report.created_by == world.office
    assert report.region == world.county  # the office's grant
    page = client.get(url).content.decode()
    assert "2024年3月上半月" in page and "100%" in page
    download = client.get(reverse("reports:specialreport_file", args=[report.pk, "xlsx"]))
    assert download.status_code == 200
    assert download["Content-Type"].endswith("spreadsheetml.sheet")
    assert client.get(reverse("reports:specialreport_file", args=[report.pk, "pdf"])).status_code == 404


def test_a_bad_period_is_shown_on_the_form(world, county, client):
    client.force_login(world.office)

    response = client.post(reverse("reports:specialreport_list"), {"period": "2024-3-X", "formats": ["xlsx"]})

    assert response.status_code == 200
    assert "统计期“2024-3-X”格式不正确" in response.content.decode()
    assert not SpecialReport.objects.exists()


def test_a_reporter_cannot_generate_and_cannot_download_out_of_scope(world, county, client):
    client.force_login(world.office)
    client.post(
        reverse("reports:specialreport_list"),
        {"period": "2024-03-H1", "region": "360702", "formats": ["xlsx"]},
    )
    report = SpecialReport.objects.get()
    client.force_login(world.reporter_a)

    page = client.get(reverse("reports:specialreport_list")).content.decode()
    assert "special-report-form" not in page
    assert client.post(reverse("reports:specialreport_list"), {"period": "2024-03-H1"}).status_code == 403
    assert client.get(reverse("reports:specialreport_file", args=[report.pk, "xlsx"])).status_code == 404
