"""问题协调 / 闭环督办: one engine for project issues, enterprise requests and 督查 items.

A `MatterKind` is data: the nodes its matters run through (交办 → 签收 → 办理 → 反馈 → 复核 → 销号,
some skipped), its clocks in working days (e.g. 响应 1 / 答复 3 / 办结 15 for enterprise requests),
whether a clock may stop while waiting on the requester, its escalation ladder (责任单位 → 挂点联系领导
→ 项目推进专班 → 区调度会, each reached after so many working days overdue), who approves extensions and
how many working days before the deadline the light turns yellow. A `Matter` is one issue of a kind
("五到位": lead unit, responsible leader, responsible person, solution, deadline); its timeline is the
`MatterEvent` rows, which also carry every change of deadline, node and level with the date it took
effect, so the state of any matter at a past date can be read back.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models

from core.models import BusinessModel, Scope

from .choices import (
    LEVEL_ORDER,
    NODE_ORDER,
    REQUIRED_NODES,
    WORKING_NODES,
    AttachmentType,
    Category,
    EscalationLevel,
    EventKind,
    ExtensionApprover,
    ExtensionStatus,
    Node,
    Source,
)


def default_nodes():
    return [str(node) for node in NODE_ORDER]


def default_clocks():
    return [{"code": "resolve", "name": "办结", "days": 15, "ends_at": str(Node.CLOSED)}]


def default_ladder():
    return [
        {"level": str(EscalationLevel.LIAISON_LEADER), "after_days": 1},
        {"level": str(EscalationLevel.TASK_FORCE), "after_days": 5},
        {"level": str(EscalationLevel.DISTRICT_MEETING), "after_days": 10},
    ]


class MatterKind(BusinessModel):
    """事项类型: how matters of one kind run — their nodes, clocks, escalation ladder, who approves
    extensions, the yellow window and whether 销号 needs evidence. Built in: 项目问题, 企业诉求,
    督查事项; the office may edit them or add kinds."""

    code = models.SlugField("类型代码", max_length=40, unique=True)
    name = models.CharField("类型名称", max_length=40, unique=True)
    code_prefix = models.CharField(
        "编号前缀",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{1,6}$", "编号前缀为 1 至 6 个大写英文字母，例如 WT。")],
        help_text="事项编号形如 WT-2024-0001。",
    )
    nodes = models.JSONField(
        "流程节点",
        default=default_nodes,
        help_text="按顺序列出本类事项经过的节点（交办、销号必有），"
        "例如 assigned, signed, handling, feedback, review, closed。",
    )
    clocks = models.JSONField(
        "时限（工作日）",
        default=default_clocks,
        help_text="每个时限：代码、名称、工作日数、到达哪个节点即停表；必须有且只有一个时限止于销号（办结时限）。",
    )
    is_pausable = models.BooleanField(
        "可暂停计时",
        default=False,
        help_text="等待诉求人补充材料等期间可暂停计时（暂停的工作日不计入时限）。",
    )
    escalation_ladder = models.JSONField(
        "升级阶梯",
        default=default_ladder,
        blank=True,
        help_text="逐级列出升级层级及超期多少个工作日时达到该层级，例如挂点联系领导 1、专班 5、区调度会 10。",
    )
    extension_approver = models.CharField(
        "延期审批", max_length=20, choices=ExtensionApprover.choices, default=ExtensionApprover.OFFICE
    )
    yellow_window_days = models.PositiveSmallIntegerField(
        "黄灯提前工作日",
        default=3,
        validators=[MaxValueValidator(60)],
        help_text="距办结期限不超过这么多个工作日时亮黄灯；超过期限亮红灯。",
    )
    requires_evidence = models.BooleanField("销号须上传佐证材料", default=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    scope = Scope(public_view=True)
    import_keys = ("code",)

    class Meta:
        verbose_name = "事项类型"
        verbose_name_plural = "事项类型"
        ordering = ["sort_order", "code"]

    def clean(self):
        super().clean()
        errors = {}
        for field, check in (
            ("nodes", self._check_nodes),
            ("clocks", self._check_clocks),
            ("escalation_ladder", self._check_ladder),
        ):
            if field == "clocks" and "nodes" in errors:
                continue  # clocks name nodes: judged once the flow is right
            try:
                check()
            except ValidationError as error:
                errors[field] = error.messages
        if errors:
            raise ValidationError(errors)

    def _check_nodes(self):
        nodes = self.nodes
        if not isinstance(nodes, list) or any(node not in Node.values for node in nodes):
            raise ValidationError(f"流程节点只能从 {'、'.join(Node.values)} 中选择。")
        if len(set(nodes)) != len(nodes):
            raise ValidationError("流程节点不能重复。")
        if nodes != [str(node) for node in NODE_ORDER if node in nodes]:
            raise ValidationError("流程节点须按 交办→签收→办理→反馈→复核→销号 的顺序排列。")
        missing = [node.label for node in REQUIRED_NODES if node not in nodes]
        if missing:
            raise ValidationError(f"流程必须包含节点：{'、'.join(missing)}。")

    def _check_clocks(self):
        clocks = self.clocks
        if not isinstance(clocks, list) or not clocks:
            raise ValidationError("至少设置一个时限（办结时限）。")
        codes = set()
        for number, clock in enumerate(clocks, start=1):
            if not isinstance(clock, dict) or set(clock) != {"code", "name", "days", "ends_at"}:
                raise ValidationError(f"第 {number} 个时限须包含 code、name、days、ends_at 四项。")
            if not str(clock["code"]).strip() or clock["code"] in codes:
                raise ValidationError(f"第 {number} 个时限的代码为空或重复。")
            codes.add(clock["code"])
            if not isinstance(clock["days"], int) or isinstance(clock["days"], bool) or clock["days"] < 1:
                raise ValidationError(f"第 {number} 个时限（{clock['name']}）的工作日数须为正整数。")
            if clock["ends_at"] not in self.nodes or clock["ends_at"] == Node.ASSIGNED:
                raise ValidationError(
                    f"第 {number} 个时限（{clock['name']}）止于的节点不在本类流程中（或为交办）。"
                )
        if [clock["ends_at"] for clock in clocks].count(Node.CLOSED) != 1:
            raise ValidationError("必须有且只有一个时限止于销号（办结时限）。")

    def _check_ladder(self):
        ladder = self.escalation_ladder
        if not isinstance(ladder, list):
            raise ValidationError("升级阶梯须为列表。")
        previous_level, previous_days = 0, 0
        for number, step in enumerate(ladder, start=1):
            if not isinstance(step, dict) or set(step) != {"level", "after_days"}:
                raise ValidationError(f"升级阶梯第 {number} 级须包含 level、after_days 两项。")
            if step["level"] not in EscalationLevel.values or step["level"] == EscalationLevel.UNIT:
                raise ValidationError(f"升级阶梯第 {number} 级的层级不正确。")
            days = step["after_days"]
            if not isinstance(days, int) or isinstance(days, bool) or days < 1:
                raise ValidationError(f"升级阶梯第 {number} 级的超期工作日数须为正整数。")
            level = LEVEL_ORDER.index(step["level"])
            if level <= previous_level or days <= previous_days:
                raise ValidationError(f"升级阶梯第 {number} 级须比上一级层级更高、超期工作日数更多。")
            previous_level, previous_days = level, days

    # Reading the configuration ------------------------------------------------------------------

    def next_node(self, node):
        """The node after `node` in this kind's flow (None after 销号)."""
        later = [
            candidate for candidate in self.nodes if NODE_ORDER.index(candidate) > NODE_ORDER.index(node)
        ]
        return Node(later[0]) if later else None

    def working_node(self):
        """Where 复核 returns a matter and where reopening puts it: 办理, else 签收, else 交办."""
        return next(Node(node) for node in WORKING_NODES if node in self.nodes)

    @property
    def resolve_clock(self):
        """The clock that ends at 销号: the matter's deadline."""
        return next(clock for clock in self.clocks if clock["ends_at"] == Node.CLOSED)

    def level_for(self, working_days_overdue):
        """The escalation level the ladder gives for so many working days overdue."""
        level = EscalationLevel.UNIT
        for step in self.escalation_ladder:
            if working_days_overdue >= step["after_days"]:
                level = EscalationLevel(step["level"])
        return level


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


