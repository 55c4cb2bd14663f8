"""事项类型: the kinds of matters as data (flows, clocks, escalation ladder)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models

from core.models import BusinessModel, Scope

from ..choices import (
    LEVEL_ORDER,
    NODE_ORDER,
    REQUIRED_NODES,
    WORKING_NODES,
    EscalationLevel,
    ExtensionApprover,
    Node,
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
