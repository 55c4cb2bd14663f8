"""Reads of the matters engine: the working calendar, lights, clocks, overdue matters (now and as they
stood on a past date), counts per project for the warning lights, the board by node, my matters.

"Overdue on date D" is read from the timeline, not from the matter's current fields: every change of
deadline, node and level is a `MatterEvent` with the date it took effect, so a matter closed after D
still counts as open on D, and an extension approved after D does not move D's deadline.
"""

import datetime
import threading
import time
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.signals import post_delete, post_save

from core.workdays import WorkingCalendar

from . import access
from .choices import LEVEL_ORDER, NODE_ORDER, EscalationLevel, ExtensionStatus, Light, Node
from .models import Matter, MatterEvent, MatterPause, WorkdayOverride

# Other worker processes do not see this process's signals; they pick up the office's new overrides
# within this many seconds.
CALENDAR_TTL_SECONDS = 60
_calendar_lock = threading.Lock()
_calendar_cache = {"calendar": None, "expires": 0.0}


def working_calendar():
    """The county's working calendar: the holiday library plus the office's `WorkdayOverride` rows.

    Built once and cached; saving or deleting an override clears the cache of this process, other
    processes rebuild within CALENDAR_TTL_SECONDS."""
    now = time.monotonic()
    calendar = _calendar_cache["calendar"]
    if calendar is not None and now < _calendar_cache["expires"]:
        return calendar
    with _calendar_lock:
        overrides = dict(WorkdayOverride.objects.values_list("date", "is_working_day"))
        calendar = WorkingCalendar(overrides=overrides)
        _calendar_cache.update(calendar=calendar, expires=now + CALENDAR_TTL_SECONDS)
    return calendar


def forget_working_calendar(**kwargs):
    """An override was saved or deleted: the next `working_calendar()` reads them again."""
    _calendar_cache.update(calendar=None, expires=0.0)


for _signal, _name in ((post_save, "save"), (post_delete, "delete")):
    _signal.connect(forget_working_calendar, sender=WorkdayOverride, dispatch_uid=f"matters_calendar_{_name}")


# Lights and clocks ------------------------------------------------------------------------------


def _clock_day(matter, today):
    # While the clock stands still (waiting on the requester) the light stays as it was when it stopped.
    if matter.paused_since is not None and matter.paused_since < today:
        return matter.paused_since
    return today


def matter_light(matter, *, today, calendar=None):
    """The light of an open matter on `today`: red after its deadline, yellow within the kind's yellow
    window (working days left ≤ `yellow_window_days`, the deadline day itself being 0), else green.
    A closed matter has no light (None)."""
    if matter.node == Node.CLOSED:
        return None
    calendar = calendar or working_calendar()
    day = _clock_day(matter, today)
    if day > matter.deadline:
        return Light.RED
    if calendar.working_days_remaining(matter.deadline, day) <= matter.kind.yellow_window_days:
        return Light.YELLOW
    return Light.GREEN


@dataclass(frozen=True)
class ClockState:
    """One clock of a matter: its deadline (None while paused with the deadline not yet known), the
    date its end node was reached (None if not yet), its state — met / missed (reached on or after the
    deadline day: on time / late), running, overdue, paused — and the working days left (negative when
    overdue; None once reached or while undetermined)."""

    code: str
    name: str
    days: int
    ends_at: str
    deadline: datetime.date | None
    reached_on: datetime.date | None
    state: str
    remaining: int | None

    STATE_LABELS = {
        "met": "按时完成",
        "missed": "超时完成",
        "running": "计时中",
        "overdue": "已超期",
        "paused": "暂停计时",
    }

    @property
    def state_label(self):
        return self.STATE_LABELS[self.state]


def _reached_on(events, node):
    position = NODE_ORDER.index(node)
    days = [
        event.effective_on
        for event in events
        if event.to_node and NODE_ORDER.index(event.to_node) >= position
    ]
    return min(days, default=None)


def deadline_state(matter, *, today, calendar=None):
    """Every clock of the matter's kind on `today` (see `ClockState`). The 办结 clock is the matter's
    deadline (extensions and pauses included); the others run from the opening date over the kind's
    working days, stopped during pauses."""
    calendar = calendar or working_calendar()
    events = list(matter.events.order_by("effective_on", "id"))
    pauses = [(pause.started_on, pause.ended_on) for pause in matter.pauses.all()]
    states = []
    for clock in matter.kind.clocks:
        if clock["ends_at"] == Node.CLOSED:
            deadline = matter.deadline
        else:
            deadline = calendar.add_working_days_paused(matter.opened_on, clock["days"], pauses)
        reached_on = _reached_on(events, clock["ends_at"])
        if reached_on is not None:
            state = "met" if deadline is None or reached_on <= deadline else "missed"
            remaining = None
        elif deadline is None:
            state, remaining = "paused", None
        else:
            day = _clock_day(matter, today)
            remaining = calendar.working_days_remaining(deadline, day)
            if day > deadline:
                state = "overdue"
            else:
                state = "paused" if matter.paused_since is not None else "running"
        states.append(
            ClockState(
                clock["code"],
                clock["name"],
                clock["days"],
                clock["ends_at"],
                deadline,
                reached_on,
                state,
                remaining,
            )
        )
    return states


# Overdue matters --------------------------------------------------------------------------------


