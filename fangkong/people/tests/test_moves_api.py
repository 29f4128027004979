"""/api/move-requests/: ask for a person registered elsewhere by ID number; their area decides."""

import datetime

import pytest

from fangkong.areas.models import Division
from fangkong.people.models import Arrival, MoveRequest
from fangkong.people.tests.factories import id_number, make_household, make_person


@pytest.fixture
def registered(tree):
    """A returnee registered in 竹林关村 who has since moved to 商南县's 东街社区."""
    number = id_number()
    person = make_person(tree.grid, "王芳", number, household=make_household(tree.grid))
    Arrival(
        person=person, area=tree.grid, origin=Division.objects.get(code="420102"), arrived_on=datetime.date(2020, 1, 20)
    ).save()
    return person, number


def ask(api, user, number, area, reason="在东街租房"):
    api.force_authenticate(user)
    return api.post("/api/move-requests/", {"id_number": number, "to_area": area.code, "reason": reason}, format="json")


def test_an_officer_asks_for_a_person_registered_elsewhere(api, tree, people, registered):
    person, number = registered
    response = ask(api, people.outsider, number, tree.other_grid)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["to_area"], data["status"]) == (tree.other_grid.code, "pending")
    assert data["person_id_number"] == number[:4] + "*" * 10 + number[-4:]
    # Outside the requester's area: no name, and the county only (docs/privacy.md).
    assert (data["person_name"], data["from_area"], data["requested_by"]) == ("", "丹凤县", "outsider")
    assert "id_number" not in data
    # Asking again while it is pending is the same request.
    again = ask(api, people.outsider, number, tree.other_grid)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert MoveRequest.objects.count() == 1
    # The requester follows it; the person stays out of their sight until it is accepted.
    assert [row["id"] for row in api.get("/api/move-requests/?direction=outgoing").json()["results"]] == [data["id"]]
    assert api.get(f"/api/people/{person.pk}/").status_code == 404


def test_bad_requests_name_the_field(api, tree, people, registered):
    _person, number = registered
    unknown = ask(api, people.outsider, id_number(), tree.other_grid)
    assert unknown.status_code == 400 and "Nobody is registered" in unknown.json()["id_number"][0]
    malformed = ask(api, people.outsider, number[:17] + ("0" if number[17] != "0" else "1"), tree.other_grid)
    assert malformed.status_code == 400 and "id_number" in malformed.json()
    own = ask(api, people.village_officer, number, tree.grid2)
    assert own.status_code == 400 and "already registered in your area" in own.json()["id_number"][0]
    elsewhere = ask(api, people.outsider, number, tree.grid2)  # not the requester's area
    assert elsewhere.status_code == 400 and "to_area" in elsewhere.json()


def test_the_persons_area_accepts_and_the_person_moves_with_their_history(api, tree, people, registered):
    person, number = registered
    move_id = ask(api, people.outsider, number, tree.other_grid).json()["id"]
    api.force_authenticate(people.village_officer)
    incoming = api.get("/api/move-requests/", {"direction": "incoming", "status": "pending"}).json()["results"]
    assert [row["id"] for row in incoming] == [move_id]
    assert api.get(f"/api/move-requests/{move_id}/decide/").json() == {"may_decide": True}
    response = api.post(f"/api/move-requests/{move_id}/decide/", {"accept": True}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted" and response.json()["decided_by"] == "village_officer"
    person.refresh_from_db()
    assert person.area == tree.other_grid and person.household is None
    assert list(person.arrivals.values_list("area", flat=True)) == [tree.other_grid.pk]
    api.force_authenticate(people.outsider)
    assert api.get(f"/api/people/{person.pk}/").status_code == 200
    # Decided once only; the village keeps the decided request in its history.
    api.force_authenticate(people.village_officer)
    twice = api.post(f"/api/move-requests/{move_id}/decide/", {"accept": False}, format="json")
    assert twice.status_code == 400 and "already decided" in str(twice.json())


def test_declined_the_person_stays(api, tree, people, registered):
    person, number = registered
    move_id = ask(api, people.outsider, number, tree.other_grid).json()["id"]
    api.force_authenticate(people.town_officer)
    response = api.post(f"/api/move-requests/{move_id}/decide/", {"accept": False}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "declined"
    person.refresh_from_db()
    assert person.area == tree.grid
    assert api.get(f"/api/move-requests/{move_id}/decide/").json() == {"may_decide": False}


def test_only_the_persons_managers_decide(api, tree, people, registered):
    _person, number = registered
    move_id = ask(api, people.outsider, number, tree.other_grid).json()["id"]
    api.force_authenticate(people.grid_worker)
    assert api.post(f"/api/move-requests/{move_id}/decide/", {"accept": True}, format="json").status_code == 403
    api.force_authenticate(people.outsider)  # the requester cannot decide their own request
    assert api.post(f"/api/move-requests/{move_id}/decide/", {"accept": True}, format="json").status_code == 403
    api.force_authenticate(people.village_officer)
    missing = api.post(f"/api/move-requests/{move_id}/decide/", {}, format="json")
    assert missing.status_code == 400 and "accept" in missing.json()
    assert MoveRequest.objects.get().status == "pending"


def test_a_grid_worker_may_ask_for_someone_to_join_their_grid(api, tree, people):
    number = id_number()
    make_person(tree.other_grid, "赵敏", number)
    response = ask(api, people.grid_worker, number, tree.grid)
    assert response.status_code == 201, response.json()


def test_another_areas_request_is_never_shown_to_a_second_asker(api, tree, people, registered):
    from fangkong.core.roles import Role
    from fangkong.core.testing import make_area, make_user

    person, number = registered
    first = ask(api, people.outsider, number, tree.other_grid, reason="私事").json()
    shanyang = make_area("611024", "山阳县", "county", tree.city)
    village = make_area("611024100001", "十里铺村", "village", make_area("611024100", "城关镇", "town", shanyang))
    third = make_user("shanyang_officer", Role.OFFICER, shanyang)
    response = ask(api, third, number, village)
    assert response.status_code == 201 and response.json()["id"] != first["id"]
    assert "私事" not in response.content.decode() and "outsider" not in response.content.decode()
    assert api.get(f"/api/move-requests/{first['id']}/").status_code == 404
    # The person's area accepts one; the other no longer applies.
    api.force_authenticate(people.village_officer)
    api.post(f"/api/move-requests/{first['id']}/decide/", {"accept": True}, format="json")
    assert MoveRequest.objects.get(pk=response.json()["id"]).status == "declined"


def test_a_pending_request_follows_the_person_to_their_new_area(api, tree, people, registered):
    from fangkong.people import services

    person, number = registered
    move_id = ask(api, people.outsider, number, tree.other_grid).json()["id"]
    person.area = tree.village2  # moved within the town meanwhile, by its officer
    services.save_person(person)
    api.force_authenticate(people.village_officer)  # 竹林关村: no longer the person's area
    assert api.post(f"/api/move-requests/{move_id}/decide/", {"accept": True}, format="json").status_code == 404
    api.force_authenticate(people.town_officer)
    response = api.post(f"/api/move-requests/{move_id}/decide/", {"accept": False}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "declined"
    person.refresh_from_db()
    assert person.area == tree.village2
