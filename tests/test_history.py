"""History is never optional: every business model is recorded, and the past can be read back."""

import datetime

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from core.history import changes_of, history_context
from tests.cases import CASES

pytestmark = pytest.mark.django_db

BUSINESS_APPS = ("org", "reference", "promotion", "projects", "dispatch", "matters", "lights")
# Business models written only through their services (templates, letters, 专报, map boundaries): their
# history is tested with those services (reports/tests, dashboard/tests), not through tests/cases.py.
SERVICE_APPS = ("reports", "dashboard")


def business_models(app_labels=BUSINESS_APPS):
    for app_label in app_labels:
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical") or model._meta.auto_created:
                continue
            yield model


def test_every_business_model_has_history_and_a_test_case():
    covered = {case.label for case in CASES}
    for model in business_models():
        assert hasattr(model, "history"), f"{model._meta.label} has no history"
        assert model._meta.label in covered, f"{model._meta.label} has no case in tests/cases.py"
    served = list(business_models(SERVICE_APPS))
    assert served
    for model in served:
        assert hasattr(model, "history"), f"{model._meta.label} has no history"


@pytest.mark.parametrize("case", CASES, ids=[case.label for case in CASES])
def test_create_update_delete_are_recorded_with_actor_reason_and_request_id(case, world):
    actor = world.office
    with history_context(actor=actor, reason="核对", request_id="req-123"):
        obj = case.make(world, "a")
        obj.save()
        pk = obj.pk
        obj.delete()
    records = case.model.history.filter(id=pk).order_by("history_id")
    assert [record.history_type for record in records] == ["+", "~", "-"]
    for record in records:
        assert record.history_user == actor
        assert record.request_id == "req-123"
        assert record.history_change_reason == "核对"


def test_web_request_records_the_signed_in_user_and_the_response_request_id(world):
    client = Client()
    client.force_login(world.office)
    response = client.post(
        f"/org/people/{world.person_a.pk}/edit/",
        {
            "name": world.person_a.name,
            "unit": world.unit_a.pk,
            "title": "副镇长",
            "phone": "",
            "is_active": "on",
        },
        HTTP_X_REQUEST_ID="abc-123",
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == "abc-123"
    latest = world.person_a.history.latest()
    assert (latest.history_user, latest.request_id, latest.title) == (world.office, "abc-123", "副镇长")
    assert changes_of(latest) == [("职务", "", "副镇长")]


def test_state_at_a_past_date_is_read_back(world):
    person = world.person_a
    first = person.history.latest()
    past = timezone.now() - datetime.timedelta(days=30)
    person.history.filter(pk=first.pk).update(history_date=past)
    person.title = "镇长"
    person.save()
    then = person.history.as_of(past + datetime.timedelta(days=1))
    assert then.title == ""
    assert person.history.as_of(timezone.now()).title == "镇长"
    people_then = {p.pk for p in type(person).history.as_of(past + datetime.timedelta(days=1))}
    assert person.pk in people_then and world.person_b.pk not in people_then


def test_changelog_tab_shows_who_changed_what(world):
    client = Client()
    client.force_login(world.office)
    with history_context(actor=world.office):
        world.unit_a.short_name = "唐江"
        world.unit_a.save()
    page = client.get(f"/org/units/{world.unit_a.pk}/changelog/").content.decode()
    assert "简称" in page and "唐江" in page and "office" in page


def test_role_permission_changes_are_recorded(world):
    from django.contrib.auth.models import Permission

    role = world.all_role
    before = role.history.count()
    with history_context(actor=world.office):
        role.permissions.remove(Permission.objects.get(codename="view_unit"))
    assert role.history.count() == before + 1
    latest = role.history.latest()
    assert "view_unit" not in {p.permission.codename for p in latest.permissions.all()}


def test_login_does_not_write_history(world):
    client = Client()
    before = world.office.history.count()
    assert client.post("/login/", {"username": "office", "password": "persona-password-1"}).status_code == 302
    assert world.office.history.count() == before
