"""The accounts API: token authentication, /api/me/, users and memberships, and the API's own docs."""

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fangkong.accounts.models import Membership, User
from fangkong.core.models import ChangeLogEntry
from fangkong.core.roles import Role
from fangkong.core.testing import PASSWORD, ScopedAPIClient, make_user

NEW_PASSWORD = "plum-blossom-river-42"


@pytest.fixture
def api():
    client = ScopedAPIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def issue_token(username):
    out = StringIO()
    call_command("issue_token", username, stdout=out)
    return out.getvalue().strip()


def new_user(**extra):
    return {
        "username": "new_worker",
        "full_name": "桃园村 网格员",
        "password": NEW_PASSWORD,
        "area": "611022106201",
        "role": Role.GRID_WORKER,
        **extra,
    }


def test_issue_token_prints_a_working_key(api, tree, people):
    key = issue_token("grid_worker")
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    response = api.get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["username"] == "grid_worker"


def test_a_reissued_token_replaces_the_old_one(api, tree, people):
    old = issue_token("grid_worker")
    new = issue_token("grid_worker")
    assert new != old
    assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401
    assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Token {new}").status_code == 200


def test_the_profile_page_shows_a_new_token_once(client, tree, people):
    client.force_login(people.grid_worker)
    old = issue_token("grid_worker")
    response = client.post("/accounts/profile/token/")
    assert response.status_code == 200  # the answer to the POST itself, no redirect
    key = Token.objects.get(user=people.grid_worker).key
    assert key != old
    assert key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    # Kept nowhere the browser sends back: not in the (signed, readable) messages cookie, not in the session.
    assert "messages" not in response.cookies
    assert key not in str(dict(client.session.items()))
    assert key not in client.get("/accounts/profile/").content.decode()


def test_the_token_address_opened_by_get_leads_to_the_profile(client, tree, people):
    # After a login that followed an expired session's POST, the browser opens the address by GET.
    client.force_login(people.grid_worker)
    response = client.get("/accounts/profile/token/")
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert not Token.objects.filter(user=people.grid_worker).exists()


def test_a_password_change_revokes_the_token(client, tree, people):
    key = issue_token("grid_worker")
    client.force_login(people.grid_worker)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_a_password_hash_upgrade_at_login_keeps_the_token(client, tree, people, settings):
    # A Django upgrade raises the hashing cost: the next login rehashes the same password.
    key = issue_token("grid_worker")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    response = client.post("/accounts/login/", {"username": "grid_worker", "password": PASSWORD})
    assert response.status_code == 302
    people.grid_worker.refresh_from_db()
    assert people.grid_worker.password.startswith("pbkdf2_sha256$")
    assert APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_a_managers_password_reset_revokes_the_token(client, tree, people):
    key = issue_token("grid_worker")
    client.force_login(people.village_officer)
    url = f"/accounts/users/{people.grid_worker.pk}/edit/"
    assert client.post(url, {"full_name": "张网格员", "is_active": "on"}).status_code == 302
    assert APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200  # no new password
    assert client.post(url, {"is_active": "on", "new_password": NEW_PASSWORD}).status_code == 302
    assert APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_a_password_reset_through_the_api_revokes_the_token(api, tree, people):
    key = issue_token("grid_worker")
    api.force_authenticate(people.village_officer)
    url = f"/api/users/{people.grid_worker.pk}/"
    assert api.patch(url, {"phone": "13900000002"}, format="json").status_code == 200
    assert APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert api.patch(url, {"password": NEW_PASSWORD}, format="json").status_code == 200
    assert APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_issue_token_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user called ghost"):
        call_command("issue_token", "ghost", stdout=StringIO())


def test_it_requires_authentication(api, tree, people):
    response = api.get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert api.get("/api/me/", HTTP_AUTHORIZATION="Token nonsense").status_code == 401


