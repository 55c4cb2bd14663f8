"""Loading the Ganzhou / Nankang demo (see `demo.data`), idempotently.

Rows are found by their natural keys (unit code, unit + person name, team name …) and saved only
when a value differs, so a second run writes nothing at all — not even history records, which
`update_or_create` would add on every call.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction

from core.history import history_context
from org.choices import MemberDuty, RegionKind, RegionLevel, UnitKind
from org.models import Grant, Leader, Person, Region, Role, TaskForce, TaskForceMember, Unit, User
from org.services import ensure_default_roles
from promotion.models import PromotionTeam, PromotionTeamMember

from . import data

DEMO_MODELS = (
    Unit,
    Person,
    Leader,
    TaskForce,
    TaskForceMember,
    PromotionTeam,
    PromotionTeamMember,
    User,
    Grant,
)


@dataclass
class Login:
    username: str
    password: str
    role: str
    scope: str
    note: str = ""


@dataclass
class DemoResult:
    """What one run did: rows created and updated per model, and the demo logins."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    logins: list[Login] = field(default_factory=list)


def load_demo(*, password=data.DEMO_PASSWORD):
    """Create or update the demo organisation, teams, task forces, users and grants, then the project
    library (`demo.projects_loader`), ten weeks of dispatch (`demo.dispatch_loader`), the issues
    their reports raised (`demo.matters_loader`) and each week's lights (`demo.lights_loader`), in one
    transaction, attributed to no user with the reason
    “演示数据”; returns a `DemoResult`."""
    result = DemoResult()
    with transaction.atomic(), history_context(actor=None, reason="演示数据"):
        ensure_default_roles()
        units = _load_units(result)
        people = _load_contacts(units, result)
        leaders = _load_leaders(units, result)
        _load_promotion_teams(units, people, leaders, result)
        _load_task_forces(units, people, leaders, result)
        _load_personas(units, leaders, password, result)
        # Imported here: the project and dispatch loaders reuse this module's `_sync`.
        from .dispatch_loader import load_dispatch
        from .lights_loader import load_lights
        from .matters_loader import load_matters
        from .projects_loader import load_projects

        load_projects(units, leaders, result)
        load_dispatch(result)
        load_matters(result)
        load_lights(result)
    return result


def _sync(model, lookup, values, result):
    """The row matching `lookup`, created with `values` or updated to them — saved only if needed."""
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        row = model(**lookup, **values)
        row.full_clean()
        row.save()
        result.created[model] += 1
        return row
    if _assign(row, values):
        row.full_clean()
        row.save()
        result.updated[model] += 1
    return row


def _assign(row, values):
    """Set `values` on `row`; whether any of them differed."""
    changed = False
    for name, value in values.items():
        model_field = row._meta.get_field(name)
        if model_field.is_relation:
            current, wanted = getattr(row, model_field.attname), (value.pk if value is not None else None)
        else:
            current, wanted = getattr(row, name), value
        if current != wanted:
            setattr(row, name, value)
            changed = True
    return changed


def township_unit_name(region):
    """“唐江镇人民政府”, “蓉江街道办事处”: the organ of a township or subdistrict."""
    return f"{region.name}办事处" if region.kind == RegionKind.SUBDISTRICT else f"{region.name}人民政府"


class UnitSpec(NamedTuple):
    code: str
    name: str
    short_name: str
    kind: str
    region: Region
    parent_code: str | None
    is_accountable: bool
    is_synthetic: bool


