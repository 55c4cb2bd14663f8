from django.db import models


class Stage(models.TextChoices):
    SIGNED = "signed", "招商（已签约）"
    PREPARING = "preparing", "新上（筹备）"
    PLANNED = "planned", "拟建"
    UNDER_CONSTRUCTION = "under_construction", "在建（开工/续建）"
    COMPLETED = "completed", "竣工"
    OPERATING = "operating", "投产"
    STALLED = "stalled", "停缓建"
    CANCELLED = "cancelled", "取消"


# The forward path of a project; stalled and cancelled stand beside it.
STAGE_ORDER = (
    Stage.SIGNED,
    Stage.PREPARING,
    Stage.PLANNED,
    Stage.UNDER_CONSTRUCTION,
    Stage.COMPLETED,
    Stage.OPERATING,
)


class Category(models.TextChoices):
    INDUSTRY = "industry", "产业项目"
    INFRASTRUCTURE = "infrastructure", "基础设施"
    LIVELIHOOD = "livelihood", "社会民生"
    TECH_UPGRADE = "tech_upgrade", "技改项目"
    URBAN = "urban", "城市建设"
    AGRICULTURE = "agriculture", "农业农村"
    OTHER = "other", "其他"


class FundingSource(models.TextChoices):
    FISCAL = "fiscal", "财政资金"
    SPECIAL_BOND = "special_bond", "专项债"
    CENTRAL_BUDGET = "central_budget", "中央预算内投资"
    SELF_RAISED = "self_raised", "企业自筹"
    BANK_LOAN = "bank_loan", "银行贷款"
    OTHER = "other", "其他"


class MilestoneKind(models.TextChoices):
    SIGNING = "signing", "签约"
    COMPANY_REGISTERED = "company_registered", "注册公司"
    LAND_SECURED = "land_secured", "落实用地"
    APPROVALS_COMPLETE = "approvals_complete", "手续办结"
    CONSTRUCTION_START = "construction_start", "开工"
    TOPPING_OUT = "topping_out", "主体封顶"
    COMPLETION = "completion", "竣工"
    OPERATION = "operation", "投产"
    STATISTICS_ENTRY = "statistics_entry", "入库纳统"


class EventKind(models.TextChoices):
    SIGNING = "signing", "集中签约"
    GROUNDBREAKING = "groundbreaking", "集中开工"
    PROMOTION = "promotion", "招商推介会"


class FactorKind(models.TextChoices):
    LAND = "land", "用地"
    ENERGY = "energy", "用能"
    FUNDS = "funds", "资金"
    LABOUR = "labour", "用工"
    OTHER = "other", "其他"


class FactorStatus(models.TextChoices):
    OPEN = "open", "待保障"
    IN_PROGRESS = "in_progress", "协调中"
    SECURED = "secured", "已保障"
    WITHDRAWN = "withdrawn", "已撤回"
