from django.db import models


class Level(models.TextChoices):
    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"


# Worse is larger: a project's light is the worst level among its reasons.
LEVEL_RANK = {Level.GREEN: 0, Level.YELLOW: 1, Level.RED: 2}


class Dimension(models.TextChoices):
    START = "start", "开工"
    PROGRESS = "progress", "投资进度"
    PERSISTENCE = "persistence", "持续预警"
    REPORTING = "reporting", "调度报送"
    MATTERS = "matters", "问题办理"
    STATISTICS = "statistics", "入库纳统"


class TimeElapsedMode(models.TextChoices):
    """How 序时进度 (the share of the year elapsed) is reckoned."""

    MONTHS = "months", "按月（已过月数 ÷ 12）"
    DAYS = "days", "按日（已过天数 ÷ 全年天数）"
    PLAN = "plan", "按项目分月计划"
