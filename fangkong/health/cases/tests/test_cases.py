"""Transfers, cases, close contacts and the chain of transmission."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.core.models import Notification
from fangkong.core.roles import Role
from fangkong.core.testing import ScopedAPIClient, make_user
from fangkong.health.cases.models import Case, CaseEvent, Classification, Contact
from fangkong.health.cases.tests.factories import (
    make_case,
    make_contact,
    make_facility,
    make_sample,
    make_transfer,
)
from fangkong.health.models import Episode
from fangkong.health.sites.tests.factories import make_site
from fangkong.health.tests.factories import make_episode
from fangkong.people.tests.factories import id_number, make_household, make_person


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
def cdc(tree):
    return make_user("danfeng_cdc", Role.CDC, tree.county)


def test_a_transfer_ends_the_open_episode_as_transferred(api, tree, people):
    episode = make_episode(area=tree.grid)
    facility = make_facility(tree.county, name="丹凤县发热门诊")
    response = api.login_as(people.doctor).post(
        "/api/transfers/",
        {
            "person": episode.person_id,
            "facility": facility.pk,
            "transferred_at": timezone.now().isoformat(),
            "vehicle": "陕H 120",
            "escort": "李医生",
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    episode = Episode.objects.with_status().get(pk=episode.pk)
    assert (episode.status, episode.ended_on) == (Episode.Status.TRANSFERRED, timezone.localdate())
    assert response.data["episode"] == episode.pk


def test_cdc_records_the_facilitys_result(api, tree, cdc):
    transfer = make_transfer(make_person(tree.grid, number=id_number()), make_facility(tree.county))
    response = api.login_as(cdc).post(f"/api/transfers/{transfer.pk}/result/", {"result": "excluded"}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["result"] == "excluded"


def test_a_village_doctor_may_pick_the_countys_facility(client, tree, people):
    facility = make_facility(tree.county)
    person = make_person(tree.grid, number=id_number())
    client.force_login(people.doctor)
    response = client.get(reverse("health:transfer-add", args=[person.pk]))
    assert f'value="{facility.pk}"' in response.content.decode()


def test_a_disallowed_classification_change_is_refused_with_a_message(client, api, tree, people):
    case = make_case(area=tree.grid)
    client.force_login(people.county_officer)
    response = client.post(
        reverse("health:case-classify", args=[case.pk]), {"classification": "recovered"}, follow=True
    )
    assert (
        "A suspected case cannot become recovered; it may become: confirmed case、excluded."
        in response.content.decode()
    )
    response = api.login_as(people.county_officer).post(
        f"/api/cases/{case.pk}/classify/", {"classification": "died"}, format="json"
    )
    assert response.status_code == 400
    assert "cannot become died" in response.data["classification"][0]
    assert Case.objects.get(pk=case.pk).classification == Classification.SUSPECTED


def test_classification_changes_form_a_timeline_with_who_and_when(api, tree, cdc):
    case = make_case(area=tree.grid)
    for step in ("confirmed", "recovered"):
        response = api.login_as(cdc).post(f"/api/cases/{case.pk}/classify/", {"classification": step}, format="json")
        assert response.status_code == 200, response.data
    events = list(CaseEvent.objects.filter(case=case).values_list("from_classification", "to_classification", "by"))
    assert events == [("", "suspected", None), ("suspected", "confirmed", cdc.pk), ("confirmed", "recovered", cdc.pk)]
    assert Case.objects.get(pk=case.pk).confirmed_at is not None
    response = api.post(f"/api/cases/{case.pk}/classify/", {"classification": "died"}, format="json")
    assert "final" in response.data["classification"][0]


def test_a_late_case_report_shows_as_late(client, api, tree, people):
    late = make_case(area=tree.grid, delay=datetime.timedelta(hours=3))
    on_time = make_case(area=tree.grid, delay=datetime.timedelta(minutes=90))
    client.force_login(people.county_officer)
    page = client.get(reverse("health:case-list")).content.decode()
    assert "late (180 minutes)" in page and "on time (90 minutes)" in page
    listed = client.get(reverse("health:case-list"), {"late": "true"}).context["table"].data
    assert [case.pk for case in listed] == [late.pk]
    response = api.login_as(people.county_officer).get(f"/api/cases/{on_time.pk}/")
    assert response.data["late"] is False


def test_a_contact_is_observed_in_their_own_village_and_its_officer_is_told(client, tree, people):
    taoyuan_officer = make_user("taoyuan_officer", Role.OFFICER, tree.village2)
    case = make_case(area=tree.grid)
    contact_person = make_person(tree.village2, name="赵密接", number=id_number())
    last = timezone.localdate() - datetime.timedelta(days=2)
    client.force_login(people.county_officer)
    response = client.post(
        reverse("health:contact-add", args=[case.pk]),
        {"q": "赵", "person": contact_person.pk, "setting": "household", "last_contact_on": last.isoformat()},
    )
    assert response.status_code == 302, response.context["form"].errors
    episode = Contact.objects.get(person=contact_person).episode
    assert (episode.area, episode.start_on, episode.planned_end_on) == (
        tree.village2,
        last,
        last + datetime.timedelta(days=14),
    )
    assert episode.reason == "close_contact"
    notice = Notification.objects.get(kind="close-contact")
    assert notice.user == taoyuan_officer and notice.link == episode.get_absolute_url()
    assert not Notification.objects.filter(user=people.village_officer).exists()


def test_a_new_person_can_be_registered_as_a_contact(client, tree, people):
    case = make_case(area=tree.grid)
    client.force_login(people.county_officer)
    response = client.post(
        reverse("health:contact-add", args=[case.pk]),
        {
            "name": "钱新",
            "id_number": id_number(),
            "phone": "13800138000",
            "area": tree.grid2.code,
            "setting": "work",
            "last_contact_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    contact = Contact.objects.get()
    assert (contact.person.name, contact.person.area, contact.episode.area) == ("钱新", tree.grid2, tree.grid2)


def test_the_countys_cdc_registers_a_new_contact_in_its_county_only(client, tree, people, cdc):
    case = make_case(area=tree.grid)
    client.force_login(cdc)
    data = {"name": "钱新", "area": tree.village2.code, "setting": "work", "last_contact_on": timezone.localdate()}
    response = client.post(reverse("health:contact-add", args=[case.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    contact = Contact.objects.get()
    assert (contact.person.name, contact.person.area, contact.episode.area) == ("钱新", tree.village2, tree.village2)

    response = client.post(reverse("health:contact-add", args=[case.pk]), {**data, "area": tree.other_village.code})
    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert Contact.objects.count() == 1


def test_a_second_contact_moves_the_end_instead_of_opening_a_second_episode(tree):
    person = make_person(tree.grid, number=id_number())
    first_day = timezone.localdate() - datetime.timedelta(days=6)
    first = make_contact(person, first_day, source_case=make_case(area=tree.grid))
    second = make_contact(
        person, timezone.localdate() - datetime.timedelta(days=1), source_case=make_case(area=tree.grid)
    )
    assert first.episode_id == second.episode_id
    episode = Episode.objects.get(person=person)
    assert (episode.start_on, episode.planned_end_on) == (
        first_day,
        timezone.localdate() + datetime.timedelta(days=13),
    )


def test_a_countys_cdc_sees_its_cases_and_outsiders_get_404(client, api, tree, people, cdc):
    case = make_case(area=tree.grid)
    other_cdc = make_user("shangnan_cdc", Role.CDC, tree.other_county)
    client.force_login(cdc)
    assert client.get(case.get_absolute_url()).status_code == 200
    client.force_login(other_cdc)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert list(client.get(reverse("health:case-list")).context["table"].data) == []
    assert api.login_as(other_cdc).get(f"/api/cases/{case.pk}/").status_code == 404


def test_the_chain_graph_lists_contacts_of_contacts(client, tree, people):
    case = make_case(area=tree.grid)
    first = make_contact(make_person(tree.grid, name="甲", number=id_number()), source_case=case)
    second = make_contact(make_person(tree.grid, name="乙", number=id_number()), source_person=first.person)
    make_contact(make_person(tree.grid, name="丙", number=id_number()), source_person=second.person)
    client.force_login(people.village_officer)
    page = client.get(case.get_absolute_url()).content.decode()
    chain = page[page.index('id="case-chain"') :]
    assert chain.index("甲") < chain.index("<ul>", chain.index("甲")) < chain.index("乙") < chain.index("丙")
    assert chain.count("<ul>") == 3


def test_the_person_page_offers_a_transfer_to_a_doctor_and_a_case_report_to_cdc(client, tree, people, cdc):
    person = make_person(tree.grid, number=id_number())
    client.force_login(people.doctor)
    page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert reverse("health:transfer-add", args=[person.pk]) in page
    assert reverse("health:case-add", args=[person.pk]) not in page
    client.force_login(cdc)
    page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert reverse("health:case-add", args=[person.pk]) in page


def test_the_contact_form_finds_people_with_the_registers_search_in_scope_only(client, tree, people):
    case = make_case(area=tree.grid)
    inside = make_person(tree.grid2, name="孙密接", number=id_number())
    outside = make_person(tree.other_grid, name="孙外县", number=id_number())
    client.force_login(people.village_officer)
    page = client.get(reverse("health:contact-add", args=[case.pk]), {"q": "孙"}).content.decode()
    assert f'value="{inside.pk}"' in page and "孙外县" not in page and f'value="{outside.pk}"' not in page


def test_a_sample_is_linked_to_the_open_observation_and_a_result_needs_its_date(api, tree, cdc):
    episode = make_episode(area=tree.grid)
    sample = make_sample(episode.person)
    assert sample.episode == episode and sample.result == "pending"
    response = api.login_as(cdc).patch(f"/api/tests/{sample.pk}/", {"result": "negative"}, format="json")
    assert response.status_code == 400 and "result_on" in response.data
    today = timezone.localdate().isoformat()
    response = api.patch(f"/api/tests/{sample.pk}/", {"result": "negative", "result_on": today}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["result"] == "negative"


def test_only_a_home_observations_dwelling_is_disinfected(api, tree, people):
    home = make_episode(area=tree.grid)
    home.person.household = make_household(tree.grid, "竹林关村一组 5 号")
    home.person.save()
    centralised = make_episode(area=tree.grid, site=make_site(tree.town))
    api.login_as(people.grid_worker)
    body = {"done_on": timezone.localdate().isoformat(), "done_by": "消杀队"}
    response = api.post("/api/disinfections/", {**body, "episode": home.pk}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["household"] == home.person.household_id
    response = api.post("/api/disinfections/", {**body, "episode": centralised.pk}, format="json")
    assert response.status_code == 400 and "episode" in response.data


def test_a_home_observation_page_offers_a_disinfection_to_the_grid_worker(client, tree, people):
    episode = make_episode(area=tree.grid)
    client.force_login(people.grid_worker)
    page = client.get(episode.get_absolute_url()).content.decode()
    assert reverse("health:disinfection-add", args=[episode.pk]) in page
