"""An API token's account is read from the database once, then kept in the cache until the token is
deleted or the account's roles or status change."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fangkong.accounts.models import Membership


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_a_token_is_read_from_the_database_once(tree, people):
    client = token_client(people.village_officer)
    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/me/").status_code == 200
    with CaptureQueriesContext(connection) as second:
        response = client.get("/api/me/")

    assert response.status_code == 200 and response.json()["username"] == people.village_officer.username
    assert any("authtoken_token" in query["sql"] for query in first.captured_queries)
    assert not any("authtoken_token" in query["sql"] for query in second.captured_queries)


def test_a_deleted_token_stops_working_at_the_next_request(tree, people):
    client = token_client(people.village_officer)
    assert client.get("/api/me/").status_code == 200

    Token.objects.filter(user=people.village_officer).delete()

    assert client.get("/api/me/").status_code == 401


def test_a_new_password_stops_the_cached_token(tree, people):
    client = token_client(people.village_officer)
    assert client.get("/api/me/").status_code == 200

    people.village_officer.set_password("another-long-passphrase")
    people.village_officer.save()

    assert client.get("/api/me/").status_code == 401


def test_a_deactivated_account_is_refused_at_the_next_request(tree, people):
    client = token_client(people.village_officer)
    assert client.get("/api/me/").status_code == 200

    people.village_officer.is_active = False
    people.village_officer.save()

    assert client.get("/api/me/").status_code == 401


def test_a_withdrawn_role_is_seen_at_the_next_request(tree, people):
    client = token_client(people.village_officer)
    assert client.get(f"/api/areas/{tree.village.code}/").status_code == 200

    Membership.objects.filter(user=people.village_officer).delete()

    assert client.get(f"/api/areas/{tree.village.code}/").status_code == 404


def test_the_cache_holds_no_token_in_clear(tree, people):
    from django.core.cache import cache

    client = token_client(people.village_officer)
    client.get("/api/me/")

    key = Token.objects.get(user=people.village_officer).key
    assert not any(key in str(name) for name in cache._cache)
