"""Observation episodes: the protocol edition, opening from the register, release and moving the end."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.areas.models import Division
from fangkong.core import person_status
from fangkong.core.models import ChangeLogEntry
from fangkong.core.testing import ScopedAPIClient
from fangkong.health.models import Episode, Protocol, Reason
from fangkong.health.tests.factories import make_check, make_episode
from fangkong.people import services as people_services
from fangkong.people.models import Arrival, KeyPersonTag
from fangkong.people.tests.factories import id_number, make_person

TODAY = datetime.date.today


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def api():
    client = ScopedAPIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_first_edition_is_in_force_from_2020(db):
    protocol = Protocol.in_force(datetime.date(2020, 3, 1))
    assert protocol.name == "2020 国家卫健委 第一版"
    assert protocol.fever_threshold == Decimal("37.3")
    assert protocol.days_for(Reason.CLOSE_CONTACT) == 14 and protocol.backfill_days == 2
    with translation.override("zh-hans"):
        assert dict(protocol.symptom_choices())["loss_of_smell_or_taste"] == "嗅(味)觉减退"
    with translation.override("en"):
        assert dict(protocol.symptom_choices())["loss_of_smell_or_taste"] == "loss of smell or taste"
    assert Protocol.in_force(datetime.date(2019, 12, 31)) is None


def test_an_edition_without_a_fever_threshold_is_refused(client, people):
    client.force_login(people.city_commander)
    data = {
        "name": "无阈值",
        "effective_from": "2021-05-01",
        "symptoms": '[{"code": "x", "name": "x", "name_en": "x"}]',
    }
    response = client.post(reverse("health:protocol-add"), data)
    assert response.status_code == 200
    assert "fever_threshold" in response.context["form"].errors
    assert Protocol.objects.count() == 1


def test_a_new_edition_does_not_change_running_episodes(tree):
    running = make_episode(area=tree.grid, days_ago=3)
    Protocol.objects.create(
        name="第二版",
        effective_from=timezone.localdate(),
        days_risk_area_arrival=21,
        fever_threshold=Decimal("37.5"),
        symptoms=[{"code": "fever", "name": "发热", "name_en": "fever", "respiratory": True}],
    )
    running.refresh_from_db()
    assert running.planned_end_on - running.start_on == datetime.timedelta(days=14)
    opened_today = make_episode(area=tree.grid, days_ago=0)
    assert opened_today.planned_end_on - opened_today.start_on == datetime.timedelta(days=21)
    assert opened_today.protocol.name == "第二版"


def test_the_open_form_is_prefilled_from_the_arrival(client, tree, people):
    person = make_person(tree.grid, number=id_number())
    arrived = timezone.localdate() - datetime.timedelta(days=4)
    Arrival.objects.create(
        person=person, area=tree.grid, origin=Division.objects.get(code="420102"), arrived_on=arrived
    )
    people_services.add_tags(person, KeyPersonTag.FROM_RISK_AREA)
    client.force_login(people.village_officer)
    form = client.get(reverse("health:episode-add", args=[person.pk])).context["form"]
    assert (form.initial["reason"], form.initial["start_on"]) == (Reason.RISK_AREA_ARRIVAL, arrived)


def test_the_needs_observation_list_offers_a_button_per_row(client, tree, people):
    person = make_person(tree.grid, number=id_number())
    people_services.add_tags(person, KeyPersonTag.CLOSE_CONTACT)
    client.force_login(people.village_officer)
    page = client.get(reverse("people:needs-observation")).content.decode()
    assert reverse("health:episode-add", args=[person.pk]) in page
    client.force_login(people.grid_worker)  # may not open observations: no button that would answer 403
    assert (
        reverse("health:episode-add", args=[person.pk])
        not in client.get(reverse("people:needs-observation")).content.decode()
    )


def test_a_person_is_under_observation_from_the_opening_to_the_release(client, tree, people):
    person = make_person(tree.grid, number=id_number())
    people_services.add_tags(person, KeyPersonTag.CLOSE_CONTACT)
    client.force_login(people.village_officer)
    start = timezone.localdate() - datetime.timedelta(days=14)
    response = client.post(
        reverse("health:episode-add", args=[person.pk]), {"kind": "home", "reason": "close_contact", "start_on": start}
    )
    episode = Episode.objects.get(person=person)
    assert response.status_code == 302 and response["Location"] == episode.get_absolute_url()
    assert person_status.of(person).under_observation
    assert person not in client.get(reverse("people:needs-observation")).context["table"].data
    assert episode.planned_end_on == timezone.localdate()

    response = client.post(reverse("health:episode-release", args=[episode.pk]), {"version": episode.version})
    episode.refresh_from_db()
    assert episode.outcome == Episode.Outcome.RELEASED and episode.ended_on == timezone.localdate()
    assert not person_status.of(person).under_observation and person.tag_codes() == {KeyPersonTag.CLOSE_CONTACT}


def test_a_second_open_episode_is_refused(client, api, tree, people):
    episode = make_episode(area=tree.grid)
    client.force_login(people.village_officer)
    response = client.post(
        reverse("health:episode-add", args=[episode.person_id]),
        {"kind": "home", "reason": "other", "start_on": timezone.localdate()},
    )
    assert response.status_code == 200
    assert "is already under observation" in str(response.context["form"].errors)
    answer = api.login_as(people.village_officer).post(
        reverse("episode-list"), {"person": episode.person_id}, format="json"
    )
    assert answer.status_code == 400 and "already under observation" in str(answer.json()["person"])
    assert Episode.objects.filter(person=episode.person).count() == 1


def test_release_before_the_planned_end_is_refused(client, api, tree, people):
    episode = make_episode(area=tree.grid, days_ago=3)
    client.force_login(people.village_officer)
    response = client.post(reverse("health:episode-release", args=[episode.pk]), follow=True)
    assert "cannot be released before its planned end" in response.content.decode()
    answer = api.login_as(people.village_officer).post(reverse("episode-release", args=[episode.pk]), {}, format="json")
    assert answer.status_code == 400
    episode.refresh_from_db()
    assert episode.ended_on is None


def test_release_is_refused_when_the_last_check_was_a_fever(api, tree, people):
    episode = make_episode(area=tree.grid, days_ago=14)
    make_check(episode, temperature=Decimal("38.1"))
    answer = api.login_as(people.village_officer).post(reverse("episode-release", args=[episode.pk]), {}, format="json")
    assert answer.status_code == 400 and "fever" in str(answer.json())
    make_check(episode, temperature=Decimal("36.5"))
    assert api.post(reverse("episode-release", args=[episode.pk]), {}, format="json").json()["status"] == "released"


def test_a_stale_version_is_refused_with_409(api, tree, people):
    episode = make_episode(area=tree.grid, days_ago=14)
    api.login_as(people.village_officer)
    moved = api.post(
        reverse("episode-move-end", args=[episode.pk]),
        {
            "planned_end_on": (episode.planned_end_on + datetime.timedelta(days=7)).isoformat(),
            "reason": "复查",
            "version": 1,
        },
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["version"] == 2
    stale = api.post(reverse("episode-release", args=[episode.pk]), {"version": 1}, format="json")
    assert stale.status_code == 409 and "version" in stale.json()


def test_moving_the_end_needs_a_reason_and_is_logged(client, tree, people):
    episode = make_episode(area=tree.grid, days_ago=3)
    later = episode.planned_end_on + datetime.timedelta(days=7)
    client.force_login(people.village_officer)
    url = reverse("health:episode-end", args=[episode.pk])
    response = client.post(url, {"planned_end_on": later, "end_change_reason": "", "version": episode.version})
    assert response.status_code == 200
    response = client.post(url, {"planned_end_on": later, "end_change_reason": "密接复核", "version": episode.version})
    assert response.status_code == 302
    entry = ChangeLogEntry.objects.filter(object_id=str(episode.pk), kind="update").latest("id")
    assert entry.after["planned_end_on"] == later.isoformat() and entry.after["end_change_reason"] == "密接复核"


def test_the_status_is_derived_from_the_dates(tree):
    overdue = make_episode(area=tree.grid, days_ago=20)
    due = make_episode(area=tree.grid, days_ago=14)
    active = make_episode(area=tree.grid, days_ago=1)
    status = dict(Episode.objects.with_status().values_list("pk", "status"))
    assert (status[overdue.pk], status[due.pk], status[active.pk]) == ("overdue", "due", "active")
    assert list(Episode.objects.with_status().filter(status="due")) == [due]


def test_the_episode_page_shows_the_day_and_the_release_date(client, tree, people):
    episode = make_episode(area=tree.grid, days_ago=3)
    client.force_login(people.grid_worker)
    page = client.get(episode.get_absolute_url()).content.decode()
    assert "Day 4 of 14" in page
    assert episode.planned_end_on.isoformat() in page


def test_the_day_never_passes_the_total_on_the_release_day_or_after(client, api, tree, people):
    due = make_episode(area=tree.grid, days_ago=14)  # the planned end is today: the release day
    overdue = make_episode(area=tree.grid, days_ago=16)
    assert (due.total_days, due.day_number(), overdue.day_number()) == (14, 14, 14)
    assert due.day_number(due.start_on) == 1 and due.day_number(due.start_on + datetime.timedelta(days=13)) == 14
    client.force_login(people.grid_worker)
    page = client.get(due.get_absolute_url()).content.decode()
    assert "Day 14 of 14" in page and "Day 15 of 14" not in page
    body = api.login_as(people.grid_worker).get(reverse("episode-detail", args=[overdue.pk])).json()
    assert (body["day"], body["total_days"]) == (14, 14)


def test_the_person_page_links_to_opening_an_observation_for_officers_only(client, tree, people):
    person = make_person(tree.grid, number=id_number())
    url = reverse("health:episode-add", args=[person.pk])
    client.force_login(people.village_officer)
    assert url in client.get(reverse("people:person", args=[person.pk])).content.decode()
    client.force_login(people.doctor)
    assert url not in client.get(reverse("people:person", args=[person.pk])).content.decode()


def test_the_episode_list_counts_checks_done_and_missed(client, tree, people):
    episode = make_episode(area=tree.grid, days_ago=2)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    make_check(episode, taken_at=timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(8))))
    make_check(
        episode, key="again", taken_at=timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(9)))
    )
    counted = Episode.objects.with_check_counts().get()
    assert (counted.checks_done, counted.windows_done) == (2, 1)
    late_tonight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(23)))
    assert counted.windows_missed(late_tonight) == 5  # three days of two windows, one of them checked
    client.force_login(people.village_officer)
    page = client.get(reverse("health:episode-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"2 ({counted.windows_missed()} missed)" in page