def _unit_specs(regions):
    """Every demo unit, parents before children."""
    city, nankang = regions[data.CITY_REGION], regions[data.NANKANG_REGION]
    children = sorted(
        (r for r in regions.values() if r.parent_id in (city.pk, nankang.pk)), key=lambda r: r.code
    )
    government, party, assets = (
        data.NANKANG_GOVERNMENT,
        data.NANKANG_PARTY_COMMITTEE,
        data.STATE_ASSETS_OFFICE,
    )
    name = data.government_unit_name(city.name)
    yield UnitSpec(data.CITY_GOVERNMENT, name, "", UnitKind.GOVERNMENT, city, None, False, False)
    for county in (r for r in children if r.parent_id == city.pk and r.level == RegionLevel.COUNTY):
        code, name = data.government_unit_code(county.code), data.government_unit_name(county.name)
        yield UnitSpec(code, name, "", UnitKind.GOVERNMENT, county, data.CITY_GOVERNMENT, False, False)
    for code, name, short_name, kind in data.NANKANG_TOP_UNITS:
        yield UnitSpec(code, name, short_name, kind, nankang, None, False, True)
    for suffix, name, short_name, kind in data.PARTY_UNITS:
        yield UnitSpec(f"{nankang.code}-{suffix}", name, short_name, kind, nankang, party, True, True)
    for suffix, name, short_name, kind in data.GOVERNMENT_UNITS:
        yield UnitSpec(f"{nankang.code}-{suffix}", name, short_name, kind, nankang, government, True, True)
    for suffix, name, short_name, region_code in data.PARK_UNITS:
        code, kind, region = f"{nankang.code}-{suffix}", UnitKind.PARK_COMMITTEE, regions[region_code]
        yield UnitSpec(code, name, short_name, kind, region, government, True, True)
    for suffix, name, short_name in data.STATE_ENTERPRISES:
        code, kind = f"{nankang.code}-{suffix}", UnitKind.STATE_ENTERPRISE
        yield UnitSpec(code, name, short_name, kind, nankang, assets, True, True)
    # The NBS list's township-level “南康市工业园” is the park's statistical area, not an organ.
    for township in children:
        if township.level == RegionLevel.TOWNSHIP and township.kind != RegionKind.INDUSTRIAL_PARK:
            name = township_unit_name(township)
            yield UnitSpec(
                township.code, name, township.name, UnitKind.TOWNSHIP, township, government, True, False
            )


def _load_units(result):
    """{code: Unit}: the city and county governments, and the Nankang organisation."""
    regions = {region.code: region for region in Region.objects.filter(code__startswith=data.CITY_REGION[:4])}
    units = {}
    for sort_order, spec in enumerate(_unit_specs(regions)):
        values = {
            "name": spec.name,
            "short_name": spec.short_name,
            "kind": spec.kind,
            "region": spec.region,
            "parent": units[spec.parent_code] if spec.parent_code else None,
            "is_accountable": spec.is_accountable,
            "is_synthetic": spec.is_synthetic,
            "sort_order": sort_order,
            "is_active": True,
        }
        units[spec.code] = _sync(Unit, {"code": spec.code}, values, result)
    return units


def contact_name(index):
    """The invented name of the `index`-th contact person: 赵某甲, 钱某甲 … 赵某乙 …"""
    surnames, suffixes = data.CONTACT_SURNAMES, data.CONTACT_SUFFIXES
    return f"{surnames[index % len(surnames)]}某{suffixes[index // len(surnames) % len(suffixes)]}"


def _person(result, unit, name, title):
    return _sync(
        Person,
        {"unit": unit, "name": name},
        {"title": title, "is_active": True, "is_synthetic": True},
        result,
    )


def _load_contacts(units, result):
    """{unit code: Person}: the contact person of every responsible unit in Nankang."""
    accountable = sorted(
        (unit for unit in units.values() if unit.is_accountable),
        key=lambda unit: (unit.sort_order, unit.code),
    )
    return {
        unit.code: _person(result, unit, contact_name(index), data.CONTACT_TITLE)
        for index, unit in enumerate(accountable)
    }


