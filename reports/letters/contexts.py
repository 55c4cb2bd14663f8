"""The contexts of the letters (selectors): plain dicts of text and numbers, built from the records
and nothing else, in the shape `reports.letters.variables` documents. A renderer fills a template from
them; the issued letter stores the context and its checksum, so what was sent can be explained later.

- 提醒函 (`red_project_letter_context`): to a red project's responsible unit and its liaison leader —
  the light, each reason with its rule, numbers and thresholds, the consequences the rules attach, and
  the date by which the unit replies;
- 督办函 (`overdue_matter_letter_context`): to an overdue matter's lead unit, responsible leader and
  person — the matter, its deadline as it stood on the letter's date, the working days overdue, the
  escalation level and the solution asked.
"""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from lights.choices import Level
from matters.choices import EscalationLevel, Node
from matters.models import Matter
from matters.selectors import overdue_rows, working_calendar
from org.choices import RegionLevel

from ..choices import DocumentKind
from ..models import DEFAULT_REPLY_WORKING_DAYS

# The character after the issuer's abbreviation in a letter number: 南康项办提〔2024〕3号 / 督〔2024〕3号.
NUMBER_MARKS = {DocumentKind.REMINDER_LETTER: "提", DocumentKind.SUPERVISION_LETTER: "督"}
# Region levels below a county: a letter is issued by the county's office.
BELOW_COUNTY = (RegionLevel.TOWNSHIP, RegionLevel.FUNCTIONAL_ZONE)
COUNTY_SUFFIXES = ("自治县", "区", "县", "市", "旗")


@dataclass(frozen=True)
class Issuer:
    """Who issues a letter and how: the office's name (发文机关), the number prefix before 〔year〕
    (e.g. 南康项办督), whether the letter carries the red header, and the reply time in working days."""

    name: str
    number_prefix: str
    red_header: bool = False
    reply_working_days: int = DEFAULT_REPLY_WORKING_DAYS


def chinese_date(day):
    """2024年3月8日."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def letter_number(prefix, year, sequence):
    """南康项办督〔2024〕3号 (GB/T 9704: 六角括号 around the year, no leading zeros)."""
    return f"{prefix}〔{year}〕{sequence}号"


def county_of(region):
    """The county-level region a region lies in (itself when it is one or higher)."""
    while region is not None and region.level in BELOW_COUNTY and region.parent_id:
        region = region.parent
    return region


def short_place_name(name):
    """南康区 → 南康: the place name used in abbreviations (两字以上地名去掉"区/县/市"等)."""
    for suffix in COUNTY_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def default_issuer(region, *, kind, actor=None):
    """The issuer when the office has set none on its template: the actor's own unit (the office) or
    else "<county>项目办", and the prefix "<county short>项办" plus the kind's mark."""
    county = county_of(region)
    person = getattr(actor, "person", None) if actor is not None else None
    name = person.unit.name if person is not None else f"{county.name}项目办"
    return Issuer(name=name, number_prefix=f"{short_place_name(county.name)}项办{NUMBER_MARKS[kind]}")


def issuer_for(region, *, kind, actor=None, template=None):
    """The issuer of a letter about a subject in `region`: what the template in force (a
    DocumentTemplate, or None for the built-in one) sets, the defaults for what it leaves blank."""
    issuer = default_issuer(region, kind=kind, actor=actor)
    if template is None:
        return issuer
    return Issuer(
        name=template.issuer_name or issuer.name,
        number_prefix=template.number_prefix or issuer.number_prefix,
        red_header=template.red_header,
        reply_working_days=template.reply_working_days,
    )


def context_checksum(context):
    """SHA-256 of the context as canonical JSON: the same letter data gives the same checksum."""
    text = json.dumps(context, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _money(value):
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value or "")


def _leader_text(leader):
    return f"{leader.person.name}（{leader.position}）" if leader is not None else ""


def _letter(kind, *, issuer, on, number, title, unit, leader, person=""):
    reply_deadline = working_calendar().add_working_days(on, issuer.reply_working_days)
    return {
        "kind_label": DocumentKind(kind).label,
        "number": number,
        "title": title,
        "issuer_name": issuer.name,
        "red_header": issuer.red_header,
        "date": chinese_date(on),
        "addressee": {
            "unit": unit.name,
            "leader": leader.person.name if leader is not None else "",
            "leader_position": leader.position if leader is not None else "",
            "leader_text": _leader_text(leader),
            "person": person,
        },
        "reply_working_days": issuer.reply_working_days,
        "reply_deadline": chinese_date(reply_deadline),
        "copy_to": _leader_text(leader),
    }


def _reason(position, reason):
    return {
        "number": position,
        "rule": reason.get("rule", ""),
        "level_label": Level(reason["level"]).label if reason.get("level") in Level.values else "",
        "value": str(reason.get("value", "")),
        "unit": reason.get("unit", ""),
        "threshold_text": reason.get("threshold_text", ""),
        "text": reason.get("text", ""),
        "consequence": reason.get("consequence", ""),
    }


