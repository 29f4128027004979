"""Every write is audited: who, from where (web, API, command), what changed, under which request id."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from fangkong.accounts.models import Membership, User
from fangkong.accounts.services import issue_token
from fangkong.areas.models import Area
from fangkong.core.models import ChangeLogEntry
from fangkong.core.scope import is_within
from fangkong.core.testing import PASSWORD


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def entries_for(obj, **extra):
    return ChangeLogEntry.objects.filter(
        content_type__model=obj._meta.model_name, object_id=str(obj.pk), **extra
    ).order_by("id")


def rename(client, grid, name, **headers):
    return client.post(reverse("areas:grid-edit", args=[grid.code]), {"name": name}, headers=headers)


# --- where a change comes from -----------------------------------------------------------------------


def test_a_web_edit_is_logged_with_user_and_request_id(client, tree, people):
    client.force_login(people.village_officer)
    response = rename(client, tree.grid2, "西片区")
    assert response.status_code == 302

    entry = entries_for(tree.grid2, kind="update").get()
    assert entry.user == people.village_officer
    assert entry.user_name == "village_officer"
    assert entry.source == "web"
    assert entry.before["name"] == "第二网格"
    assert entry.after["name"] == "西片区"
    changed = {name: (old, new) for name, old, new in entry.changed_fields()}
    assert changed["name"] == changed["short_name"] == ("第二网格", "西片区")
    assert "code" not in changed and "path" not in changed
    assert entry.area_path == tree.grid2.path
    assert entry.object_repr == "西片区"
    assert response["X-Request-ID"] == entry.request_id


def test_a_given_request_id_is_kept(client, tree, people):
    client.force_login(people.village_officer)
    response = rename(client, tree.grid2, "西片区", **{"X-Request-ID": "mobile-7f3a9c21-0001"})
    assert response["X-Request-ID"] == "mobile-7f3a9c21-0001"
    assert entries_for(tree.grid2, kind="update").get().request_id == "mobile-7f3a9c21-0001"


@pytest.mark.parametrize("given", ["short", "has spaces in it", "x" * 65, "<script>alert(1)</script>"])
def test_an_insane_request_id_is_replaced(client, tree, people, given):
    client.force_login(people.village_officer)
    response = rename(client, tree.grid2, "西片区", **{"X-Request-ID": given})
    entry = entries_for(tree.grid2, kind="update").get()
    assert entry.request_id != given
    assert response["X-Request-ID"] == entry.request_id
    assert len(entry.request_id) == 32


def test_each_request_has_its_own_id(client, tree, people):
    client.force_login(people.village_officer)
    first = rename(client, tree.grid2, "西片区")["X-Request-ID"]
    second = rename(client, tree.grid2, "东片区")["X-Request-ID"]
    assert first != second
    assert list(entries_for(tree.grid2, kind="update").values_list("request_id", flat=True)) == [first, second]


def test_a_web_create_is_logged(client, tree, people):
    client.force_login(people.town_officer)
    response = client.post(reverse("areas:grid-add", args=[tree.village2.code]), {"name": "第一网格"})
    grid = Area.objects.get(parent=tree.village2)
    entry = entries_for(grid).get()
    assert (entry.kind, entry.source, entry.user) == ("create", "web", people.town_officer)
    assert entry.before is None
    assert entry.after["code"] == "611022106201001" and entry.after["name"] == "第一网格"
    assert entry.request_id == response["X-Request-ID"]


def test_an_api_edit_is_logged_with_the_tokens_user(client, tree, people):
    token = issue_token(people.town_officer)
    response = client.patch(
        f"/api/areas/{tree.grid2.code}/",
        {"name": "西片区"},
        content_type="application/json",
        headers={"Authorization": f"Token {token.key}", "X-Request-ID": "api-client-000042"},
    )
    assert response.status_code == 200, response.content
    entry = entries_for(tree.grid2, kind="update").get()
    assert entry.source == "api"
    assert entry.user == people.town_officer
    assert entry.user_name == "town_officer"
    assert (entry.before["name"], entry.after["name"]) == ("第二网格", "西片区")
    assert entry.request_id == response["X-Request-ID"] == "api-client-000042"


def test_a_revoked_token_writes_nothing(client, tree, people):
    old = issue_token(people.town_officer)
    issue_token(people.town_officer)
    response = client.patch(
        f"/api/areas/{tree.grid2.code}/",
        {"name": "西片区"},
        content_type="application/json",
        headers={"Authorization": f"Token {old.key}"},
    )
    assert response.status_code == 401
    assert not entries_for(tree.grid2, kind="update").exists()


def test_a_management_command_is_logged_as_such(db, tmp_path):
    path = tmp_path / "divisions.csv"
    path.write_text("code,name,level,parent_code\n6110,商洛市,city,61\n611022,丹凤县,county,6110\n", encoding="utf-8")
    call_command("import_divisions", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    entries = ChangeLogEntry.objects.filter(content_type__model="area")
    assert entries.count() == 2
    assert set(entries.values_list("source", "user", "kind")) == {("command", None, "create")}
    assert entries.values("request_id").distinct().count() == 1  # one run, one id to find it by
    assert set(entries.values_list("area_path", flat=True)) == {"6110", "6110.611022"}
    first_run = entries.first().request_id

    path.write_text("code,name,level,parent_code\n6110,商洛市,city,61\n611022,丹凤县城,county,6110\n", encoding="utf-8")
    call_command("import_divisions", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    update = ChangeLogEntry.objects.get(kind="update")
    assert (update.source, update.before["name"], update.after["name"]) == ("command", "丹凤县", "丹凤县城")
    assert update.request_id != first_run


def test_deleting_a_membership_logs_what_was_deleted(client, tree, people):
    membership = Membership.objects.get(user=people.grid_worker)
    client.force_login(people.village_officer)
    response = client.post(reverse("accounts:membership-delete", args=[membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()

    entry = entries_for(membership, kind="delete").get()
    assert entry.user == people.village_officer and entry.source == "web"
    assert entry.before == {
        "id": membership.pk,
        "user_id": people.grid_worker.pk,
        "area_id": tree.grid.pk,
        "role": "grid_worker",
    }
    assert entry.after is None
    assert entry.area_path == tree.grid.path  # still found by the village's managers


def test_deleting_a_membership_through_the_api_is_logged(client, tree, people):
    membership = Membership.objects.get(user=people.doctor)
    token = issue_token(people.town_officer)
    response = client.delete(f"/api/memberships/{membership.pk}/", headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 204
    entry = entries_for(membership, kind="delete").get()
    assert (entry.source, entry.user, entry.before["role"]) == ("api", people.town_officer, "doctor")


# --- what is not logged ------------------------------------------------------------------------------


def test_an_update_that_changes_nothing_logs_nothing(client, tree, people):
    before = ChangeLogEntry.objects.count()
    client.force_login(people.village_officer)
    assert rename(client, tree.grid2, "第二网格").status_code == 302
    assert rename(client, tree.grid2, " 第二网格 ").status_code == 302
    response = client.patch(f"/api/areas/{tree.grid2.code}/", {"name": "第二网格"}, content_type="application/json")
    assert response.status_code == 200
    Area.objects.get(pk=tree.grid2.pk).save()
    assert ChangeLogEntry.objects.count() == before


def test_logging_in_logs_nothing(client, tree, people):
    before = ChangeLogEntry.objects.count()
    response = client.post(reverse("login"), {"username": "village_officer", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(username="village_officer").last_login is not None
    assert ChangeLogEntry.objects.count() == before


def test_changing_ones_password_logs_no_hash(client, tree, people):
    old_hash = User.objects.get(pk=people.village_officer.pk).password
    client.force_login(people.village_officer)
    new = "another-horse-staple-42"
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    new_hash = User.objects.get(pk=people.village_officer.pk).password
    logged = json.dumps(list(entries_for(people.village_officer).values("before", "after")))
    assert old_hash not in logged and new_hash not in logged
    assert new not in logged and PASSWORD not in logged


# --- reading the change log --------------------------------------------------------------------------


@pytest.fixture
def history(client, tree, people):
    """Edits in both counties: 丹凤县 by the village officer (web), 商南县 by the outsider (API)."""
    client.force_login(people.village_officer)
    rename(client, tree.grid2, "西片区")
    client.force_login(people.outsider)
    client.patch(f"/api/areas/{tree.other_grid.code}/", {"name": "东街网格"}, content_type="application/json")
    client.logout()


def listed(client, **query):
    response = client.get(reverse("changelog"), query)
    assert response.status_code == 200
    table = response.context["table"]
    rows = [row.record for row in table.paginated_rows]
    assert not table.page.has_next()  # the list never counts; the tests' rows fit one page
    return rows, len(rows)


def test_a_commander_browses_the_change_log_of_their_area(client, tree, people, history):
    client.force_login(people.outsider)
    rows, count = listed(client)
    assert count == ChangeLogEntry.objects.filter(area_path__startswith="6110.611023").count() > 0
    assert all(is_within(entry.area_path, tree.other_county.path) for entry in rows)
    assert "西片区" not in client.get(reverse("changelog")).text

    client.force_login(people.county_officer)
    rows, count = listed(client, kind="update")
    assert [(entry.object_repr, entry.user_name) for entry in rows] == [("西片区", "village_officer")]
    assert client.get(reverse("changelog-entry", args=[rows[0].pk])).status_code == 200

    client.force_login(people.outsider)
    assert client.get(reverse("changelog-entry", args=[rows[0].pk])).status_code == 404


def test_the_change_log_filters(client, tree, people, history):
    client.force_login(people.city_commander)
    rows, count = listed(client, kind="update")
    assert sorted(entry.object_repr for entry in rows) == ["东街网格", "西片区"]
    rows, count = listed(client, user="outsider")
    assert [(entry.object_repr, entry.source) for entry in rows] == [("东街网格", "api")]
    rows, count = listed(client, within=tree.village.code)
    assert count == ChangeLogEntry.objects.filter(area_path__startswith=tree.village.path).count()
    assert all(is_within(entry.area_path, tree.village.path) for entry in rows)
    assert "西片区" in {entry.object_repr for entry in rows}
    rows, count = listed(client, within="611023", kind="update", source="api")
    assert [entry.object_repr for entry in rows] == ["东街网格"]
    rows, count = listed(client, within="611023", user="village_officer")
    assert count == 0


def test_the_change_log_api_is_scoped_too(client, tree, people, history):
    client.force_login(people.outsider)
    body = client.get("/api/changelog/", {"kind": "update"}).json()
    assert [(entry["object_repr"], entry["source"], entry["user_name"]) for entry in body["results"]] == [
        ("东街网格", "api", "outsider")
    ]
    assert body["results"][0]["before"]["name"] == "第一网格"


def test_doctors_and_grid_workers_do_not_read_the_change_log(client, tree, people, history):
    for who in (people.doctor, people.grid_worker):
        client.force_login(who)
        assert client.get(reverse("changelog")).status_code == 403
