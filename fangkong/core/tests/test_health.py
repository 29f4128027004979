"""/health/ for the load balancer."""

from unittest import mock

from django.db import connections
from django.db.utils import OperationalError


def test_it_reports_each_check_without_login(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_checks_the_broker_when_there_is_one(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "failing"}


def test_a_failing_database_fails_the_check_and_says_no_more(client, db):
    secret = "password authentication failed for user fangkong at db.internal"
    with mock.patch.object(type(connections["default"]), "temporary_connection", side_effect=OperationalError(secret)):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"database": "failing", "cache": "ok"}
    assert b"db.internal" not in response.content


def test_the_load_balancer_may_ask_over_plain_http(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
