"""The OpenAPI schema is generated once per process and served from then on."""

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from core.api import schema as schema_view

pytestmark = pytest.mark.django_db


def test_the_schema_is_generated_once_and_served_again(world, monkeypatch):
    monkeypatch.setattr(schema_view, "_schemas", {})
    generated = []
    original = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        generated.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    client = Client()
    client.force_login(world.office)

    first = client.get("/api/schema/", {"format": "json"})
    second = client.get("/api/schema/", {"format": "json"})
    yaml = client.get("/api/schema/")

    assert first.status_code == second.status_code == yaml.status_code == 200
    assert first.json() == second.json()
    assert "/api/dashboard/figures/" in first.json()["paths"]
    assert b"/api/org/units/" in yaml.content
    assert len(generated) == 1
