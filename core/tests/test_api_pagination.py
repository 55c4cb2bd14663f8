"""API pages: every row in scope exactly once by following `next`, and no COUNT over the scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.history import history_context
from org.models import Person

PEOPLE = "/api/org/people/"


@pytest.fixture
def people(world):
    """Seven more people the county office sees, and one in another county it must not."""
    with history_context(reason="测试数据"):
        for index in range(7):
            Person.objects.create(name=f"分页测试{index}", unit=world.unit_a)
        Person.objects.create(name="外区人员", unit=world.other_county_unit)
    return Person.objects.all().restrict(world.office, "view")


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_following_next_lists_every_row_in_scope_once_in_order(world, people):
    client = api_as(world.office)
    url, pages, seen = f"http://testserver{PEOPLE}?page_size=3", [], []
    while url:
        body = client.get(url).json()
        assert set(body) == {"next", "previous", "results"}
        pages.append(body)
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    expected = list(people.values_list("pk", flat=True))
    assert len(expected) == 12  # 5 persona people in the county, 7 added; not the other county's
    assert seen == expected
    assert [len(page["results"]) for page in pages] == [3, 3, 3, 3]
    assert pages[0]["previous"] is None
    assert pages[1]["previous"] == f"http://testserver{PEOPLE}?page_size=3"
    assert pages[2]["previous"] == f"http://testserver{PEOPLE}?page=2&page_size=3"


def test_a_short_last_page_has_no_next(world, people):
    body = api_as(world.office).get(PEOPLE, {"page_size": 5, "page": 3}).json()
    assert len(body["results"]) == 2 and body["next"] is None
    assert body["previous"] == f"http://testserver{PEOPLE}?page=2&page_size=5"


def test_pages_past_the_end_or_not_numbers_are_not_found(world, people):
    client = api_as(world.office)
    for page in ("5", "0", "-1", "last", "zwei"):
        assert client.get(PEOPLE, {"page_size": 3, "page": page}).status_code == 404, page


def test_no_matching_rows_is_an_empty_first_page(world, people):
    body = api_as(world.reporter_a).get(PEOPLE, {"q": "没有这个人"}).json()
    assert body == {"next": None, "previous": None, "results": []}


def test_a_page_does_not_count_the_rows_in_scope(world, people):
    with CaptureQueriesContext(connection) as queries:
        response = api_as(world.office).get(PEOPLE, {"page_size": 3})
    assert response.status_code == 200
    assert not [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]


def test_the_schema_describes_pages_without_a_count(world):
    client = api_as(world.office)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paginated = schema["components"]["schemas"]["PaginatedPersonList"]
    assert set(paginated["properties"]) == {"next", "previous", "results"}
    assert paginated["required"] == ["results"]


def test_the_browsable_api_links_the_previous_and_next_pages(world, people):
    response = api_as(world.office).get(PEOPLE, {"page_size": 3, "page": 2}, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="http://testserver/api/org/people/?page=3&amp;page_size=3"' in page
    assert 'href="http://testserver/api/org/people/?page_size=3"' in page
