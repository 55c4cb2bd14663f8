"""Default roles: created once, left as offices edit them, and topped up once when an upgrade adds an app."""

import pytest
from django.contrib.auth.models import Permission

from org.models import Role
from org.services import DEFAULT_ROLES, ensure_default_roles

pytestmark = pytest.mark.django_db


def codes(role):
    return set(role.permissions.values_list("content_type__app_label", "codename"))


def test_an_upgrade_adds_a_new_apps_default_permissions_once_and_keeps_the_offices_edits(db):
    office = Role.objects.get(code="office_admin")
    assert "dispatch" in office.default_apps
    # As a role made before the dispatch app existed, which the office has since edited.
    office.permissions.remove(*Permission.objects.filter(content_type__app_label="dispatch"))
    office.permissions.remove(Permission.objects.get(codename="delete_project"))
    applied = list(office.default_apps)
    office.default_apps = [app for app in applied if app != "dispatch"]
    office.save()

    ensure_default_roles()
    office.refresh_from_db()
    assert ("dispatch", "review_progressreport") in codes(office)
    assert ("dispatch", "add_cadence") in codes(office)
    assert ("projects", "delete_project") not in codes(office)  # the office's edit stands
    assert office.default_apps == applied
    assert office.history.first().history_change_reason.startswith("升级：授予新模块默认权限（dispatch）")

    # Taking dispatch away again is the office's choice: a later run does not undo it.
    office.permissions.remove(*Permission.objects.filter(content_type__app_label="dispatch"))
    ensure_default_roles()
    assert not {app for app, _ in codes(office)} & {"dispatch"}


def test_every_default_role_records_the_apps_it_was_given(db):
    for code, (_, _, spec) in DEFAULT_ROLES.items():
        role = Role.objects.get(code=code)
        assert role.default_apps == sorted({label.split(".")[0] for label in spec})
        assert {app for app, _ in codes(role)} <= set(role.default_apps)
