"""Every model's list/detail/changelog/create/edit/delete/export/import pages and API endpoints, as
anonymous, no role, in scope and out of scope. Out of scope is 404 and changes nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import NoReverseMatch, resolve, reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tests.cases import CASES

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def url(case, action, obj=None):
    model = case.model
    name = f"{model._meta.app_label}:{model._meta.model_name}_{action}"
    return reverse(name, kwargs={"pk": obj.pk} if obj is not None else None)


def snapshot():
    """Row counts of every business table and its history table."""
    counts = {}
    for case in CASES:
        model = case.model
        counts[case.label] = model._default_manager.count()
        counts[f"{case.label}:history"] = model.history.model.objects.count()
    return counts


def form_data(obj, form_class, **changes):
    data = {}
    for name, value in model_to_dict(obj, fields=list(form_class.base_fields)).items():
        if isinstance(value, bool):
            value = "on" if value else ""
        elif isinstance(value, list):
            value = [getattr(item, "pk", item) for item in value]
        elif value is None:
            value = ""
        elif isinstance(value, models.Model):
            value = value.pk
        data[name] = value
    data.update(changes)
    return data


def list_params(obj):
    """Query for a list page that shows `obj` on its first page even in long reference lists."""
    params = {"per_page": 200}
    if hasattr(obj, "code"):
        params["q"] = obj.code
    return params


def admin_export(case, obj):
    from org.models import User

    admin = User.objects.create(username=f"admin-{obj.pk}-{case.model._meta.model_name}", is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client.get(url(case, "list"), {**list_params(obj), "export": "xlsx"}).content


def edit_form_class(case, obj):
    return resolve(url(case, "edit", obj)).func.view_class.form


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def api_list(client_api, prefix):
    """Every row the API lists, following `next` (pages carry no total)."""
    rows, url = [], f"http://testserver{prefix}?page_size=500"
    while url:
        page = client_api.get(url).json()
        rows += page["results"]
        url = page["next"]
    return rows


def edit_value(case, world):
    field, value = case.edit
    return field, value(world) if callable(value) else value


def assert_no_write_pages(case, obj, client):
    """A read-only model (rows written only by services) has no add/edit/delete/import pages."""
    for action, target in (("add", None), ("import", None), ("edit", obj), ("delete", obj)):
        with pytest.raises(NoReverseMatch):
            url(case, action, target)
    for path in (
        url(case, "list") + "add/",
        url(case, "list") + "import/",
        url(case, "detail", obj) + "edit/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(url(case, "detail", obj) + "delete/").status_code == 404


ids = [case.label for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_anonymous_is_sent_to_login_and_changes_nothing(case, world, client):
    obj = case.make(world, "a")
    before = snapshot()
    assert client.get(url(case, "list")).status_code == 302
    assert client.get(url(case, "detail", obj))["Location"].startswith("/login/")
    if not case.read_only:
        assert client.post(url(case, "delete", obj)).status_code == 302
    form, payload = case.create(world, "a")
    before = snapshot()
    if not case.read_only:
        assert client.post(url(case, "add"), form).status_code == 302
    assert api().get(case.api_prefix).status_code in (401, 403)
    assert api().delete(f"{case.api_prefix}{obj.pk}/").status_code in (401, 403)
    assert api().post(case.api_prefix, payload, format="json").status_code in (401, 403)
    assert snapshot() == before
    assert case.model._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_user_without_role_gets_nothing_and_changes_nothing(case, world, client):
    obj = case.make(world, "a")
    form, payload = case.create(world, "a")
    before = snapshot()
    client.force_login(world.no_role)
    public = case.model.scope.public_view
    assert client.get(url(case, "list")).status_code == (200 if public else 403)
    assert client.get(url(case, "detail", obj)).status_code == (200 if public else 404)
    assert client.get(url(case, "list") + "?export=xlsx").status_code == (200 if public else 403)
    if not case.read_only:
        edit_form = form_data(obj, edit_form_class(case, obj))
        assert client.post(url(case, "edit", obj), edit_form).status_code == 404
        assert client.post(url(case, "delete", obj)).status_code == 404
        assert client.post(url(case, "add"), form).status_code == 403
    if case.has_import:
        assert client.get(url(case, "import")).status_code == 403
    client_api = api(world.no_role)
    assert client_api.get(case.api_prefix).status_code == (200 if public else 403)
    assert client_api.get(f"{case.api_prefix}{obj.pk}/").status_code == (200 if public else 403)
    assert client_api.patch(f"{case.api_prefix}{obj.pk}/", {}, format="json").status_code == 403
    assert client_api.delete(f"{case.api_prefix}{obj.pk}/").status_code == 403
    assert client_api.post(case.api_prefix, payload, format="json").status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_in_scope_user_can_do_everything(case, world, client):
    user = world.scoped
    client.force_login(user)
    obj = case.make(world, "a")
    visible = case.model._default_manager.all().restrict(user, "view").count()

    listing = client.get(url(case, "list"), list_params(obj))
    assert listing.status_code == 200
    assert url(case, "detail", obj) in listing.content.decode()
    export = client.get(url(case, "list"), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"] == XLSX
    assert load_workbook(io.BytesIO(export.content)).active.max_row == visible + 1
    assert client.get(url(case, "detail", obj)).status_code == 200
    assert "新建" in client.get(url(case, "changelog", obj)).content.decode()
    if case.has_import:
        assert client.get(url(case, "import")).status_code == 200
        # what the list exports imports again unchanged
        exported = client.get(url(case, "list"), {**list_params(obj), "export": "xlsx"}).content
        response = client.post(url(case, "import"), {"file": SimpleUploadedFile("export.xlsx", exported)})
        result = response.context["result"]
        assert result.ok, result.errors
        assert result.summary()["unchanged"] >= 1 and result.summary()["created"] == 0

    if case.read_only:
        _form, payload = case.create(world, "a")
        before = snapshot()
        assert_no_write_pages(case, obj, client)
        client_api = api(user)
        assert client_api.get(f"{case.api_prefix}{obj.pk}/").status_code == 200
        assert len(api_list(client_api, case.api_prefix)) == visible
        if not case.api_create:
            assert client_api.post(case.api_prefix, payload, format="json").status_code == 405
        for method in (client_api.put,) if case.api_fill else (client_api.put, client_api.patch):
            assert method(f"{case.api_prefix}{obj.pk}/", payload, format="json").status_code == 405
        assert client_api.delete(f"{case.api_prefix}{obj.pk}/").status_code == 405
        assert snapshot() == before
        if case.api_fill:
            history_before = obj.history.count()
            assert client_api.patch(f"{case.api_prefix}{obj.pk}/", {}, format="json").status_code == 200
            latest = obj.history.latest()
            assert obj.history.count() == history_before + 1 and latest.history_user == user
        if case.api_create:
            created = client_api.post(case.api_prefix, payload, format="json")
            assert created.status_code == 201, created.content
            record = case.model.history.get(id=created.json()["id"])
            assert (record.history_type, record.history_user) == ("+", user)
        return

    # edit through the form: saved, recorded with actor and request id
    field, value = edit_value(case, world)
    history_before = obj.history.count()
    response = client.post(
        url(case, "edit", obj), form_data(obj, edit_form_class(case, obj), **{field: value})
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    obj.refresh_from_db()
    stored = getattr(obj, field)
    assert getattr(stored, "pk", stored) == value
    assert obj.history.count() == history_before + 1
    latest = obj.history.latest()
    assert latest.history_user == user and latest.history_type == "~" and latest.request_id

    # create through the form
    form, _payload = case.create(world, "a")
    count = case.model._default_manager.count()
    response = client.post(url(case, "add"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert case.model._default_manager.count() == count + 1

    # the API: read, change, create, delete
    client_api = api(user)
    assert client_api.get(f"{case.api_prefix}{obj.pk}/").status_code == 200
    listed = {row["id"] for row in api_list(client_api, case.api_prefix)}
    in_scope = case.model._default_manager.all().restrict(user, "view").values_list("pk", flat=True)
    assert listed == set(in_scope)
    created = client_api.post(case.api_prefix, case.create(world, "a")[1], format="json")
    assert created.status_code == 201, created.content
    new_pk = created.json()["id"]
    patched = client_api.patch(f"{case.api_prefix}{new_pk}/", {}, format="json")
    assert patched.status_code == 200
    assert client_api.delete(f"{case.api_prefix}{new_pk}/").status_code == 204
    assert not case.model._default_manager.filter(pk=new_pk).exists()
    deleted = case.model.history.filter(id=new_pk, history_type="-").get()
    assert deleted.history_user == user

    # delete through the page
    victim = case.make(world, "a")
    assert client.post(url(case, "delete", victim)).status_code == 302
    assert not case.model._default_manager.filter(pk=victim.pk).exists()


@pytest.mark.parametrize(
    "case", [case for case in CASES if case.scoped], ids=[c.label for c in CASES if c.scoped]
)
def test_out_of_scope_is_not_found_and_changes_nothing(case, world, client):
    user = world.scoped
    client.force_login(user)
    obj = case.make(world, "b")
    form, payload = case.create(world, "b")
    exported = admin_export(case, obj) if case.has_import else b""
    before = snapshot()

    # Reference data every signed-in user may read (public_view) is visible but not changeable.
    public = case.model.scope.public_view
    listing = client.get(url(case, "list"), list_params(obj)).content.decode()
    assert (url(case, "detail", obj) in listing) == public
    export = client.get(url(case, "list"), {"export": "xlsx"})
    visible = case.model._default_manager.all().restrict(user, "view").count()
    assert load_workbook(io.BytesIO(export.content)).active.max_row == visible + 1
    assert case.model._default_manager.all().restrict(user, "view").filter(pk=obj.pk).exists() == public
    for action in ("detail", "changelog"):
        assert client.get(url(case, action, obj)).status_code == (200 if public else 404), action
    if case.read_only:
        assert_no_write_pages(case, obj, client)
    else:
        for action in ("edit", "delete"):
            assert client.get(url(case, action, obj)).status_code == 404, action
        field, value = edit_value(case, world)
        assert (
            client.post(
                url(case, "edit", obj), form_data(obj, edit_form_class(case, obj), **{field: value})
            ).status_code
            == 404
        )
        assert client.post(url(case, "delete", obj)).status_code == 404
        response = client.post(url(case, "add"), form)
        assert response.status_code == 400

    client_api = api(user)
    # A read-only endpoint refuses the method itself (405) before looking for the row.
    refused = (405,) if case.read_only else (404,)
    assert client_api.get(f"{case.api_prefix}{obj.pk}/").status_code == (200 if public else 404)
    patch_refused = (404,) if case.api_fill else refused
    assert client_api.patch(f"{case.api_prefix}{obj.pk}/", {}, format="json").status_code in patch_refused
    assert client_api.delete(f"{case.api_prefix}{obj.pk}/").status_code in refused
    assert client_api.post(case.api_prefix, payload, format="json").status_code in (
        (405,) if case.read_only else (400, 404)
    )
    if case.has_import:
        # a sheet naming the out-of-scope row (exported by an administrator) is refused whole
        response = client.post(url(case, "import"), {"file": SimpleUploadedFile("export.xlsx", exported)})
        assert response.status_code == 400
        assert response.context["result"].errors
    assert snapshot() == before