def test_an_inactive_users_token_stops_working(api, tree, people):
    key = issue_token("grid_worker")
    people.grid_worker.is_active = False
    people.grid_worker.save()
    assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_me_lists_memberships(api, tree, people):
    people.doctor.memberships.create(area=tree.other_village, role=Role.DOCTOR)
    api.force_authenticate(people.doctor)
    data = api.get("/api/me/").json()
    assert data["username"] == "doctor"
    assert data["is_superuser"] is False
    assert data["memberships"] == [
        {"area": "611022106200", "area_name": "竹林关村委会", "level": "village", "role": "doctor"},
        {"area": "611023100001", "area_name": "东街社区居委会", "level": "village", "role": "doctor"},
    ]


def test_me_works_without_memberships(api, tree, people):
    api.force_authenticate(people.nobody)
    assert api.get("/api/me/").json()["memberships"] == []


def test_it_lists_users_in_scope(api, tree, people):
    api.force_authenticate(people.village_officer)
    data = api.get("/api/users/").json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 3
    assert [user["username"] for user in data["results"]] == ["doctor", "grid_worker", "village_officer"]
    grid_worker = data["results"][1]
    assert grid_worker["memberships"] == [
        {"id": people.grid_worker.memberships.get().pk, "area": "611022106200001", "role": "grid_worker"}
    ]
    assert "password" not in grid_worker
    api.force_authenticate(people.outsider)
    assert [user["username"] for user in api.get("/api/users/").json()["results"]] == ["outsider"]


def test_it_paginates_users(api, tree, people):
    api.force_authenticate(people.county_officer)
    first = api.get("/api/users/", {"page_size": 2}).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"]
    last = api.get("/api/users/", {"page_size": 2, "page": 3}).json()
    assert len(last["results"]) == 1
    assert last["next"] is None
    names = [
        u["username"]
        for page in (1, 2, 3)
        for u in api.get("/api/users/", {"page_size": 2, "page": page}).json()["results"]
    ]
    assert sorted(names) == sorted(set(names))  # each user once
    assert api.get("/api/users/", {"page_size": 2, "page": 4}).status_code == 404


def test_it_filters_users(api, tree, people):
    api.force_authenticate(people.county_officer)
    assert api.get("/api/users/", {"role": "doctor"}).json()["count"] == 1
    assert api.get("/api/users/", {"within": tree.grid.code}).json()["results"][0]["username"] == "grid_worker"
    assert api.get("/api/users/", {"q": "outsider"}).json()["count"] == 0


def test_it_shows_only_memberships_in_scope(api, tree, people):
    people.grid_worker.memberships.create(area=tree.other_grid, role=Role.GRID_WORKER)
    api.force_authenticate(people.village_officer)
    data = api.get(f"/api/users/{people.grid_worker.pk}/").json()
    assert [m["area"] for m in data["memberships"]] == [tree.grid.code]


