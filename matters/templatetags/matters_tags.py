"""Template tags other apps' pages use to show matters (the progress report page lists the matters
raised from its blockers)."""

from django import template
from django.utils import timezone

from matters import selectors
from matters.filtersets import LIGHT_LABELS
from matters.models import Matter
from matters.views.boards import light_tone

register = template.Library()


@register.inclusion_tag("matters/report_matters.html", takes_context=True)
def report_matters(context, report):
    """The matters raised from `report`'s blockers that the signed-in user may see, by blocker line,
    with their node and light."""
    user = context["request"].user
    today = timezone.localdate()
    calendar = selectors.working_calendar()
    matters = list(
        Matter.objects.restrict(user, "view")
        .filter(source_report=report)
        .select_related("kind", "lead_unit")
        .order_by("source_line", "code")
    )
    for matter in matters:
        matter.light = selectors.matter_light(matter, today=today, calendar=calendar)
        matter.light_label = LIGHT_LABELS.get(matter.light, "")
        matter.light_tone = light_tone(matter.light)
    return {"matters": matters, "has_blockers": bool((report.blockers or "").strip())}
