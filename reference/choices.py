from django.db import models


class IndustryLevel(models.TextChoices):
    SECTION = "section", "门类"
    DIVISION = "division", "大类"
    GROUP = "group", "中类"
    CLASS = "class", "小类"


class EmergingIndustryLevel(models.IntegerChoices):
    CATEGORY = 1, "大类"
    SUBCATEGORY = 2, "中类"
    DETAIL = 3, "小类"
