"""Excel import through the generic import page: preview, errors in Chinese, one transaction."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from org.models import Person, Unit

pytestmark = pytest.mark.django_db


def xlsx(rows, name="单位.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, url, rows):
    return client.post(url, {"file": xlsx(rows)})


HEADER = ["单位编码", "单位名称", "单位类型", "上级", "所属区划", "招商安商责任单位"]


def test_preview_then_confirm_creates_rows_in_scope(client, world):
    client.force_login(world.office)
    rows = [
        ["南康区单位名单（2024年）"],  # a title row above the header
        HEADER,
        ["U-1", "唐江镇卫生院", "事业单位", "T-A", "唐江镇", "否"],
        ["U-2", "凤岗镇农技站", "public_institution", "凤岗镇人民政府", "360703101", "是"],
        [None, None, None, None, None, None],
    ]
    response = upload(client, "/org/units/import/", rows)
    page = response.content.decode()
    assert response.status_code == 200, page
    assert "新增 2 条" in page
    assert not Unit.objects.filter(code__in=["U-1", "U-2"]).exists()  # preview writes nothing
    token = response.context["token"]
    response = client.post("/org/units/import/", {"confirm": token})
    assert response.status_code == 302
    first, second = Unit.objects.get(code="U-1"), Unit.objects.get(code="U-2")
    assert (first.parent, first.region.code, first.kind, first.is_accountable) == (
        world.unit_a,
        "360703100",
        "public_institution",
        False,
    )
    assert (second.parent, second.is_accountable) == (world.unit_b, True)
    assert first.history.latest().history_change_reason == "Excel 导入：单位.xlsx"
    assert first.history.latest().history_user == world.office

    # the same file again changes nothing
    history = Unit.history.count()
    response = upload(client, "/org/units/import/", rows)
    assert "新增 0 条，更新 0 条，未变 2 条" in response.content.decode()
    client.post("/org/units/import/", {"confirm": response.context["token"]})
    assert Unit.history.count() == history


def test_errors_name_row_and_column_and_nothing_is_saved(client, world):
    client.force_login(world.office)
    rows = [
        HEADER,
        ["U-3", "好单位", "事业单位", "T-A", "唐江镇", "否"],
        ["U-4", "坏单位", "不存在的类型", "没有这个单位", "唐江镇", "否"],
    ]
    response = upload(client, "/org/units/import/", rows)
    errors = response.context["result"].errors
    assert response.status_code == 400
    assert "第 3 行 第 C 列（单位类型）：选择一个有效的选项。 不存在的类型 不在可用的选项中。" in errors
    assert "第 3 行 第 D 列（上级）：找不到单位“没有这个单位”（或不在您的授权范围内）。" in errors
    assert response.context["token"] == ""
    assert not Unit.objects.filter(code__in=["U-3", "U-4"]).exists()


def test_out_of_scope_rows_are_refused(client, world):
    client.force_login(world.reporter_a)  # unit_reporter may add people in township A only
    rows = [["姓名", "所在单位", "职务"], ["新人甲", "T-A", "科员"], ["新人乙", "T-B", "科员"]]
    response = upload(client, "/org/people/import/", rows)
    assert response.status_code == 400
    assert response.context["result"].errors == [
        "第 3 行 第 B 列（所在单位）：找不到单位“T-B”（或不在您的授权范围内）。"
    ]
    assert not Person.objects.filter(name__in=["新人甲", "新人乙"]).exists()


def test_existing_row_is_updated_by_its_key(client, world):
    client.force_login(world.office)
    rows = [
        ["姓名", "所在单位", "职务", "联系电话"],
        ["甲镇联络员", "唐江镇人民政府", "办公室主任", "0797-8888888"],
    ]
    response = upload(client, "/org/people/import/", rows)
    assert "更新 1 条" in response.content.decode()
    client.post("/org/people/import/", {"confirm": response.context["token"]})
    world.person_a.refresh_from_db()
    assert (world.person_a.title, world.person_a.phone) == ("办公室主任", "0797-8888888")


def test_export_reimports_unchanged(client, world):
    client.force_login(world.office)
    export = client.get("/org/people/", {"export": "xlsx"})
    response = client.post("/org/people/import/", {"file": SimpleUploadedFile("人员.xlsx", export.content)})
    result = response.context["result"]
    assert result.ok, result.errors
    assert result.summary()["unchanged"] == Person.objects.restrict(world.office, "view").count()


def test_hostile_file_gets_a_clear_message(client, world):
    client.force_login(world.office)
    response = client.post("/org/units/import/", {"file": SimpleUploadedFile("单位.xlsx", b"not a zip file")})
    assert response.status_code == 400
    assert "不是有效的 Excel 文件" in response.context["spreadsheet_error"]
    response = client.post("/org/units/import/", {"file": SimpleUploadedFile("单位.doc", b"x")})
    assert response.status_code == 400
    assert "不支持的文件类型：.doc" in response.content.decode()


def test_missing_header_row(client, world):
    client.force_login(world.office)
    response = upload(client, "/org/units/import/", [["甲", "乙"], [1, 2]])
    assert response.status_code == 400
    assert response.context["result"].errors[0].startswith("没有找到列名行")


def test_a_change_is_told_from_related_rows_in_any_order_and_from_lists_in_order(world):
    from types import SimpleNamespace

    from core.imports import differs

    def form(original, cleaned):
        return SimpleNamespace(original_values=original, cleaned_data=cleaned)

    units = [world.unit_a, world.unit_b]
    assert not differs(form({"units": units}, {"units": Unit.objects.filter(pk__in=[u.pk for u in units])}))
    assert not differs(form({"units": units}, {"units": list(reversed(units))}))
    assert differs(form({"units": units}, {"units": [world.unit_a]}))
    rows = [{"month": 1, "amount": "10"}, {"month": 2, "amount": "20"}]
    assert not differs(form({"plan": rows}, {"plan": [dict(row) for row in rows]}))
    assert differs(form({"plan": rows}, {"plan": list(reversed(rows))}))
    assert differs(form({"months": [1, 2, 3]}, {"months": [3, 2, 1]}))
