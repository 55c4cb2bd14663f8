"""Which projects a set of figures covers: a region (and the regions below it), a unit (and the units
below it), a liaison leader, a task force, an industry chain, one or more tiers — any combination, all
of them together — and, for a signed-in reader, only what that user may see."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q

from org.models import Leader, Region, TaskForce, Unit
from projects.models import IndustryChain, Project

# Tier key → (Project flag, label). Offices write the labels; the CLI and the API take either.
TIERS = {
    "provincial": ("is_provincial_key", "省重点"),
    "city": ("is_city_key", "市重点"),
    "district": ("is_district_key", "区重点"),
    "major": ("is_major", "重大"),
    "provincial_large": ("is_provincial_large", "省大中型"),
}
TIER_BY_LABEL = {label: key for key, (_, label) in TIERS.items()} | {
    "重大项目": "major",
    "省重点项目": "provincial",
    "市重点项目": "city",
    "区重点项目": "district",
}


def tier_key(text):
    """The tier key of a key or label ("provincial", "省重点"); ValidationError otherwise."""
    text = (text or "").strip()
    if text in TIERS:
        return text
    if text in TIER_BY_LABEL:
        return TIER_BY_LABEL[text]
    labels = "、".join(label for _, label in TIERS.values())
    raise ValidationError({"tier": f"项目级别“{text}”不存在，可选：{labels}。"})


@dataclass(frozen=True)
class FiguresScope:
    """The filters, each optional; every one given must hold (tiers: any of those listed).

    region: a Region code (its projects and those of the regions below it); unit: a Unit code (projects
    whose 责任单位 is that unit or below it); leader: a Leader id or the leader's name (挂点领导);
    task_force: a TaskForce id or name; industry_chain: an IndustryChain id or name; tiers: keys or
    labels of `TIERS`; user: only the projects this user may view (`restrict`)."""

    region: str | None = None
    unit: str | None = None
    leader: str | int | None = None
    task_force: str | int | None = None
    industry_chain: str | int | None = None
    tiers: tuple = ()
    user: object = field(default=None, compare=False)

    def resolve(self):
        """(Q over Project fields, a JSON-ready description with the ids and names resolved).
        ValidationError in Chinese naming the filter that matches nothing."""
        condition, described = Q(), {}
        if self.region:
            region = Region.objects.filter(code=str(self.region).strip()).first()
            if region is None:
                raise ValidationError({"region": f"区划代码“{self.region}”不存在。"})
            condition &= Q(region__path__startswith=region.path)
            described["region"] = {"id": region.pk, "code": region.code, "name": region.name}
        if self.unit:
            unit = Unit.objects.filter(code=str(self.unit).strip()).first()
            if unit is None:
                raise ValidationError({"unit": f"单位编码“{self.unit}”不存在。"})
            condition &= Q(responsible_unit__path__startswith=unit.path)
            described["unit"] = {"id": unit.pk, "code": unit.code, "name": unit.name}
        if self.leader:
            leader = _by_id_or_name(Leader, self.leader, "person__name", "leader", "挂点领导")
            condition &= Q(liaison_leader_id=leader.pk)
            described["leader"] = {"id": leader.pk, "name": leader.person.name}
        if self.task_force:
            task_force = _by_id_or_name(TaskForce, self.task_force, "name", "task_force", "推进专班")
            condition &= Q(task_force_id=task_force.pk)
            described["task_force"] = {"id": task_force.pk, "name": task_force.name}
        if self.industry_chain:
            chain = _by_id_or_name(IndustryChain, self.industry_chain, "name", "industry_chain", "产业链")
            condition &= Q(industry_chain_id=chain.pk)
            described["industry_chain"] = {"id": chain.pk, "name": chain.name}
        if self.tiers:
            keys = sorted({tier_key(tier) for tier in self.tiers})
            any_tier = Q()
            for key in keys:
                any_tier |= Q(**{TIERS[key][0]: True})
            condition &= any_tier
            described["tiers"] = [{"key": key, "label": TIERS[key][1]} for key in keys]
        if self.user is not None:
            condition &= Q(id__in=Project.objects.restrict(self.user, "view").values("id"))
            described["user"] = self.user.get_username()
        return condition, described


def _by_id_or_name(model, value, name_field, key, label):
    text = str(value).strip()
    rows = (
        model.objects.filter(pk=int(text)) if text.isdigit() else model.objects.filter(**{name_field: text})
    )
    found = list(rows[:2])
    if not found:
        raise ValidationError({key: f"{label}“{text}”不存在。"})
    if len(found) > 1:
        raise ValidationError({key: f"{label}“{text}”有重名，请改用编号（id）。"})
    return found[0]
