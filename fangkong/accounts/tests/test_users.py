"""Managing users and their roles through the web UI: always inside one's own area."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from fangkong.accounts.models import Membership, User
from fangkong.core.models import ChangeLogEntry
from fangkong.core.roles import Role
from fangkong.core.testing import PASSWORD, make_user

NEW_PASSWORD = "plum-blossom-river-42"


@pytest.fixture
def client(client):
    """Messages are checked in English, whatever catalogue is installed."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def add_user(client, area_code, role=Role.OFFICER, username="new_user", **extra):
    data = {
        "username": username,
        "full_name": "桃园村 王干部",
        "phone": "13900000001",
        "password": NEW_PASSWORD,
        "area": area_code,
        "role": role,
        **extra,
    }
    return client.post(reverse("accounts:user-add"), data)


def add_membership(client, user, area_code, role):
    return client.post(reverse("accounts:membership-add"), {"user": user.pk, "area": area_code, "role": role})


def errors(response):
    return response.context["form"].errors


def listed(client, **query):
    response = client.get(reverse("accounts:user-list"), query)
    assert response.status_code == 200
    return {row.record.username for row in response.context["table"].rows}


def log_entries(model, pk):
    return ChangeLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=str(pk))


def test_it_shows_the_create_form(client, tree, people):
    client.force_login(people.county_officer)
    response = client.get(reverse("accounts:user-add"), {"area": tree.village2.code, "role": Role.GRID_WORKER})
    assert response.status_code == 200
    form = response.context["form"]
    assert (form.initial["area"], form.initial["role"]) == (tree.village2.code, Role.GRID_WORKER)
    assert Role.COMMANDER not in dict(form.fields["role"].choices)


def test_it_creates_a_user_with_a_membership(client, tree, people):
    client.force_login(people.county_officer)
    response = add_user(client, tree.village2.code)
    user = User.objects.get(username="new_user")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user", args=[user.pk])
    assert user.full_name == "桃园村 王干部"
    assert user.phone == "13900000001"
    assert user.is_active
    assert user.check_password(NEW_PASSWORD)
    assert list(user.memberships.values_list("area__code", "role")) == [(tree.village2.code, Role.OFFICER)]

    user_entry = log_entries(User, user.pk).get()
    assert user_entry.kind == ChangeLogEntry.Kind.CREATE
    assert user_entry.user == people.county_officer
    assert user_entry.source == "web"
    assert user_entry.area_path == tree.village2.path
    assert user_entry.after["password"].startswith("sha256:")
    assert user.password not in str(user_entry.after)  # never the hash itself
    membership_entry = log_entries(Membership, user.memberships.get().pk).get()
    assert membership_entry.kind == ChangeLogEntry.Kind.CREATE
    assert membership_entry.request_id == user_entry.request_id

    # The new officer logs in and lands on their village.
    client.logout()
    login = client.post(reverse("login"), {"username": "new_user", "password": NEW_PASSWORD}, follow=True)
    assert login.redirect_chain[-1][0] == reverse("areas:area", args=[tree.village2.code])


def test_it_refuses_an_area_of_another_county(client, tree, people):
    client.force_login(people.county_officer)
    users_before, entries_before = User.objects.count(), ChangeLogEntry.objects.count()
    response = add_user(client, tree.other_village.code)
    assert response.status_code == 200
    assert list(errors(response)) == ["area"]
    assert "No area with this code in your scope." in response.content.decode()
    assert not User.objects.filter(username="new_user").exists()
    assert (User.objects.count(), ChangeLogEntry.objects.count()) == (users_before, entries_before)


def test_it_refuses_an_area_seen_but_not_managed(client, tree):
    # A county doctor who is also officer of one village sees the whole county, but manages one village.
    user = make_user("doctor_officer", Role.DOCTOR, tree.county)
    user.memberships.create(area=tree.village, role=Role.OFFICER)
    client.force_login(user)
    response = add_user(client, tree.village2.code)
    assert list(errors(response)) == ["area"]
    assert "You can only grant roles inside your own area." in response.content.decode()
    assert not User.objects.filter(username="new_user").exists()
    assert add_user(client, tree.grid.code, Role.GRID_WORKER).status_code == 302


def test_it_refuses_an_unknown_area_code(client, tree, people):
    client.force_login(people.county_officer)
    response = add_user(client, "611022999999")
    assert list(errors(response)) == ["area"]
    assert not User.objects.filter(username="new_user").exists()


def test_it_checks_the_initial_password(client, tree, people):
    client.force_login(people.county_officer)
    response = add_user(client, tree.village2.code, password="12345678")
    assert list(errors(response)) == ["password"]
    assert not User.objects.filter(username="new_user").exists()


