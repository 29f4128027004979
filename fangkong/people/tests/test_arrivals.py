"""The arrival register on the web: found or registered once, flagged at once from a risk area.

The tree (fangkong.core.testing): 竹林关村 611022106200 (grids 001, 002) in 丹凤县; the outsider is an
officer of 商南县. 420102 is 湖北省 武汉市 江岸区 in the national division list; 4201 is 武汉市.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.areas.models import Division, RiskArea
from fangkong.health.models import Episode, Reason
from fangkong.health.services import open_episode
from fangkong.people.models import Arrival, KeyPersonTag, Person
from fangkong.people.services import add_tags
from fangkong.people.tests.factories import id_number, make_person

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in English (the msgids); the UI default is Chinese."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def wuhan_risk_area(db):
    """武汉市 (a prefecture) a high-risk area for the last 30 days, until further notice."""
    return RiskArea.objects.create(
        division=Division.objects.get(code="4201"), valid_from=TODAY - datetime.timedelta(30)
    )


def form_data(area, number, **extra):
    return {
        "name": "李四",
        "id_number": number,
        "sex": "",
        "phone": "13912345678",
        "kind": Arrival.Kind.RETURNEE,
        "origin": "420102",
        "route": "武汉-西安-商洛",
        "arrived_on": (TODAY - datetime.timedelta(2)).isoformat(),
        "transport": Arrival.Transport.TRAIN,
        "trip_number": "K1234",
        "reason": "春节返乡",
        "area": area.code,
        "address": "竹林关村一组 3 号",
        **extra,
    }


def register(client, user, data):
    client.force_login(user)
    return client.post(reverse("people:arrival-add"), data)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def errors_of(response):
    return response.context["form"].errors


def test_an_arrival_from_a_risk_area_flags_the_person_at_once(client, tree, people, wuhan_risk_area):
    number = id_number()
    response = register(client, people.village_officer, form_data(tree.grid, number))
    arrival = Arrival.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("people:arrival", args=[arrival.pk])
    person = Person.objects.get()
    assert (person.name, person.id_number, person.area, person.phone) == ("李四", number, tree.grid, "13912345678")
    assert person.sex == "male" and person.birth_date == datetime.date(1985, 3, 12)  # read from the ID number
    assert arrival.risk_area == wuhan_risk_area and arrival.registered_by == people.village_officer
    assert KeyPersonTag.FROM_RISK_AREA in person.tag_codes()
    page = client.get(response["Location"], follow=True)
    assert any("comes from a risk area" in message and "key person" in message for message in messages_of(page))
    assert "湖北省 武汉市 江岸区" in page.content.decode()


def test_a_flagged_arrival_shows_on_the_needs_observation_list_until_observed(client, tree, people, wuhan_risk_area):
    register(client, people.grid_worker, form_data(tree.grid, id_number(), name="王五"))
    register(client, people.grid_worker, form_data(tree.grid, id_number(), name="赵六", origin="610102"))
    client.force_login(people.village_officer)
    page = client.get(reverse("people:area-needs-observation", args=[tree.village.code]))
    rows = list(page.context["table"].rows)
    assert [row.record.name for row in rows] == ["王五"]  # 西安 (610102) is no risk area
    assert rows[0].get_cell("days") == 2
    arrival = Arrival.objects.get(person__name="王五")
    open_episode(Episode(person=arrival.person, reason=Reason.RISK_AREA_ARRIVAL, start_on=arrival.arrived_on), None)
    page = client.get(reverse("people:needs-observation"))
    assert list(page.context["table"].rows) == []


def test_the_needs_observation_list_puts_the_longest_waiting_first(client, tree, people, wuhan_risk_area):
    for name, days in (("近", 1), ("远", 9), ("中", 4)):
        arrived_on = (TODAY - datetime.timedelta(days)).isoformat()
        register(client, people.village_officer, form_data(tree.grid, id_number(), name=name, arrived_on=arrived_on))
    add_tags(make_person(tree.grid, name="密接", number=id_number()), KeyPersonTag.CLOSE_CONTACT)  # no arrival
    page = client.get(reverse("people:needs-observation"))
    assert page.context["title"] == "Needs observation"
    assert [row.record.name for row in page.context["table"].rows] == ["远", "中", "近", "密接"]
    page = client.get(reverse("people:needs-observation"), {"tag": KeyPersonTag.CLOSE_CONTACT})
    assert [row.record.name for row in page.context["table"].rows] == ["密接"]
    assert 'id="needs-observation-link"' in client.get(reverse("people:arrival-list")).content.decode()


def test_an_empty_registrar_is_the_users_full_name_or_else_their_login(client, tree, people):
    people.grid_worker.full_name = "张网格员"
    people.grid_worker.save()
    register(client, people.grid_worker, form_data(tree.grid, id_number(), registrar=""))
    register(client, people.village_officer, form_data(tree.grid, id_number(), registrar=""))
    registrars = set(Arrival.objects.values_list("registrar", flat=True))
    assert registrars == {"张网格员", "village_officer"}


def test_an_arrival_after_the_risk_area_ended_is_not_flagged(client, tree, people, wuhan_risk_area):
    wuhan_risk_area.valid_until = TODAY - datetime.timedelta(5)
    wuhan_risk_area.save()
    response = register(client, people.village_officer, form_data(tree.grid, id_number()))
    assert response.status_code == 302
    arrival = Arrival.objects.get()
    assert arrival.risk_area is None and not arrival.person.tags.exists()
    page = client.get(reverse("people:needs-observation"))
    assert list(page.context["table"].rows) == []
    # The same day inside the period still counts.
    on_the_last_day = form_data(tree.grid, id_number(), arrived_on=wuhan_risk_area.valid_until.isoformat())
    register(client, people.village_officer, on_the_last_day)
    assert Arrival.objects.filter(risk_area=wuhan_risk_area).count() == 1


def test_a_future_arrival_date_is_refused_with_a_message(client, tree, people):
    tomorrow = TODAY + datetime.timedelta(1)
    response = register(client, people.village_officer, form_data(tree.grid, id_number(), arrived_on=tomorrow))
    assert response.status_code == 200
    assert errors_of(response)["arrived_on"] == [
        f"{tomorrow.isoformat()} is in the future: today is {TODAY.isoformat()}."
    ]
    assert not Arrival.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize(
    ("origin", "message"),
    [
        ("999999", "No place with code 999999 in the national division list."),
        ("4201", "湖北省 武汉市 is a Prefecture: pick a county or district in it."),
        ("火星", "No place called 火星 in the national division list: pick one from the suggestions."),
        ("", "This field is required."),
    ],
)
def test_an_unknown_or_imprecise_origin_is_refused(client, tree, people, origin, message):
    response = register(client, people.village_officer, form_data(tree.grid, id_number(), origin=origin))
    assert errors_of(response)["origin"] == [message]
    assert not Arrival.objects.exists()


def test_without_javascript_the_typed_code_or_full_name_is_accepted(client, tree, people):
    data = form_data(tree.grid, id_number(), origin="", origin_text="湖北省 武汉市 江汉区")
    assert register(client, people.village_officer, data).status_code == 302
    assert Arrival.objects.get().origin.code == "420103"


def test_a_registered_person_is_found_by_id_number_not_duplicated(client, tree, people):
    number = id_number()
    person = make_person(tree.grid, name="李四", number=number)
    response = register(
        client, people.village_officer, form_data(tree.grid2, number.lower() if "X" in number else number)
    )
    assert response.status_code == 302
    assert Person.objects.count() == 1
    arrival = Arrival.objects.get()
    assert arrival.person == person and arrival.area == tree.grid2
    person.refresh_from_db()
    assert person.phone == "13912345678"  # filled in, as it was empty
    page = client.get(response["Location"])
    assert any("was registered already" in message for message in messages_of(page))
    # The same submission again is the same arrival.
    register(client, people.village_officer, form_data(tree.grid2, number))
    assert Arrival.objects.count() == 1


def test_an_id_number_registered_to_another_name_is_refused(client, tree, people):
    number = id_number()
    make_person(tree.grid, name="张三", number=number)
    response = register(client, people.village_officer, form_data(tree.grid, number, name="李四"))
    assert errors_of(response)["name"] == ["This ID number is registered to 张三, not 李四: check both."]
    assert not Arrival.objects.exists()


def test_a_person_registered_in_another_county_is_named_not_duplicated(client, tree, people):
    number = id_number()
    make_person(tree.other_grid, name="李四", number=number)
    response = register(client, people.village_officer, form_data(tree.grid, number))
    assert response.status_code == 200
    [message] = errors_of(response)["id_number"]
    assert "registered in another area (商南县)" in message and "城关街道" not in message
    assert Person.objects.count() == 1 and not Arrival.objects.exists()


def test_a_wrong_id_number_says_what_is_wrong(client, tree, people):
    number = id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    response = register(client, people.village_officer, form_data(tree.grid, wrong))
    assert "check character" in errors_of(response)["id_number"][0]


def test_a_grid_worker_registers_in_their_own_grid_only(client, tree, people):
    assert register(client, people.grid_worker, form_data(tree.grid, id_number())).status_code == 302
    response = register(client, people.grid_worker, form_data(tree.grid2, id_number()))
    assert errors_of(response)["area"] == ["No village or grid with this code in your area."]
    assert Arrival.objects.count() == 1


def test_a_doctor_may_not_register_arrivals(client, tree, people):
    assert register(client, people.doctor, form_data(tree.village, id_number())).status_code == 403


def test_outsiders_neither_find_nor_list_an_arrival(client, tree, people):
    register(client, people.village_officer, form_data(tree.grid, id_number()))
    arrival = Arrival.objects.get()
    client.force_login(people.outsider)
    assert client.get(reverse("people:arrival", args=[arrival.pk])).status_code == 404
    assert list(client.get(reverse("people:arrival-list")).context["table"].rows) == []


def test_the_arrival_list_filters_and_exports_masked(client, tree, people, wuhan_risk_area):
    wuhan, xian = id_number(), id_number()
    register(client, people.town_officer, form_data(tree.grid, wuhan, name="武汉人"))
    old = (TODAY - datetime.timedelta(20)).isoformat()
    register(
        client, people.town_officer, form_data(tree.village2, xian, name="西安人", origin="610102", arrived_on=old)
    )
    url = reverse("people:arrival-list")

    def names(**query):
        return sorted(row.record.person.name for row in client.get(url, query).context["table"].rows)

    assert names() == ["武汉人", "西安人"]
    assert names(risk="true") == ["武汉人"] and names(risk="false") == ["西安人"]
    assert names(origin="42") == names(origin="4201") == names(origin="420102") == ["武汉人"]
    assert names(area=tree.village2.code) == ["西安人"] and names(area=tree.town.code) == ["武汉人", "西安人"]
    assert names(arrived_after=(TODAY - datetime.timedelta(5)).isoformat()) == ["武汉人"]
    assert names(arrived_before=(TODAY - datetime.timedelta(5)).isoformat()) == ["西安人"]
    assert names(kind="floating") == []
    response = client.get(url, {"export": "csv", "risk": "true"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][0] == "武汉人"
    assert wuhan not in "".join(rows[1]) and wuhan[:4] + "**********" + wuhan[-4:] in rows[1]
    assert "139****5678" in rows[1] and "13912345678" not in "".join(rows[1])
    assert client.get(url, {"export": "xlsx"}).status_code == 200


def test_the_division_search_finds_counties_by_name_initials_or_code(client, tree, people):
    client.force_login(people.grid_worker)
    url = reverse("people:division-search")

    def codes(**query):
        return [row["code"] for row in client.get(url, query).json()["results"]]

    assert "420103" in codes(q="江汉")
    assert codes(q="武汉 江汉") == ["420103"]
    # Initials across levels, as the box's placeholder promises: the city's, then the district's.
    assert codes(q="whjh") == ["340202", "420103"]  # 芜湖 镜湖 too
    assert "420103" in codes(q="wh jh")
    assert "420103" in codes(q="hbjh")
    assert codes(q="420103") == ["420103"]
    assert len(codes(q="42")) == 20  # at most 20, counties only
    assert all(len(code) == 6 for code in codes(q="湖北"))
    assert codes(q="湖北", level="province") == ["42"]
    assert codes(q="") == []


def test_a_division_search_too_long_to_be_a_name_is_refused(client, tree, people):
    client.force_login(people.grid_worker)
    response = client.get(reverse("people:division-search"), {"q": "武汉" * 25_000})
    assert response.status_code == 400 and "q" in response.json()["errors"]
    assert client.get(reverse("division-list"), {"q": "武汉" * 25_000}).status_code == 400


def test_an_officer_corrects_an_arrival_and_a_risk_origin_flags_the_person(client, tree, people, wuhan_risk_area):
    person = make_person(tree.grid, "李四", id_number())
    arrival = Arrival(person=person, area=tree.grid, origin=Division.objects.get(code="610102"), arrived_on=TODAY)
    arrival.save()
    client.force_login(people.village_officer)
    page = client.get(reverse("people:arrival", args=[arrival.pk]))
    assert reverse("people:arrival-edit", args=[arrival.pk]) in page.content.decode()
    form = client.get(reverse("people:arrival-edit", args=[arrival.pk]))
    assert f'value="{tree.grid.code}" selected' in form.content.decode()  # the current grid is chosen
    data = {
        "kind": Arrival.Kind.RETURNEE,
        "origin": "420102",
        "arrived_on": (TODAY - datetime.timedelta(1)).isoformat(),
        "transport": Arrival.Transport.PLANE,
        "trip_number": "CZ3456",
        "area": tree.grid2.code,
        "registered_on": TODAY.isoformat(),
        "registrar": "张书记",
    }
    response = client.post(reverse("people:arrival-edit", args=[arrival.pk]), data, follow=True)
    assert response.redirect_chain, response.context["form"].errors
    assert "is now flagged as a key person" in response.content.decode()
    arrival.refresh_from_db()
    assert (arrival.origin.code, arrival.area, arrival.trip_number) == ("420102", tree.grid2, "CZ3456")
    assert arrival.risk_area == wuhan_risk_area and arrival.registrar == "张书记"
    assert person.tag_codes() == {KeyPersonTag.FROM_RISK_AREA}
    assert "张书记" in response.content.decode()


def test_a_correction_keeps_the_form_and_says_what_is_wrong(client, tree, people):
    person = make_person(tree.grid, "李四", id_number())
    arrival = Arrival(person=person, area=tree.grid, origin=Division.objects.get(code="610102"), arrived_on=TODAY)
    arrival.save()
    client.force_login(people.village_officer)
    data = {"kind": "returnee", "origin": "湖北", "arrived_on": "2099-01-01", "transport": "train", "area": "x"}
    response = client.post(reverse("people:arrival-edit", args=[arrival.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"origin", "arrived_on", "area"}
    arrival.refresh_from_db()
    assert arrival.origin.code == "610102"
    client.force_login(people.doctor)
    assert "arrival-edit" not in client.get(reverse("people:arrival", args=[arrival.pk])).content.decode()


def test_a_grid_worker_finds_their_grid_chosen_on_the_register_form(client, tree, people):
    client.force_login(people.grid_worker)
    assert client.get(reverse("people:arrival-add")).context["form"].initial["area"] == tree.grid.code
    client.force_login(people.town_officer)  # many villages: nothing is guessed
    assert client.get(reverse("people:arrival-add")).context["form"].initial["area"] == ""
