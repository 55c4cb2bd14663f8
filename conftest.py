"""Test personas, in one place: the county project office (whole county), township A, township B,
the discipline commission, a user with no role, and a scoped user holding every permission on
township A only (used by the generic permission tests)."""

import os
from dataclasses import dataclass

import pytest

os.environ.setdefault("TIAODU_ENV", "test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "persona-password-1"


@dataclass
class World:
    county: object  # Region 360703 南康区
    region_a: object  # Region 唐江镇
    region_b: object  # Region 凤岗镇
    other_county: object  # Region 360702 章贡区
    county_unit: object
    unit_a: object
    unit_b: object
    other_county_unit: object
    person_a: object
    person_b: object
    leader_a: object
    leader_b: object
    office: object  # 项目办 on the county
    reporter_a: object
    reporter_b: object
    discipline: object
    no_role: object
    scoped: object  # every permission, on township A (unit and region)
    all_role: object


def make_world():
    from django.contrib.auth.models import Permission

    from core.history import history_context
    from org.choices import LeaderRank, UnitKind
    from org.models import Leader, Person, Region, Role, Unit, User
    from org.services import grant_role

    with history_context(reason="测试数据"):
        county = Region.objects.get(code="360703")
        region_a = Region.objects.get(code="360703100")
        region_b = Region.objects.get(code="360703101")
        other_county = Region.objects.get(code="360702")
        county_unit = Unit.objects.create(
            code="T-GOV", name="南康区人民政府", kind=UnitKind.GOVERNMENT, region=county
        )
        unit_a = Unit.objects.create(
            code="T-A", name="唐江镇人民政府", kind=UnitKind.TOWNSHIP, region=region_a, parent=county_unit
        )
        unit_b = Unit.objects.create(
            code="T-B", name="凤岗镇人民政府", kind=UnitKind.TOWNSHIP, region=region_b, parent=county_unit
        )
        other_county_unit = Unit.objects.create(
            code="T-ZG", name="章贡区人民政府", kind=UnitKind.GOVERNMENT, region=other_county
        )
        person_a = Person.objects.create(name="甲镇联络员", unit=unit_a)
        person_b = Person.objects.create(name="乙镇联络员", unit=unit_b)
        leader_a = Leader.objects.create(
            person=Person.objects.create(name="甲镇领导", unit=unit_a),
            rank=LeaderRank.SECTION,
            position="镇长",
        )
        leader_b = Leader.objects.create(
            person=Person.objects.create(name="乙镇领导", unit=unit_b),
            rank=LeaderRank.SECTION,
            position="镇长",
        )
        roles = {role.code: role for role in Role.objects.all()}
        all_role = Role.objects.create(code="all", name="全部权限（测试）")
        all_role.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=(
                    "org",
                    "promotion",
                    "reference",
                    "projects",
                    "dispatch",
                    "matters",
                    "lights",
                )
            ).exclude(codename__startswith="view_historical")
        )

        def user(username, **extra):
            account = User.objects.create(username=username, **extra)
            account.set_password(PASSWORD)
            account.save()
            return account

        office = user("office")
        reporter_a = user("reporter_a", person=person_a)
        reporter_b = user("reporter_b", person=person_b)
        discipline = user("discipline")
        no_role = user("no_role")
        scoped = user("scoped", person=Person.objects.create(name="甲镇管理员", unit=unit_a))
        grant_role(office, role=roles["office_admin"], region=county, actor=None)
        grant_role(reporter_a, role=roles["unit_reporter"], unit=unit_a, actor=None)
        grant_role(reporter_b, role=roles["unit_reporter"], unit=unit_b, actor=None)
        grant_role(discipline, role=roles["discipline"], region=county, actor=None)
        grant_role(scoped, role=all_role, unit=unit_a, actor=None)
        grant_role(scoped, role=all_role, region=region_a, actor=None)
    return World(
        county,
        region_a,
        region_b,
        other_county,
        county_unit,
        unit_a,
        unit_b,
        other_county_unit,
        person_a,
        person_b,
        leader_a,
        leader_b,
        office,
        reporter_a,
        reporter_b,
        discipline,
        no_role,
        scoped,
        all_role,
    )


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture(autouse=True)
def _forget_live_figures():
    """The dashboard's figures cache is per process and keyed by the data version, which a rolled-back
    test database can repeat: every test starts without kept figures."""
    from reports.figures import cache

    cache.clear()
    yield
