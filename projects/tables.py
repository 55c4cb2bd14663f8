import django_tables2 as tables
from django.db.models import Case, CharField, Value, When
from django.utils.html import format_html

from core.tables import BaseTable
from lights.choices import Level
from lights.selectors import with_latest_light
from lights.tables import LEVEL_TONES

from .models import (
    AnnualPlan,
    Event,
    FactorNeed,
    IndustryChain,
    Milestone,
    PlanAdjustment,
    Project,
    ProjectFunding,
    StageTransition,
)

NO_LIGHT_LABEL = "未亮灯"


def _record_link(record):
    return record.get_absolute_url()


def _project_column():
    """The project a row belongs to, linking to the row itself (it is the first column); the
    export writes the project's code, which is how an import names it."""
    return tables.Column(verbose_name="项目", linkify=_record_link, order_by=("project__code",))


class IndustryChainTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = IndustryChain
        fields = ("name", "sort_order", "is_active", "is_synthetic")


def with_light_column(projects):
    """`projects` with what the light column shows: the latest stored light's level and date
    (`lights.selectors.with_latest_light`) and its label for the export. Only the rows of a page
    (or of an export) are looked up, each on the lights' per-project index."""
    labels = [When(light_level=level, then=Value(str(label))) for level, label in Level.choices]
    return with_latest_light(projects).annotate(
        light_label=Case(*labels, default=Value(NO_LIGHT_LABEL), output_field=CharField())
    )


class LightColumn(tables.Column):
    """The latest stored light as a badge linking to the project's light history; the export writes
    its label (红灯 / 黄灯 / 绿灯 / 未亮灯)."""

    def __init__(self, **kwargs):
        super().__init__(
            verbose_name="亮灯", accessor="light_label", orderable=False, default=NO_LIGHT_LABEL, **kwargs
        )

    def render(self, record):
        level = getattr(record, "light_level", None)
        if not level:
            return format_html('<span class="badge text-bg-light border">{}</span>', NO_LIGHT_LABEL)
        as_of = getattr(record, "light_as_of", None)
        return format_html(
            '<a class="badge text-bg-{} text-decoration-none" href="{}#lights" title="{}">{}</a>',
            LEVEL_TONES.get(level, "secondary"),
            record.get_absolute_url(),
            f"截至 {as_of:%Y-%m-%d}" if as_of else "",
            dict(Level.choices).get(level, level),
        )


class ProjectTable(BaseTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    light = LightColumn()
    total_investment_yi = tables.Column(
        verbose_name="总投资（亿元）",
        accessor="total_investment_yi",
        order_by=("total_investment",),
        exclude_from_export=True,  # the 万元 column is the figure; two totals would not re-import
    )
    is_plan_adjusted = tables.Column()
    tiers = tables.Column(
        verbose_name="项目级别",
        accessor="tier_labels",
        orderable=False,
        exclude_from_export=True,  # the export carries each flag in its own column
    )

    class Meta(BaseTable.Meta):
        model = Project
        fields = (
            "code",
            "name",
            "stage",
            "light",
            "region",
            "responsible_unit",
            "liaison_leader",
            "tiers",
            "total_investment",
            "total_investment_yi",
            "invested_to_date",
            "is_provincial_key",
            "is_city_key",
            "is_district_key",
            "is_provincial_large",
            "is_major",
            "is_plan_adjusted",
            "introducing_unit",
            "category",
            "industry_chain",
            "planned_start_year",
            "planned_end_year",
            "is_synthetic",
        )
        sequence = fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Offered in the column chooser, hidden until chosen.
        for name in (
            "is_provincial_key",
            "is_city_key",
            "is_district_key",
            "is_provincial_large",
            "is_major",
            "introducing_unit",
            "category",
            "industry_chain",
            "planned_start_year",
            "planned_end_year",
            "is_synthetic",
        ):
            self.columns.hide(name)

    def render_is_plan_adjusted(self, value):
        return format_html('<span class="badge text-bg-warning">已调整</span>') if value else ""


class ProjectFundingTable(BaseTable):
    project = _project_column()

    class Meta(BaseTable.Meta):
        model = ProjectFunding
        fields = ("project", "source", "amount", "is_synthetic")


class AnnualPlanTable(BaseTable):
    project = _project_column()

    class Meta(BaseTable.Meta):
        model = AnnualPlan
        fields = ("project", "year", "amount", "is_synthetic")

    def __init__(self, *args, **kwargs):
        months = [
            (
                f"month_{number}",
                tables.Column(
                    verbose_name=f"{number}月",
                    accessor=f"month_amounts__{number - 1}",
                    orderable=False,
                ),
            )
            for number in range(1, 13)
        ]
        sequence = ("project", "year", "amount", *(name for name, _ in months), "is_synthetic")
        super().__init__(*args, extra_columns=months, sequence=sequence, **kwargs)


class StageTransitionTable(BaseTable):
    project = _project_column()

    class Meta(BaseTable.Meta):
        model = StageTransition
        fields = ("project", "from_stage", "to_stage", "effective_on", "reason", "actor")


class MilestoneTable(BaseTable):
    project = _project_column()

    class Meta(BaseTable.Meta):
        model = Milestone
        fields = ("project", "kind", "planned_on", "actual_on", "baseline_on", "is_synthetic")


class PlanAdjustmentTable(BaseTable):
    project = _project_column()

    class Meta(BaseTable.Meta):
        model = PlanAdjustment
        fields = ("project", "approved_on", "approver", "reason")


class EventTable(BaseTable):
    name = tables.Column(linkify=True)
    projects = tables.ManyToManyColumn(verbose_name="项目")

    class Meta(BaseTable.Meta):
        model = Event
        fields = ("name", "kind", "held_on", "place", "region", "projects", "is_synthetic")


class FactorNeedTable(BaseTable):
    project = _project_column()

    class Meta(BaseTable.Meta):
        model = FactorNeed
        fields = (
            "project",
            "kind",
            "description",
            "quantity",
            "unit_of_measure",
            "needed_by",
            "status",
            "secured_on",
            "is_synthetic",
        )
