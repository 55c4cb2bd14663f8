"""One FilterSet per matters model, shared by the pages and the API; and the light of a matter as a
database condition, so a list, the board and the API can filter and sort 20,000 matters by light
without reading them into Python."""

import django_filters
from django import forms
from django.db.models import Case, CharField, Q, Value, When
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.filtersets import BaseFilterSet
from org.models import Leader, Unit
from projects.models import Project

from .choices import Category, EscalationLevel, Light, Node
from .models import (
    ExtensionRequest,
    Matter,
    MatterAttachment,
    MatterEvent,
    MatterKind,
    MatterPause,
    WorkdayOverride,
)
from .selectors import matter_light, working_calendar

MATTER_SEARCH = ("code", "title", "project__code", "project__name", "lead_unit__name", "requester")
LIGHT_LABELS = dict(Light.choices)


class LightConditions:
    """The light of every open matter on `today` (as `selectors.matter_light` gives it) as database
    conditions: red is a deadline before today; yellow and green are deadline ranges per kind (the
    yellow window differs by kind, so the working-day thresholds are worked out once per window);
    a matter whose clock stopped before today keeps the light it had then, which differs per matter,
    so those few are read and judged one by one. Closed matters have no light."""

    def __init__(self, queryset, *, today=None, calendar=None):
        self.today = today or timezone.localdate()
        calendar = calendar or working_calendar()
        windows = {}
        for pk, window in MatterKind.objects.values_list("pk", "yellow_window_days"):
            windows.setdefault(window, []).append(pk)
        # Working days left ≤ window ⟺ the deadline comes before the (window + 1)-th working day.
        self.green_from = [
            (kinds, calendar.add_working_days(self.today, window + 1)) for window, kinds in windows.items()
        ]
        # A stopped clock has an open pause (暂停计时): starting from those few rows spares a scan of
        # every matter for paused_since, which has no index.
        open_pauses = MatterPause.objects.filter(ended_on__isnull=True).values("matter")
        stopped = (
            queryset.filter(pk__in=open_pauses, paused_since__lt=self.today)
            .exclude(node=Node.CLOSED)
            .select_related("kind")
            .order_by()
        )
        self.stopped = {
            matter.pk: matter_light(matter, today=self.today, calendar=calendar) for matter in stopped
        }

    def running(self):
        # The clock runs (or stopped only today): the light is judged on today.
        return ~Q(node=Node.CLOSED) & (Q(paused_since__isnull=True) | Q(paused_since__gte=self.today))

    def q(self, light):
        """The matters that show `light` today."""
        if light == Light.RED:
            condition = Q(deadline__lt=self.today)
        elif light == Light.YELLOW:
            condition = Q(pk__in=[])
            for kinds, green_from in self.green_from:
                condition |= Q(kind_id__in=kinds, deadline__gte=self.today, deadline__lt=green_from)
        else:
            condition = Q(pk__in=[])
            for kinds, green_from in self.green_from:
                condition |= Q(kind_id__in=kinds, deadline__gte=green_from)
        stopped = [pk for pk, shown in self.stopped.items() if shown == light]
        return (self.running() & condition) | Q(pk__in=stopped)

    def label_expression(self):
        """The light's Chinese label as an annotation ("" for a closed matter), for tables, exports and
        grouped counts. The same answer as `q`, in the cheapest order: closed, the stopped clocks
        (listed), past the deadline, inside a kind's yellow window, else green."""
        labels = {light: Value(str(label)) for light, label in Light.choices}
        stopped = [
            When(pk__in=[pk for pk, shown in self.stopped.items() if shown == light], then=labels[light])
            for light in Light
        ]
        yellow = Q(pk__in=[])
        for kinds, green_from in self.green_from:
            yellow |= Q(kind_id__in=kinds, deadline__lt=green_from)
        return Case(
            When(node=Node.CLOSED, then=Value("")),
            *stopped,
            When(deadline__lt=self.today, then=labels[Light.RED]),
            When(yellow, then=labels[Light.YELLOW]),
            default=labels[Light.GREEN],
            output_field=CharField(),
        )


def with_light(queryset, *, today=None):
    """`queryset` annotated with `light_label` (红灯 / 黄灯 / 绿灯, "" when closed)."""
    return queryset.annotate(light_label=LightConditions(queryset, today=today).label_expression())


def _date_filter(**kwargs):
    return django_filters.DateFilter(widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


def _unit_filter(field_name, label):
    return django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), field_name=field_name, label=label)


def _matter_filter(field_name="matter"):
    return django_filters.CharFilter(field_name=f"{field_name}__code", lookup_expr="iexact", label="事项编号")


