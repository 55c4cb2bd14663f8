"""The project-list import page: upload, preview (nothing written), confirm, scope."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.models import Project
from projects.tests.sheets_projects import xlsx

pytestmark = pytest.mark.django_db
URL = "/projects/projects/import/"


def sheet(tmp_path, rows):
    path = xlsx(tmp_path / "项目.xlsx", rows)
    return SimpleUploadedFile("项目.xlsx", path.read_bytes())


def test_preview_then_confirm(client, world, tmp_path):
    client.force_login(world.office)
    rows = [
        ["2024年南康区重点项目表"],
        ["项目名称", "责任单位", "挂点领导", "总投资（亿元）"],
        ["智能家居产业园", "唐江镇人民政府", "甲镇领导", "12.5"],
        ["合计", None, None, "12.5"],
    ]
    response = client.post(URL, {"file": sheet(tmp_path, rows)})
    assert response.status_code == 200, response.context["result"].errors
    assert "新增 1 条" in response.content.decode()
    assert not Project.objects.exists()
    response = client.post(URL, {"confirm": response.context["token"]})
    assert response.status_code == 302
    project = Project.objects.get()
    assert (project.name, project.total_investment, project.responsible_unit) == (
        "智能家居产业园",
        Decimal("125000.00"),
        world.unit_a,
    )
    assert project.liaison_leader == world.leader_a and project.region == world.county
    assert project.history.latest().history_user == world.office


def test_rows_outside_the_users_units_are_refused(client, world, tmp_path):
    client.force_login(world.reporter_a)  # may change projects, sees only township A
    rows = [
        ["项目名称", "所在区划", "责任单位", "总投资（万元）"],
        ["凤岗项目", "凤岗镇", "凤岗镇人民政府", "100"],
    ]
    response = client.post(URL, {"file": sheet(tmp_path, rows)})
    assert response.status_code == 403  # a reporter may not add projects at all
    client.force_login(world.scoped)
    response = client.post(URL, {"file": sheet(tmp_path, rows)})
    if response.status_code == 200:  # the preview cannot know the scope of a new row; the commit does
        response = client.post(URL, {"confirm": response.context["token"]})
    assert response.status_code == 400
    assert not Project.objects.exists()