def _load_leaders(units, result):
    """{leader key: Leader}: the district leaders, each a person in the party committee or government."""
    leaders = {}
    for index, spec in enumerate(data.LEADERS, start=1):
        person = _person(result, units[spec.unit_code], spec.name, spec.position)
        leaders[spec.key] = _sync(
            Leader,
            {"person": person},
            {
                "rank": spec.rank,
                "position": spec.position,
                "sort_order": index,
                "is_active": True,
                "is_synthetic": True,
            },
            result,
        )
    return leaders


def _load_promotion_teams(units, people, leaders, result):
    lead_unit = units[data.PROMOTION_TEAM_LEAD_UNIT]
    for name, leader_key, industry, member_units in data.PROMOTION_TEAMS:
        leader = leaders[leader_key]
        team = _sync(
            PromotionTeam,
            {"name": name},
            {
                "lead_leader": leader,
                "lead_unit": lead_unit,
                "focus_industries": industry,
                "is_active": True,
                "is_synthetic": True,
            },
            result,
        )
        members = [(leader.person, MemberDuty.LEAD), (people[lead_unit.code], MemberDuty.LIAISON)]
        members += [(people[code], MemberDuty.MEMBER) for code in member_units]
        for person, duty in members:
            _sync(
                PromotionTeamMember,
                {"team": team, "person": person},
                {"duty": duty, "is_synthetic": True},
                result,
            )


def _load_task_forces(units, people, leaders, result):
    for name, leader_key, lead_unit_code, purpose, member_units in data.TASK_FORCES:
        leader = leaders[leader_key]
        task_force = _sync(
            TaskForce,
            {"name": name},
            {
                "lead_leader": leader,
                "lead_unit": units[lead_unit_code],
                "purpose": purpose,
                "is_active": True,
                "is_synthetic": True,
            },
            result,
        )
        members = [(leader.person, MemberDuty.LEAD)] + [(people[code], duty) for code, duty in member_units]
        for person, duty in members:
            _sync(
                TaskForceMember,
                {"task_force": task_force, "person": person},
                {"duty": duty, "is_synthetic": True},
                result,
            )


def _load_personas(units, leaders, password, result):
    """One login per persona, linked to its person, with its one grant."""
    codes = {persona.region_code for persona in data.PERSONAS.values()}
    regions = {region.code: region for region in Region.objects.filter(code__in=codes)}
    for persona in data.PERSONAS.values():
        if persona.leader_key:
            person = leaders[persona.leader_key].person
        else:
            person = _person(
                result, units[persona.person_unit_code], persona.person_name, persona.person_title
            )
        user, note = _user(persona, person, password, result)
        shown_password = "—" if note else password
        if persona.is_superuser:
            result.logins.append(Login(user.username, shown_password, "超级管理员", "全部", note))
            continue
        role = Role.objects.get(code=persona.role)
        unit = units[persona.unit_code] if persona.unit_code else None
        region = regions[persona.region_code] if persona.region_code else None
        if user.is_synthetic:
            _sync(
                Grant,
                {"user": user, "role": role, "unit": unit, "region": region},
                {"is_synthetic": True},
                result,
            )
        result.logins.append(Login(user.username, shown_password, role.name, (unit or region).name, note))


def _user(persona, person, password, result):
    """The persona's user; an existing account that the demo did not create is left untouched."""
    user = User.objects.filter(username=persona.username).first()
    if user is not None and not user.is_synthetic:
        return user, "已存在的非演示账号，未修改（密码不是演示密码）"
    values = {
        "person": person,
        "is_superuser": persona.is_superuser,
        "is_staff": persona.is_superuser,
        "is_active": True,
        "is_synthetic": True,
    }
    if user is None:
        user = User(username=persona.username, **values)
        user.set_password(password)
        user.full_clean()
        user.save()
        result.created[User] += 1
        return user, ""
    changed = _assign(user, values)
    if not user.check_password(password):
        user.set_password(password)
        changed = True
    if changed:
        user.full_clean()
        user.save()
        result.updated[User] += 1
    return user, ""
