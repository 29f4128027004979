"""Lists of big tables page without COUNT(*): they look one row ahead for the next page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangkong.areas.api import AreaViewSet
from fangkong.areas.views import AreaListView
from fangkong.core.pagination import Pagination

COUNT = re.compile(r"\bCOUNT\(", re.IGNORECASE)
AREAS_IN_TREE = 11


def counts_in(queries):
    return [query["sql"] for query in queries if COUNT.search(query["sql"])]


@pytest.fixture
def uncounted(monkeypatch):
    """The area list and API as a big table's would be declared: ``exact_count = False``."""
    monkeypatch.setattr(AreaListView, "exact_count", False)
    monkeypatch.setattr(AreaListView, "paginate_by", 4)
    monkeypatch.setattr(AreaViewSet, "exact_count", False, raising=False)


def rows_of(response):
    return [row.record.code for row in response.context["table"].paginated_rows]


def test_a_list_that_does_not_count_runs_no_count_query_and_links_the_next_page(client, people, uncounted):
    client.force_login(people.city_commander)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("areas:list"))
    assert response.status_code == 200
    assert counts_in(queries) == []
    assert len(rows_of(response)) == 4
    assert "?page=2" in response.text
    assert "?page=3" not in response.text  # unknown yet: only one page ahead is looked at


def test_the_last_uncounted_page_has_no_next_link(client, people, uncounted):
    client.force_login(people.city_commander)
    pages = [rows_of(client.get(reverse("areas:list"), {"page": number})) for number in (1, 2, 3)]
    assert [len(rows) for rows in pages] == [4, 4, AREAS_IN_TREE - 8]
    assert len({code for rows in pages for code in rows}) == AREAS_IN_TREE
    last = client.get(reverse("areas:list"), {"page": 3})
    assert "?page=4" not in last.text
    assert "?page=2" in last.text


def test_an_uncounted_list_pages_within_the_users_scope(client, people, uncounted):
    client.force_login(people.village_officer)
    response = client.get(reverse("areas:list"))
    assert sorted(rows_of(response)) == ["611022106200", "611022106200001", "611022106200002"]
    assert "?page=2" not in response.text


def test_a_small_table_still_counts_its_rows(client, people):
    client.force_login(people.city_commander)
    response = client.get(reverse("areas:list"))
    assert response.context["table"].paginator.count == AREAS_IN_TREE


def test_a_list_page_counts_its_rows_once(client, people):
    client.force_login(people.city_commander)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("areas:list"))
    assert len(counts_in(queries)) == 1


def test_the_api_of_a_big_table_answers_next_and_previous_without_count(client, people, uncounted):
    client.force_login(people.city_commander)
    url = reverse("area-list")
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url, {"page_size": 4}).json()
    assert counts_in(queries) == []
    assert set(first) == {"next", "previous", "results"}
    assert len(first["results"]) == 4
    assert "page=2" in first["next"] and first["previous"] is None

    second = client.get(first["next"]).json()
    assert "page=3" in second["next"]
    assert "page=" not in second["previous"] and "page_size=4" in second["previous"]
    last = client.get(second["next"]).json()
    assert last["next"] is None and "page=2" in last["previous"]
    codes = [area["code"] for page in (first, second, last) for area in page["results"]]
    assert len(set(codes)) == len(codes) == AREAS_IN_TREE


def test_the_api_of_a_big_table_answers_404_past_the_last_page_or_for_a_bad_page(client, people, uncounted):
    client.force_login(people.city_commander)
    url = reverse("area-list")
    assert client.get(url, {"page_size": 4, "page": 4}).status_code == 404
    assert client.get(url, {"page": "0"}).status_code == 404
    assert client.get(url, {"page": "two"}).status_code == 404


def test_an_empty_first_page_is_not_an_error(client, people, uncounted):
    client.force_login(people.city_commander)
    body = client.get(reverse("area-list"), {"q": "no such place"}).json()
    assert body == {"next": None, "previous": None, "results": []}


def test_the_api_of_a_small_table_still_counts(client, people):
    client.force_login(people.city_commander)
    body = client.get(reverse("area-list"), {"page_size": 4}).json()
    assert body["count"] == AREAS_IN_TREE
    assert "page=2" in body["next"]


def test_the_openapi_schema_says_count_may_be_absent():
    schema = Pagination().get_paginated_response_schema({"type": "object"})
    assert schema["required"] == ["results"]
    assert "Absent" in schema["properties"]["count"]["description"]
