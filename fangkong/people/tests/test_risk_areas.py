"""Risk areas: national reference data with validity dates; everyone reads, only commanders edit."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.accounts.models import User
from fangkong.areas.models import Division, RiskArea
from fangkong.areas.services import risk_area_for
from fangkong.core.models import ChangeLogEntry

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def as_api(api, user):
    api.force_authenticate(User.objects.get(pk=user.pk))
    return api


def wuhan(**extra):
    return RiskArea.objects.create(
        division=Division.objects.get(code="4201"), valid_from=datetime.date(2020, 1, 23), **extra
    )


def test_a_commander_adds_a_risk_area_with_the_division_picker(client, tree, people):
    client.force_login(people.city_commander)
    page = client.get(reverse("people:riskarea-add"))
    assert 'data-levels="province,prefecture,county"' in page.content.decode()
    data = {"division": "4201", "level": RiskArea.Level.HIGH, "valid_from": "2020-01-23", "valid_until": "", "note": ""}
    response = client.post(reverse("people:riskarea-add"), data)
    assert response.status_code == 302 and response["Location"] == reverse("people:riskarea-list")
    risk_area = RiskArea.objects.get()
    assert risk_area.division.code == "4201" and risk_area.valid_until is None
    assert ChangeLogEntry.objects.filter(object_id=str(risk_area.pk), kind="create").exists()
    # Everything inside the prefecture is covered from that date on.
    assert risk_area_for(Division.objects.get(code="420102"), datetime.date(2020, 2, 1)) == risk_area
    assert risk_area_for(Division.objects.get(code="420102"), datetime.date(2020, 1, 22)) is None
    assert risk_area_for(Division.objects.get(code="610102"), datetime.date(2020, 2, 1)) is None


def test_an_officer_may_read_but_not_edit_risk_areas(client, tree, people):
    risk_area = wuhan()
    client.force_login(people.village_officer)
    page = client.get(reverse("people:riskarea-list"))
    assert page.status_code == 200 and [row.record for row in page.context["table"].rows] == [risk_area]
    assert reverse("people:riskarea-edit", args=[risk_area.pk]) not in page.content.decode()
    assert client.post(reverse("people:riskarea-add"), {"division": "4201"}).status_code == 403
    assert client.post(reverse("people:riskarea-edit", args=[risk_area.pk]), {"division": "42"}).status_code == 403
    assert client.post(reverse("people:riskarea-end", args=[risk_area.pk])).status_code == 403
    risk_area.refresh_from_db()
    assert risk_area.division.code == "4201" and risk_area.valid_until is None


def test_ending_a_risk_area_sets_its_last_day_to_today(client, tree, people):
    risk_area = wuhan()
    client.force_login(people.city_commander)
    response = client.post(reverse("people:riskarea-end", args=[risk_area.pk]), follow=True)
    risk_area.refresh_from_db()
    assert risk_area.valid_until == TODAY
    assert f"is a risk area until {TODAY}" in " ".join(str(m) for m in response.context["messages"])
    tomorrow = TODAY + datetime.timedelta(1)
    assert risk_area_for(Division.objects.get(code="420102"), tomorrow) is None


def test_bad_dates_and_overlaps_are_refused_with_a_message(client, tree, people):
    wuhan(valid_until=datetime.date(2020, 4, 8))
    client.force_login(people.city_commander)
    url = reverse("people:riskarea-add")
    base = {"division": "4201", "level": RiskArea.Level.HIGH, "note": ""}
    response = client.post(url, {**base, "valid_from": "2020-03-01", "valid_until": "2020-02-01"})
    assert response.context["form"].errors["valid_until"] == ["The end date comes before the start date."]
    response = client.post(url, {**base, "valid_from": "2020-04-01", "valid_until": ""})
    [message] = response.context["form"].errors["valid_from"]
    assert message.startswith("湖北省 武汉市 is already a risk area from 2020-01-23 to 2020-04-08")
    response = client.post(url, {**base, "division": "", "division_text": "湖北", "valid_from": "2020-05-01"})
    assert response.context["form"].errors["division"] == [
        "No place called 湖北 in the national division list: pick one from the suggestions."
    ]
    assert client.post(url, {**base, "valid_from": "2020-04-09"}).status_code == 302
    assert RiskArea.objects.count() == 2


def test_the_risk_area_list_filters_by_date_in_force(client, tree, people):
    past = wuhan(valid_until=datetime.date(2020, 4, 8))
    current = RiskArea.objects.create(division=Division.objects.get(code="110105"), valid_from=TODAY)
    client.force_login(people.grid_worker)
    url = reverse("people:riskarea-list")

    def listed(**query):
        return [row.record for row in client.get(url, query).context["table"].rows]

    assert listed(in_force_on=TODAY.isoformat()) == [current]
    assert listed(in_force_on="2020-02-01") == [past]
    assert listed(q="朝阳") == [current]


def test_only_commanders_write_risk_areas_through_the_api(api, tree, people):
    data = {"division": "4201", "level": 2, "valid_from": "2020-01-23"}
    assert as_api(api, people.county_officer).post("/api/risk-areas/", data, format="json").status_code == 403
    response = as_api(api, people.city_commander).post("/api/risk-areas/", data, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["division_name"] == "湖北省 武汉市"
    pk = response.json()["id"]
    bad = api.patch(f"/api/risk-areas/{pk}/", {"valid_until": "2020-01-01"}, format="json")
    assert bad.status_code == 400 and "before the start date" in bad.json()["valid_until"][0]
    assert api.patch(f"/api/risk-areas/{pk}/", {"valid_until": "2020-04-08"}, format="json").status_code == 200
    reader = as_api(api, people.doctor)
    assert reader.get("/api/risk-areas/", {"in_force_on": "2020-02-01"}).json()["results"][0]["id"] == pk
    assert reader.patch(f"/api/risk-areas/{pk}/", {"note": "x"}, format="json").status_code == 403
    assert as_api(api, people.nobody).get("/api/risk-areas/").status_code == 403


def arrival_from(area, code, arrived_on, name="王五"):
    from fangkong.people.models import Arrival
    from fangkong.people.tests.factories import id_number, make_person

    person = make_person(area, name, id_number())
    arrival = Arrival(person=person, area=area, origin=Division.objects.get(code=code), arrived_on=arrived_on)
    arrival.save()
    return arrival


def test_a_new_risk_area_flags_the_people_who_arrived_from_it_before(client, tree, people):
    """Wuhan was declared on 23 January; people who came home on the 20th were registered by then."""
    before = arrival_from(tree.grid, "420102", datetime.date(2020, 1, 25))
    too_early = arrival_from(tree.grid, "420102", datetime.date(2020, 1, 10), "赵六")
    elsewhere = arrival_from(tree.grid, "610102", datetime.date(2020, 1, 25), "孙七")
    client.force_login(people.city_commander)
    data = {"division": "4201", "level": RiskArea.Level.HIGH, "valid_from": "2020-01-20", "valid_until": "", "note": ""}
    response = client.post(reverse("people:riskarea-add"), data, follow=True)
    assert "1 arrival already registered was checked again against this risk area." in response.content.decode()
    risk_area = RiskArea.objects.get()
    for arrival in (before, too_early, elsewhere):
        arrival.refresh_from_db()
    assert before.risk_area == risk_area and before.person.tag_codes() == {"from_risk_area"}
    assert too_early.risk_area is None and too_early.person.tag_codes() == set()
    assert elsewhere.risk_area is None
    logged = ChangeLogEntry.objects.get(content_type__model="person", object_id=str(before.person.pk), kind="update")
    assert (logged.before["tags"], logged.after["tags"]) == ([], ["from_risk_area"])
    assert logged.user == people.city_commander
    # The village sees them on its "needs observation" list at once.
    client.force_login(people.village_officer)
    assert before.person.name in client.get(reverse("people:needs-observation")).content.decode()


def test_shortening_a_risk_area_unlinks_later_arrivals_but_keeps_the_flag(api, tree, people):
    risk_area = wuhan()
    arrival = arrival_from(tree.grid, "420102", datetime.date(2020, 2, 10))
    from fangkong.areas import services

    services.save_risk_area(risk_area)
    arrival.refresh_from_db()
    assert arrival.risk_area == risk_area
    response = as_api(api, people.city_commander).patch(
        f"/api/risk-areas/{risk_area.pk}/", {"valid_until": "2020-02-01"}, format="json"
    )
    assert response.status_code == 200, response.json()
    arrival.refresh_from_db()
    assert arrival.risk_area is None
    assert arrival.person.tag_codes() == {"from_risk_area"}  # taking someone off the list is a cadre's call


def test_a_risk_area_added_through_the_api_flags_earlier_arrivals(api, tree, people):
    arrival = arrival_from(tree.grid, "420102", datetime.date(2020, 1, 25))
    response = as_api(api, people.city_commander).post(
        "/api/risk-areas/", {"division": "420102", "valid_from": "2020-01-01"}, format="json"
    )
    assert response.status_code == 201, response.json()
    arrival.refresh_from_db()
    assert arrival.risk_area_id == response.json()["id"]
    assert arrival.person.tag_codes() == {"from_risk_area"}
