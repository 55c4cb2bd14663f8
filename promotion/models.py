"""Investment promotion (招商): the teams that find and bring in projects."""

from django.db import models

from core.models import BusinessModel, Scope
from org.choices import MemberDuty


class PromotionTeam(BusinessModel):
    """招商队: a professional promotion team led by a district leader (Nankang has 7), scored in the
    “四条赛道” competition."""

    name = models.CharField("招商队名称", max_length=100)
    lead_leader = models.ForeignKey(
        "org.Leader", verbose_name="带队领导", on_delete=models.PROTECT, related_name="promotion_teams"
    )
    lead_unit = models.ForeignKey(
        "org.Unit", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="promotion_teams"
    )
    focus_industries = models.CharField(
        "主攻产业", max_length=200, blank=True, help_text="例如：现代家居、电子信息"
    )
    is_active = models.BooleanField("在运行", default=True)

    scope = Scope(units=("lead_unit",))
    import_keys = ("name",)

    class Meta:
        verbose_name = "招商队"
        verbose_name_plural = "招商队"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["lead_unit", "name"], name="promotion_team_unique_in_unit")
        ]


class PromotionTeamMember(BusinessModel):
    """招商队队员: a person serving in a promotion team (young cadres sent to the front line)."""

    team = models.ForeignKey(
        PromotionTeam, verbose_name="招商队", on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        "org.Person", verbose_name="队员", on_delete=models.PROTECT, related_name="promotion_memberships"
    )
    duty = models.CharField("分工", max_length=20, choices=MemberDuty.choices, default=MemberDuty.MEMBER)

    scope = Scope(units=("team__lead_unit",))
    import_keys = ("team", "person")

    class Meta:
        verbose_name = "招商队队员"
        verbose_name_plural = "招商队队员"
        ordering = ["team", "duty"]
        constraints = [models.UniqueConstraint(fields=["team", "person"], name="promotion_team_member_once")]

    def __str__(self):
        return f"{self.team} · {self.person.name}"
