"""Reads over the project library that are more than a filter."""

from django.db.models import OuterRef, Subquery, Sum

from .models import Project, StageTransition


def stages_on(date, projects=None):
    """{project id: stage} of every project (in `projects`) as it stood on `date`; projects not yet
    registered on that date are absent."""
    projects = Project.objects.all() if projects is None else projects
    latest = (
        StageTransition.objects.filter(project=OuterRef("pk"), effective_on__lte=date)
        .order_by("-effective_on", "-id")
        .values("to_stage")[:1]
    )
    rows = projects.annotate(stage_then=Subquery(latest)).filter(stage_then__isnull=False)
    return dict(rows.values_list("pk", "stage_then"))


def batch_totals(event):
    """(number of projects, total investment in 万元) of an event's batch."""
    totals = event.projects.aggregate(total=Sum("total_investment"))
    return event.projects.count(), totals["total"] or 0
