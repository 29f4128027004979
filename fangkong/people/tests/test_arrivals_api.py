"""/api/arrivals/ and /api/divisions/: the same scope, flags, messages and masking as the web pages."""

import datetime

import pytest
from django.utils import timezone

from fangkong.areas.models import Division, RiskArea
from fangkong.people.models import Arrival, KeyPersonTag, Person
from fangkong.people.services import register_arrival
from fangkong.people.tests.factories import id_number, make_person

TODAY = timezone.localdate()


@pytest.fixture
def wuhan_risk_area(db):
    return RiskArea.objects.create(
        division=Division.objects.get(code="4201"), valid_from=TODAY - datetime.timedelta(30)
    )


def arrive(area, origin, days_ago, name="张三"):
    person = make_person(area, name=name, number=id_number(), phone="13812345678")
    arrival = Arrival(
        person=person,
        area=area,
        origin=Division.objects.get(code=origin),
        arrived_on=TODAY - datetime.timedelta(days_ago),
    )
    return register_arrival(arrival, None)


def new_arrival(**extra):
    return {
        "name": "李四",
        "id_number": id_number(),
        "phone": "13912345678",
        "origin": "420102",
        "arrived_on": (TODAY - datetime.timedelta(1)).isoformat(),
        "transport": "plane",
        "trip_number": "CZ3456",
        "area": "611022106200001",
        **extra,
    }


