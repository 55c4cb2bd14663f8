from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from demo import data
from demo.loader import DEMO_MODELS
from org.choices import RegionLevel, UnitKind
from org.models import Grant, Leader, Person, Region, TaskForce, TaskForceMember, Unit, User
from promotion.models import PromotionTeam, PromotionTeamMember

SEED_INDUSTRIES = {
    "现代家居",
    "电子信息及高端装备制造",
    "新能源",
    "新材料",
    "低空经济",
    "现代农业",
    "临港经济",
}


def run_demo(*args):
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def history_models():
    return [model for model in apps.get_models() if hasattr(model, "history_change_reason")]


def nankang_units():
    nankang = Region.objects.get(code=data.NANKANG_REGION)
    return Unit.objects.filter(region__path__startswith=nankang.path)


@pytest.fixture
def demo(demo_output, db):
    return demo_output


@pytest.mark.django_db
def test_second_run_adds_changes_and_records_nothing(demo):
    before = row_counts()
    values_before = {
        model: list(model._default_manager.order_by("pk").values()) for model in (Unit, Person, User)
    }

    output = run_demo()

    assert row_counts() == before
    for model, rows in values_before.items():
        assert list(model._default_manager.order_by("pk").values()) == rows
    assert sum(before[model._meta.label] for model in history_models()) > 0
    assert "本次新建" in output and "nankang_admin" in output


@pytest.mark.django_db
def test_every_change_is_recorded_without_actor_as_demo_data(demo):
    records = [record for model in history_models() for record in model.objects.filter(history_type="+")]
    demo_records = [record for record in records if record.history_change_reason == "演示数据"]

    assert len(demo_records) == sum(model._default_manager.count() for model in DEMO_MODELS)
    assert len(demo_records) > 0
    assert all(record.history_user_id is None for record in demo_records)


@pytest.mark.django_db
def test_city_and_county_governments(demo):
    governments = Unit.objects.filter(kind=UnitKind.GOVERNMENT)

    assert governments.filter(region__code=data.CITY_REGION).get().name == "赣州市人民政府"
    counties = governments.filter(region__parent__code=data.CITY_REGION, region__level=RegionLevel.COUNTY)
    assert counties.count() == 18
    assert governments.count() == 19
    assert set(counties.values_list("code", flat=True)) == {
        f"{code}-GOV"
        for code in Region.objects.filter(parent__code="360700", level="county").values_list(
            "code", flat=True
        )
    }
    assert Unit.objects.get(code="360702-GOV").name == "章贡区人民政府"
    assert {unit.parent.code for unit in counties} == {data.CITY_GOVERNMENT}


@pytest.mark.django_db
def test_nankang_has_98_responsible_units_and_20_townships(demo):
    assert nankang_units().filter(is_accountable=True).count() == 98
    assert Unit.objects.filter(is_accountable=True).count() == 98
    not_accountable = set(nankang_units().filter(is_accountable=False).values_list("code", flat=True))
    assert not_accountable == {data.NANKANG_GOVERNMENT, data.NANKANG_PARTY_COMMITTEE, data.NANKANG_DISCIPLINE}
    assert Unit.objects.get(code=data.NANKANG_DISCIPLINE).kind == UnitKind.DISCIPLINE

    townships = nankang_units().filter(kind=UnitKind.TOWNSHIP)
    assert townships.count() == 20
    for unit in townships.select_related("region__parent"):
        assert unit.code == unit.region.code and len(unit.code) == 9
        assert unit.region.level == RegionLevel.TOWNSHIP
        assert unit.region.parent.code == data.NANKANG_REGION
        assert unit.is_accountable and not unit.is_synthetic
    assert Unit.objects.get(code=data.TOWNSHIP_A).name == "唐江镇人民政府"
    assert Unit.objects.get(code=data.TOWNSHIP_B).name == "凤岗镇人民政府"
    assert Unit.objects.get(code="360703001").name == "蓉江街道办事处"

    park = Unit.objects.get(code="360703-JKQ")
    assert (park.kind, park.region.code) == (UnitKind.PARK_COMMITTEE, data.DEVELOPMENT_ZONE_REGION)
    assert Unit.objects.get(code="360703-CTJT").kind == UnitKind.STATE_ENTERPRISE


