"""The demo command on a database without the demo: an account it did not create, production."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from org.models import Role, Unit, User


def run_demo(*args):
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_an_account_the_demo_did_not_create_is_left_alone():
    real = User.objects.create_user("admin", password="the-real-one-9", is_superuser=True)

    output = run_demo()

    real.refresh_from_db()
    assert real.check_password("the-real-one-9") and not real.is_synthetic and real.person is None
    assert "未修改" in output


@pytest.mark.django_db
def test_refuses_to_run_in_production():
    with override_settings(PRODUCTION=True), pytest.raises(CommandError):
        run_demo()
    assert not Unit.objects.exists()
    assert Role.objects.filter(code="office_admin").exists()
