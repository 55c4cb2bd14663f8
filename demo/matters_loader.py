"""Loading Nankang's closed loop (问题协调) for the ten demo weeks, through the matters services.

Each approved demo report whose "存在问题" names a blocker raises its project issues as
`dispatch.services.approve_report` would have (`matters.services.raise_matters_from_report`, on the
day of the approval). The office then reassigns each issue to the department that can solve it (the
blocker's text decides: 林地 → 区林业局 with 区自然资源局, 招工 → 区人社局 …), and the issues move on
through 签收 → 办理 → 反馈 → 复核 → 销号 at invented but plausible working-day paces: most solved with an
evidence file, some returned once at 复核, some given an extension, the rest still open on the last
demo day, where the overdue ones climb the escalation ladder by rule (`escalate_overdue_matters`).
Everything goes through the services, with `on` dates in the past, so the timeline, history and
deadlines are what the product would have recorded. Loaded once: a demo that already has matters
is left as it is.
"""

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from core.history import history_context
from dispatch.choices import ReportStatus
from dispatch.models import ProgressReport
from matters import services
from matters.choices import Category
from matters.models import Matter, MatterAttachment, MatterEvent
from matters.selectors import working_calendar
from org.models import Unit, User

from . import data as org_data
from . import dispatch_data

MATTERS_MODELS = (Matter, MatterEvent, MatterAttachment)
REASON = "演示数据（问题协调）"
AS_OF = dispatch_data.LAST_DAY + datetime.timedelta(days=1)  # the Monday after week 10: the demo's "today"
# What each demo blocker is about and which department leads (and helps) solving it.
ROUTES = (
    ("用电", Category.ENERGY, "区工信局", ()),
    ("林地", Category.LAND, "区林业局", ("区自然资源局",)),
    ("工人", Category.LABOUR, "区人社局", ()),
    ("道路", Category.PLANNING, "区交通运输局", ("区住建局",)),
    ("环评", Category.ENVIRONMENT, "区生态环境局", ()),
)


def load_matters(result):
    """The project issues raised by the demo weeks' reports, and how far each got by the last day."""
    if Matter.objects.filter(is_synthetic=True).exists():
        return
    office = User.objects.filter(username=org_data.PERSONAS["office"].username).first()
    units = {
        unit.short_name: unit
        for unit in Unit.objects.filter(region__code=org_data.NANKANG_REGION).exclude(short_name="")
    }
    reports = (
        ProgressReport.objects.filter(status=ReportStatus.APPROVED, is_synthetic=True)
        .exclude(blockers="")
        .select_related("round", "project")
        .order_by("reviewed_at", "pk")
    )
    calendar = working_calendar()
    raised, pending = [], []  # pending: (day, order, matter, step) — every step in date order
    with history_context(actor=None, reason=REASON):
        for report in reports:
            day = report.reviewed_at.date()
            # Steps of earlier days first: a repeated blocker is raised again once its issue is closed.
            pending.sort(key=lambda item: (item[0], item[1]))
            while pending and pending[0][0] < day:
                _, _, matter, step = pending.pop(0)
                _run(matter, step)
            for matter in services.raise_matters_from_report(report, actor=None, on=day):
                raised.append(matter)
                _route(matter, units, office)
                pending += [(on, len(raised), matter, step) for on, step in _plan(matter, office, calendar)]
        for _, _, matter, step in sorted(pending, key=lambda item: (item[0], item[1])):
            _run(matter, step)
        escalated = services.escalate_overdue_matters(AS_OF, actor=None)
    result.created[Matter] += len(raised)
    result.created[MatterEvent] += MatterEvent.objects.filter(matter__in=raised).count()
    result.created[MatterAttachment] += MatterAttachment.objects.filter(matter__in=raised).count()
    return escalated


def _route(matter, units, office):
    for keyword, category, lead, helpers in ROUTES:
        if keyword in matter.description and lead in units:
            services.update_matter(
                matter,
                actor=office,
                on=matter.opened_on,
                category=category,
                lead_unit=units[lead],
                cooperating_units=[units[name] for name in helpers if name in units],
                solution=f"由{lead}牵头协调解决，{dispatch_data.MATTER_SOLUTION}",
                comment="按问题性质转交主管部门牵头办理。",
            )
            return


def _run(matter, step):
    action, on, options = step
    matter.refresh_from_db()
    action(matter, on=on, **options)


def _plan(matter, office, calendar):
    """The steps that move `matter` on at its own pace, on working days up to the last demo day: each
    (day, (action, day, options)); an action takes the matter as it then stands."""
    rng = random.Random(matter.code)

    def after(days, start=matter.opened_on):
        return calendar.add_working_days(start, days)

    steps = [
        (after(1), services.sign_matter, {"actor": None}),
        (after(2), services.start_handling, {"actor": None}),
    ]
    fate = rng.random()
    if fate < 0.15:  # needs more time: asks for an extension, which the office grants
        steps.append((after(4), _extend, {"office": office, "calendar": calendar}))
    if fate < 0.7:  # solved: fed back, checked, closed with the evidence
        feedback = after(rng.randint(5, 11))
        steps.append((feedback, _feed_back, {}))
        review = {"actor": office, "passed": True}
        if rng.random() < 0.2:  # returned once at 复核, fed back again two days later
            returned = after(rng.randint(12, 13))
            comment = dispatch_data.MATTER_RETURN_COMMENT
            steps.append((returned, services.review_matter, review | {"passed": False, "comment": comment}))
            steps.append((after(2, returned), _feed_back, {}))
            review_day = after(3, returned)
        else:
            review_day = after(1, feedback)
        steps.append((review_day, services.review_matter, review))
        steps.append((after(1, review_day), _close, {"office": office}))
    return [(on, (action, on, options)) for on, action, options in steps if on <= AS_OF]


def _extend(matter, *, office, calendar, on):
    extension = services.request_extension(
        matter,
        actor=None,
        requested_deadline=calendar.add_working_days(matter.deadline, 10),
        reason=dispatch_data.MATTER_EXTENSION_REASON,
        on=on,
    )
    services.decide_extension(extension, actor=office, approve=True, comment="同意延期。", on=on)


def _feed_back(matter, *, on):
    services.submit_feedback(matter, actor=None, text=dispatch_data.MATTER_FEEDBACK, on=on)


def _close(matter, *, office, on):
    services.add_attachment(
        matter, actor=None, upload=_evidence(matter), description="办结情况说明（演示）", on=on
    )
    services.close_matter(matter, actor=office, comment="问题已解决，同意销号。", on=on)


def _evidence(matter):
    """A small picture standing in for the scanned 办结 note (synthetic: no real document)."""
    image = Image.new("RGB", (320, 180), "white")
    ImageDraw.Draw(image).text((12, 12), f"{matter.code} done", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(f"{matter.code}.png", buffer.getvalue(), content_type="image/png")


def matters_summary():
    """A line for the demo command: how many issues the weeks raised and where they stand."""
    from matters.selectors import overdue_matters

    matters = Matter.objects.filter(is_synthetic=True)
    total = matters.count()
    if not total:
        return []
    closed = matters.filter(closed_on__isnull=False).count()
    overdue = overdue_matters(AS_OF, queryset=matters).count()
    return [
        f"问题协调：调度报告转出问题 {total} 个，已销号 {closed} 个，截至 {AS_OF:%m月%d日} 逾期 {overdue} 个"
    ]
