"""Isolation sites: a centralised observation takes a bed, a full site or room refuses more (also
when two officers take the last bed at once), the bed is free again when the observation ends or
moves, and the site's page shows its rooms and occupants as the register masks them."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.core.models import ChangeLogEntry
from fangkong.core.testing import ScopedAPIClient, reload_reference_data
from fangkong.health import services as observation
from fangkong.health.cases.tests.factories import make_facility, make_transfer
from fangkong.health.models import Episode
from fangkong.health.sites import services
from fangkong.health.sites.models import Site
from fangkong.health.sites.tests.factories import make_site
from fangkong.health.tests.factories import make_episode
from fangkong.people.tests.factories import id_number, make_person


@pytest.fixture(autouse=True)
def english():
    """Refusals are read in English here (the catalogue has them in Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def api():
    client = ScopedAPIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def site(tree):
    """竹林关镇's site: rooms 101 and 102, two beds each."""
    return make_site(tree.town)


def occupancy(site):
    site = Site.objects.with_occupancy().get(pk=site.pk)
    return site.occupied, site.capacity, site.free_beds


def refusal(error):
    return {field: " ".join(messages) for field, messages in error.value.message_dict.items()}


def test_the_sites_capacity_is_its_rooms_beds_and_its_occupancy_the_open_observations_there(tree, site):
    make_episode(area=tree.grid, site=site, room=site.rooms.get(label="101"))
    make_episode(area=tree.grid2, site=site)
    make_episode(area=tree.grid)  # at home: no bed
    assert occupancy(site) == (2, 4, 2)


def test_a_full_site_refuses_another_centralised_observation_naming_its_occupancy(tree, site):
    for _ in range(4):
        make_episode(area=tree.grid, site=site)
    with pytest.raises(ValidationError) as error:
        make_episode(area=tree.grid, site=site)
    assert refusal(error) == {"site": "竹林关镇宾馆隔离点 is full (4/4)."}
    assert occupancy(site) == (4, 4, 0)


def test_a_full_room_refuses_another_while_the_site_has_beds(tree, site):
    room = site.rooms.get(label="101")
    make_episode(area=tree.grid, site=site, room=room)
    make_episode(area=tree.grid, site=site, room=room)
    with pytest.raises(ValidationError) as error:
        make_episode(area=tree.grid, site=site, room=room)
    assert refusal(error) == {"room": "Room 101 of 竹林关镇宾馆隔离点 is full (2/2)."}
    assert make_episode(area=tree.grid, site=site, room=site.rooms.get(label="102")).site == site


def test_a_centralised_observation_names_a_site_and_a_home_one_none(tree, site):
    other = make_site(tree.town, name="桃园隔离点", rooms=[("A1", 1)])
    person = make_person(tree.grid, number=id_number())
    start = timezone.localdate()
    cases = [
        (Episode(kind=Episode.Kind.CENTRALISED), "site"),
        (Episode(kind=Episode.Kind.HOME, site=site), "site"),
        (Episode(kind=Episode.Kind.CENTRALISED, site=site, room=other.rooms.get()), "room"),
    ]
    for episode, field in cases:
        episode.person, episode.reason, episode.start_on = person, "other", start
        with pytest.raises(ValidationError) as error:
            observation.open_episode(episode, None)
        assert list(refusal(error)) == [field]
    assert not Episode.objects.exists()


def test_a_site_out_of_use_takes_nobody_new_and_keeps_its_occupants(tree, site):
    kept = make_episode(area=tree.grid, site=site)
    site.active = False
    services.save_site(site)
    with pytest.raises(ValidationError) as error:
        make_episode(area=tree.grid, site=site)
    assert refusal(error) == {"site": "竹林关镇宾馆隔离点 is out of use: it takes nobody new."}
    assert occupancy(site)[0] == 1 and Episode.objects.get(pk=kept.pk).site == site


def test_a_grid_does_not_run_a_site(tree):
    with pytest.raises(ValidationError) as error:
        make_site(tree.grid)
    assert list(refusal(error)) == ["area"]


def test_the_bed_is_free_again_when_the_observation_ends(tree, site):
    released = make_episode(area=tree.grid, site=site, days_ago=14)
    transferred = make_episode(area=tree.grid, site=site)
    make_episode(area=tree.grid, site=site)
    assert occupancy(site) == (3, 4, 1)
    observation.release(released)
    make_transfer(transferred.person, make_facility(tree.county))
    assert occupancy(site) == (1, 4, 3)
    assert Episode.objects.get(pk=released.pk).site == site  # the record keeps where it was held


def test_moving_frees_the_old_bed_takes_a_new_one_and_keeps_the_reason_in_the_log(tree, site):
    other = make_site(tree.town, name="桃园隔离点", rooms=[("A1", 1)])
    episode = make_episode(area=tree.grid, site=site, room=site.rooms.get(label="101"))
    services.move(episode, other, other.rooms.get(), "同户人员集中安置", episode.version)
    assert occupancy(site)[0] == 0 and occupancy(other)[0] == 1
    entry = ChangeLogEntry.objects.filter(object_id=str(episode.pk), kind="update").latest("pk")
    assert entry.after["site_id"] == other.pk and entry.after["place_change_reason"] == "同户人员集中安置"
    with pytest.raises(ValidationError) as error:
        services.move(episode, other, other.rooms.get(), "again", episode.version)
    assert list(refusal(error)) == ["room"]  # already there


def test_moving_into_a_full_site_or_without_a_reason_is_refused_and_nothing_changes(tree, site):
    full = make_site(tree.town, name="桃园隔离点", rooms=[("A1", 1)])
    make_episode(area=tree.grid, site=full)
    episode = make_episode(area=tree.grid, site=site)
    with pytest.raises(ValidationError) as error:
        services.move(episode, full, None, "换房")
    assert refusal(error) == {"site": "桃园隔离点 is full (1/1)."}
    with pytest.raises(ValidationError) as error:
        services.move(episode, site, site.rooms.get(label="102"), " ")
    assert list(refusal(error)) == ["place_change_reason"]
    episode.refresh_from_db()
    assert (episode.site, episode.room, episode.version) == (site, None, 1)


def test_moving_within_a_full_site_to_a_free_room_is_allowed(tree):
    site = make_site(tree.town, rooms=[("101", 1), ("102", 1)])
    episode = make_episode(area=tree.grid, site=site, room=site.rooms.get(label="101"))
    make_episode(area=tree.grid, site=site)
    services.move(episode, site, site.rooms.get(label="102"), "楼层调整")
    assert Episode.objects.get(pk=episode.pk).room.label == "102"


def test_rooms_keep_beds_for_their_occupants_and_a_room_that_held_anyone_stays(tree, site):
    room = site.rooms.get(label="101")
    make_episode(area=tree.grid, site=site, room=room)
    make_episode(area=tree.grid, site=site, room=room)
    other = site.rooms.get(label="102")
    with pytest.raises(ValidationError) as error:
        services.save_site(site, [{"id": room.pk, "label": "101", "capacity": 1}, {"id": other.pk, **vars_of(other)}])
    assert refusal(error) == {"rooms": "Room 101 has 2 occupants: it needs at least as many beds."}
    with pytest.raises(ValidationError) as error:
        services.save_site(site, [{"id": other.pk, **vars_of(other)}])
    assert refusal(error) == {"rooms": "Room 101 has held people under observation: it cannot be removed."}
    services.save_site(
        site, [{"id": room.pk, "label": "101", "capacity": 3}, {"id": None, "label": "103", "capacity": 1}]
    )
    assert sorted(site.rooms.values_list("label", "capacity")) == [("101", 3), ("103", 1)]


def test_rooms_trading_numbers_are_refused_and_a_refused_new_site_is_not_saved(tree, site):
    first, second = site.rooms.order_by("label")
    trade = [{"id": first.pk, "label": "102", "capacity": 2}, {"id": second.pk, "label": "101", "capacity": 2}]
    with pytest.raises(ValidationError) as error:
        services.save_site(site, trade)
    assert list(refusal(error)) == ["rooms"]
    assert sorted(site.rooms.values_list("pk", "label")) == [(first.pk, "101"), (second.pk, "102")]
    with pytest.raises(ValidationError):
        make_site(tree.town, name="新隔离点", rooms=[("1", 1), ("1", 2)])
    assert not Site.objects.filter(name="新隔离点").exists()


def vars_of(room):
    return {"label": room.label, "floor": room.floor, "capacity": room.capacity}


def test_the_officer_opens_a_centralised_observation_from_the_register_with_the_site_picker(client, tree, people, site):
    person = make_person(tree.grid, number=id_number())
    client.force_login(people.village_officer)
    url = reverse("health:episode-add", args=[person.pk])
    page = client.get(url, {"kind": "centralised"})
    assert page.context["form"].initial["kind"] == "centralised"
    assert "竹林关镇宾馆隔离点 (0/4)" in page.content.decode()
    room = site.rooms.get(label="102")
    data = {
        "kind": "centralised",
        "site": site.pk,
        "room": room.pk,
        "reason": "close_contact",
        "start_on": timezone.localdate().isoformat(),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    episode = Episode.objects.get(person=person)
    assert (episode.site, episode.room) == (site, room)
    detail = client.get(episode.get_absolute_url()).content.decode()
    assert "竹林关镇宾馆隔离点" in detail and "102" in detail


def test_the_open_form_refuses_a_full_site_with_its_occupancy(client, tree, people):
    site = make_site(tree.town, rooms=[("101", 1)])
    make_episode(area=tree.grid, site=site)
    person = make_person(tree.grid, number=id_number())
    client.force_login(people.village_officer)
    data = {
        "kind": "centralised",
        "site": site.pk,
        "reason": "close_contact",
        "start_on": timezone.localdate().isoformat(),
    }
    response = client.post(reverse("health:episode-add", args=[person.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["site"] == ["竹林关镇宾馆隔离点 is full (1/1)."]
    assert not Episode.objects.filter(person=person).exists()


def test_the_api_refuses_a_full_site_naming_the_field(api, tree, people):
    site = make_site(tree.town, rooms=[("101", 1)])
    make_episode(area=tree.grid, site=site)
    api.force_authenticate(people.village_officer)
    person = make_person(tree.grid, number=id_number())
    response = api.post(
        reverse("episode-list"), {"person": person.pk, "kind": "centralised", "site": site.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"site": ["竹林关镇宾馆隔离点 is full (1/1)."]}
    site.rooms.update(capacity=2)
    response = api.post(
        reverse("episode-list"), {"person": person.pk, "kind": "centralised", "site": site.pk}, format="json"
    )
    assert response.status_code == 201 and response.json()["site"] == site.pk


def test_a_site_the_officer_does_not_see_cannot_be_picked(api, tree, people):
    elsewhere = make_site(tree.other_town, name="城关隔离点")
    api.force_authenticate(people.village_officer)
    person = make_person(tree.grid, number=id_number())
    response = api.post(
        reverse("episode-list"), {"person": person.pk, "kind": "centralised", "site": elsewhere.pk}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["site"]
    assert api.get(reverse("site-detail", args=[elsewhere.pk])).status_code == 404


def test_the_api_moves_an_observation_to_another_site(api, tree, people, site):
    other = make_site(tree.town, name="桃园隔离点", rooms=[("A1", 1)])
    episode = make_episode(area=tree.grid, site=site)
    api.force_authenticate(people.village_officer)
    url = reverse("episode-move-site", args=[episode.pk])
    response = api.post(url, {"site": other.pk, "reason": "集中安置", "version": episode.version}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["site"] == other.pk and response.json()["place_change_reason"] == "集中安置"
    response = api.post(url, {"site": site.pk, "reason": "回原处", "version": episode.version}, format="json")
    assert response.status_code == 409  # the version read before the first move


def test_the_sites_api_gives_occupancy_read_only_and_filters_by_free_beds(api, tree, people, site):
    full = make_site(tree.town, name="桃园隔离点", rooms=[("A1", 1)])
    make_episode(area=tree.grid, site=full)
    api.force_authenticate(people.grid_worker)
    rows = api.get(reverse("site-list"), {"has_free_beds": "true"}).json()["results"]
    assert [row["name"] for row in rows] == ["竹林关镇宾馆隔离点"]
    assert {key: rows[0][key] for key in ("capacity", "occupied", "free_beds", "rooms_count")} == {
        "capacity": 4,
        "occupied": 0,
        "free_beds": 4,
        "rooms_count": 2,
    }
    rows = api.get(reverse("site-list"), {"has_free_beds": "false", "area": tree.town.code}).json()["results"]
    assert [row["name"] for row in rows] == ["桃园隔离点"]
    api.force_authenticate(people.town_officer)
    response = api.patch(reverse("site-detail", args=[full.pk]), {"capacity": 99, "occupied": 0}, format="json")
    assert response.status_code == 200 and response.json()["capacity"] == 1


def test_the_sites_api_replaces_the_rooms_it_is_sent(api, tree, people, site):
    api.force_authenticate(people.town_officer)
    kept = site.rooms.get(label="101")
    rooms = [{"id": kept.pk, "label": "101", "capacity": 5}, {"label": "201", "floor": 2, "capacity": 1}]
    response = api.patch(reverse("site-detail", args=[site.pk]), {"rooms": rooms}, format="json")
    assert response.status_code == 200, response.json()
    assert [(room["label"], room["capacity"]) for room in response.json()["rooms"]] == [("101", 5), ("201", 1)]
    assert response.json()["capacity"] == 6
    make_episode(area=tree.grid, site=site, room=kept)
    response = api.patch(reverse("site-detail", args=[site.pk]), {"rooms": rooms[1:]}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["rooms"]


def test_the_site_page_lists_rooms_and_occupants_masked_as_the_register_masks(client, tree, people):
    site = make_site(tree.county, name="丹凤县集中隔离点")
    mine = make_episode(make_person(tree.grid, "张三", id_number()), site=site, room=site.rooms.get(label="101"))
    theirs = make_episode(make_person(tree.village2, "李四", id_number()), site=site, room=site.rooms.get(label="101"))
    client.force_login(people.village_officer)
    page = client.get(reverse("health:site", args=[site.pk])).content.decode()
    assert mine.get_absolute_url() in page and "张三" in page and mine.person.id_number_masked in page
    assert "李四" not in page and theirs.get_absolute_url() not in page and theirs.person.id_number_masked in page
    assert "2/4" in page
    client.force_login(people.town_officer)
    assert "李四" in client.get(reverse("health:site", args=[site.pk])).content.decode()


def test_the_site_list_shows_occupancy_free_beds_and_rooms(client, tree, people, site):
    make_episode(area=tree.grid, site=site)
    client.force_login(people.village_officer)
    response = client.get(reverse("health:site-list"))
    row = response.context["table"].rows[0]
    assert [row.get_cell(name) for name in ("occupancy", "free_beds", "rooms_count")] == ["1/4", 3, 2]


def test_the_site_page_adds_rooms_and_refuses_a_room_listed_twice(client, tree, people, site):
    client.force_login(people.town_officer)
    url = reverse("health:site-edit", args=[site.pk])
    form = client.get(url).context["rooms"]
    data = {
        "name": site.name,
        "kind": site.kind,
        "area": tree.town.pk,
        "address": site.address,
        "contact": site.contact,
        "phone": site.phone,
        "active": "on",
        "rooms-TOTAL_FORMS": str(len(form.forms)),
        "rooms-INITIAL_FORMS": "2",
    }
    for index, room in enumerate(site.rooms.all()):
        data |= {f"rooms-{index}-id": room.pk, f"rooms-{index}-label": room.label, f"rooms-{index}-capacity": 2}
    data |= {"rooms-2-label": "101", "rooms-2-capacity": 4}
    response = client.post(url, data)
    assert response.status_code == 200 and "Room 101 is listed twice." in response.content.decode()
    data |= {"rooms-2-label": "301", "rooms-2-floor": 3}
    assert client.post(url, data).status_code == 302
    assert occupancy(site) == (0, 8, 8)


@pytest.mark.django_db(transaction=True)
def test_two_officers_taking_the_last_bed_at_once_fill_it_once(tree):
    """The first placement holds the site's row locked until it commits; the second waits for it
    and then finds the site full. (SQLite's single writer may refuse the second outright.)"""
    reload_reference_data()  # an earlier transactional test may have emptied the first protocol's table
    site = make_site(tree.town, rooms=[("101", 1)])
    first_person, second_person = (make_person(tree.grid, number=id_number()) for _ in range(2))
    first_placed, second_started = threading.Event(), threading.Event()
    refused = []

    @translation.override("en")
    def first():
        try:
            with transaction.atomic():
                make_episode(first_person, site=site)
                first_placed.set()
                second_started.wait(5)
                time.sleep(0.5)  # the second officer is now waiting for the site's row
        finally:
            connection.close()

    @translation.override("en")
    def second():
        first_placed.wait(5)
        second_started.set()
        try:
            make_episode(second_person, site=site)
        except ValidationError as error:
            refused.append(error.message_dict["site"][0])
        except OperationalError:  # SQLite: the database is locked by the first officer
            refused.append("locked")
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert list(Episode.objects.filter(site=site).values_list("person", flat=True)) == [first_person.pk]
    if connection.vendor == "postgresql":
        assert refused == ["竹林关镇宾馆隔离点 is full (1/1)."]
    else:
        assert len(refused) == 1


def test_the_officer_moves_an_observation_on_its_page_with_a_reason(client, tree, people, site):
    episode = make_episode(area=tree.grid, site=site, room=site.rooms.get(label="101"))
    client.force_login(people.village_officer)
    assert 'id="move-site"' in client.get(episode.get_absolute_url()).content.decode()
    url = reverse("health:episode-move-site", args=[episode.pk])
    room = site.rooms.get(label="102")
    data = {"site": site.pk, "room": room.pk, "place_change_reason": "", "version": episode.version}
    assert "place_change_reason" in client.post(url, data).context["form"].errors
    response = client.post(url, {**data, "place_change_reason": "同层调整"})
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.room, episode.place_change_reason) == (room, "同层调整")
