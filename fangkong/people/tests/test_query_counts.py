"""Queries per request on the register's write path and list pages, pinned so that a regression shows."""

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fangkong.areas.models import Division
from fangkong.people.models import Arrival
from fangkong.people.services import register_arrival
from fangkong.people.tests.factories import id_number, make_household, make_person


def token_client(user):
    """An API client that authenticates every request with the user's token, as real clients do."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_creating_a_household_through_the_api_takes_a_fixed_few_queries(tree, people, django_assert_num_queries):
    client = token_client(people.grid_worker)
    assert client.post("/api/households/", {"address": "一组 1 号", "area": tree.grid.code}).status_code == 201

    # The insert and its change-log entry inside the core's transaction (a savepoint here, as the test
    # itself runs in a transaction), which the service joins, and the household's one added to the
    # households figure's tally and its ledger (people.tallies). The token's user, their memberships and
    # the area look-up come from the cache. No session, no scope re-check, no read-back.
    with django_assert_num_queries(6):
        response = client.post("/api/households/", {"address": "一组 2 号", "area": tree.grid.code})

    assert response.status_code == 201 and response.json()["members"] == []


def fill(tree, rows, responsible):
    """``rows`` households, each with a member who arrived today: one row on every list page."""
    origin = Division.objects.get(code="420102")
    for number in range(rows):
        household = make_household(tree.grid, f"一组 {number} 号", responsible=responsible)
        person = make_person(tree.grid, number=id_number(), household=household, phone="13812345678")
        register_arrival(Arrival(person=person, area=tree.grid, origin=origin, arrived_on=timezone.localdate()), None)


# Queries for a page of a list, whatever its length: the web pages' first two are the session and its
# user, and their last two the navigation's badges: the inbox's unread notices and the open alerts (each
# once, although the table is rendered with the request too). The API's token with its user, and
# everyone's memberships, come from the cache.
LIST_QUERIES = {
    "/api/households/": 3,  # the responsible filter's choices, the page, the members of its households
    "/api/people/": 2,  # the page, the tags of its people
    "/api/arrivals/": 1,
    "/people/households/": 6,
    "/people/": 7,
    # The colour and derived categories are subqueries of the page's query (core.person_status), not queries.
    "/people/?colour=green": 7,
    "/api/people/?tag=under_observation": 2,
    "/api/people/?colour=green": 2,
    "/people/arrivals/": 5,
}


@pytest.mark.parametrize("url", LIST_QUERIES)
def test_a_list_page_takes_the_same_few_queries_for_10_rows_as_for_50(
    url, tree, people, client, django_assert_num_queries
):
    client.force_login(people.village_officer)
    browser = token_client(people.village_officer) if url.startswith("/api/") else client
    for rows in (10, 50):
        fill(tree, rows - Arrival.objects.count(), people.grid_worker)
        assert browser.get(url).status_code == 200  # the first request fills the memberships cache
        with django_assert_num_queries(LIST_QUERIES[url]):
            assert browser.get(url).status_code == 200
