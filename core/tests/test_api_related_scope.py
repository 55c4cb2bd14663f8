"""A related-object field of the API accepts only rows the user may view: a user scoped to township A
cannot point a project of its own at township B's unit, and nothing is written."""

import pytest
from rest_framework.test import APIClient

from projects.models import Project
from tests.project_cases import create_project

PROJECTS = "/api/projects/projects/"


@pytest.fixture
def client(world):
    api = APIClient()
    api.force_authenticate(world.scoped)
    return api


def test_a_unit_outside_the_users_scope_is_refused_by_name(client, world):
    data, _ = create_project(world, "a")
    response = client.post(PROJECTS, {**data, "introducing_unit": world.unit_b.pk}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"introducing_unit"}
    assert not Project.objects.exists()


def test_the_same_project_with_a_unit_in_scope_is_created(client, world):
    data, _ = create_project(world, "a")
    response = client.post(PROJECTS, data, format="json")
    assert response.status_code == 201, response.json()
    assert Project.objects.get().introducing_unit == world.unit_a
