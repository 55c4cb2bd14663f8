from django.db import models


class Node(models.TextChoices):
    """The nodes of the closed loop, in their fixed order; a kind runs a subset of them."""

    ASSIGNED = "assigned", "交办"
    SIGNED = "signed", "签收"
    HANDLING = "handling", "办理"
    FEEDBACK = "feedback", "反馈"
    REVIEW = "review", "复核"
    CLOSED = "closed", "销号"


NODE_ORDER = tuple(Node)
# Every kind starts with 交办 and ends with 销号; the nodes between are optional.
REQUIRED_NODES = (Node.ASSIGNED, Node.CLOSED)
# Where a matter returns to when 复核 sends it back or the office reopens it: the latest of these the
# kind runs (办理 normally).
WORKING_NODES = (Node.HANDLING, Node.SIGNED, Node.ASSIGNED)


class EscalationLevel(models.TextChoices):
    """The escalation ladder, lowest first: the lead unit itself, the project's liaison leader, the
    task force, the district dispatch meeting."""

    UNIT = "unit", "责任单位"
    LIAISON_LEADER = "liaison_leader", "挂点联系领导"
    TASK_FORCE = "task_force", "项目推进专班"
    DISTRICT_MEETING = "district_meeting", "区调度会"


LEVEL_ORDER = tuple(EscalationLevel)


class ExtensionApprover(models.TextChoices):
    OFFICE = "office", "项目办"
    LEADER = "leader", "责任领导"
    OFFICE_OR_LEADER = "office_or_leader", "项目办或责任领导"


class Source(models.TextChoices):
    PROGRESS_REPORT = "progress_report", "进度报告"
    DISPATCH_MEETING = "dispatch_meeting", "调度会"
    HOTLINE = "hotline", "热线"
    SUPERVISION = "supervision", "督查"
    VISIT = "visit", "走访"
    OTHER = "other", "其他"


class Category(models.TextChoices):
    LAND = "land", "用地"
    ENERGY = "energy", "用能"
    FUNDS = "funds", "资金"
    LABOUR = "labour", "用工"
    APPROVAL = "approval", "审批"
    RELOCATION = "relocation", "征迁"
    PLANNING = "planning", "规划"
    ENVIRONMENT = "environment", "环评"
    OTHER = "other", "其他"


class EventKind(models.TextChoices):
    ASSIGNED = "assigned", "交办"
    SIGNED = "signed", "签收"
    HANDLING_STARTED = "handling_started", "开始办理"
    FEEDBACK_SUBMITTED = "feedback_submitted", "反馈"
    REVIEW_PASSED = "review_passed", "复核通过"
    REVIEW_RETURNED = "review_returned", "复核退回"
    CLOSED = "closed", "销号"
    REOPENED = "reopened", "重新打开"
    EDITED = "edited", "修改交办信息"
    EXTENSION_REQUESTED = "extension_requested", "申请延期"
    EXTENSION_APPROVED = "extension_approved", "同意延期"
    EXTENSION_REJECTED = "extension_rejected", "不同意延期"
    ESCALATED_BY_RULE = "escalated_by_rule", "超期自动升级"
    ESCALATED_BY_HAND = "escalated_by_hand", "人工升级"
    PAUSED = "paused", "暂停计时"
    RESUMED = "resumed", "恢复计时"
    ATTACHMENT_ADDED = "attachment_added", "上传附件"
    COMMENTED = "commented", "留言"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已同意"
    REJECTED = "rejected", "已驳回"


class AttachmentType(models.TextChoices):
    PDF = "pdf", "PDF 文件"
    IMAGE = "image", "图片"
    DOCX = "docx", "Word 文档"
    XLSX = "xlsx", "Excel 表格"


class Light(models.TextChoices):
    """A matter's light: green in time, yellow inside the kind's warning window, red past the deadline."""

    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"
