"""The unit's pre-filled sheet (content, locking, validation) and the download / upload pages."""

import io

import openpyxl
import pytest
from django.urls import reverse

from dispatch import services
from dispatch.choices import ReportStatus
from dispatch.models import ProgressReport
from dispatch.sheets import round_sheet
from dispatch.tests.test_importer import FILLED, NOW, report_of, snapshot, workbook_bytes
from dispatch.tests.test_services import WEEK_10, at, project, weekly

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatch_round(world):
    project(world, "唐江家具产业园", total="10000", invested="1000")
    project(world, "唐江物流中心", total="5000", invested="0")
    project(world, "凤岗光伏电站", unit=world.unit_b, total="20000", invested="3000")
    return services.open_round(weekly(world), on=WEEK_10, actor=world.office)


def test_the_sheet_is_pre_filled_locked_and_validated(world, dispatch_round):
    furniture = report_of(dispatch_round, "唐江家具产业园")
    services.save_report(furniture, actor=world.reporter_a, now=NOW, **FILLED)
    logistics = report_of(dispatch_round, "唐江物流中心")
    services.submit_report(logistics, actor=world.reporter_a, now=NOW, **(FILLED | {"confidence": "green"}))
    sheet = openpyxl.load_workbook(
        io.BytesIO(round_sheet(dispatch_round, unit=world.unit_a, user=world.reporter_a))
    ).active
    assert sheet["A1"].value.startswith("每周调度 · 2024年第10周")
    assert "唐江镇人民政府" in sheet["A2"].value and "2024-03-08 17:00" in sheet["A2"].value
    header = [cell.value for cell in sheet[4]]
    assert header[:7] == [
        "项目编码",
        "项目名称",
        "上期年度累计（万元）",
        "上期开工累计（万元）",
        "本期完成投资（万元）",
        "年度累计完成投资（万元）",
        "开工累计完成投资（万元）",
    ]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)]
    # Only the draft: the submitted report cannot be changed, the other unit's is not the user's.
    assert [row[1] for row in rows] == ["唐江家具产业园"]
    row = dict(zip(header, rows[0], strict=True))
    assert (row["上期开工累计（万元）"], row["本期完成投资（万元）"], row["开工累计完成投资（万元）"]) == (
        1000,
        200,
        1200,
    )
    assert (row["项目阶段"], row["交付信心"], row["在场施工人数"]) == ("在建（开工/续建）", "绿黄", 85)
    assert sheet.protection.sheet is True
    assert sheet["A5"].protection.locked is True and sheet["E5"].protection.locked is False
    assert sheet["A5"].fill.fgColor.rgb.endswith("EDEDED")
    validations = {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}
    assert validations["F5"].type == "decimal" and float(validations["F5"].formula1) == 0
    assert validations["I5"].type == "whole"
    assert "绿黄" in validations["M5"].formula1 and "停缓建" in validations["J5"].formula1


def login(client, user):
    client.force_login(user)
    return client


def test_the_reporter_downloads_its_own_units_sheet(client, world, dispatch_round):
    login(client, world.reporter_a)
    url = reverse("dispatch:round_sheet", kwargs={"pk": dispatch_round.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    names = [
        row[1].value
        for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=5)
    ]
    assert names == ["唐江家具产业园", "唐江物流中心"]
    assert client.get(url, {"unit": world.unit_b.pk}).status_code == 404


def test_the_office_chooses_a_unit(client, world, dispatch_round):
    login(client, world.office)
    url = reverse("dispatch:round_sheet", kwargs={"pk": dispatch_round.pk})
    choice = client.get(url)
    assert choice.status_code == 200 and "凤岗镇人民政府" in choice.content.decode()
    sheet = client.get(url, {"unit": world.unit_b.pk})
    names = [
        row[1].value for row in openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(min_row=5)
    ]
    assert names == ["凤岗光伏电站"]


def test_a_round_out_of_scope_is_not_found(client, world, dispatch_round):
    before = snapshot(dispatch_round)
    login(client, world.no_role)
    for name in ("dispatch:round_sheet", "dispatch:round_import"):
        assert client.get(reverse(name, kwargs={"pk": dispatch_round.pk})).status_code == 404
    upload = io.BytesIO(workbook_bytes([["项目名称", "本期完成投资"], ["唐江家具产业园", 1]]))
    upload.name = "表.xlsx"
    response = client.post(
        reverse("dispatch:round_import", kwargs={"pk": dispatch_round.pk}), {"file": upload}
    )
    assert response.status_code == 404
    assert snapshot(dispatch_round) == before


def test_upload_preview_confirm(client, world, dispatch_round, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(WEEK_10.replace(day=6)))
    login(client, world.reporter_a)
    url = reverse("dispatch:round_import", kwargs={"pk": dispatch_round.pk})
    upload = io.BytesIO(
        workbook_bytes(
            [["项目名称", "本期完成投资", "形象进度", "交付信心"], ["唐江家具产业园", 150, "施工", "绿"]]
        )
    )
    upload.name = "唐江.xlsx"
    preview = client.post(url, {"file": upload})
    assert preview.status_code == 200
    assert "报送 1 个项目" in preview.content.decode()
    token = preview.context["token"]
    assert report_of(dispatch_round, "唐江家具产业园").status == ReportStatus.PENDING
    confirmed = client.post(url, {"confirm": token})
    assert confirmed.status_code == 302
    report = report_of(dispatch_round, "唐江家具产业园")
    assert (report.status, report.investment_period, report.submitted_by) == (
        ReportStatus.SUBMITTED,
        150,
        world.reporter_a,
    )
    assert ProgressReport.objects.filter(status=ReportStatus.SUBMITTED).count() == 1
