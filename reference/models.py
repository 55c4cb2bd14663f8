"""National classifications a project or enterprise is tagged with."""

from django.db import models

from core.models import BusinessModel, Scope

from .choices import EmergingIndustryLevel, IndustryLevel


class Industry(BusinessModel):
    """国民经济行业分类 (GB/T 4754-2017): 门类 A–T, 大类 2 digits, 中类 3, 小类 4."""

    code = models.CharField("行业代码", max_length=4, unique=True)
    name = models.CharField("行业名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=IndustryLevel.choices)
    section = models.CharField("门类", max_length=1)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField("说明", blank=True)

    scope = Scope(public_view=True)
    import_keys = ("code",)

    class Meta:
        verbose_name = "国民经济行业分类"
        verbose_name_plural = "国民经济行业分类"
        ordering = ["section", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class EmergingIndustry(BusinessModel):
    """战略性新兴产业分类(2018) (国家统计局令第23号): 9 大类 and their 中类, dotted codes (1, 1.1)."""

    code = models.CharField("分类代码", max_length=12, unique=True)
    name = models.CharField("分类名称", max_length=100)
    level = models.PositiveSmallIntegerField("层级", choices=EmergingIndustryLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    scope = Scope(public_view=True)
    import_keys = ("code",)

    class Meta:
        verbose_name = "战略性新兴产业分类"
        verbose_name_plural = "战略性新兴产业分类"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"
