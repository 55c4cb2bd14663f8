"""The demo loaded once per test module (it takes seconds; two dozen tests read it).

The load runs inside a transaction held open for the whole module and rolled back at its end, the
way Django's TestCase.setUpTestData works: each test still runs in its own savepoint (pytest-django's
`db`), so a test that changes the demo changes it for itself only, and nothing leaks into the next
module on the same worker.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """What `tiaodu demo` printed; the demo stays loaded until the module ends."""
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
        try:
            out = StringIO()
            call_command("demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)
