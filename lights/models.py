"""预警亮灯: every project carries a green, yellow or red light, computed by the county's own published
rules, with the reasons spelled out.

The rules are data: a `RuleSet` is one version of the rules file (TOML, see `lights.rules` and
docs/lights.md); editing the rules saves a new version and activates it, never rewriting a version
that was used. A `ProjectLight` is the light a project got for one dispatch round (or on one date),
with its reasons (rule, numbers, thresholds, consequence) and the rule set version that produced it,
so a past light can be explained later and a change of rules never changes it.
"""

from django.core.exceptions import ValidationError
from django.db import models

from core.models import BusinessModel, Scope

from .choices import Level


class RuleSet(BusinessModel):
    """预警规则版本: one version of the warning rules file the office published. Exactly one version is
    in force; each light records the version it was computed with."""

    version = models.PositiveIntegerField("版本", unique=True, editable=False)
    text = models.TextField("规则文本", help_text="TOML 格式，见《预警规则文件说明》。")
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        "org.User",
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    is_active = models.BooleanField("启用", default=False, editable=False)

    scope = Scope()

    class Meta:
        verbose_name = "预警规则"
        verbose_name_plural = "预警规则"
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="ruleset_one_active"
            ),
        ]

    def __str__(self):
        return f"预警规则第 {self.version} 版"

    def save(self, *args, **kwargs):
        # A version is a record of what was in force: its text never changes once saved (a new text is
        # a new version, see services.save_ruleset).
        if self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).values_list("text", flat=True).first()
            if stored is not None and stored != self.text:
                raise ValidationError({"text": "已保存的规则版本不能修改，请保存为新版本。"})
        super().save(*args, **kwargs)

    def rules(self):
        """The parsed rules (`lights.rules.Rules`) of this version, read once per instance."""
        from .rules import parse_rules

        cached = getattr(self, "_parsed", None)
        if cached is None or cached.text != self.text.replace("\r\n", "\n").replace("\r", "\n"):
            cached = self._parsed = parse_rules(self.text)
        return cached


class ProjectLight(BusinessModel):
    """项目亮灯: the light of one project for one dispatch round (or, without a round, on one date):
    the worst level of the rules that fired, each reason with its rule, numbers, thresholds and
    consequence, the figures measured, and the rule set version used."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="lights",
        db_index=False,  # led by light_project_latest_idx
    )
    round = models.ForeignKey(
        "dispatch.DispatchRound",
        verbose_name="调度轮次",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lights",
        db_index=False,  # led by light_once_per_round
    )
    as_of = models.DateField("评价日期", help_text="按哪一天的数据评价；调度轮次为其周期末日。")
    level = models.CharField("亮灯", max_length=10, choices=Level.choices)
    # What the other rules gave before any persistence rule raised it: what a later round's
    # persistence rules follow ("yellow three rounds running"), read without opening the reasons.
    base_level = models.CharField("持续预警前亮灯", max_length=10, choices=Level.choices, default=Level.GREEN)
    reasons = models.JSONField("亮灯原因", default=list, blank=True)
    # The names of the rules that fired, one per line: what a persistence rule following one rule
    # reads in the earlier rounds without opening their reasons.
    fired_rules = models.TextField("触发规则", blank=True, editable=False)
    figures = models.JSONField("评价数据", default=dict, blank=True)
    ruleset = models.ForeignKey(
        RuleSet, verbose_name="规则版本", on_delete=models.PROTECT, related_name="lights"
    )
    evaluated_at = models.DateTimeField("评价时间")

    scope = Scope(units=("project__responsible_unit",), regions=("project__region",))

    class Meta:
        verbose_name = "项目亮灯"
        verbose_name_plural = "项目亮灯"
        ordering = ["-as_of", "project"]
        constraints = [
            models.UniqueConstraint(fields=["round", "project"], name="light_once_per_round"),
            models.UniqueConstraint(
                fields=["project", "as_of"],
                condition=models.Q(round__isnull=True),
                name="light_once_per_date_without_round",
            ),
        ]
        indexes = [
            # A project's lights newest first: its light history, and its latest light (the first entry),
            # which the project lists look up once per project.
            models.Index(fields=["project", "-as_of", "-id"], name="light_project_latest_idx"),
            # Every light of a date by level ("the red projects at the end of June").
            models.Index(fields=["as_of", "level"], name="light_date_level_idx"),
        ]

    def __str__(self):
        return f"{self.project.name} · {self.as_of} · {self.get_level_display()}"
