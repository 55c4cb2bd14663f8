import datetime
from dataclasses import dataclass

import django_tables2 as tables
from django.utils.html import format_html

from core.tables import BaseTable

from .choices import Light, Node
from .models import (
    ExtensionRequest,
    Matter,
    MatterAttachment,
    MatterEvent,
    MatterKind,
    MatterPause,
    WorkdayOverride,
)

NODE_LABELS = dict(Node.choices)
LIGHT_TONES = {
    str(Light.RED.label): "danger",
    str(Light.YELLOW.label): "warning",
    str(Light.GREEN.label): "success",
}
LIGHT_VALUES = {str(label): value for value, label in Light.choices}


def light_badge(label):
    """A 红灯 / 黄灯 / 绿灯 label as a coloured badge (a closed matter has none)."""
    if not label:
        return "—"
    return format_html(
        '<span class="badge text-bg-{} matter-light" data-light="{}">{}</span>',
        LIGHT_TONES[label],
        LIGHT_VALUES[label],
        label,
    )


def _record_link(record):
    return record.get_absolute_url()


def _matter_link(record):
    return record.matter.get_absolute_url()


def clocks_text(clocks):
    """办结 15 个工作日（至销号）、… as the office reads a kind's clocks."""
    return "；".join(
        f"{clock['name']} {clock['days']} 个工作日（至{NODE_LABELS.get(clock['ends_at'], clock['ends_at'])}）"
        for clock in clocks or ()
    )


def nodes_text(nodes):
    return "→".join(str(NODE_LABELS.get(node, node)) for node in nodes or ())


def ladder_text(ladder):
    from .choices import EscalationLevel

    labels = dict(EscalationLevel.choices)
    return "；".join(
        f"超期 {step['after_days']} 个工作日 → {labels.get(step['level'], step['level'])}"
        for step in ladder or ()
    )


class MatterTable(BaseTable):
    code = tables.Column(linkify=True)
    light_label = tables.Column(verbose_name="亮灯", order_by=("deadline",))
    cooperating_units = tables.ManyToManyColumn(verbose_name="配合单位")

    class Meta(BaseTable.Meta):
        model = Matter
        fields = (
            "code",
            "title",
            "kind",
            "node",
            "light_label",
            "project",
            "category",
            "source",
            "lead_unit",
            "cooperating_units",
            "responsible_leader",
            "responsible_person",
            "opened_on",
            "deadline",
            "original_deadline",
            "escalation_level",
            "closed_on",
            "requester",
            "solution",
            "feedback",
            "is_synthetic",
        )
        sequence = fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("source", "original_deadline", "requester", "solution", "feedback", "is_synthetic"):
            self.columns.hide(name)

    def render_light_label(self, value):
        return light_badge(value)


class MatterKindTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = MatterKind
        fields = (
            "name",
            "code",
            "code_prefix",
            "nodes",
            "clocks",
            "is_pausable",
            "escalation_ladder",
            "extension_approver",
            "yellow_window_days",
            "requires_evidence",
            "is_active",
            "sort_order",
            "is_synthetic",
        )
        sequence = fields

    def render_nodes(self, value):
        return nodes_text(value)

    def render_clocks(self, value):
        return clocks_text(value)

    def render_escalation_ladder(self, value):
        return ladder_text(value)


class MatterEventTable(BaseTable):
    matter = tables.Column(verbose_name="事项", linkify=_record_link, order_by=("matter__code",))

    class Meta(BaseTable.Meta):
        model = MatterEvent
        fields = (
            "matter",
            "kind",
            "effective_on",
            "at",
            "actor",
            "from_node",
            "to_node",
            "from_level",
            "to_level",
            "deadline",
            "comment",
            "is_synthetic",
        )
        sequence = fields

    def render_matter(self, record):
        return record.matter.code


class ExtensionRequestTable(BaseTable):
    matter = tables.Column(verbose_name="事项", linkify=_record_link, order_by=("matter__code",))
    matter_link = tables.Column(
        verbose_name="事项页面",
        accessor="matter",
        linkify=_matter_link,
        orderable=False,
        exclude_from_export=True,
    )

    class Meta(BaseTable.Meta):
        model = ExtensionRequest
        fields = (
            "matter",
            "previous_deadline",
            "requested_deadline",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_comment",
            "is_synthetic",
        )
        sequence = (*fields, "matter_link")

    def render_matter(self, record):
        return record.matter.code

    def render_matter_link(self, record):
        return record.matter.title


class MatterPauseTable(BaseTable):
    matter = tables.Column(verbose_name="事项", linkify=_record_link, order_by=("matter__code",))

    class Meta(BaseTable.Meta):
        model = MatterPause
        fields = ("matter", "started_on", "ended_on", "reason", "is_synthetic")

    def render_matter(self, record):
        return record.matter.code


class MatterAttachmentTable(BaseTable):
    original_name = tables.Column(linkify=_record_link)
    matter = tables.Column(verbose_name="事项", order_by=("matter__code",))

    class Meta(BaseTable.Meta):
        model = MatterAttachment
        fields = ("original_name", "matter", "file_type", "size", "description", "uploaded_by", "created_at")
        sequence = fields

    def render_matter(self, record):
        return record.matter.code


class WorkdayOverrideTable(BaseTable):
    date = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = WorkdayOverride
        fields = ("date", "is_working_day", "note", "is_synthetic")


@dataclass(frozen=True)
class OverdueLine:
    """One line of 逾期清单 as shown and exported: the matter and where it stood on the list's date."""

    matter: Matter
    deadline: datetime.date
    working_days_overdue: int
    node_label: str
    level_label: str
    level_order: int


class OverdueTable(tables.Table):
    """逾期清单: `OverdueLine`s built from `selectors.overdue_rows`; also the Excel export."""

    code = tables.Column(
        verbose_name="事项编号",
        accessor="matter__code",
        linkify=lambda record: record.matter.get_absolute_url(),
    )
    title = tables.Column(verbose_name="事项名称", accessor="matter__title")
    kind = tables.Column(verbose_name="事项类型", accessor="matter__kind__name")
    project = tables.Column(verbose_name="项目", accessor="matter__project__name", default="")
    lead_unit = tables.Column(verbose_name="牵头单位", accessor="matter__lead_unit__name")
    node = tables.Column(verbose_name="当前节点", accessor="node_label")
    deadline = tables.DateColumn(verbose_name="办结期限", format="Y-m-d")
    working_days_overdue = tables.Column(verbose_name="逾期工作日")
    level_label = tables.Column(verbose_name="升级层级", order_by=("level_order",))

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle", "id": "overdue-table"}
        empty_text = "该日没有逾期事项。"
        template_name = "django_tables2/bootstrap5-responsive.html"
        order_by = ("-working_days_overdue",)
