"""The 生成提醒函 / 生成督办函 button on a project's or a matter's page
(`{% include "reports/letter_button.html" with subject=object kind="reminder_letter" %}`)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from reports import services
from reports.choices import DocumentKind
from reports.models import LetterIssue

register = template.Library()


@register.inclusion_tag("reports/letter_button_form.html", takes_context=True)
def letter_button(context, subject, kind):
    """Shown to users who may issue the letter about `subject`: the button, or why it is not possible
    now (a project not red, a matter not overdue); and a link to the letters already issued about it
    that the user may see."""
    request = context.get("request")
    user = getattr(request, "user", None)
    kind = DocumentKind(kind)
    if user is None or subject is None or not user.is_authenticated:
        return {"show": False}
    field = "project" if kind == DocumentKind.REMINDER_LETTER else "matter"
    issued = LetterIssue.objects.restrict(user, "view").filter(**{field: subject.pk}, kind=kind).count()
    may_issue = services.may_issue_letter(user, subject)
    return {
        "show": may_issue or issued > 0,
        "may_issue": may_issue,
        "refusal": services.letter_subject_error(subject) if may_issue else "",
        "label": f"生成{kind.label}",
        "kind_label": kind.label,
        "url": reverse("reports:letter_issue", kwargs={"kind": kind.value, "pk": subject.pk}),
        "issued": issued,
        "issued_url": reverse("reports:letterissue_list")
        + "?"
        + urlencode({"q": subject.code, "kind": kind}),
        "csrf_token": context.get("csrf_token"),
    }