def attachment_path(instance, filename):
    return f"matters/attachments/{instance.matter.opened_on:%Y}/{instance.matter_id}/{filename}"


class MatterAttachment(BusinessModel):
    """佐证材料: a file attached to a matter (the evidence 销号 needs): PDF, picture, Word or Excel,
    checked by its content, stored under MEDIA and served only through permission-checked views."""

    matter = models.ForeignKey(
        Matter, verbose_name="事项", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path, max_length=300)
    original_name = models.CharField("原文件名", max_length=200)
    file_type = models.CharField("文件类型", max_length=10, choices=AttachmentType.choices)
    size = models.PositiveIntegerField("大小（字节）")
    description = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        "org.User", verbose_name="上传人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope = Scope(
        units=("matter__lead_unit", "matter__cooperating_units", "matter__project__responsible_unit"),
        regions=("matter__region",),
    )

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["matter", "id"]

    def __str__(self):
        return self.description or self.original_name


class WorkdayOverride(BusinessModel):
    """工作日调整: a day the office declares working (调休上班) or rest (放假), for years the holiday
    library does not know yet (the State Council publishes each year's holidays in the autumn before).
    It wins over the library and the weekend."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("上班", help_text="勾选：当天上班（调休）；不勾选：当天放假。")
    note = models.CharField("说明", max_length=100, blank=True, help_text="例如：2027年春节调休。")

    scope = Scope(public_view=True)
    import_keys = ("date",)

    class Meta:
        verbose_name = "工作日调整"
        verbose_name_plural = "工作日调整"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_working_day else '放假'}"
