"""The project library: each key project entered once, read by every report ("一数一源")."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.models import BusinessModel, Scope

from .choices import Category, EventKind, FactorKind, FactorStatus, FundingSource, MilestoneKind, Stage
from .validators import validate_credit_code

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
YEAR = {"validators": [MinValueValidator(1990), MaxValueValidator(2100)]}
PROJECT_SCOPE = Scope(
    units=("responsible_unit", "introducing_unit", "cooperating_units"), regions=("region",)
)
# Rows that belong to a project are seen by whoever sees the project.
PROJECT_CHILD_SCOPE = Scope(
    units=tuple(f"project__{lookup}" for lookup in PROJECT_SCOPE.units), regions=("project__region",)
)


class IndustryChain(BusinessModel):
    """产业链: the office's own list of chains it promotes (现代家居, 电子信息, 新能源 …)."""

    name = models.CharField("产业链名称", max_length=40, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("在用", default=True)

    scope = Scope(public_view=True)
    import_keys = ("name",)

    class Meta:
        verbose_name = "产业链"
        verbose_name_plural = "产业链"
        ordering = ["sort_order", "name"]


class Project(BusinessModel):
    """项目 / 重点项目: an investment project the office tracks for its whole life. The introducing
    unit is accountable for it throughout (谁引进、谁负责); money is in 万元."""

    code = models.CharField("项目编码", max_length=32, unique=True, editable=False)
    name = models.CharField("项目名称", max_length=200)
    region = models.ForeignKey(
        "org.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="projects"
    )
    introducing_unit = models.ForeignKey(
        "org.Unit", verbose_name="引进单位", on_delete=models.PROTECT, related_name="introduced_projects"
    )
    responsible_unit = models.ForeignKey(
        "org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="responsible_projects"
    )
    cooperating_units = models.ManyToManyField(
        "org.Unit", verbose_name="配合单位", blank=True, related_name="cooperating_projects"
    )
    liaison_leader = models.ForeignKey(
        "org.Leader",
        verbose_name="挂点领导",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    task_force = models.ForeignKey(
        "org.TaskForce",
        verbose_name="推进专班",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    is_provincial_key = models.BooleanField("省重点", default=False)
    is_city_key = models.BooleanField("市重点", default=False)
    is_district_key = models.BooleanField("区重点", default=False)
    is_provincial_large = models.BooleanField("省大中型", default=False)
    is_major = models.BooleanField("重大项目", default=False)
    category = models.CharField(
        "项目类别", max_length=20, choices=Category.choices, default=Category.INDUSTRY
    )
    industry = models.ForeignKey(
        "reference.Industry",
        verbose_name="国民经济行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    industry_chain = models.ForeignKey(
        IndustryChain,
        verbose_name="产业链",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    emerging_industry = models.ForeignKey(
        "reference.EmergingIndustry",
        verbose_name="战略性新兴产业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    construction_content = models.TextField("建设内容", blank=True)
    address = models.CharField("建设地点", max_length=200, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    investor_name = models.CharField("投资主体", max_length=200, blank=True)
    investor_credit_code = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, validators=[validate_credit_code]
    )
    planned_start_year = models.PositiveSmallIntegerField("计划开工年份", null=True, blank=True, **YEAR)
    planned_end_year = models.PositiveSmallIntegerField("计划竣工年份", null=True, blank=True, **YEAR)
    actual_start_year = models.PositiveSmallIntegerField("实际开工年份", null=True, blank=True, **YEAR)
    actual_end_year = models.PositiveSmallIntegerField("实际竣工年份", null=True, blank=True, **YEAR)
    total_investment = models.DecimalField("总投资（万元）", default=Decimal("0"), **MONEY)
    invested_to_date = models.DecimalField("累计完成投资（万元）", default=Decimal("0"), **MONEY)
    stage = models.CharField(
        "阶段", max_length=24, choices=Stage.choices, default=Stage.SIGNED, editable=False
    )
    stage_since = models.DateField("进入本阶段日期", null=True, blank=True, editable=False)
    stage_reason = models.CharField("停缓建/取消原因", max_length=200, blank=True, editable=False)
    is_plan_adjusted = models.BooleanField("计划已调整", default=False, editable=False)

    scope = PROJECT_SCOPE
    import_keys = ("code",)
    _history_m2m_fields = ["cooperating_units"]

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["-total_investment", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="project_name_unique_in_region"),
            models.CheckConstraint(
                condition=models.Q(planned_end_year__isnull=True)
                | models.Q(planned_start_year__isnull=True)
                | models.Q(planned_end_year__gte=models.F("planned_start_year")),
                name="project_planned_years_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["stage"], name="project_stage_idx"),
            # The list's default order: the first page comes off the index, not a sort of every project.
            models.Index(fields=["-total_investment", "code"], name="project_list_order_idx"),
        ]

    TIER_FLAGS = (
        ("is_provincial_key", "省重点"),
        ("is_city_key", "市重点"),
        ("is_district_key", "区重点"),
        ("is_provincial_large", "省大中型"),
        ("is_major", "重大"),
    )

    @property
    def tier_labels(self):
        """项目级别 as offices write it: "省重点、市重点、重大"."""
        return "、".join(label for field, label in self.TIER_FLAGS if getattr(self, field))

    @property
    def total_investment_yi(self):
        """总投资（亿元）."""
        return (self.total_investment / Decimal("10000")).quantize(Decimal("0.01"))


class ProjectFunding(BusinessModel):
    """资金来源: how much of a project's total investment comes from one source (万元)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="fundings"
    )
    source = models.CharField("资金来源", max_length=20, choices=FundingSource.choices)
    amount = models.DecimalField("金额（万元）", **MONEY)

    scope = PROJECT_CHILD_SCOPE
    import_keys = ("project", "source")

    class Meta:
        verbose_name = "资金来源"
        verbose_name_plural = "资金来源"
        ordering = ["project", "source"]
        constraints = [models.UniqueConstraint(fields=["project", "source"], name="funding_source_once")]

    def __str__(self):
        return f"{self.project.name} · {self.get_source_display()}"


class AnnualPlan(BusinessModel):
    """年度计划投资: a project's planned investment for one year, phased by month (万元)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="annual_plans"
    )
    year = models.PositiveSmallIntegerField("年度", **YEAR)
    amount = models.DecimalField("年度计划投资（万元）", **MONEY)
    month_amounts = models.JSONField(
        "分月计划（万元）",
        default=list,
        blank=True,
        help_text="12 个月的计划投资；只填年度数时按月平均分配。",
    )

    scope = PROJECT_CHILD_SCOPE
    import_keys = ("project", "year")

    class Meta:
        verbose_name = "年度计划"
        verbose_name_plural = "年度计划"
        ordering = ["project", "year"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="annual_plan_once_per_year")]

    def __str__(self):
        return f"{self.project.name} · {self.year} 年"


class StageTransition(BusinessModel):
    """阶段变更: one dated move of a project between stages; the timeline of its life."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="transitions"
    )
    from_stage = models.CharField("原阶段", max_length=24, choices=Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=24, choices=Stage.choices)
    effective_on = models.DateField("变更日期")
    reason = models.CharField("原因", max_length=200, blank=True)
    actor = models.ForeignKey(
        "org.User", verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope = PROJECT_CHILD_SCOPE

    class Meta:
        verbose_name = "阶段变更"
        verbose_name_plural = "阶段变更"
        ordering = ["project", "effective_on", "id"]
        indexes = [models.Index(fields=["project", "effective_on"], name="transition_project_date_idx")]

    def __str__(self):
        return f"{self.project.name}：{self.get_to_stage_display()}（{self.effective_on}）"


class Milestone(BusinessModel):
    """节点: a milestone with its planned and actual dates (签约, 注册公司, 落实用地 … 投产)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField("节点", max_length=24, choices=MilestoneKind.choices)
    planned_on = models.DateField("计划日期", null=True, blank=True)
    actual_on = models.DateField("实际日期", null=True, blank=True)
    baseline_on = models.DateField("调整前计划日期", null=True, blank=True, editable=False)

    scope = PROJECT_CHILD_SCOPE
    import_keys = ("project", "kind")

    class Meta:
        verbose_name = "节点"
        verbose_name_plural = "节点"
        ordering = ["project", "planned_on"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="milestone_once_per_kind")]

    def __str__(self):
        return f"{self.project.name} · {self.get_kind_display()}"


class PlanAdjustment(BusinessModel):
    """计划调整: a formal reset of a project's plan, with reason and approver; the baseline is kept."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="adjustments"
    )
    reason = models.TextField("调整原因")
    approver = models.ForeignKey(
        "org.Leader", verbose_name="批准领导", on_delete=models.PROTECT, related_name="approved_adjustments"
    )
    approved_on = models.DateField("批准日期")
    baseline = models.JSONField("调整前计划", default=dict, editable=False)
    adjusted = models.JSONField("调整后计划", default=dict, editable=False)

    scope = PROJECT_CHILD_SCOPE

    class Meta:
        verbose_name = "计划调整"
        verbose_name_plural = "计划调整"
        ordering = ["project", "approved_on"]

    def __str__(self):
        return f"{self.project.name} · 计划调整（{self.approved_on}）"


class Event(BusinessModel):
    """集中签约 / 集中开工 / 推介会: a dated event grouping projects, with batch totals."""

    name = models.CharField("活动名称", max_length=200)
    kind = models.CharField("活动类型", max_length=20, choices=EventKind.choices)
    held_on = models.DateField("日期")
    place = models.CharField("地点", max_length=100, blank=True)
    region = models.ForeignKey(
        "org.Region", verbose_name="主办区划", on_delete=models.PROTECT, related_name="events"
    )
    projects = models.ManyToManyField(Project, verbose_name="项目", blank=True, related_name="events")

    scope = Scope(regions=("region",))
    import_keys = ("name",)
    _history_m2m_fields = ["projects"]

    class Meta:
        verbose_name = "集中活动"
        verbose_name_plural = "集中活动"
        ordering = ["-held_on", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="event_name_unique_in_region")]


class FactorNeed(BusinessModel):
    """要素保障需求: what a project needs from the government (用地, 用能, 资金, 用工 …) and by when."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="factor_needs"
    )
    kind = models.CharField("要素类型", max_length=20, choices=FactorKind.choices)
    description = models.CharField("需求内容", max_length=200)
    quantity = models.DecimalField("数量", max_digits=14, decimal_places=2, null=True, blank=True)
    unit_of_measure = models.CharField(
        "计量单位", max_length=20, blank=True, help_text="例如：亩、吨标准煤、万元、人"
    )
    needed_by = models.DateField("需求时限", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=FactorStatus.choices, default=FactorStatus.OPEN)
    secured_on = models.DateField("保障日期", null=True, blank=True)

    scope = PROJECT_CHILD_SCOPE

    class Meta:
        verbose_name = "要素需求"
        verbose_name_plural = "要素需求"
        ordering = ["project", "needed_by"]

    def __str__(self):
        return f"{self.project.name} · {self.get_kind_display()}：{self.description}"