def latest_light(project):
    """The project's latest light (by date, then the latest recorded), or None."""
    from lights.models import ProjectLight

    return (
        ProjectLight.objects.filter(project=project)
        .select_related("round__cadence", "ruleset")
        .order_by("-as_of", "-id")
        .first()
    )


def red_light_refusal(project, light):
    """Why no 提醒函 may be issued about `project` with `light` (its latest light), or ""."""
    if light is None:
        return f"项目“{project.name}”尚未亮灯，只能对亮红灯的项目发提醒函。"
    if light.level != Level.RED:
        return f"项目“{project.name}”最近一次亮{light.get_level_display()}，只能对亮红灯的项目发提醒函。"
    return ""


def red_project_letter_context(project, *, light=None, issuer, on, number=""):
    """The 提醒函 for `project` whose light (`light`, else its latest) is red, dated `on`, from
    `issuer`, numbered `number`. Refuses (ValidationError) a project without a red light."""
    light = light if light is not None else latest_light(project)
    refusal = red_light_refusal(project, light)
    if refusal:
        raise ValidationError(refusal)
    unit, leader = project.responsible_unit, project.liaison_leader
    reasons = [_reason(position, reason) for position, reason in enumerate(light.reasons or [], start=1)]
    consequences = list(dict.fromkeys(reason["consequence"] for reason in reasons if reason["consequence"]))
    period = (
        f"{light.round.cadence.name} · {light.round.label}"
        if light.round_id
        else f"{chinese_date(light.as_of)}评价"
    )
    context = _letter(
        DocumentKind.REMINDER_LETTER,
        issuer=issuer,
        on=on,
        number=number,
        title=f"关于{project.name}亮{light.get_level_display()}的提醒函",
        unit=unit,
        leader=leader,
    )
    return context | {
        "project": {
            "code": project.code,
            "name": project.name,
            "stage": project.get_stage_display(),
            "region": project.region.name,
            "responsible_unit": unit.name,
            "liaison_leader": _leader_text(leader),
            "task_force": project.task_force.name if project.task_force_id else "",
            "total_investment": _money(project.total_investment),
            "total_investment_yi": _money(project.total_investment_yi),
        },
        "light": {
            "level": light.level,
            "level_label": light.get_level_display(),
            "as_of": chinese_date(light.as_of),
            "period": period,
            "ruleset_version": light.ruleset.version,
        },
        "reasons": reasons,
        "consequences": consequences,
        "consequence_text": "；".join(consequences),
    }


def overdue_state(matter, on):
    """The matter's `OverdueRow` on `on` (deadline, working days overdue and level as recorded that
    day), or None when it was not overdue then."""
    rows = overdue_rows(on, Matter.objects.filter(pk=matter.pk))
    return rows[0] if rows else None


def overdue_refusal(matter, state, on):
    """Why no 督办函 may be issued about `matter` on `on` (`state`: its `overdue_state` then), or ""."""
    if matter.node == Node.CLOSED:
        return f"事项“{matter.code} {matter.title}”已销号，不能发督办函。"
    if state is None:
        return (
            f"事项“{matter.code} {matter.title}”在{chinese_date(on)}未逾期"
            f"（办结期限{chinese_date(matter.deadline)}），只能对逾期未办结的事项发督办函。"
        )
    return ""


def overdue_matter_letter_context(matter, *, issuer, on, number=""):
    """The 督办函 for `matter`, open and overdue on `on`, from `issuer`, numbered `number`. Refuses
    (ValidationError) a closed matter or one not overdue on `on`."""
    state = overdue_state(matter, on) if matter.node != Node.CLOSED else None
    refusal = overdue_refusal(matter, state, on)
    if refusal:
        raise ValidationError(refusal)
    leader, person = matter.responsible_leader, matter.responsible_person
    cooperating = "、".join(unit.name for unit in matter.cooperating_units.order_by("sort_order", "name"))
    context = _letter(
        DocumentKind.SUPERVISION_LETTER,
        issuer=issuer,
        on=on,
        number=number,
        title=f"关于督促办理“{matter.title}”的督办函",
        unit=matter.lead_unit,
        leader=leader,
        person=person.name if person is not None else "",
    )
    return context | {
        "matter": {
            "code": matter.code,
            "title": matter.title,
            "kind": matter.kind.name,
            "category": matter.get_category_display(),
            "description": matter.description,
            "project": matter.project.name if matter.project_id else "",
            "project_code": matter.project.code if matter.project_id else "",
            "lead_unit": matter.lead_unit.name,
            "cooperating_units": cooperating,
            "responsible_leader": _leader_text(leader),
            "responsible_person": person.name if person is not None else "",
            "solution": matter.solution,
            "opened_on": chinese_date(matter.opened_on),
            "deadline": chinese_date(state.deadline),
            "original_deadline": chinese_date(matter.original_deadline),
            "working_days_overdue": state.working_days_overdue,
            "escalation_level": EscalationLevel(state.level).label,
            "node": matter.get_node_display(),
        },
    }