def test_an_officer_registers_an_arrival_from_a_risk_area(api, tree, people, wuhan_risk_area):
    data = new_arrival()
    response = api.login_as(people.village_officer).post("/api/arrivals/", data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["risk"] is True and body["risk_area"] == wuhan_risk_area.pk
    assert body["origin"] == "420102" and body["origin_name"] == "湖北省 武汉市 江岸区"
    assert body["id_number"] == data["id_number"][:4] + "**********" + data["id_number"][-4:]
    assert body["phone"] == "139****5678"
    person = Person.objects.get(pk=body["person"])
    assert KeyPersonTag.FROM_RISK_AREA in person.tag_codes()
    # The same ID number again finds the same person.
    again = new_arrival(id_number=data["id_number"], origin="610102", arrived_on=TODAY.isoformat())
    response = api.post("/api/arrivals/", again, format="json")
    assert response.status_code == 201 and response.json()["person"] == person.pk and response.json()["risk"] is False
    assert Person.objects.count() == 1


def test_an_arrival_of_a_registered_person_by_id(api, tree, people):
    person = make_person(tree.grid, name="王五", number=id_number())
    data = {"person": person.pk, "origin": "110101", "arrived_on": TODAY.isoformat()}
    response = api.login_as(people.grid_worker).post("/api/arrivals/", data, format="json")
    assert response.status_code == 201, response.json()
    assert Arrival.objects.get().area == tree.grid  # the person's area when none is given


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"arrived_on": (TODAY + datetime.timedelta(3)).isoformat()}, "arrived_on", "is in the future"),
        ({"origin": "999999"}, "origin", "No place with code 999999 in the national division list."),
        ({"origin": "42"}, "origin", "湖北省 is a Province: pick a county or district in it."),
        ({"area": "611023100001001"}, "area", "does not exist"),
        ({"name": ""}, "name", "may not be blank"),
    ],
)
def test_bad_input_is_refused_naming_the_field(api, tree, people, change, field, message):
    response = api.login_as(people.village_officer).post("/api/arrivals/", new_arrival(**change), format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not Arrival.objects.exists() and not Person.objects.exists()


def test_a_person_of_another_county_is_not_registered_twice(api, tree, people):
    number = id_number()
    make_person(tree.other_grid, name="李四", number=number)
    response = api.login_as(people.village_officer).post("/api/arrivals/", new_arrival(id_number=number), format="json")
    assert response.status_code == 400
    assert "registered in another area (商南县)" in response.json()["id_number"][0]
    assert Person.objects.count() == 1


def test_the_list_filters_by_area_origin_risk_and_dates(api, tree, people, wuhan_risk_area):
    from_wuhan = arrive(tree.grid, "420102", 2, "武汉人")
    from_xian = arrive(tree.village2, "610102", 20, "西安人")
    arrive(tree.other_grid, "420103", 1, "商南人")
    client = api.login_as(people.town_officer)

    def ids(**query):
        response = client.get("/api/arrivals/", query)
        assert response.status_code == 200
        return sorted(row["id"] for row in response.json()["results"])

    assert ids() == sorted([from_wuhan.pk, from_xian.pk])  # not 商南县's
    assert ids(risk="true") == [from_wuhan.pk] and ids(risk="false") == [from_xian.pk]
    assert ids(origin="4201") == [from_wuhan.pk] and ids(origin="61") == [from_xian.pk]
    assert ids(area=tree.grid.code) == [from_wuhan.pk] and ids(area=tree.other_county.code) == []
    week_ago = (TODAY - datetime.timedelta(7)).isoformat()
    assert ids(arrived_after=week_ago) == [from_wuhan.pk] and ids(arrived_before=week_ago) == [from_xian.pk]
    row = client.get(f"/api/arrivals/{from_wuhan.pk}/").json()
    assert row["phone"] == "138****5678" and row["person_name"] == "武汉人" and row["risk"] is True


def test_outsiders_get_404_and_doctors_may_not_register(api, tree, people):
    arrival = arrive(tree.grid, "420102", 2)
    assert api.login_as(people.outsider).get(f"/api/arrivals/{arrival.pk}/").status_code == 404
    assert api.login_as(people.doctor).get(f"/api/arrivals/{arrival.pk}/").status_code == 200
    assert api.post("/api/arrivals/", new_arrival(area=tree.village.code), format="json").status_code == 403


def test_divisions_are_searched_by_name_initials_code_and_level(api, tree, people):
    client = api.login_as(people.grid_worker)

    def codes(**query):
        return [row["code"] for row in client.get("/api/divisions/", query).json()["results"]]

    assert codes(q="武汉 江岸") == ["420102"]
    assert codes(q="4201", level="prefecture") == ["4201"]
    assert codes(q="湖北", level="province") == ["42"]
    detail = client.get("/api/divisions/420102/").json()
    assert detail == {
        "code": "420102",
        "name": "江岸区",
        "full_name": "湖北省 武汉市 江岸区",
        "level": "county",
        "parent": "4201",
    }
    assert client.post("/api/divisions/", {"code": "999999"}).status_code in (403, 405)  # reference data
    assert not Division.objects.filter(code="999999").exists()


def test_an_arrival_is_corrected_and_checked_against_the_risk_areas_again(api, tree, people, wuhan_risk_area):
    arrival = arrive(tree.grid, "610102", 3)  # from Xi'an: not flagged
    assert arrival.person.tag_codes() == set()
    response = api.login_as(people.grid_worker).patch(
        f"/api/arrivals/{arrival.pk}/",
        {"origin": "420102", "trip_number": "G88", "registrar": "张书记", "name": arrival.person.name},
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["origin"], data["trip_number"], data["risk"], data["registrar"]) == ("420102", "G88", True, "张书记")
    arrival.refresh_from_db()
    assert arrival.risk_area == wuhan_risk_area
    assert arrival.person.tag_codes() == {KeyPersonTag.FROM_RISK_AREA}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "王五"}, "name"),
        ({"id_number": "34052419800101001X"}, "id_number"),
        ({"phone": "13900000000"}, "phone"),
        ({"arrived_on": (TODAY + datetime.timedelta(1)).isoformat()}, "arrived_on"),
        ({"registered_on": (TODAY + datetime.timedelta(1)).isoformat()}, "registered_on"),
        ({"area": "611023100001001"}, "area"),
    ],
)
def test_a_correction_that_is_not_the_arrivals_is_refused_naming_the_field(api, tree, people, change, field):
    arrival = arrive(tree.grid, "610102", 3)
    response = api.login_as(people.village_officer).patch(f"/api/arrivals/{arrival.pk}/", change, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    arrival.refresh_from_db()
    assert arrival.origin.code == "610102" and arrival.area == tree.grid


def test_doctors_read_arrivals_but_do_not_correct_them(api, tree, people):
    arrival = arrive(tree.grid, "610102", 3)
    response = api.login_as(people.doctor).patch(f"/api/arrivals/{arrival.pk}/", {"trip_number": "X"}, format="json")
    assert response.status_code == 403
    assert api.login_as(people.outsider).patch(f"/api/arrivals/{arrival.pk}/", {}, format="json").status_code == 404


def test_an_arrival_read_then_put_back_whole_is_accepted(api, tree, people):
    """A client PUTs what it read, masked ID number and phone included, with one field changed."""
    arrival = arrive(tree.grid, "610102", 3)
    client = api.login_as(people.village_officer)
    data = client.get(f"/api/arrivals/{arrival.pk}/").json()
    data["trip_number"] = "Z20"
    response = client.put(f"/api/arrivals/{arrival.pk}/", data, format="json")
    assert response.status_code == 200, response.json()
    arrival.refresh_from_db()
    assert arrival.trip_number == "Z20" and arrival.person.phone == "13812345678"