@pytest.mark.django_db
def test_leaders_teams_and_task_forces(demo):
    leaders = Leader.objects.select_related("person__unit")
    assert leaders.count() == 12
    assert {leader.person.unit.code for leader in leaders} == {
        data.NANKANG_GOVERNMENT,
        data.NANKANG_PARTY_COMMITTEE,
    }

    teams = PromotionTeam.objects.select_related("lead_leader", "lead_unit")
    assert teams.count() == 7
    assert {team.focus_industries for team in teams} == SEED_INDUSTRIES
    assert {team.lead_unit.code for team in teams} == {data.PROMOTION_CENTRE}
    assert len({team.lead_leader_id for team in teams}) == 7
    for team in teams:
        assert team.members.count() == 4
        assert team.members.get(duty="lead").person_id == team.lead_leader.person_id

    assert TaskForce.objects.count() == 4
    solar = TaskForce.objects.get(name="曜灵新能源光伏产业制造项目推进专班")
    assert solar.members.count() == 7
    assert solar.members.get(duty="lead").person_id == solar.lead_leader.person_id


@pytest.mark.django_db
def test_only_townships_and_governments_are_not_synthetic(demo):
    for model in (
        Person,
        Leader,
        TaskForce,
        TaskForceMember,
        PromotionTeam,
        PromotionTeamMember,
        User,
        Grant,
    ):
        assert not model.objects.filter(is_synthetic=False).exists(), model
    real_units = Unit.objects.filter(is_synthetic=False)
    assert set(real_units.values_list("kind", flat=True)) == {UnitKind.TOWNSHIP, UnitKind.GOVERNMENT}
    assert real_units.count() == 20 + 19
    assert not Unit.objects.filter(
        kind__in=(UnitKind.TOWNSHIP, UnitKind.GOVERNMENT), is_synthetic=True
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(data.PERSONAS))
def test_each_persona_can_log_in_with_its_one_grant(demo, key):
    persona = data.PERSONAS[key]
    user = User.objects.select_related("person__unit").get(username=persona.username)

    assert user.check_password(data.DEMO_PASSWORD)
    assert user.is_superuser is persona.is_superuser
    assert user.person.is_synthetic
    if persona.leader_key:
        assert Leader.objects.filter(person=user.person).exists()
    else:
        assert (user.person.unit.code, user.person.name) == (persona.person_unit_code, persona.person_name)
    grants = list(Grant.objects.filter(user=user).select_related("role", "unit", "region"))
    if persona.is_superuser:
        assert grants == []
        return
    [grant] = grants
    assert grant.role.code == persona.role
    assert (grant.unit.code if grant.unit else None) == persona.unit_code
    assert (grant.region.code if grant.region else None) == persona.region_code


@pytest.mark.django_db
def test_township_reporter_sees_only_its_township(demo):
    user = User.objects.get(username=data.PERSONAS["township_a"].username)

    visible = set(Unit.objects.restrict(user, "view").values_list("code", flat=True))

    assert visible == {data.TOWNSHIP_A}
    other = User.objects.get(username=data.PERSONAS["township_b"].username)
    assert set(Unit.objects.restrict(other, "view").values_list("code", flat=True)) == {data.TOWNSHIP_B}


@pytest.mark.django_db
def test_office_sees_all_of_nankang_and_nothing_outside(demo):
    user = User.objects.get(username=data.PERSONAS["office"].username)

    visible = set(Unit.objects.restrict(user, "view").values_list("code", flat=True))

    assert visible == set(nankang_units().values_list("code", flat=True))
    assert len(visible) == 98 + 3
    assert "360702-GOV" not in visible and data.CITY_GOVERNMENT not in visible


@pytest.mark.django_db
def test_password_option_and_rerun_restore(demo):
    run_demo("--password", "another-pass-1")
    assert User.objects.get(username="admin").check_password("another-pass-1")

    run_demo()
    assert User.objects.get(username="admin").check_password(data.DEMO_PASSWORD)
