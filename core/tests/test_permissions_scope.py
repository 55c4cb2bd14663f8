"""The scope condition has two forms: joins with path prefixes (SQLite) and `fk IN (ids)` (PostgreSQL).
Both must give exactly the same rows, on whichever database the tests run, for grants on units, on
regions, on both, and through many-valued lookups (a project's cooperating units, a cadence's units)."""

import pytest

from core import permissions
from core.history import history_context
from core.permissions import Covered, covered, scope_q_by_ids, scope_q_by_paths
from tests.cases import CASES

pytestmark = pytest.mark.django_db

SCOPED = [case for case in CASES if not case.model.scope.is_global]


def place_sets(world):
    """Grants as `user_grants` gives them: [(unit_path, region_path), ...]."""
    unit, region = (lambda row: (row.path, None)), (lambda row: (None, row.path))
    return {
        "unit A": [unit(world.unit_a)],
        "unit B": [unit(world.unit_b)],
        "county unit (A and B below it)": [unit(world.county_unit)],
        "other county's unit": [unit(world.other_county_unit)],
        "region A": [region(world.region_a)],
        "county region": [region(world.county)],
        "other county region": [region(world.other_county)],
        "unit A and region B": [unit(world.unit_a), region(world.region_b)],
        "unit B and region A": sorted([unit(world.unit_b), region(world.region_a)], key=str),
    }


def rows(model, condition):
    """The pks the condition keeps; an empty condition keeps nothing (as in `scope_filter`)."""
    if not condition:
        return set()
    pks = list(model._default_manager.filter(condition).values_list("pk", flat=True))
    assert len(pks) == len(set(pks)), "the scope condition must not duplicate rows"
    return set(pks)


@pytest.fixture
def filled(world):
    """Two rows of every scoped model (townships A and B), and rows reached only through a many-valued
    lookup: a project of township B with township A's unit cooperating, and the same for a cadence."""
    from projects.models import Project

    with history_context(reason="测试数据"):
        for case in SCOPED:
            case.make(world, "a")
            case.make(world, "b")
        project = next(case for case in CASES if case.label == "projects.Project").make(world, "b")
        project.cooperating_units.add(world.unit_a, world.other_county_unit)
    assert Project.objects.filter(cooperating_units=world.unit_a).exists()
    return world


@pytest.mark.parametrize("listed", [True, False], ids=["ids listed", "ids as subqueries"])
@pytest.mark.parametrize("case", SCOPED, ids=[case.label for case in SCOPED])
def test_ids_give_the_same_rows_as_paths(case, listed, filled, monkeypatch):
    if not listed:
        monkeypatch.setattr(permissions, "MAX_LISTED_IDS", 0)
    model = case.model
    every = set(model._default_manager.values_list("pk", flat=True))
    partial = False
    for label, places in place_sets(filled).items():
        expected = rows(model, scope_q_by_paths(model, places))
        got = rows(model, scope_q_by_ids(model, Covered(places)))
        assert got == expected, f"{case.label}, grants on {label}"
        partial = partial or set() < expected < every
    assert partial, f"{case.label}: no grant sees some rows and not others; the comparison says nothing"


def test_many_valued_lookups_reach_the_same_rows(filled):
    from dispatch.models import Cadence
    from projects.models import Project

    places = place_sets(filled)
    cooperating = Project.objects.get(cooperating_units=filled.unit_a)
    for label in ("unit A", "region A", "county region", "other county's unit", "other county region"):
        by_paths = rows(Project, scope_q_by_paths(Project, places[label]))
        assert cooperating.pk in by_paths
        assert rows(Project, scope_q_by_ids(Project, Covered(places[label]))) == by_paths
    assert Cadence.scope.units == ("units",)  # a many-to-many lookup
    for label, grant in places.items():
        assert rows(Cadence, scope_q_by_ids(Cadence, Covered(grant))) == rows(
            Cadence, scope_q_by_paths(Cadence, grant)
        ), label


def test_restrict_gives_the_rows_of_the_path_form(filled):
    from projects.models import Project

    for user in (filled.office, filled.reporter_a, filled.reporter_b, filled.scoped, filled.discipline):
        places = permissions.user_grants(user).get(permissions.permission_name(Project, "view"))
        if places:
            expected = rows(Project, scope_q_by_paths(Project, places))
            assert set(Project.objects.restrict(user, "view").values_list("pk", flat=True)) == expected


def test_covered_ids_follow_changes_to_the_trees(world):
    from org.models import Unit

    places = [(world.unit_a.path, None), (None, world.region_b.path)]
    before = covered(world.scoped, places)
    assert before.unit_ids == sorted([world.unit_a.pk, world.unit_b.pk])
    assert covered(world.scoped, places) is before  # resolved once per user object (request)
    with history_context(reason="测试数据"):
        below = Unit.objects.create(
            code="T-A1",
            name="唐江镇下属单位",
            kind="department",
            region=world.other_county,
            parent=world.unit_a,
        )
    assert covered(world.scoped, places).unit_ids == sorted([world.unit_a.pk, world.unit_b.pk, below.pk])
    with history_context(reason="测试数据"):
        below.delete()
    assert covered(world.scoped, places).unit_ids == sorted([world.unit_a.pk, world.unit_b.pk])
    permissions.forget_grants(world.scoped)
    assert not hasattr(world.scoped, permissions.COVERED_CACHE_ATTRIBUTE)
