"""What the import tests look at: the rows an import may write, values shown on one line, the command."""

import datetime
import io
from operator import attrgetter

from django.core.management import CommandError, call_command

from projects.importer import import_projects
from projects.models import AnnualPlan, Project, StageTransition

ON = datetime.date(2024, 3, 1)  # the registration date of imported projects in the tests
WRITTEN_MODELS = (Project, StageTransition, AnnualPlan)


def run(world, path, **options):
    """Import as the county project office, default region 南康区, registered on ON."""
    options = {"actor": world.office, "region": world.county, "on": ON, **options}
    return import_projects(path, **options)


def written():
    """Counts of the rows and history rows an import may write."""
    counts = {model.__name__: model.objects.count() for model in WRITTEN_MODELS}
    counts |= {f"history {model.__name__}": model.history.count() for model in WRITTEN_MODELS}
    counts["cooperating"] = Project.cooperating_units.through.objects.count()
    counts["history cooperating"] = Project.history.model.cooperating_units.model.objects.count()
    return counts


def nothing_written():
    return dict.fromkeys(written(), 0)


def shown(obj, names):
    """The values of `names` (space-separated, dotted paths allowed) of `obj` as text, "|"-separated:
    exact, and one line."""
    return "|".join(str(attrgetter(name)(obj)) for name in names.split())


def texts(summary):
    return [str(error) for error in summary.errors]


def call(*args):
    """`tiaodu import projects …`: (stdout, the CommandError raised or None)."""
    out = io.StringIO()
    try:
        call_command("import", "projects", *map(str, args), stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None
