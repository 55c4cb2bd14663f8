"""A matter (事项) and its timeline, extension requests and pauses."""

from django.db import models

from core.models import BusinessModel, Scope

from ..choices import (
    Category,
    EscalationLevel,
    EventKind,
    ExtensionStatus,
    Node,
    Source,
)
from .kinds import MatterKind


class Matter(BusinessModel):
    """事项 / 问题: one blocker, request or 督查 item, assigned (交办) to a lead unit with cooperating
    units, a responsible leader and person, a solution and a deadline in working days ("五到位"). It
    moves through its kind's nodes and climbs the escalation ladder while overdue.

    Seen by (scope): the lead unit, the cooperating units and the project's responsible unit (each with
    the units above them), and grants on the matter's region (the office's county grant).
    """

    kind = models.ForeignKey(
        MatterKind, verbose_name="事项类型", on_delete=models.PROTECT, related_name="matters"
    )
    code = models.CharField("事项编号", max_length=24, unique=True, editable=False)
    title = models.CharField("事项名称", max_length=200)
    description = models.TextField("问题描述", blank=True)
    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.OTHER)
    source_report = models.ForeignKey(
        "dispatch.ProgressReport",
        verbose_name="来源进度报告",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matters",
    )
    source_line = models.PositiveSmallIntegerField(
        "报告问题行号", null=True, blank=True, editable=False, help_text="来自进度报告“存在问题”的第几行。"
    )
    requester = models.CharField("提出方", max_length=200, blank=True, help_text="提出诉求的企业或个人。")
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
    )
    category = models.CharField("问题类别", max_length=20, choices=Category.choices, default=Category.OTHER)
    lead_unit = models.ForeignKey(
        "org.Unit", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="led_matters"
    )
    cooperating_units = models.ManyToManyField(
        "org.Unit", verbose_name="配合单位", blank=True, related_name="cooperating_matters"
    )
    responsible_leader = models.ForeignKey(
        "org.Leader",
        verbose_name="责任领导",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
    )
    responsible_person = models.ForeignKey(
        "org.Person",
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
    )
    solution = models.TextField("解决措施", blank=True)
    feedback = models.TextField("办理情况", blank=True, editable=False)
    opened_on = models.DateField("交办日期")
    deadline = models.DateField("办结期限", help_text="经批准延期或暂停计时后顺延的当前期限。")
    original_deadline = models.DateField("原定期限", editable=False)
    node = models.CharField(
        "当前节点", max_length=20, choices=Node.choices, default=Node.ASSIGNED, editable=False
    )
    escalation_level = models.CharField(
        "升级层级",
        max_length=20,
        choices=EscalationLevel.choices,
        default=EscalationLevel.UNIT,
        editable=False,
    )
    paused_since = models.DateField("暂停计时起", null=True, blank=True, editable=False)
    closed_on = models.DateField("销号日期", null=True, blank=True, editable=False)
    region = models.ForeignKey(
        "org.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="matters"
    )

    scope = Scope(units=("lead_unit", "cooperating_units", "project__responsible_unit"), regions=("region",))
    import_keys = ("code",)
    _history_m2m_fields = ["cooperating_units"]

    class Meta:
        verbose_name = "事项"
        verbose_name_plural = "事项"
        ordering = ["-opened_on", "-code"]
        permissions = [("review_matter", "Can review 事项")]
        constraints = [
            models.UniqueConstraint(
                fields=["source_report", "source_line"],
                condition=models.Q(source_report__isnull=False),
                name="matter_once_per_report_line",
            ),
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("opened_on"))
                & models.Q(original_deadline__gte=models.F("opened_on")),
                name="matter_deadline_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    closed_on__isnull=True, node__in=[n for n in Node.values if n != Node.CLOSED]
                )
                | models.Q(closed_on__isnull=False, node=Node.CLOSED),
                name="matter_closed_on_when_closed",
            ),
        ]
        indexes = [
            models.Index(fields=["node", "deadline"], name="matter_node_deadline_idx"),
            models.Index(fields=["project", "node"], name="matter_project_node_idx"),
            models.Index(fields=["lead_unit", "node"], name="matter_lead_unit_node_idx"),
            models.Index(fields=["opened_on", "original_deadline"], name="matter_opened_deadline_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def is_closed(self):
        return self.node == Node.CLOSED

    @property
    def is_paused(self):
        return self.paused_since is not None


class MatterEvent(BusinessModel):
    """事项记录: the matter's timeline — every node transition, extension request and decision,
    escalation (by rule or by hand, from level to level, with the reason), pause and resume, comment —
    with who, when and the date it took effect. Rows that change the deadline carry the new deadline,
    so the deadline, node and level on any past date can be read back from them."""

    matter = models.ForeignKey(Matter, verbose_name="事项", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("操作", max_length=24, choices=EventKind.choices)
    effective_on = models.DateField("生效日期")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        "org.User", verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_node = models.CharField("原节点", max_length=20, choices=Node.choices, blank=True)
    to_node = models.CharField("新节点", max_length=20, choices=Node.choices, blank=True)
    from_level = models.CharField("原层级", max_length=20, choices=EscalationLevel.choices, blank=True)
    to_level = models.CharField("新层级", max_length=20, choices=EscalationLevel.choices, blank=True)
    deadline = models.DateField("新期限", null=True, blank=True)
    comment = models.TextField("说明", blank=True)
    payload = models.JSONField("详情", default=dict, blank=True)

    scope = Scope(
        units=("matter__lead_unit", "matter__cooperating_units", "matter__project__responsible_unit"),
        regions=("matter__region",),
    )

    class Meta:
        verbose_name = "事项记录"
        verbose_name_plural = "事项记录"
        ordering = ["matter", "at", "id"]
        indexes = [
            models.Index(fields=["matter", "effective_on"], name="matter_event_matter_date_idx"),
        ]

    def __str__(self):
        return f"{self.matter.code} · {self.get_kind_display()}"


class ExtensionRequest(BusinessModel):
    """延期申请: the lead unit asks for a later deadline with a reason; the office or the responsible
    leader (as the kind says) approves — the deadline moves, the original stays — or rejects it."""

    matter = models.ForeignKey(
        Matter, verbose_name="事项", on_delete=models.CASCADE, related_name="extension_requests"
    )
    previous_deadline = models.DateField("原期限", editable=False)
    requested_deadline = models.DateField("申请延至")
    reason = models.TextField("延期理由")
    status = models.CharField(
        "状态",
        max_length=20,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
        editable=False,
    )
    requested_by = models.ForeignKey(
        "org.User", verbose_name="申请人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        "org.User", verbose_name="审批人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decided_on = models.DateField("审批生效日期", null=True, blank=True)
    decision_comment = models.TextField("审批意见", blank=True)

    scope = Scope(
        units=("matter__lead_unit", "matter__cooperating_units", "matter__project__responsible_unit"),
        regions=("matter__region",),
    )

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["matter", "-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter"],
                condition=models.Q(status=ExtensionStatus.PENDING),
                name="extension_one_pending_per_matter",
            ),
            models.CheckConstraint(
                condition=models.Q(requested_deadline__gt=models.F("previous_deadline")),
                name="extension_moves_deadline_later",
            ),
        ]

    def __str__(self):
        return f"{self.matter.code} 延至 {self.requested_deadline:%Y-%m-%d}"


class MatterPause(BusinessModel):
    """暂停计时: an interval in which the matter's clocks stood still, waiting on the requester (only
    for kinds that allow it). The working days in it are not counted against any clock."""

    matter = models.ForeignKey(Matter, verbose_name="事项", on_delete=models.CASCADE, related_name="pauses")
    started_on = models.DateField("暂停日期")
    ended_on = models.DateField("恢复日期", null=True, blank=True)
    reason = models.CharField("暂停原因", max_length=200)

    scope = Scope(
        units=("matter__lead_unit", "matter__cooperating_units", "matter__project__responsible_unit"),
        regions=("matter__region",),
    )

    class Meta:
        verbose_name = "暂停计时"
        verbose_name_plural = "暂停计时"
        ordering = ["matter", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter"], condition=models.Q(ended_on__isnull=True), name="pause_one_open_per_matter"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="pause_ends_after_start",
            ),
        ]

    def __str__(self):
        end = f"{self.ended_on:%Y-%m-%d}" if self.ended_on else "至今"
        return f"{self.matter.code} 暂停 {self.started_on:%Y-%m-%d}—{end}"
