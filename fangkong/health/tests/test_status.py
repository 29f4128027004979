"""A person's colour, its reason, "fever" and "under observation", derived from the records only."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.core import person_status
from fangkong.core.testing import ScopedAPIClient
from fangkong.health.cases import services as cases
from fangkong.health.cases.models import Classification, Transfer
from fangkong.health.cases.tests.factories import make_case, make_facility, make_transfer
from fangkong.health.tests.factories import make_check, make_episode
from fangkong.people import services as people_services
from fangkong.people.models import KeyPersonTag, Person
from fangkong.people.tests.factories import id_number, make_person, report_fever


@pytest.fixture(autouse=True)
def english():
    """Reasons are read in English here (the catalogue has them in Chinese)."""
    with translation.override("en"):
        yield


def status(person):
    return person_status.of(person)


@pytest.fixture
def api():
    client = ScopedAPIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def en(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_someone_with_no_records_is_green(tree):
    person = make_person(tree.grid, number=id_number())
    assert (status(person).colour, status(person).reason) == ("green", "No open case, fever or observation")


def test_a_flagged_person_is_yellow_until_observed_and_green_once_released(tree):
    person = make_person(tree.grid, number=id_number())
    people_services.add_tags(person, KeyPersonTag.FROM_RISK_AREA)
    assert status(person).colour == "yellow" and "not under observation yet" in status(person).reason
    episode = make_episode(person=person, days_ago=14)
    assert status(person).colour == "yellow" and status(person).under_observation
    assert status(person).reason == f"Under observation until {episode.planned_end_on:%Y-%m-%d}"
    episode.ended_on, episode.outcome = timezone.localdate(), "released"
    episode.save()
    assert status(person).colour == "green" and not status(person).under_observation


def test_a_fever_check_is_red_through_the_transfer_until_the_facility_excludes_it(tree):
    episode = make_episode(area=tree.grid)
    make_check(episode, temperature=Decimal("37.1"))
    assert status(episode.person).colour == "yellow"
    make_check(episode, temperature=Decimal("38.2"))
    today = timezone.localdate().isoformat()
    assert status(episode.person).colour == "red" and status(episode.person).fever
    assert status(episode.person).reason == f"Fever at the check of {today}, not ruled out"
    transfer = make_transfer(episode.person, make_facility(tree.county))
    assert status(episode.person).colour == "red"  # the episode ended transferred: the result is pending
    assert not status(episode.person).under_observation
    cases.record_result(transfer, Transfer.Result.EXCLUDED, None)
    assert status(episode.person).colour == "green" and not status(episode.person).fever


def test_a_case_is_red_while_open_and_decides_from_then_on(tree):
    episode = make_episode(area=tree.grid)
    make_check(episode, temperature=Decimal("38.5"))
    case = make_case(person=episode.person)
    with translation.override("en"):
        assert status(episode.person).reason == "Open case: suspected case"
        cases.classify(case, Classification.CONFIRMED, None)
        assert status(episode.person).reason == "Open case: confirmed case"
    cases.classify(case, Classification.RECOVERED, None)
    assert status(episode.person).colour == "yellow"  # the fever before the case is the case's; still observed


def test_a_fever_reported_at_arrival_is_red_until_a_check_is_taken(tree):
    person = make_person(tree.grid, number=id_number())
    arrival = report_fever(person, on=timezone.localdate() - datetime.timedelta(days=1))
    assert status(person).colour == "red"
    reported = f"Fever reported on {arrival.arrived_on:%Y-%m-%d} (arrival or screening), not checked since"
    assert status(person).reason == reported
    make_check(make_episode(person=person, days_ago=1))
    assert status(person).colour == "yellow" and not status(person).fever


def test_the_list_filters_and_shows_the_colour_from_the_records(en, tree, people):
    observed = make_episode(area=tree.grid, days_ago=2).person
    feverish = make_episode(area=tree.grid).person
    make_check(feverish.episodes.get(), temperature=Decimal("39.0"))
    plain = make_person(tree.grid, name="平安", number=id_number())
    en.force_login(people.village_officer)

    def listed(**query):
        rows = en.get(reverse("people:person-list"), query).context["table"].rows
        return {row.record.pk for row in rows}

    assert listed(tag="fever") == listed(colour="red") == {feverish.pk}
    assert listed(tag="under_observation") == {observed.pk, feverish.pk}
    assert listed(colour="yellow") == {observed.pk}
    assert listed(colour="green") == {plain.pk}
    page = en.get(reverse("people:person-list"), {"colour": "red"})
    assert "Fever at the check of" in page.content.decode() and "text-bg-danger" in page.content.decode()
    assert page.context["table"].rows[0].get_cell("tags") == "under observation、fever"
    export = en.get(reverse("people:person-list"), {"colour": "red", "export": "csv"})
    assert "Fever at the check of" in b"".join(export.streaming_content).decode("utf-8-sig")


def test_the_person_page_shows_the_colour_and_its_reason(en, tree, people):
    person = make_episode(area=tree.grid).person
    en.force_login(people.village_officer)
    page = en.get(reverse("people:person", args=[person.pk])).content.decode()
    assert 'id="status-colour">yellow<' in page and "Under observation until" in page
    assert 'id="derived-under-observation"' in page and 'id="derived-fever"' not in page


def test_the_api_gives_the_colour_its_reason_and_the_derived_categories(api, tree, people):
    episode = make_episode(area=tree.grid)
    make_check(episode, temperature=Decimal("38.0"))
    api.login_as(people.village_officer)
    data = api.get(f"/api/people/{episode.person.pk}/").json()
    assert (data["colour"], data["status_colour"], data["fever"], data["under_observation"]) == (
        "red",
        "red",
        True,
        True,
    )
    assert data["colour_reason"].startswith("Fever at the check of") and data["tags"] == []
    rows = api.get("/api/people/", {"colour": "red"}).json()["results"]
    assert [row["id"] for row in rows] == [episode.person.pk]
    assert api.get("/api/tags/fever/").json()["derived"] is True


def test_the_api_refuses_a_derived_category_naming_the_field(api, tree, people):
    person = make_person(tree.grid, number=id_number())
    api.login_as(people.village_officer)
    for code in ("fever", "under_observation"):
        response = api.patch(f"/api/people/{person.pk}/", {"tags": [code]}, format="json")
        assert response.status_code == 400
        assert "derived from the records" in response.json()["tags"][0]
    assert person.tags.count() == 0


def test_the_form_does_not_offer_a_derived_category_and_refuses_one_posted(en, tree, people):
    person = make_person(tree.grid, number=id_number())
    en.force_login(people.village_officer)
    url = reverse("people:person-edit", args=[person.pk])
    form = en.get(url).context["form"]
    offered = {str(value) for value, _label in form.fields["tags"].choices}
    fever = KeyPersonTag.objects.get(code=KeyPersonTag.FEVER)
    assert str(fever.pk) not in offered and offered
    data = {"name": person.name, "sex": person.sex, "area": tree.grid.pk, "residency": "resident"}
    response = en.post(url, {**data, "tags": [fever.pk], "version": person.version})
    assert response.status_code == 200
    assert "derived from the records" in response.context["form"].errors["tags"][0]
    assert not Person.objects.get(pk=person.pk).tags.exists()