def test_it_refuses_a_taken_user_name(client, tree, people):
    client.force_login(people.county_officer)
    response = add_user(client, tree.village2.code, username="doctor")
    assert list(errors(response)) == ["username"]
    assert not Membership.objects.filter(area=tree.village2).exists()


def test_an_officer_cannot_grant_the_commander_role(client, tree, people):
    client.force_login(people.county_officer)
    response = add_user(client, tree.town.code, Role.COMMANDER)
    assert list(errors(response)) == ["role"]
    assert not User.objects.filter(username="new_user").exists()
    response = add_membership(client, people.town_officer, tree.town.code, Role.COMMANDER)
    assert list(errors(response)) == ["role"]
    assert not people.town_officer.memberships.filter(role=Role.COMMANDER).exists()


def test_a_commander_can_grant_the_commander_role(client, tree, people):
    client.force_login(people.city_commander)
    assert add_user(client, tree.town.code, Role.COMMANDER).status_code == 302
    assert User.objects.get(username="new_user").memberships.get().role == Role.COMMANDER
    assert add_membership(client, people.town_officer, tree.town.code, Role.COMMANDER).status_code == 302
    assert people.town_officer.memberships.filter(role=Role.COMMANDER, area=tree.town).exists()


def test_a_grid_worker_cannot_add_users(client, tree, people):
    client.force_login(people.grid_worker)
    assert add_user(client, tree.grid.code, Role.GRID_WORKER).status_code == 403
    assert not User.objects.filter(username="new_user").exists()


def test_a_village_officer_assigns_a_grid_worker_to_a_grid(client, tree, people):
    client.force_login(people.village_officer)
    response = add_membership(client, people.grid_worker, tree.grid2.code, Role.GRID_WORKER)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user", args=[people.grid_worker.pk])
    membership = people.grid_worker.memberships.get(area=tree.grid2)
    assert membership.role == Role.GRID_WORKER
    entry = log_entries(Membership, membership.pk).get()
    assert (entry.kind, entry.user, entry.area_path) == ("create", people.village_officer, tree.grid2.path)
    page = client.get(reverse("accounts:user", args=[people.grid_worker.pk]))
    assert set(page.context["memberships"]) == set(people.grid_worker.memberships.all())


def test_it_refuses_a_duplicate_membership(client, tree, people):
    client.force_login(people.village_officer)
    response = add_membership(client, people.grid_worker, tree.grid.code, Role.GRID_WORKER)
    assert response.status_code == 200
    assert "This person already has this role here." in errors(response)["__all__"]
    assert people.grid_worker.memberships.count() == 1


def test_it_refuses_a_membership_outside_the_village(client, tree, people):
    client.force_login(people.village_officer)
    response = add_membership(client, people.grid_worker, tree.village2.code, Role.GRID_WORKER)
    assert list(errors(response)) == ["area"]
    assert people.grid_worker.memberships.count() == 1


def test_it_refuses_a_membership_for_a_user_out_of_scope(client, tree, people):
    client.force_login(people.village_officer)
    response = add_membership(client, people.outsider, tree.grid.code, Role.GRID_WORKER)
    assert list(errors(response)) == ["user"]
    assert people.outsider.memberships.count() == 1


def test_it_deletes_a_membership(client, tree, people):
    membership = people.grid_worker.memberships.create(area=tree.grid2, role=Role.GRID_WORKER)
    client.force_login(people.village_officer)
    url = reverse("accounts:membership-delete", args=[membership.pk])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user", args=[people.grid_worker.pk])
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert log_entries(Membership, membership.pk).filter(kind="delete", user=people.village_officer).exists()


def test_removing_the_last_role_in_scope_goes_back_to_the_list(client, tree, people):
    client.force_login(people.village_officer)
    membership = people.grid_worker.memberships.get()
    response = client.post(reverse("accounts:membership-delete", args=[membership.pk]), follow=True)
    assert response.status_code == 200  # not the 404 of a user now out of scope
    assert response.redirect_chain[-1][0] == reverse("accounts:user-list")
    assert not people.grid_worker.memberships.exists()


