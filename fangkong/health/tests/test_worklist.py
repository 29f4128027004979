"""Test days in the protocol, and today's work beyond the checks: samples due and dwellings to disinfect,
each recorded in one tap, once a day."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.health.cases.tests.factories import make_disinfection, make_sample
from fangkong.health.models import Disinfection, Episode, Protocol, Sample
from fangkong.health.tests.factories import make_centralised_episode, make_episode
from fangkong.health.worklist import worklist
from fangkong.people.tests.factories import id_number, make_household, make_person


@pytest.fixture
def api():
    from fangkong.core.testing import ScopedAPIClient

    client = ScopedAPIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def at_local(hour):
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(hour)))


def centralised(area, days_ago):
    """An observation with no dwelling to disinfect: today's work lists it for its checks and tests only."""
    return make_centralised_episode(area, days_ago=days_ago)


def edition_form(**changes):
    return {
        "name": "2022 第三版",
        "effective_from": "2022-02-02",
        "days_risk_area_arrival": 14,
        "days_close_contact": 14,
        "days_fever_excluded": 14,
        "days_other": 14,
        "morning_from": "06:00",
        "morning_until": "12:00",
        "evening_from": "16:00",
        "evening_until": "22:00",
        "fever_threshold": "37.3",
        "symptoms": '[{"code": "fever", "name": "发热", "name_en": "fever", "respiratory": true}]',
        "backfill_days": 2,
        "acknowledge_within": "02:00:00",
        **changes,
    }


# --- test days in the protocol -----------------------------------------------------------------


def test_the_first_edition_takes_samples_on_days_1_7_and_13(db):
    assert Protocol.in_force(datetime.date(2020, 3, 1)).test_days == [1, 7, 13]


def test_a_commander_sets_the_test_days_of_a_new_edition_on_its_form(client, people):
    client.force_login(people.city_commander)
    page = client.get(reverse("health:protocol-add")).content.decode()
    assert 'value="1, 7, 13"' in page  # the edition in force, as a start
    response = client.post(reverse("health:protocol-add"), edition_form(test_days="1, 4、7 14"))
    assert response.status_code == 302
    assert Protocol.objects.get(name="2022 第三版").test_days == [1, 4, 7, 14]


@pytest.mark.parametrize(
    "typed, message",
    [
        ("7, 1", "increasing order"),
        ("1, 7, 7", "increasing order"),
        ("0, 7", "count from 1"),
        ("1, seven", "whole numbers"),
        ("1.5", "whole numbers"),
    ],
)
def test_test_days_out_of_order_repeated_below_1_or_not_whole_numbers_are_refused(client, people, typed, message):
    client.force_login(people.city_commander)
    response = client.post(reverse("health:protocol-add"), edition_form(test_days=typed), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["test_days"])
    assert not Protocol.objects.filter(name="2022 第三版").exists()


def test_an_edition_may_have_no_test_days(client, people):
    client.force_login(people.city_commander)
    assert client.post(reverse("health:protocol-add"), edition_form(test_days="")).status_code == 302
    assert Protocol.objects.get(name="2022 第三版").test_days == []


def test_the_protocol_api_gives_the_test_days_of_every_edition_even_one_added_since_the_last_request(api, people):
    client = api.login_as(people.grid_worker)
    assert [row["test_days"] for row in client.get(reverse("protocol-list")).json()] == [[1, 7, 13]]
    first = Protocol.objects.get()
    Protocol.objects.create(
        name="第二版", effective_from=datetime.date(2021, 1, 1), fever_threshold="37.3", symptoms=first.symptoms
    )
    assert [row["test_days"] for row in client.get(reverse("protocol-list")).json()] == [[], [1, 7, 13]]


