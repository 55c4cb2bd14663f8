from django.db import models


class PeriodType(models.TextChoices):
    DAILY = "daily", "每日"
    WEEKLY = "weekly", "每周"
    HALF_MONTHLY = "half_monthly", "每半月"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "周一"
    TUESDAY = 1, "周二"
    WEDNESDAY = 2, "周三"
    THURSDAY = 3, "周四"
    FRIDAY = 4, "周五"
    SATURDAY = 5, "周六"
    SUNDAY = 6, "周日"


class ReportStatus(models.TextChoices):
    PENDING = "pending", "未填报"
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已审核"


# Statuses in which the reporting unit may still edit the report.
EDITABLE_STATUSES = (ReportStatus.PENDING, ReportStatus.DRAFT, ReportStatus.RETURNED)


class Confidence(models.TextChoices):
    """Delivery confidence on the UK GMPP five-point scale."""

    GREEN = "green", "绿"
    GREEN_AMBER = "green_amber", "绿黄"
    AMBER = "amber", "黄"
    AMBER_RED = "amber_red", "黄红"
    RED = "red", "红"


class RuleOperator(models.TextChoices):
    EQUAL = "==", "等于"
    NOT_EQUAL = "!=", "不等于"
    LESS = "<", "小于"
    LESS_OR_EQUAL = "<=", "小于等于"
    GREATER = ">", "大于"
    GREATER_OR_EQUAL = ">=", "大于等于"


class RuleImportance(models.TextChoices):
    BLOCKING = "blocking", "阻止报送"
    WARNING = "warning", "警告（须说明）"


class ReportAction(models.TextChoices):
    SAVE = "save", "保存"
    SUBMIT = "submit", "报送"
    RETURN = "return", "退回"
    APPROVE = "approve", "审核通过"
    REOPEN = "reopen", "重新打开"
    IMPORT = "import", "表格导入"


class ReminderKind(models.TextChoices):
    BEFORE_DUE = "before_due", "截止前提醒"
    OVERDUE = "overdue", "逾期催报"


class ReminderChannel(models.TextChoices):
    IN_APP = "in_app", "站内"
    EMAIL = "email", "电子邮件"
