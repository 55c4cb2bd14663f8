"""The unit tree and the grants that cover everything below them."""

import pytest

from core.history import history_context
from core.permissions import forget_grants
from org.models import Person, Region, Unit
from org.services import grant_role

pytestmark = pytest.mark.django_db


def test_reference_data_is_loaded():
    jiangxi = Region.objects.get(code="360000")
    assert Region.objects.filter(level="prefecture", parent=jiangxi).count() == 11
    assert Region.objects.filter(level="county", path__startswith=jiangxi.path).count() == 100
    assert Region.objects.filter(level="county", parent__code="360700").count() == 18
    assert Region.objects.filter(level="township", parent__code="360703").count() == 21
    zone = Region.objects.get(code="360703K01")
    assert (zone.name, zone.is_official, zone.parent.code) == ("南康经济开发区", False, "360703")
    assert not Region.objects.filter(is_official=True, code__contains="K").exists()


def test_classifications_are_loaded():
    from reference.models import EmergingIndustry, Industry

    counts = {
        level: Industry.objects.filter(level=level).count()
        for level in ("section", "division", "group", "class")
    }
    assert counts == {"section": 20, "division": 97, "group": 473, "class": 1381}
    assert Industry.objects.get(code="2110").parent.code == "211"
    assert EmergingIndustry.objects.filter(level=1).count() == 9
    assert EmergingIndustry.objects.get(code="1.2").parent.name == "新一代信息技术产业"


def test_moving_a_unit_moves_its_subtree_and_the_grants_follow(world):
    village = Unit.objects.create(
        code="V1", name="某村", kind="other", parent=world.unit_a, region=world.region_a
    )
    clerk = Person.objects.create(name="村文书", unit=village)
    assert Person.objects.restrict(world.reporter_a, "view").filter(pk=clerk.pk).exists()
    assert not Person.objects.restrict(world.reporter_b, "view").filter(pk=clerk.pk).exists()

    with history_context(actor=world.office, reason="区划调整"):
        village.parent = world.unit_b
        village.save()
    village.refresh_from_db()
    assert village.path == f"{world.unit_b.path}{village.pk}/"
    for user in (world.reporter_a, world.reporter_b):
        forget_grants(user)
    assert not Person.objects.restrict(world.reporter_a, "view").filter(pk=clerk.pk).exists()
    assert Person.objects.restrict(world.reporter_b, "view").filter(pk=clerk.pk).exists()


def test_a_unit_cannot_be_its_own_ancestor(world):
    from django.core.exceptions import ValidationError

    world.county_unit.parent = world.unit_a
    with pytest.raises(ValidationError) as error:
        world.county_unit.full_clean()
    assert error.value.message_dict["parent"] == ["上级不能是自身或自身的下级。"]


def test_region_grant_covers_units_in_that_region_and_below(world):
    office_units = set(Unit.objects.restrict(world.office, "view").values_list("code", flat=True))
    assert office_units == {"T-GOV", "T-A", "T-B"}
    assert set(Unit.objects.restrict(world.reporter_a, "view").values_list("code", flat=True)) == {"T-A"}
    assert set(Unit.objects.restrict(world.reporter_a, "change").values_list("code", flat=True)) == set()
    assert Unit.objects.restrict(world.no_role, "view").count() == 0


def test_discipline_sees_people_but_not_promotion_teams(world):
    from promotion.models import PromotionTeam

    PromotionTeam.objects.create(name="新能源招商队", lead_leader=world.leader_a, lead_unit=world.unit_a)
    assert (
        Person.objects.restrict(world.discipline, "view").count()
        == Person.objects.filter(unit__region__path__startswith=world.county.path).count()
    )
    assert PromotionTeam.objects.restrict(world.discipline, "view").count() == 0


def test_grant_role_is_idempotent_and_refreshes_the_cache(world):
    from org.models import Role

    viewer = Role.objects.get(code="viewer")
    assert Unit.objects.restrict(world.no_role, "view").count() == 0
    first = grant_role(world.no_role, role=viewer, unit=world.unit_b, actor=world.office)
    again = grant_role(world.no_role, role=viewer, unit=world.unit_b, actor=world.office)
    assert first == again
    assert list(Unit.objects.restrict(world.no_role, "view")) == [world.unit_b]
    with pytest.raises(ValueError):
        grant_role(world.no_role, role=viewer, actor=world.office)


def test_history_of_a_new_unit_records_its_tree_path(world):
    village = Unit.objects.create(
        code="V2", name="某居委会", kind="other", parent=world.unit_a, region=world.region_a
    )
    assert village.history.latest().path == f"{world.unit_a.path}{village.pk}/" == village.path
