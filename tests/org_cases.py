"""Cases of the organisation, promotion and reference models (tests/cases.py): how to make a row in
township A or B, and what a create posts."""

import itertools

_numbers = itertools.count(1)


def _n():
    return next(_numbers)


def _side(world, side):
    return (
        (world.unit_a, world.region_a, world.person_a, world.leader_a)
        if side == "a"
        else (world.unit_b, world.region_b, world.person_b, world.leader_b)
    )


def make_region(world, side):
    from org.models import Region

    _, region, _, _ = _side(world, side)
    number = _n()
    return Region.objects.create(
        code=f"360703K{number % 90 + 10}",
        name=f"测试功能区{number}",
        level="functional_zone",
        kind="development_zone",
        parent=region,
        is_official=False,
    )


def create_region(world, side):
    _, region, _, _ = _side(world, side)
    number = _n() % 90 + 10
    data = {
        "code": f"360703K{number}",
        "name": f"新功能区{number}",
        "level": "functional_zone",
        "kind": "development_zone",
        "parent": region.pk,
        "is_official": "",
    }
    return data, {**data, "is_official": False}


def make_unit(world, side):
    from org.models import Unit

    unit, region, _, _ = _side(world, side)
    number = _n()
    return Unit.objects.create(
        code=f"U{number}", name=f"测试村委会{number}", kind="other", parent=unit, region=region
    )


def create_unit(world, side):
    unit, region, _, _ = _side(world, side)
    number = _n()
    data = {
        "code": f"NEW{number}",
        "name": f"新单位{number}",
        "kind": "other",
        "parent": unit.pk,
        "region": region.pk,
        "sort_order": "0",
        "is_active": "on",
    }
    return data, {**data, "is_active": True, "sort_order": 0}


def make_person(world, side):
    from org.models import Person

    unit, _, _, _ = _side(world, side)
    return Person.objects.create(name=f"测试人员{_n()}", unit=unit)


def create_person(world, side):
    unit, _, _, _ = _side(world, side)
    data = {
        "name": f"新人员{_n()}",
        "unit": unit.pk,
        "title": "科员",
        "phone": "0797-1234567",
        "is_active": "on",
    }
    return data, {**data, "is_active": True}


def make_leader(world, side):
    from org.models import Leader

    return Leader.objects.create(person=make_person(world, side), rank="section", position="副镇长")


def create_leader(world, side):
    person = make_person(world, side)
    data = {
        "person": person.pk,
        "rank": "section",
        "position": "副镇长",
        "sort_order": "1",
        "is_active": "on",
    }
    return data, {**data, "is_active": True, "sort_order": 1}


def make_task_force(world, side):
    from org.models import TaskForce

    unit, _, _, leader = _side(world, side)
    return TaskForce.objects.create(name=f"测试专班{_n()}", lead_leader=leader, lead_unit=unit)


def create_task_force(world, side):
    unit, _, _, leader = _side(world, side)
    data = {
        "name": f"新专班{_n()}",
        "lead_leader": leader.pk,
        "lead_unit": unit.pk,
        "purpose": "推进",
        "is_active": "on",
    }
    return data, {**data, "is_active": True}


def make_task_force_member(world, side):
    from org.models import TaskForceMember

    return TaskForceMember.objects.create(
        task_force=make_task_force(world, side), person=make_person(world, side)
    )


def create_task_force_member(world, side):
    data = {
        "task_force": make_task_force(world, side).pk,
        "person": make_person(world, side).pk,
        "duty": "member",
    }
    return data, data


def make_peer_group(world, side):
    from org.models import PeerGroup

    _, region, _, _ = _side(world, side)
    return PeerGroup.objects.create(name=f"测试考核分类{_n()}", region=region, level="township")


def create_peer_group(world, side):
    _, region, _, _ = _side(world, side)
    data = {
        "name": f"新考核分类{_n()}",
        "region": region.pk,
        "level": "township",
        "regions": [region.pk],
        "sort_order": "1",
    }
    return data, {**data, "sort_order": 1}


def make_role(world, side):
    from org.models import Role

    number = _n()
    return Role.objects.create(code=f"role-{number}", name=f"测试角色{number}")


def create_role(world, side):
    number = _n()
    data = {"code": f"new-role-{number}", "name": f"新角色{number}", "description": "测试"}
    return data, data


def make_user(world, side):
    from org.models import User

    return User.objects.create(username=f"user{_n()}", person=make_person(world, side))


def create_user(world, side):
    person = make_person(world, side)
    data = {
        "username": f"newuser{_n()}",
        "person": person.pk,
        "is_active": "on",
        "password": "Kx9-long-password",
    }
    return data, {"username": data["username"], "person": person.pk, "is_active": True}


def make_grant(world, side):
    from org.models import Grant, Role

    unit, _, _, _ = _side(world, side)
    return Grant.objects.create(user=make_user(world, side), role=Role.objects.get(code="viewer"), unit=unit)


def create_grant(world, side):
    from org.models import Role

    unit, _, _, _ = _side(world, side)
    data = {"user": make_user(world, side).pk, "role": Role.objects.get(code="viewer").pk, "unit": unit.pk}
    return data, data


def make_promotion_team(world, side):
    from promotion.models import PromotionTeam

    unit, _, _, leader = _side(world, side)
    return PromotionTeam.objects.create(name=f"测试招商队{_n()}", lead_leader=leader, lead_unit=unit)


def create_promotion_team(world, side):
    unit, _, _, leader = _side(world, side)
    data = {
        "name": f"新招商队{_n()}",
        "lead_leader": leader.pk,
        "lead_unit": unit.pk,
        "focus_industries": "新能源",
        "is_active": "on",
    }
    return data, {**data, "is_active": True}


def make_promotion_team_member(world, side):
    from promotion.models import PromotionTeamMember

    return PromotionTeamMember.objects.create(
        team=make_promotion_team(world, side), person=make_person(world, side)
    )


def create_promotion_team_member(world, side):
    data = {
        "team": make_promotion_team(world, side).pk,
        "person": make_person(world, side).pk,
        "duty": "member",
    }
    return data, data


def make_industry(world, side):
    from reference.models import Industry

    return Industry.objects.create(code=f"Z{_n() % 900 + 100}", name="测试行业", level="class", section="Z")


def create_industry(world, side):
    data = {
        "code": f"Y{_n() % 900 + 100}",
        "name": "新行业",
        "level": "class",
        "section": "Y",
        "description": "",
    }
    return data, data


def make_emerging_industry(world, side):
    from reference.models import EmergingIndustry

    return EmergingIndustry.objects.create(code=f"99.{_n()}", name="测试新兴产业", level=2)


def create_emerging_industry(world, side):
    data = {"code": f"98.{_n()}", "name": "新的新兴产业", "level": "2"}
    return data, {**data, "level": 2}


def leader_role(world):
    from org.models import Role

    return Role.objects.get(code="leader").pk