def matters_as_of(as_of, queryset=None):
    """Matters opened by `as_of`, with `deadline_then`, `node_then` and `level_then` — the deadline,
    node and escalation level as recorded on that date — and `paused_then` (the clock stood still)."""
    queryset = Matter.objects.all() if queryset is None else queryset
    events = MatterEvent.objects.filter(matter=OuterRef("pk"), effective_on__lte=as_of).order_by(
        "-effective_on", "-id"
    )
    paused = MatterPause.objects.filter(matter=OuterRef("pk"), started_on__lte=as_of).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=as_of)
    )
    return queryset.filter(opened_on__lte=as_of).annotate(
        deadline_then=Subquery(events.filter(deadline__isnull=False).values("deadline")[:1]),
        node_then=Subquery(events.exclude(to_node="").values("to_node")[:1]),
        level_then=Subquery(events.exclude(to_level="").values("to_level")[:1]),
        paused_then=Exists(paused),
    )


def overdue_matters(as_of, queryset=None):
    """Matters that were open, not paused and past their deadline on `as_of`, as records stood then
    (a matter closed later still counts; an extension approved later does not move that day's
    deadline). Annotated as in `matters_as_of`; ordered by deadline then code.

    Cheap filters come first: a matter closed on or before `as_of` and still closed was closed all
    along since, and no deadline is ever earlier than the original one (extensions and pauses only
    move it later), so only matters whose original deadline had passed need their timeline read."""
    queryset = Matter.objects.all() if queryset is None else queryset
    narrowed = queryset.filter(original_deadline__lt=as_of).exclude(closed_on__lte=as_of)
    return (
        matters_as_of(as_of, narrowed)
        .filter(deadline_then__lt=as_of, paused_then=False)
        .exclude(node_then=Node.CLOSED)
        .order_by("deadline_then", "code")
    )


def overdue_counts_by_project(as_of, project_ids=None):
    """{project id: number of its matters overdue on `as_of`} (see `overdue_matters`), in one query.
    Projects without an overdue matter are left out (read a missing key as 0)."""
    queryset = Matter.objects.filter(project__isnull=False)
    if project_ids is not None:
        queryset = queryset.filter(project_id__in=list(project_ids))
    rows = (
        overdue_matters(as_of, queryset)
        .order_by()
        .values("project_id")
        .annotate(count=Count("pk"))
        .values_list("project_id", "count")
    )
    return dict(rows)


@dataclass(frozen=True)
class OverdueRow:
    """One line of the overdue list (`tiaodu matters overdue`, the 超期事项 page)."""

    matter: Matter
    deadline: datetime.date
    working_days_overdue: int
    level: str

    @property
    def level_label(self):
        return EscalationLevel(self.level).label if self.level else ""


def overdue_rows(as_of, queryset=None, *, calendar=None):
    """`overdue_matters(as_of)` as `OverdueRow`s, with the working days overdue on `as_of` (days in
    (deadline, as_of]; 0 when the deadline passed over a weekend or holiday only)."""
    calendar = calendar or working_calendar()
    matters = overdue_matters(as_of, queryset).select_related("kind", "project", "lead_unit")
    return [
        OverdueRow(
            matter,
            matter.deadline_then,
            calendar.working_days_between(matter.deadline_then, as_of),
            matter.level_then or EscalationLevel.UNIT,
        )
        for matter in matters
    ]


# Board and my matters ---------------------------------------------------------------------------


def board_counts(queryset):
    """{node: number of matters} over `queryset` for every node (0 where none), in one query."""
    counts = dict(queryset.order_by().values("node").annotate(count=Count("pk")).values_list("node", "count"))
    return {node: counts.get(node, 0) for node in Node}


def my_matters(user):
    """The open matters that are the user's own business: those the user is the responsible person or
    leader of, and those led by or cooperated on by the unit the user's person works in — within the
    user's view scope, nearest deadline first."""
    matters = Matter.objects.restrict(user, "view").exclude(node=Node.CLOSED)
    if not user.is_authenticated or not user.person_id:
        return matters.none()
    person = user.person
    mine = (
        Q(responsible_person_id=person.pk)
        | Q(responsible_leader__person_id=person.pk)
        | Q(lead_unit_id=person.unit_id)
        | Q(pk__in=Matter.objects.filter(cooperating_units=person.unit_id).values("pk"))
    )
    return matters.filter(mine).order_by("deadline", "code")


def next_node(matter):
    """The node the matter moves to next in its kind's flow (None once closed)."""
    return matter.kind.next_node(matter.node)


# Action name → the service that performs it, for the pages' buttons.
ACTIONS = (
    "sign",
    "start_handling",
    "submit_feedback",
    "review",
    "close",
    "reopen",
    "edit",
    "request_extension",
    "decide_extension",
    "escalate",
    "pause",
    "resume",
    "add_attachment",
    "comment",
)


def allowed_actions(matter, user):
    """The actions `user` may take on `matter` now (names of ACTIONS), so pages show only the buttons
    that will work. The services check the same again."""
    if not access.may_view(user, matter):
        return set()
    actions = {"comment"}
    office = access.is_office(user, matter)
    lead = access.is_lead_unit_user(user, matter)
    if matter.node == Node.CLOSED:
        return actions | ({"reopen"} if office else set())
    step = next_node(matter)
    for action, node, allowed in (
        ("sign", Node.SIGNED, lead),
        ("start_handling", Node.HANDLING, lead),
        ("submit_feedback", Node.FEEDBACK, lead),
        ("review", Node.REVIEW, office),
        ("close", Node.CLOSED, office),
    ):
        if step == node and allowed:
            actions.add(action)
    if office:
        actions.add("edit")
        if matter.escalation_level != LEVEL_ORDER[-1]:
            actions.add("escalate")
    if lead or office:
        actions.add("add_attachment")
        if matter.kind.is_pausable:
            actions.add("resume" if matter.paused_since else "pause")
    pending = matter.extension_requests.filter(status=ExtensionStatus.PENDING).exists()
    if lead and not pending:
        actions.add("request_extension")
    if pending and access.may_decide_extension(user, matter):
        actions.add("decide_extension")
    return actions
