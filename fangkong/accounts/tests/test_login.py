"""Logging in, the brute-force lock, logging out and changing one's password."""

from unittest import mock

import pytest
from django.core.cache.backends import base as cache_base
from django.core.cache.backends import locmem
from django.urls import reverse

from fangkong.core.roles import Role
from fangkong.core.testing import PASSWORD, make_user

WRONG = "not-the-password"


@pytest.fixture
def client(client):
    """Messages are checked in English, whatever catalogue is installed."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def lockout(settings):
    """The shipped defaults, whatever the environment says."""
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_LOCKOUT_SECONDS = 15 * 60


def login(client, username, password=PASSWORD, environ=None, **data):
    return client.post(reverse("login"), {"username": username, "password": password, **data}, **(environ or {}))


def is_logged_in(client):
    return "_auth_user_id" in client.session


def fail(client, username, times):
    for _ in range(times):
        response = login(client, username, WRONG)
        assert response.status_code == 200
        assert not is_logged_in(client)


def test_it_logs_in_and_lands_on_the_users_area(client, tree, people):
    response = client.post(reverse("login"), {"username": "village_officer", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[0] == (reverse("home"), 302)
    assert response.redirect_chain[-1][0] == reverse("areas:area", args=["611022106200"])
    assert response.status_code == 200
    assert response.context["object"] == tree.village


def test_it_follows_next(client, tree, people):
    response = login(client, "county_officer", next=reverse("accounts:user-list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user-list")


def test_it_ignores_an_offsite_next(client, tree, people):
    response = login(client, "county_officer", next="https://evil.example.com/")
    assert response["Location"] == reverse("home")


def test_home_goes_to_the_outermost_area(client, tree):
    # A doctor of the village who is also a grid worker of one of its grids has one area: the village.
    user = make_user("both", Role.DOCTOR, tree.village)
    user.memberships.create(area=tree.grid, role=Role.GRID_WORKER)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("areas:area", args=[tree.village.code])


def test_home_lists_two_areas(client, tree):
    user = make_user("two_places", Role.GRID_WORKER, tree.grid)
    user.memberships.create(area=tree.other_grid, role=Role.GRID_WORKER)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert {area.code for area in response.context["roots"]} == {tree.grid.code, tree.other_grid.code}
    html = response.content.decode()
    assert reverse("areas:area", args=[tree.grid.code]) in html
    assert reverse("areas:area", args=[tree.other_grid.code]) in html


def test_home_tells_a_user_without_area(client, tree, people):
    client.force_login(people.nobody)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["roots"] == []
    assert "Your account has no area yet" in response.content.decode()


def test_home_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_a_wrong_password(client, tree, people):
    response = login(client, "village_officer", WRONG)
    assert response.status_code == 200
    assert not is_logged_in(client)
    assert response.context["form"].errors.as_data()["__all__"][0].code == "invalid_login"


def test_it_locks_after_five_failures(client, tree, people):
    fail(client, "village_officer", 5)
    response = login(client, "village_officer")  # the right password, too late
    assert response.status_code == 200
    assert not is_logged_in(client)
    error = response.context["form"].errors.as_data()["__all__"][0]
    assert error.code == "locked"
    assert "locked for 15 minutes" in response.content.decode()


def test_it_does_not_lock_before_the_limit(client, tree, people):
    fail(client, "village_officer", 4)
    assert login(client, "village_officer").status_code == 302
    assert is_logged_in(client)


def test_it_counts_user_names_case_insensitively(client, tree, people):
    fail(client, "Village_Officer", 5)
    response = login(client, "village_officer")
    assert response.context["form"].errors.as_data()["__all__"][0].code == "locked"


def test_it_names_the_configured_minutes(client, tree, people, settings):
    settings.LOGIN_LOCKOUT_SECONDS = 30 * 60
    fail(client, "village_officer", 5)
    assert "locked for 30 minutes" in login(client, "village_officer").content.decode()


def test_it_does_not_lock_other_users(client, tree, people):
    fail(client, "village_officer", 5)
    response = login(client, "town_officer")
    assert response.status_code == 302
    assert is_logged_in(client)


def test_it_locks_an_address_that_tries_many_names(client, tree, people):
    # 20 failures from one address, spread over names so no single account is locked.
    for index in range(20):
        login(client, f"guess{index % 5}-{index}", WRONG)
    response = login(client, "town_officer")
    assert not is_logged_in(client)
    assert response.context["form"].errors.as_data()["__all__"][0].code == "locked"
    # Another office is not affected.
    assert login(client, "town_officer", environ={"REMOTE_ADDR": "10.0.0.2"}).status_code == 302


def test_the_lock_expires(client, tree, people):
    now = [1_000_000.0]
    fake_time = mock.Mock(time=lambda: now[0])
    # The cache computes expiry times in its base class and checks them in the local-memory backend.
    with mock.patch.object(cache_base, "time", fake_time), mock.patch.object(locmem, "time", fake_time):
        fail(client, "village_officer", 5)
        now[0] += 14 * 60
        assert login(client, "village_officer").context["form"].errors.as_data()["__all__"][0].code == "locked"
        now[0] += 61  # 15 minutes and a second after the first failure
        response = login(client, "village_officer")
    assert response.status_code == 302
    assert is_logged_in(client)


def test_success_resets_the_count(client, tree, people):
    fail(client, "village_officer", 4)
    assert login(client, "village_officer").status_code == 302
    client.logout()
    fail(client, "village_officer", 4)
    response = login(client, "village_officer")
    assert response.status_code == 302
    assert is_logged_in(client)


def test_an_inactive_user_cannot_log_in(client, tree, people):
    people.village_officer.is_active = False
    people.village_officer.save()
    response = login(client, "village_officer")
    assert response.status_code == 200
    assert not is_logged_in(client)


def test_it_logs_out_by_post(client, tree, people):
    client.force_login(people.village_officer)
    assert client.get(reverse("logout")).status_code == 405  # a link cannot log anybody out
    assert is_logged_in(client)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not is_logged_in(client)
    assert client.get(reverse("home")).status_code == 302


def test_it_changes_the_password(client, tree, people):
    client.force_login(people.village_officer)
    assert client.get(reverse("accounts:password-change")).status_code == 200
    new = "a-brand-new-passphrase-7"
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-done")
    assert is_logged_in(client)  # the session survives the change
    assert client.get(reverse("accounts:password-done")).status_code == 200
    client.logout()
    assert login(client, "village_officer").status_code == 200
    assert login(client, "village_officer", new).status_code == 302


def test_it_checks_the_old_password_and_the_new_ones(client, tree, people):
    client.force_login(people.village_officer)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": WRONG, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "old_password" in errors
    assert "new_password2" in errors  # entirely numeric and too common
    people.village_officer.refresh_from_db()
    assert people.village_officer.check_password(PASSWORD)


def test_password_change_requires_login(client, db):
    response = client.get(reverse("accounts:password-change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