def test_a_grid_worker_cannot_delete_a_membership(client, tree, people):
    membership = people.grid_worker.memberships.get()
    client.force_login(people.grid_worker)
    assert client.post(reverse("accounts:membership-delete", args=[membership.pk])).status_code == 403
    client.force_login(people.outsider)
    assert client.post(reverse("accounts:membership-delete", args=[membership.pk])).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_nobody_removes_their_own_membership_or_a_peers(client, tree, people):
    """An officer's only role, or a fellow officer's of the same village, is removed from the level above."""
    own = people.village_officer.memberships.get()
    peer = make_user("peer_officer", Role.OFFICER, tree.village).memberships.get()
    client.force_login(people.village_officer)
    for membership in (own, peer):
        url = reverse("accounts:membership-delete", args=[membership.pk])
        assert (client.get(url).status_code, client.post(url).status_code) == (403, 403)
        page = client.get(reverse("accounts:user", args=[membership.user.pk])).content.decode()
        assert url not in page  # no Remove button that answers 403
    client.force_login(people.town_officer)
    assert (
        reverse("accounts:membership-delete", args=[peer.pk])
        in client.get(reverse("accounts:user", args=[peer.user.pk])).content.decode()
    )
    assert client.post(reverse("accounts:membership-delete", args=[peer.pk])).status_code == 302
    assert list(Membership.objects.filter(pk__in=[own.pk, peer.pk])) == [own]


def test_an_officer_cannot_remove_a_role_they_could_not_grant(client, tree, people):
    # A commander of the town, inside the county officer's area: the officer sees it, may not remove it.
    membership = people.town_officer.memberships.create(area=tree.town, role=Role.COMMANDER)
    url = reverse("accounts:membership-delete", args=[membership.pk])
    client.force_login(people.county_officer)
    assert membership in client.get(reverse("accounts:user", args=[people.town_officer.pk])).context["memberships"]
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()
    client.force_login(people.city_commander)
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def edit(client, user, **data):
    return client.post(reverse("accounts:user-edit", args=[user.pk]), data)


def test_it_deactivates_a_user(client, tree, people):
    client.force_login(people.village_officer)
    response = edit(client, people.grid_worker, full_name="张网格员", phone="13900000002")  # is_active unticked
    assert response.status_code == 302
    people.grid_worker.refresh_from_db()
    assert (people.grid_worker.full_name, people.grid_worker.is_active) == ("张网格员", False)
    assert people.grid_worker.check_password(PASSWORD)
    entry = log_entries(User, people.grid_worker.pk).get(kind="update")
    assert entry.user == people.village_officer
    assert entry.before["is_active"] is True and entry.after["is_active"] is False
    client.logout()
    login = client.post(reverse("login"), {"username": "grid_worker", "password": PASSWORD})
    assert login.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_resets_a_password(client, tree, people):
    client.force_login(people.village_officer)
    response = edit(client, people.grid_worker, full_name="", phone="", is_active="on", new_password=NEW_PASSWORD)
    assert response.status_code == 302
    # The reset is audited, without the hash.
    entry = log_entries(User, people.grid_worker.pk).get(kind="update")
    assert entry.user == people.village_officer
    assert [name for name, _before, _after in entry.changed_fields()] == ["password"]
    people.grid_worker.refresh_from_db()
    assert people.grid_worker.password not in str(entry.after)
    client.logout()
    assert client.post(reverse("login"), {"username": "grid_worker", "password": PASSWORD}).status_code == 200
    assert client.post(reverse("login"), {"username": "grid_worker", "password": NEW_PASSWORD}).status_code == 302


def test_it_checks_a_reset_password(client, tree, people):
    client.force_login(people.village_officer)
    response = edit(client, people.grid_worker, is_active="on", new_password="grid_worker")
    assert list(errors(response)) == ["new_password"]
    people.grid_worker.refresh_from_db()
    assert people.grid_worker.check_password(PASSWORD)


def test_a_grid_worker_cannot_edit_users(client, tree, people):
    client.force_login(people.grid_worker)
    assert edit(client, people.doctor, is_active="").status_code == 404  # users are not visible to grid workers
    assert edit(client, people.grid_worker, is_active="").status_code == 404
    people.doctor.refresh_from_db()
    assert people.doctor.is_active


def test_nobody_changes_a_user_who_also_works_outside_their_area(client, tree, people):
    # The city commander also serves as a grid worker in 竹林关村: the village officer sees them,
    # but must not reset their password (and so become commander of the whole city).
    people.city_commander.memberships.create(area=tree.grid, role=Role.GRID_WORKER)
    client.force_login(people.village_officer)
    page = client.get(reverse("accounts:user", args=[people.city_commander.pk]))
    assert page.status_code == 200
    assert page.context["can_change"] is False
    assert page.context["hidden_memberships"] == 1
    response = edit(client, people.city_commander, is_active="on", new_password=NEW_PASSWORD)
    assert response.status_code == 403
    people.city_commander.refresh_from_db()
    assert people.city_commander.check_password(PASSWORD)
    # The county officer manages the grid, but not the city either.
    client.force_login(people.county_officer)
    assert edit(client, people.city_commander, is_active="").status_code == 403
    # A system administrator can.
    client.force_login(make_user("root", is_superuser=True))
    assert edit(client, people.city_commander, full_name="王指挥", is_active="on").status_code == 302