def test_the_episode_page_shows_each_test_day_sampled_due_missed_or_upcoming(client, tree, people):
    today = centralised(tree.grid, days_ago=6)  # day 7: a test day
    make_sample(today.person, days_ago=6)  # day 1 sampled
    missed = centralised(tree.grid, days_ago=8)  # day 1 and day 7 passed without a sample
    client.force_login(people.doctor)
    page = client.get(reverse("health:episode", args=[today.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert [(test.day, test.state) for test in page.context["test_days"]] == [(1, "done"), (7, "due"), (13, "upcoming")]
    assert reverse("health:today-sampled", args=[today.pk]) in page.content.decode()  # the doctor samples
    page = client.get(reverse("health:episode", args=[missed.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert [(test.day, test.state) for test in page.context["test_days"]] == [
        (1, "missed"),
        (7, "missed"),
        (13, "upcoming"),
    ]
    assert "missed" in page.content.decode()


# --- today's work: samples and disinfections ------------------------------------------------------


def test_today_lists_a_sample_due_on_a_test_day_until_one_is_taken(tree, people):
    due = centralised(tree.grid, days_ago=6)
    centralised(tree.grid, days_ago=3)  # day 4: no test
    rows = worklist(people.grid_worker, now=at_local(5))  # before the check windows open
    assert [(row, row.needs, row.sample_due, row.disinfection_due) for row in rows] == [(due, [], True, False)]
    make_sample(due.person, days_ago=0)
    assert worklist(people.grid_worker, now=at_local(5)) == []


def test_today_lists_each_home_dwelling_to_disinfect_once_until_it_is_done(tree, people):
    household = make_household(tree.grid, address="一组 3 号")
    mother = make_episode(make_person(tree.grid, name="王母", number=id_number(), household=household))
    son = make_episode(make_person(tree.grid, name="王子", number=id_number(male=True), household=household))
    alone = make_episode(make_person(tree.grid, name="李独", number=id_number(), address="一组 9 号"))
    site = centralised(tree.grid, days_ago=3)
    rows = worklist(people.grid_worker, now=at_local(5))  # before the check windows open
    # By address (the household's for the two of it), then name: 王子 comes before 王母.
    assert [(row, row.address, row.disinfection_due) for row in rows] == [
        (son, "一组 3 号", True),
        (alone, "一组 9 号", True),
    ]
    assert mother not in rows and site not in rows
    make_disinfection(mother)  # one record for the dwelling covers both of its people
    assert worklist(people.grid_worker, now=at_local(5)) == [alone]


def test_a_grid_worker_records_the_disinfection_in_one_tap_once_a_day(client, tree, people):
    episode = make_episode(area=tree.grid)
    client.force_login(people.grid_worker)
    page = client.get(reverse("health:today"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    tap = reverse("health:today-disinfected", args=[episode.pk])
    assert tap in page and "Disinfection of the dwelling today" in page
    assert client.post(tap, HTTP_ACCEPT_LANGUAGE="en")["Location"] == reverse("health:today")
    response = client.post(tap, HTTP_ACCEPT_LANGUAGE="en")  # a second tap
    assert "recorded already" in [str(message) for message in get_messages(response.wsgi_request)][-1]
    record = Disinfection.objects.get()
    assert (record.episode, record.done_on, record.done_by, record.household) == (
        episode,
        timezone.localdate(),
        str(people.grid_worker),
        episode.person.household,
    )
    assert tap not in client.get(reverse("health:today")).content.decode()


def test_a_grid_worker_records_the_sample_due_in_their_grid_in_one_tap_once_a_day(client, tree, people):
    episode = centralised(tree.grid, days_ago=0)  # day 1
    elsewhere = centralised(tree.grid2, days_ago=0)  # another grid of the village
    tap = reverse("health:today-sampled", args=[episode.pk])
    client.force_login(people.grid_worker)
    page = client.get(reverse("health:today"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nucleic-acid sample due today" in page and tap in page
    assert reverse("health:today-sampled", args=[elsewhere.pk]) not in page
    assert client.post(reverse("health:today-sampled", args=[elsewhere.pk])).status_code == 404
    assert client.post(tap)["Location"] == reverse("health:today")
    client.post(tap)  # a second tap
    sample = Sample.objects.get()
    assert (sample.person, sample.taken_on, sample.episode, sample.result) == (
        episode.person,
        timezone.localdate(),
        episode,
        Sample.Result.PENDING,
    )
    assert tap not in client.get(reverse("health:today")).content.decode()
    # The result is not theirs to enter: CDC and doctors change a test.
    assert client.get(reverse("health:sample-edit", args=[sample.pk])).status_code == 403


def test_the_release_day_is_not_a_test_day_again(tree, people):
    Protocol.objects.update(test_days=[1, 7, 14])
    released_today = centralised(tree.grid, days_ago=14)  # the planned end: shown as day 14 of 14
    assert released_today.day_number() == 14
    assert worklist(people.grid_worker, now=at_local(5)) == []
    day_14 = centralised(tree.grid, days_ago=13)
    assert [row.sample_due for row in worklist(people.grid_worker, now=at_local(5))] == [True]
    assert day_14.day_number() == 14


def test_the_api_records_todays_disinfection_once_and_answers_200_when_sent_again(api, tree, people):
    episode = make_episode(area=tree.grid)
    url = reverse("worklist-disinfected", args=[episode.pk])
    client = api.login_as(people.grid_worker)
    first = client.post(url)
    assert first.status_code == 201 and first.json()["created"] is True
    again = client.post(url)
    assert again.status_code == 200 and again.json() == {**first.json(), "created": False}
    assert Disinfection.objects.count() == 1
    listed = client.get(reverse("worklist-list")).json()["results"]
    assert all(not row["disinfection_due"] for row in listed)


def test_the_api_records_a_sample_taken_today_once_by_a_grid_worker_of_the_grid(api, tree, people):
    episode = centralised(tree.grid, days_ago=6)
    url = reverse("worklist-sampled", args=[episode.pk])
    assert api.login_as(people.outsider).post(url).status_code == 404
    client = api.login_as(people.grid_worker)
    assert [row["sample_due"] for row in client.get(reverse("worklist-list")).json()["results"]] == [True]
    assert client.post(url).status_code == 201
    assert client.post(url).status_code == 200
    assert Sample.objects.filter(person=episode.person).count() == 1


def test_a_disinfection_of_an_ended_or_centralised_observation_is_refused(api, tree, people):
    ended = make_episode(area=tree.grid)
    Episode.objects.filter(pk=ended.pk).update(ended_on=timezone.localdate(), outcome=Episode.Outcome.CANCELLED)
    site = centralised(tree.grid, days_ago=2)
    client = api.login_as(people.grid_worker)
    refused = client.post(reverse("worklist-disinfected", args=[ended.pk]))
    assert refused.status_code == 400 and "ended" in refused.json()["episode"][0]
    refused = client.post(reverse("worklist-disinfected", args=[site.pk]))
    assert refused.status_code == 400 and "home observation" in refused.json()["episode"][0]
    assert not Disinfection.objects.exists()


def test_today_takes_the_same_number_of_queries_with_samples_and_disinfections_due(
    client, tree, people, django_assert_max_num_queries
):
    client.force_login(people.doctor)

    def page_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("health:today")).status_code == 200
        return len(queries)

    make_episode(area=tree.grid, days_ago=6)
    page_queries()  # the session and the memberships, cached from then on
    one = page_queries()
    for days_ago in (0, 6, 12):
        make_sample(make_episode(area=tree.grid, days_ago=days_ago).person, days_ago=0)
        centralised(tree.grid, days_ago=days_ago)
    make_disinfection(make_episode(area=tree.grid2))
    # The user's memberships, the episodes with their people, checks, samples and disinfections, then
    # the areas, their parents and the protocols, shared by the rows.
    with django_assert_max_num_queries(5):
        rows = worklist(people.doctor, now=at_local(18))
        [(row.person.name, row.area.label(), row.address, row.protocol.test_days) for row in rows]
    assert len(rows) >= 4
    assert page_queries() == one


def test_today_and_its_api_are_paged_reading_only_the_page(client, api, tree, people, django_assert_max_num_queries):
    episodes = [centralised(tree.grid, days_ago=6) for _ in range(53)]  # day 7: a sample due each
    rows = worklist(people.grid_worker, now=at_local(5))
    assert len(rows) == 53
    # The candidates' values and their protocols decide the list; a page reads its own episodes.
    with django_assert_max_num_queries(1):
        page = rows[50:]
    assert [row.pk for row in page] == [row.pk for row in list(rows)[50:]] and len(page) == 3
    assert {row.pk for row in rows} == {episode.pk for episode in episodes}
    client.force_login(people.grid_worker)
    first = client.get(reverse("health:today"), HTTP_ACCEPT_LANGUAGE="en")
    assert len(first.context["rows"]) == 50 and "Page 1 of 2 (53 in all)" in first.content.decode()
    second = client.get(reverse("health:today"), {"page": 2}, HTTP_ACCEPT_LANGUAGE="en")
    assert len(second.context["rows"]) == 3
    body = api.login_as(people.grid_worker).get(reverse("worklist-list")).json()
    assert body["count"] == 53 and len(body["results"]) == 50 and body["next"]
    assert len(api.get(body["next"]).json()["results"]) == 3


def test_a_grid_worker_records_a_sampling_but_not_its_result(api, client, tree, people):
    person = make_person(tree.grid, number=id_number())
    client.force_login(people.grid_worker)
    form = client.get(reverse("health:sample-add", args=[person.pk])).context["form"]
    assert "taken_on" in form.fields and "result" not in form.fields
    client.force_login(people.doctor)
    assert "result" in client.get(reverse("health:sample-add", args=[person.pk])).context["form"].fields
    payload = {"person": person.pk, "taken_on": f"{timezone.localdate()}", "result": "positive"}
    payload["result_on"] = payload["taken_on"]
    with translation.override("en"):
        refused = api.login_as(people.grid_worker).post(reverse("sample-list"), payload, format="json")
    assert refused.status_code == 400 and "enters its result" in refused.json()["result"][0]
    assert not Sample.objects.exists()
    pending = api.post(reverse("sample-list"), {**payload, "result": "pending", "result_on": None}, format="json")
    assert pending.status_code == 201 and Sample.objects.get().result == Sample.Result.PENDING
