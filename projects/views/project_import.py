"""The project-list import page: the generic upload → preview → confirm flow, with the project
importer (header detection, units from headers, sections, totals rows) instead of a form per row."""

from dataclasses import dataclass

from core import views as generic

from ..importer import import_projects
from ..importer.headers import LABELS
from ..importer.summary import ACTION_LABELS
from ..models import Project


@dataclass
class PreviewRow:
    number: int
    action: str
    label: str
    errors: tuple = ()


class PreviewResult:
    """An ImportSummary seen through the attributes the generic import template reads."""

    def __init__(self, summary):
        self.import_summary = summary
        self.errors = [str(error) for error in summary.errors]
        self.ok = summary.ok
        self.committed = summary.committed
        self.rows = [
            PreviewRow(
                outcome.row,
                ACTION_LABELS.get(outcome.action, outcome.action),
                f"{outcome.code} {outcome.name}",
            )
            for outcome in summary.outcomes
        ]

    def summary(self):
        summary = self.import_summary
        return {
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "skipped": summary.skipped,
            "total_investment_yi": summary.total_investment_wan / 10000,
            "errors": self.errors,
            "committed": summary.committed,
        }


def default_region(user):
    """The region rows without a 所在区划 column belong to: the user's region grant, else their unit's."""
    grant = user.grants.filter(region__isnull=False).select_related("region").order_by("pk").first()
    if grant is not None:
        return grant.region
    person = getattr(user, "person", None)
    return person.unit.region if person is not None else None


class ProjectImportView(generic.ObjectImportView):
    queryset = Project.objects.all()

    def run(self, path, *, commit, filename=""):
        user = self.request.user
        summary = import_projects(
            str(path),
            actor=user,
            region=default_region(user),
            commit=commit,
            restrict_to=None if user.is_superuser else user,
            file_name=filename or None,
        )
        return PreviewResult(summary)

    def column_labels(self):
        return list(LABELS.values())