def test_an_officer_resets_passwords_only_below_their_own_level(client, tree, people):
    client.force_login(people.county_officer)
    assert edit(client, people.town_officer, is_active="on", new_password=NEW_PASSWORD).status_code == 302
    # A second officer of the same county is a peer: seen, not changed (nor is the officer's own account).
    peer = make_user("county_officer_2", Role.OFFICER, tree.county)
    page = client.get(reverse("accounts:user", args=[peer.pk]))
    assert (page.status_code, page.context["can_change"]) == (200, False)
    assert edit(client, peer, is_active="on", new_password=NEW_PASSWORD).status_code == 403
    assert edit(client, people.county_officer, is_active="").status_code == 403
    peer.refresh_from_db()
    assert peer.check_password(PASSWORD)
    # Also as a grid worker: holding a lower role there does not make the peer a subordinate.
    peer.memberships.create(area=tree.grid, role=Role.GRID_WORKER)
    assert edit(client, peer, is_active="").status_code == 403
    # The same holds for commanders: a second city commander is reset by a system administrator.
    client.force_login(make_user("deputy", Role.COMMANDER, tree.city))
    assert edit(client, people.city_commander, is_active="").status_code == 403
    assert edit(client, people.county_officer, is_active="on", new_password=NEW_PASSWORD).status_code == 302


def test_it_lists_users_in_scope(client, tree, people):
    client.force_login(people.county_officer)
    danfeng = {"county_officer", "town_officer", "village_officer", "grid_worker", "doctor"}
    assert listed(client) == danfeng
    client.force_login(people.village_officer)
    assert listed(client) == {"village_officer", "grid_worker", "doctor"}
    client.force_login(people.outsider)
    assert listed(client) == {"outsider"}


def test_it_filters_users(client, tree, people):
    people.doctor.full_name = "孙村医"
    people.doctor.phone = "13912345678"
    people.doctor.save()
    client.force_login(people.county_officer)
    assert listed(client, q="officer") == {"county_officer", "town_officer", "village_officer"}
    assert listed(client, q="村医") == {"doctor"}
    assert listed(client, q="2345") == {"doctor"}
    assert listed(client, role=Role.OFFICER) == {"county_officer", "town_officer", "village_officer"}
    assert listed(client, role=Role.DOCTOR) == {"doctor"}
    assert listed(client, within=tree.village.code) == {"village_officer", "grid_worker", "doctor"}
    assert listed(client, within=tree.grid.code) == {"grid_worker"}
    assert listed(client, within=tree.village2.code) == set()
    assert listed(client, within="nonsense") == set()
    # Filters never widen the scope.
    assert listed(client, within=tree.other_county.code) == set()
    assert listed(client, q="outsider") == set()


def test_it_filters_active_users(client, tree, people):
    people.doctor.is_active = False
    people.doctor.save()
    client.force_login(people.village_officer)
    assert listed(client, is_active="false") == {"doctor"}
    assert listed(client, is_active="true") == {"village_officer", "grid_worker"}


def test_it_lists_a_user_once_whatever_their_roles(client, tree, people):
    people.grid_worker.memberships.create(area=tree.grid2, role=Role.GRID_WORKER)
    people.grid_worker.memberships.create(area=tree.village, role=Role.DOCTOR)
    client.force_login(people.county_officer)
    response = client.get(reverse("accounts:user-list"))
    usernames = [row.record.username for row in response.context["table"].rows]
    assert usernames.count("grid_worker") == 1
    response = client.get(reverse("accounts:user-list"), {"role": Role.GRID_WORKER})
    assert [row.record.username for row in response.context["table"].rows] == ["grid_worker"]


def test_it_exports_the_filtered_list(client, tree, people):
    client.force_login(people.county_officer)
    response = client.get(reverse("accounts:user-list"), {"within": tree.village.code, "export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    assert "grid_worker" in body and "doctor" in body
    assert "county_officer" not in body and "outsider" not in body


def test_an_out_of_scope_user_is_not_found(client, tree, people):
    client.force_login(people.outsider)
    for name in ("accounts:user", "accounts:user-edit"):
        assert client.get(reverse(name, args=[people.grid_worker.pk])).status_code == 404
    assert edit(client, people.grid_worker, is_active="").status_code == 404
    people.grid_worker.refresh_from_db()
    assert people.grid_worker.is_active
    client.force_login(people.village_officer)
    assert client.get(reverse("accounts:user", args=[people.town_officer.pk])).status_code == 404