class MatterFilterSet(BaseFilterSet):
    search_fields = MATTER_SEARCH
    kind = django_filters.ModelChoiceFilter(queryset=MatterKind.objects.all(), label="事项类型")
    lead_unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.filter(pk__in=Matter.objects.values("lead_unit")), label="牵头单位"
    )
    unit = extend_schema_field(OpenApiTypes.INT)(
        django_filters.ModelChoiceFilter(
            queryset=Unit.objects.all(), method="filter_unit", label="牵头或配合单位"
        )
    )
    project = django_filters.ModelChoiceFilter(
        queryset=Project.objects.filter(pk__in=Matter.objects.values("project")), label="项目"
    )
    project_name = django_filters.CharFilter(method="filter_project_name", label="项目名称或编码")
    responsible_leader = django_filters.ModelChoiceFilter(
        queryset=Leader.objects.filter(pk__in=Matter.objects.values("responsible_leader")).select_related(
            "person"
        ),
        label="责任领导",
    )
    light = django_filters.ChoiceFilter(choices=Light.choices, method="filter_light", label="亮灯")
    is_open = django_filters.BooleanFilter(field_name="closed_on", lookup_expr="isnull", label="未销号")
    category = django_filters.ChoiceFilter(choices=Category.choices, label="问题类别")
    escalation_level = django_filters.ChoiceFilter(choices=EscalationLevel.choices, label="升级层级")
    opened_from = _date_filter(field_name="opened_on", lookup_expr="gte", label="交办日期起")
    opened_to = _date_filter(field_name="opened_on", lookup_expr="lte", label="交办日期止")
    deadline_from = _date_filter(field_name="deadline", lookup_expr="gte", label="办结期限起")
    deadline_to = _date_filter(field_name="deadline", lookup_expr="lte", label="办结期限止")

    class Meta:
        model = Matter
        fields = [
            "q",
            "kind",
            "node",
            "light",
            "category",
            "source",
            "lead_unit",
            "unit",
            "project",
            "project_name",
            "responsible_leader",
            "escalation_level",
            "is_open",
            "opened_from",
            "opened_to",
            "deadline_from",
            "deadline_to",
        ]

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            if getattr(field, "empty_label", None) is None:
                continue
            field.empty_label = "全部"
            if not isinstance(field, forms.ModelChoiceField):
                # Plain choices were listed with the old label already: list them again.
                field.choices = [choice for choice in field.choices if choice[0] != ""]
        return form

    def filter_unit(self, queryset, name, value):
        cooperated = Matter.objects.filter(cooperating_units=value).values("pk")
        return queryset.filter(Q(lead_unit=value) | Q(pk__in=cooperated))

    def filter_project_name(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(project__code__icontains=value) | Q(project__name__icontains=value))

    def filter_light(self, queryset, name, value):
        return queryset.filter(LightConditions(queryset).q(value))


class MatterKindFilterSet(BaseFilterSet):
    search_fields = ("code", "name", "code_prefix")

    class Meta:
        model = MatterKind
        fields = ["q", "extension_approver", "is_pausable", "requires_evidence", "is_active"]


class MatterEventFilterSet(BaseFilterSet):
    search_fields = ("matter__code", "matter__title", "comment")
    matter = _matter_filter()
    on_from = _date_filter(field_name="effective_on", lookup_expr="gte", label="生效日期起")
    on_to = _date_filter(field_name="effective_on", lookup_expr="lte", label="生效日期止")

    class Meta:
        model = MatterEvent
        fields = ["q", "matter", "kind", "on_from", "on_to"]


class ExtensionRequestFilterSet(BaseFilterSet):
    search_fields = ("matter__code", "matter__title", "reason")
    matter = _matter_filter()
    lead_unit = _unit_filter("matter__lead_unit", "牵头单位")

    class Meta:
        model = ExtensionRequest
        fields = ["q", "matter", "status", "lead_unit"]


class MatterPauseFilterSet(BaseFilterSet):
    search_fields = ("matter__code", "matter__title", "reason")
    matter = _matter_filter()
    is_open = django_filters.BooleanFilter(field_name="ended_on", lookup_expr="isnull", label="暂停中")

    class Meta:
        model = MatterPause
        fields = ["q", "matter", "is_open"]


class MatterAttachmentFilterSet(BaseFilterSet):
    search_fields = ("matter__code", "matter__title", "original_name", "description")
    matter = _matter_filter()

    class Meta:
        model = MatterAttachment
        fields = ["q", "matter", "file_type"]


class WorkdayOverrideFilterSet(BaseFilterSet):
    search_fields = ("note",)
    date_from = _date_filter(field_name="date", lookup_expr="gte", label="日期起")
    date_to = _date_filter(field_name="date", lookup_expr="lte", label="日期止")

    class Meta:
        model = WorkdayOverride
        fields = ["q", "is_working_day", "date_from", "date_to"]
