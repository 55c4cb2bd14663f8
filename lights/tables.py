import django_tables2 as tables
from django.db.models import Func, TextField
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.tables import BaseTable

from .choices import Level
from .models import ProjectLight, RuleSet

LEVEL_TONES = {Level.RED: "danger", Level.YELLOW: "warning", Level.GREEN: "success"}
LEVEL_LABELS = dict(Level.choices)
NO_LIGHT = "未亮灯"


def level_badge(level):
    """A light as a coloured badge (未亮灯 when there is none)."""
    if not level:
        return format_html('<span class="badge text-bg-light border">{}</span>', NO_LIGHT)
    return format_html(
        '<span class="badge text-bg-{} light-badge" data-level="{}">{}</span>',
        LEVEL_TONES.get(level, "secondary"),
        level,
        LEVEL_LABELS.get(level, level),
    )


class ReasonsText(Func):
    """A light's reasons as one text ("…；…"), joined by the database, so the list's Excel export
    carries the reasons as words rather than the stored JSON (and no row needs Python to read them)."""

    output_field = TextField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        template = (
            "(SELECT group_concat(json_extract(value, '$.text'), '；') FROM json_each(%(expressions)s))"
        )
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = (
            "(SELECT string_agg(item.value ->> 'text', '；' ORDER BY item.position) "
            "FROM jsonb_array_elements(%(expressions)s) WITH ORDINALITY AS item(value, position))"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


class LevelColumn(tables.Column):
    """The light as a coloured badge (a choices column is given the label; the colour needs the code)."""

    def render(self, record):
        return level_badge(record.level)


class RuleSetTable(BaseTable):
    version = tables.Column(linkify=True)
    is_active = tables.Column()

    class Meta(BaseTable.Meta):
        model = RuleSet
        fields = ("version", "is_active", "note", "created_by", "created_at")
        sequence = fields

    def render_version(self, value):
        return f"第 {value} 版"

    def render_is_active(self, value):
        return mark_safe('<span class="badge text-bg-primary">现行</span>') if value else ""


class ProjectLightTable(BaseTable):
    project = tables.Column(
        verbose_name="项目", linkify=lambda record: record.get_absolute_url(), order_by=("project__code",)
    )
    project_name = tables.Column(verbose_name="项目名称", accessor="project__name")
    level = LevelColumn()
    reasons_text = tables.Column(verbose_name="亮灯原因", orderable=False)
    round = tables.Column(
        verbose_name="调度轮次", accessor="round__label", order_by=("round__period_start", "round__cadence")
    )
    unit = tables.Column(
        verbose_name="责任单位",
        accessor="project__responsible_unit__name",
        order_by=("project__responsible_unit__code",),
    )
    ruleset_version = tables.Column(verbose_name="规则版本", accessor="ruleset__version")

    class Meta(BaseTable.Meta):
        model = ProjectLight
        fields = (
            "project",
            "project_name",
            "round",
            "as_of",
            "level",
            "reasons_text",
            "unit",
            "ruleset_version",
            "evaluated_at",
            "is_synthetic",
        )
        sequence = fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns.hide("is_synthetic")

    def render_project(self, record):
        return record.project.code

    def render_reasons_text(self, value):
        return value or "—"

    def render_ruleset_version(self, value):
        return f"第 {value} 版"
