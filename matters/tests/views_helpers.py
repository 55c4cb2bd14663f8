"""Helpers shared by the matters page tests: the matter page and action URLs, the state an action may
change and the rows a refused one must leave, matters brought along the loop through the services,
each action as a service call and as a post, and the board fixture of lit matters."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from matters import services
from matters.choices import ExtensionStatus, Node
from matters.models import ExtensionRequest, Matter, MatterAttachment, MatterEvent, MatterPause
from matters.selectors import working_calendar

from .conftest import new_matter

D = datetime.date
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="交地确认书.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def page(matter):
    return reverse("matters:matter_detail", kwargs={"pk": matter.pk})


def action(matter, name):
    return reverse(f"matters:matter_{name}", kwargs={"pk": matter.pk})


def state(matter):
    """Everything an action may change, without the ids and codes that differ between two matters."""
    matter = Matter.objects.get(pk=matter.pk)
    events = [
        (e.kind, e.from_node, e.to_node, e.from_level, e.to_level, e.deadline, e.comment, e.actor_id)
        for e in matter.events.order_by("effective_on", "id")
    ]
    return {
        "fields": (
            matter.node,
            matter.deadline,
            matter.original_deadline,
            matter.escalation_level,
            matter.paused_since,
            matter.closed_on,
            matter.feedback,
        ),
        "events": events,
        "extensions": list(
            matter.extension_requests.order_by("id").values_list("requested_deadline", "status")
        ),
        "pauses": list(matter.pauses.order_by("id").values_list("started_on", "ended_on", "reason")),
        "attachments": list(
            matter.attachments.order_by("id").values_list("original_name", "file_type", "size", "description")
        ),
        "history": Matter.history.filter(id=matter.pk).count(),
    }


def snapshot(matter):
    """Rows a refused action must leave as they were."""
    row = Matter.objects.filter(pk=matter.pk).values().get()
    return (
        row,
        MatterEvent.objects.filter(matter_id=matter.pk).count(),
        ExtensionRequest.objects.filter(matter_id=matter.pk).count(),
        MatterPause.objects.filter(matter_id=matter.pk).count(),
        MatterAttachment.objects.filter(matter_id=matter.pk).count(),
        Matter.history.filter(id=matter.pk).count(),
    )


def moved(setup, matter, node):
    """Take `matter` along the loop to `node` through the services (the lead unit is township A)."""
    w = setup.world
    steps = [
        (Node.SIGNED, lambda: services.sign_matter(matter, actor=w.reporter_a)),
        (Node.HANDLING, lambda: services.start_handling(matter, actor=w.reporter_a)),
        (Node.FEEDBACK, lambda: services.submit_feedback(matter, actor=w.reporter_a, text="已完成交地。")),
        (Node.REVIEW, lambda: services.review_matter(matter, actor=w.office, passed=True)),
    ]
    order = [Node.ASSIGNED, *[node for node, _ in steps]]
    for step_node, step in steps:
        if order.index(step_node) <= order.index(node):
            step()
    return matter


# Each action: how to bring a matter to where the action applies, who acts, the service call and the
# same action posted from the matter page.
def _closed(setup, matter):
    moved(setup, matter, Node.REVIEW)
    services.add_attachment(matter, actor=setup.world.office, upload=pdf())
    services.close_matter(matter, actor=setup.world.office)


def _extension(setup, matter):
    services.request_extension(
        matter,
        actor=setup.world.reporter_a,
        requested_deadline=matter.deadline + datetime.timedelta(days=30),
        reason="征迁协议未签。",
    )


def _pending(matter):
    return matter.extension_requests.get(status=ExtensionStatus.PENDING)


ACTIONS = {
    "sign": (
        None,
        "reporter_a",
        lambda m, u: services.sign_matter(m, actor=u, comment="已签收，马上办理。"),
        {"sign-comment": "已签收，马上办理。"},
    ),
    "handle": (
        lambda s, m: moved(s, m, Node.SIGNED),
        "reporter_a",
        lambda m, u: services.start_handling(m, actor=u, comment=""),
        {"handle-comment": ""},
    ),
    "feedback": (
        lambda s, m: moved(s, m, Node.HANDLING),
        "reporter_a",
        lambda m, u: services.submit_feedback(m, actor=u, text="土地已挂牌出让。"),
        {"feedback-text": "土地已挂牌出让。"},
    ),
    "review-pass": (
        lambda s, m: moved(s, m, Node.FEEDBACK),
        "office",
        lambda m, u: services.review_matter(m, actor=u, passed=True, comment="情况属实。"),
        {"review-decision": "pass", "review-comment": "情况属实。"},
    ),
    "review-return": (
        lambda s, m: moved(s, m, Node.FEEDBACK),
        "office",
        lambda m, u: services.review_matter(m, actor=u, passed=False, comment="未附交地确认书。"),
        {"review-decision": "return", "review-comment": "未附交地确认书。"},
    ),
    "close": (
        lambda s, m: moved(s, m, Node.REVIEW),
        "office",
        lambda m, u: (
            services.add_attachment(m, actor=u, upload=pdf(), description="交地确认书"),
            services.close_matter(m, actor=u, comment="同意销号。"),
        ),
        lambda: {"close-files": pdf(), "close-description": "交地确认书", "close-comment": "同意销号。"},
    ),
    "reopen": (
        _closed,
        "office",
        lambda m, u: services.reopen_matter(m, actor=u, reason="企业反映仍未交地。", deadline=D(2030, 6, 28)),
        {"reopen-reason": "企业反映仍未交地。", "reopen-deadline": "2030-06-28"},
    ),
    "extend": (
        None,
        "reporter_a",
        lambda m, u: services.request_extension(
            m, actor=u, requested_deadline=D(2030, 4, 30), reason="征迁协议未签。"
        ),
        {"extension-requested_deadline": "2030-04-30", "extension-reason": "征迁协议未签。"},
    ),
    "decide-approve": (
        _extension,
        "office",
        lambda m, u: services.decide_extension(_pending(m), actor=u, approve=True, comment="同意。"),
        {"decide-decision": "approve", "decide-comment": "同意。"},
    ),
    "decide-reject": (
        _extension,
        "office",
        lambda m, u: services.decide_extension(_pending(m), actor=u, approve=False, comment="理由不充分。"),
        {"decide-decision": "reject", "decide-comment": "理由不充分。"},
    ),
    "escalate": (
        None,
        "office",
        lambda m, u: services.escalate_matter(m, actor=u, reason="多次协调未果。", to_level="task_force"),
        {"escalate-to_level": "task_force", "escalate-reason": "多次协调未果。"},
    ),
    "attach": (
        None,
        "reporter_a",
        lambda m, u: services.add_attachment(m, actor=u, upload=pdf(), description="现场照片说明"),
        lambda: {"attachment-files": pdf(), "attachment-description": "现场照片说明"},
    ),
    "comment": (
        None,
        "reporter_a",
        lambda m, u: services.add_comment(m, actor=u, text="已与企业对接。"),
        {"note-text": "已与企业对接。"},
    ),
}


def fresh_matter(setup, **values):
    # Opened today (so the deadline lies ahead) with an explicit deadline both twins share.
    today = timezone.localdate()
    return new_matter(setup, opened_on=today, deadline=D(2030, 3, 29), **values)


@pytest.fixture
def lit(setup):
    """Three open matters of township A — red, yellow and green today — one at 反馈, and one closed;
    one matter of township B; and an enterprise request led by the bureau."""
    today = timezone.localdate()
    calendar = working_calendar()
    opened = today - datetime.timedelta(days=60)
    red = new_matter(setup, title="红", opened_on=opened, deadline=today - datetime.timedelta(days=1))
    yellow = new_matter(setup, title="黄", opened_on=opened, deadline=calendar.add_working_days(today, 2))
    green = new_matter(setup, title="绿", opened_on=opened, deadline=calendar.add_working_days(today, 10))
    moved(setup, green, Node.FEEDBACK)
    closed = new_matter(setup, title="已销号", opened_on=opened, deadline=calendar.add_working_days(today, 5))
    _closed(setup, closed)
    other = new_matter(
        setup,
        title="乙镇",
        project=setup.other_project,
        lead_unit=setup.world.unit_b,
        opened_on=opened,
        deadline=today,
    )
    request = new_matter(
        setup,
        kind="enterprise_request",
        title="企业诉求",
        lead_unit=setup.bureau,
        category="approval",
        opened_on=opened,
        deadline=calendar.add_working_days(today, 20),
    )
    return {
        "red": red,
        "yellow": yellow,
        "green": green,
        "closed": closed,
        "other": other,
        "request": request,
    }
