"""Logging in, the brute-force lock, session limits, logging out and changing one's password."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

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
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    settings.SESSION_IDLE_SECONDS = 30 * 60
    settings.SESSION_COOKIE_AGE = 12 * 3600


def login(client, username, password=PASSWORD, environ=None, **data):
    return client.post(reverse("login"), {"username": username, "password": password, **data}, **(environ or {}))


def is_logged_in(client):
    return "_auth_user_id" in client.session


def fail(client, username, times):
    for _ in range(times):
        response = login(client, username, WRONG)
        assert response.status_code in (200, 429)  # the failure that reaches the limit answers with the lock
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
    # An officer of the village who is also a grid worker of one of its grids has one area: the village.
    user = make_user("both", Role.OFFICER, tree.village)
    user.memberships.create(area=tree.grid, role=Role.GRID_WORKER)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("areas:area", args=[tree.village.code])


@pytest.mark.parametrize("roles", [[Role.GRID_WORKER], [Role.DOCTOR], [Role.DOCTOR, Role.GRID_WORKER]])
def test_grid_workers_and_doctors_land_on_todays_work(client, tree, roles):
    user = make_user("checker", roles[0], tree.village)
    for role in roles[1:]:
        user.memberships.create(area=tree.grid, role=role)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("health:today")


def test_home_lists_two_areas(client, tree):
    user = make_user("two_places", Role.OFFICER, tree.grid)
    user.memberships.create(area=tree.other_grid, role=Role.OFFICER)
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


def is_locked_out(response):
    return response.status_code == 429 and "Too many failed logins" in response.content.decode()


def test_it_locks_after_five_failures(client, tree, people):
    fail(client, "village_officer", 5)
    response = login(client, "village_officer")  # the right password, too late
    assert is_locked_out(response)
    assert not is_logged_in(client)
    assert "try again in 15 minutes" in response.content.decode()


def test_it_does_not_lock_before_the_limit(client, tree, people):
    fail(client, "village_officer", 4)
    assert login(client, "village_officer").status_code == 302
    assert is_logged_in(client)


def test_it_names_the_configured_minutes(client, tree, people, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    fail(client, "village_officer", 5)
    assert "try again in 30 minutes" in login(client, "village_officer").content.decode()


def test_it_does_not_lock_other_users(client, tree, people):
    fail(client, "village_officer", 5)
    response = login(client, "town_officer")
    assert response.status_code == 302
    assert is_logged_in(client)


def test_it_locks_the_user_name_only_from_that_address(client, tree, people):
    # A lost phone guessing from one address does not lock the officer out at the office.
    fail(client, "village_officer", 5)
    assert is_locked_out(login(client, "village_officer"))
    assert login(client, "village_officer", environ={"REMOTE_ADDR": "10.0.0.2"}).status_code == 302


def test_an_office_behind_one_address_is_not_locked_out_by_one_person(client, tree, people):
    for index in range(20):
        login(client, f"guess{index}", WRONG)
    assert login(client, "town_officer").status_code == 302


def test_the_lock_expires(client, tree, people):
    fail(client, "village_officer", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert is_locked_out(login(client, "village_officer"))
    # 15 minutes and a second after the last failure (a try while locked out restarts the wait).
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
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


def test_the_admin_login_counts_and_honours_the_same_lock(client, tree, people):
    admin_login = reverse("admin:login")
    make_user("root", is_superuser=True, is_staff=True)
    for _ in range(3):
        assert client.post(admin_login, {"username": "root", "password": WRONG}).status_code == 200
    fail(client, "root", 2)  # five failures in all, on either page
    response = client.post(admin_login, {"username": "root", "password": PASSWORD})  # the right one, too late
    assert is_locked_out(response)
    assert not is_logged_in(client)
    assert is_locked_out(login(client, "root"))


def test_by_default_a_forwarded_address_is_not_believed(client, tree, people):
    # Without a configured proxy, X-Forwarded-For is whatever the client wrote: a new one per try
    # must not give an attacker a fresh count.
    for index in range(5):
        login(client, "village_officer", WRONG, environ={"HTTP_X_FORWARDED_FOR": f"203.0.113.{index}"})
    assert is_locked_out(login(client, "village_officer", environ={"HTTP_X_FORWARDED_FOR": "203.0.113.99"}))


def test_behind_a_trusted_proxy_the_address_comes_from_its_header(client, tree, people, settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_ORDER = "right-most"
    proxy = {"REMOTE_ADDR": "10.0.0.1"}  # every request arrives from the proxy
    field_phone = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for _ in range(5):
        login(client, "village_officer", WRONG, environ=field_phone)
    assert is_locked_out(login(client, "village_officer", environ=field_phone))
    # The proxy appends the address it saw: a client cannot pick a fresh one by writing its own first.
    spoofed = {**proxy, "HTTP_X_FORWARDED_FOR": "192.0.2.1, 198.51.100.7"}
    assert is_locked_out(login(client, "village_officer", environ=spoofed))
    # The same officer at the office, behind the same proxy, is not locked out.
    office = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.8"}
    assert login(client, "village_officer", environ=office).status_code == 302


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


def age_session(client, idle_minutes=0, age_hours=0):
    """Moves the session's login and last request back in time."""
    session = client.session
    now = int(time.time())
    session["session_started"] = now - int(age_hours * 3600)
    session["session_seen"] = now - int(idle_minutes * 60)
    session.save()


def test_an_idle_session_ends(client, tree, people):
    assert login(client, "village_officer").status_code == 302
    age_session(client, idle_minutes=31)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not is_logged_in(client)


def test_a_session_in_use_goes_on(client, tree, people):
    assert login(client, "village_officer").status_code == 302
    age_session(client, idle_minutes=29, age_hours=11)
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert time.time() - client.session["session_seen"] < 60  # the request counts as activity
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_busy_session_ends_after_its_maximum_age(client, tree, people):
    assert login(client, "village_officer").status_code == 302
    age_session(client, idle_minutes=1, age_hours=12.1)
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert not is_logged_in(client)


def test_the_session_limits_are_configurable(client, tree, people, settings):
    settings.SESSION_IDLE_SECONDS = 5 * 60
    assert login(client, "village_officer").status_code == 302
    age_session(client, idle_minutes=6)
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_an_api_session_ends_too(client, tree, people):
    assert login(client, "village_officer").status_code == 302
    assert client.get("/api/me/").status_code == 200
    age_session(client, idle_minutes=31)
    assert client.get("/api/me/").status_code in (401, 403)


def test_an_api_request_by_token_starts_no_session(tree, people):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=people.village_officer).key}")
    response = client.get("/api/me/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies and not Session.objects.exists()