def test_it_creates_a_user_with_a_membership(api, tree, people):
    api.force_authenticate(people.county_officer)
    response = api.post("/api/users/", new_user(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert "password" not in data
    user = User.objects.get(username="new_worker")
    assert data["id"] == user.pk
    assert data["memberships"] == [{"id": user.memberships.get().pk, "area": "611022106201", "role": "grid_worker"}]
    assert user.check_password(NEW_PASSWORD)
    entry = ChangeLogEntry.objects.get(object_id=str(user.pk), content_type__model="user")
    assert (entry.source, entry.user) == ("api", people.county_officer)
    # The new account works with a token.
    key = issue_token("new_worker")
    assert APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").json()["memberships"][0]["area"] == (
        "611022106201"
    )


def test_it_refuses_a_user_out_of_scope(api, tree, people):
    api.force_authenticate(people.county_officer)
    response = api.post("/api/users/", new_user(area=tree.other_village.code), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["area"]
    assert isinstance(response.json()["area"], list) and response.json()["area"][0]
    assert not User.objects.filter(username="new_worker").exists()


def test_it_names_missing_fields(api, tree, people):
    api.force_authenticate(people.county_officer)
    response = api.post("/api/users/", new_user(password=""), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["password"]
    body = new_user()
    del body["password"], body["role"]
    response = api.post("/api/users/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"password", "role"}
    assert not User.objects.filter(username="new_worker").exists()


def test_it_checks_the_password_and_the_role(api, tree, people):
    api.force_authenticate(people.county_officer)
    response = api.post("/api/users/", new_user(password="12345678"), format="json")
    assert (response.status_code, list(response.json())) == (400, ["password"])
    response = api.post("/api/users/", new_user(role=Role.COMMANDER), format="json")
    assert (response.status_code, list(response.json())) == (400, ["role"])
    response = api.post("/api/users/", new_user(role="emperor"), format="json")
    assert (response.status_code, list(response.json())) == (400, ["role"])
    assert not User.objects.filter(username="new_worker").exists()


def test_a_grid_worker_cannot_create_users(api, tree, people):
    api.force_authenticate(people.grid_worker)
    assert api.post("/api/users/", new_user(area=tree.grid.code), format="json").status_code == 403
    assert not User.objects.filter(username="new_worker").exists()


def test_it_updates_a_user(api, tree, people):
    api.force_authenticate(people.village_officer)
    url = f"/api/users/{people.grid_worker.pk}/"
    response = api.patch(url, {"full_name": "张网格员", "password": NEW_PASSWORD}, format="json")
    assert response.status_code == 200
    people.grid_worker.refresh_from_db()
    assert people.grid_worker.full_name == "张网格员"
    assert people.grid_worker.check_password(NEW_PASSWORD)
    assert api.patch(url, {"username": "renamed"}, format="json").status_code == 400
    api.force_authenticate(people.outsider)
    assert api.patch(url, {"is_active": False}, format="json").status_code == 404
    api.force_authenticate(people.grid_worker)
    assert api.patch(url, {"is_active": False}, format="json").status_code == 404
    people.grid_worker.refresh_from_db()
    assert people.grid_worker.is_active


def test_it_grants_a_membership(api, tree, people):
    api.force_authenticate(people.village_officer)
    body = {"user": people.grid_worker.pk, "area": tree.grid2.code, "role": Role.GRID_WORKER}
    response = api.post("/api/memberships/", body, format="json")
    assert response.status_code == 201
    membership = Membership.objects.get(pk=response.json()["id"])
    assert (membership.user, membership.area, membership.role) == (people.grid_worker, tree.grid2, "grid_worker")
    assert response.json()["area"] == tree.grid2.code
    duplicate = api.post("/api/memberships/", body, format="json")
    assert (duplicate.status_code, list(duplicate.json())) == (400, ["role"])


def test_it_refuses_memberships_out_of_scope(api, tree, people):
    api.force_authenticate(people.village_officer)
    count = Membership.objects.count()
    body = {"user": people.grid_worker.pk, "area": tree.other_grid.code, "role": Role.GRID_WORKER}
    response = api.post("/api/memberships/", body, format="json")
    assert (response.status_code, list(response.json())) == (400, ["area"])
    body = {"user": people.outsider.pk, "area": tree.grid.code, "role": Role.GRID_WORKER}
    response = api.post("/api/memberships/", body, format="json")
    assert (response.status_code, list(response.json())) == (400, ["user"])
    body = {"user": people.grid_worker.pk, "area": tree.grid2.code, "role": Role.COMMANDER}
    response = api.post("/api/memberships/", body, format="json")
    assert (response.status_code, list(response.json())) == (400, ["role"])
    api.force_authenticate(people.grid_worker)
    body = {"user": people.grid_worker.pk, "area": tree.grid.code, "role": Role.DOCTOR}
    assert api.post("/api/memberships/", body, format="json").status_code == 403
    assert Membership.objects.count() == count


def test_nobody_removes_their_own_membership_or_a_peers_through_the_api(api, tree, people):
    own = people.village_officer.memberships.get()
    peer = make_user("peer_officer", Role.OFFICER, tree.village).memberships.get()
    api.force_authenticate(people.village_officer)
    assert api.delete(f"/api/memberships/{own.pk}/").status_code == 403
    assert api.delete(f"/api/memberships/{peer.pk}/").status_code == 403
    api.force_authenticate(people.town_officer)
    assert api.delete(f"/api/memberships/{peer.pk}/").status_code == 204
    assert list(Membership.objects.filter(pk__in=[own.pk, peer.pk])) == [own]


def test_it_deletes_memberships_in_scope(api, tree, people):
    membership = people.grid_worker.memberships.get()
    url = f"/api/memberships/{membership.pk}/"
    api.force_authenticate(people.grid_worker)
    assert api.delete(url).status_code == 403
    api.force_authenticate(people.outsider)
    assert api.delete(url).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()
    api.force_authenticate(people.village_officer)
    assert api.delete(url).status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert ChangeLogEntry.objects.filter(object_id=str(membership.pk), kind="delete", source="api").exists()
    assert api.delete(url).status_code == 404


def test_an_officer_cannot_remove_a_role_they_could_not_grant(api, tree, people):
    membership = people.town_officer.memberships.create(area=tree.town, role=Role.COMMANDER)
    url = f"/api/memberships/{membership.pk}/"
    api.force_authenticate(people.county_officer)
    assert api.get(url).status_code == 200  # in scope, so 403 rather than 404
    assert api.delete(url).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()
    api.force_authenticate(people.city_commander)
    assert api.delete(url).status_code == 204


def test_it_lists_memberships_in_scope(api, tree, people):
    api.force_authenticate(people.grid_worker)
    data = api.get("/api/memberships/").json()
    assert [(m["user"], m["area"]) for m in data["results"]] == [(people.grid_worker.pk, tree.grid.code)]
    api.force_authenticate(people.village_officer)
    data = api.get("/api/memberships/", {"role": "doctor"}).json()
    assert [m["user"] for m in data["results"]] == [people.doctor.pk]


@pytest.mark.parametrize("who", ["city_commander", "grid_worker", "outsider", "nobody", "admin"])
def test_an_unknown_area_is_not_found(api, tree, people, who):
    user = make_user("admin", is_superuser=True) if who == "admin" else getattr(people, who)
    api.force_authenticate(user)
    assert api.get("/api/areas/611022999999/").status_code == 404


def test_the_schema_and_its_docs_require_login(api, client, tree, people):
    assert api.get("/api/schema/").status_code == 401
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    key = issue_token("grid_worker")
    assert api.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    client.force_login(people.grid_worker)
    assert client.get("/api/docs/").status_code == 200


def test_the_schema_is_valid_openapi(api, tree, people):
    api.force_authenticate(people.grid_worker)
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    for path in ("/api/areas/", "/api/areas/{code}/", "/api/me/", "/api/users/", "/api/memberships/{id}/"):
        assert path in schema["paths"], path
    me = schema["paths"]["/api/me/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert me["$ref"].split("/")[-1] in schema["components"]["schemas"]
    assert "Token" in json.dumps(schema["components"]["securitySchemes"])
    assert api.get("/api/schema/").status_code == 200  # YAML by default


def test_schema_generation_has_no_warnings(tmp_path):
    # Warnings mean endpoints missing or mistyped in the schema (and fail `check --deploy`).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_the_docs_need_no_cdn(client, tree, people):
    client.force_login(people.grid_worker)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn.jsdelivr" not in html and "unpkg" not in html
    sources = re.findall(r"""<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)""", html)
    assert any("swagger-ui" in source for source in sources)
    for source in sources:
        assert source.startswith("/"), source
        assert not source.startswith("//"), source
        assert client.get(source).status_code == 200, source
    # The page's own script is a file too (the Content-Security-Policy allows no inline script).
    assert "<script>" not in html and "<style>" not in html
    assert "/api/schema/" in client.get("/api/docs/?script=").content.decode()
