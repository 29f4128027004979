"""Every list, web and API, found from the URLs: odd pages and filter values answer 4xx, never 500.

Lists are found by their views (ObjectListView, or a viewset's ``list``) and their filters from their
filtersets, so a new list or filter is covered here without a line of its own. URL arguments come
from the scope cases (fangkong/tests/test_scope.py), which every URL has.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_filters.rest_framework import DjangoFilterBackend

from fangkong.core.views import ObjectListView
from fangkong.tests.test_scope import CASES

HUGE_PAGES = [str(10**18), "99999999999999999999"]
HUGE_NUMBER = "9" * 25
HUGE_SEARCH = "武汉" * 10_000  # 60 KB
# Python's first and last days: the day before, the day after or the time in UTC do not exist.
CALENDAR_EDGES = ["0001-01-01", "9999-12-31", "0001-01-01T00:00"]


def url_patterns(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from url_patterns(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, pattern.callback


def filterset_of(callback):
    """The filterset class of a list view or viewset's list, or None if the URL is not a list."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None and issubclass(view_class, ObjectListView):
        return view_class.filterset_class
    if getattr(callback, "actions", {}).get("get") == "list":
        view = callback.cls(**callback.initkwargs)
        return DjangoFilterBackend().get_filterset_class(view, view.queryset)
    return None


LISTS = {name: filterset_of(callback) for name, callback in url_patterns() if filterset_of(callback) is not None}
UNCOUNTED = sorted(
    {
        name
        for name, callback in url_patterns()
        if name in LISTS and not getattr(getattr(callback, "view_class", None) or callback.cls, "exact_count", True)
    }
)
FILTERS = [(name, field) for name, filterset in LISTS.items() if filterset for field in filterset.base_filters]


def list_url(name, tree, people):
    case = next(case for case in CASES if case.url_name == name)
    return reverse(name, kwargs=case.kwargs(tree, people) if case.kwargs else {})


@pytest.fixture
def commander(client, people):
    client.force_login(people.city_commander)
    client.raise_request_exception = False  # a 500 is a status to assert on, not an exception
    return client


def test_the_lists_are_found():
    assert {"people:person-list", "person-list", "changelog", "changelog-list"} <= LISTS.keys()
    assert set(UNCOUNTED) >= {"people:person-list", "people:household-list", "people:arrival-list", "changelog"}
    assert set(UNCOUNTED) >= {"person-list", "household-list", "arrival-list", "changelog-list"}


@pytest.mark.parametrize("page", HUGE_PAGES)
@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_page_past_any_database_is_not_a_server_error(commander, tree, people, name, page):
    response = commander.get(list_url(name, tree, people), {"page": page})
    assert response.status_code < 500


@pytest.mark.parametrize("page", HUGE_PAGES)
@pytest.mark.parametrize("name", UNCOUNTED)
def test_an_uncounted_list_says_that_it_has_no_such_page(commander, tree, people, name, page):
    response = commander.get(list_url(name, tree, people), {"page": page}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert f"This list has no page {page}." in response.content.decode()


@pytest.mark.parametrize("value", [HUGE_NUMBER, HUGE_SEARCH], ids=["25 digits", "60 KB"])
@pytest.mark.parametrize(("name", "field"), FILTERS, ids=[f"{name}?{field}" for name, field in FILTERS])
def test_a_filter_value_too_big_for_the_database_is_not_a_server_error(commander, tree, people, name, field, value):
    response = commander.get(list_url(name, tree, people), {field: value})
    assert response.status_code in (200, 400), response.content[:300]


@pytest.mark.parametrize("value", CALENDAR_EDGES)
@pytest.mark.parametrize(("name", "field"), FILTERS, ids=[f"{name}?{field}" for name, field in FILTERS])
def test_a_date_at_the_edge_of_the_calendar_is_not_a_server_error(commander, tree, people, name, field, value):
    response = commander.get(list_url(name, tree, people), {field: value})
    assert response.status_code in (200, 400), response.content[:300]


@pytest.mark.parametrize("per_page", ["-1", "0", str(10**9)])
@pytest.mark.parametrize("name", sorted(LISTS))
def test_any_page_size_asked_for_is_served(commander, tree, people, name, per_page):
    response = commander.get(list_url(name, tree, people), {"per_page": per_page})
    assert response.status_code == 200, response.content[:300]


@pytest.mark.parametrize("url", ["/health/episodes/", "/people/arrivals/"])
def test_the_area_box_of_a_filter_names_only_the_user_s_areas(client, tree, people, url):
    village = tree.village.short_name
    client.force_login(people.outsider)
    page = client.get(url, {"area": tree.village.code}).content.decode()
    assert 'name="area_text"' in page and village not in page
    client.force_login(people.county_officer)
    page = client.get(url, {"area": tree.village.code}).content.decode()
    assert village in page
