"""Checks: fever, idempotent keys, the back-fill window, scope, batches and today's work."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.core import person_status
from fangkong.health import services
from fangkong.health.models import Check
from fangkong.health.tests.factories import make_centralised_episode, make_check, make_episode
from fangkong.health.worklist import worklist


@pytest.fixture
def api():
    from fangkong.core.testing import ScopedAPIClient

    client = ScopedAPIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def payload(episode, key="phone-7-0001", temperature="36.5", **extra):
    return {
        "key": key,
        "person": episode.person_id,
        "taken_at": timezone.now().isoformat(),
        "temperature": temperature,
        **extra,
    }


def at_local(hour, day=None):
    day = day or timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_a_fever_check_makes_the_person_red(api, tree, people):
    episode = make_episode(area=tree.grid)
    response = api.login_as(people.grid_worker).post(
        reverse("check-list"), payload(episode, temperature="37.3"), format="json"
    )
    assert response.status_code == 201 and response.json()["is_fever"] is True
    status = person_status.of(episode.person)
    assert status.fever and status.colour == "red" and episode.person.tag_codes() == set()


def test_a_respiratory_symptom_is_a_fever_and_others_are_not(tree):
    episode = make_episode(area=tree.grid)
    assert make_check(episode, symptoms=["fatigue", "diarrhoea"]).is_fever is False
    assert not person_status.of(episode.person).fever
    assert make_check(episode, symptoms=["dry_cough"]).is_fever is True
    assert person_status.of(episode.person).fever


def test_a_resent_check_answers_200_with_the_saved_one(api, tree, people):
    episode = make_episode(area=tree.grid)
    body = payload(episode, symptoms=["fatigue"])
    api.login_as(people.grid_worker)
    first = api.post(reverse("check-list"), body, format="json")
    again = api.post(reverse("check-list"), body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Check.objects.count() == 1


def test_a_check_resent_after_its_episode_ended_answers_200_with_the_saved_one(api, tree, people):
    episode = make_episode(area=tree.grid)
    body = payload(episode)
    api.login_as(people.grid_worker)
    first = api.post(reverse("check-list"), body, format="json")
    episode.start_on = timezone.localdate() - datetime.timedelta(days=30)
    episode.ended_on, episode.outcome = timezone.localdate() - datetime.timedelta(days=10), "released"
    episode.save()
    assert api.post(reverse("check-list"), payload(episode, key="phone-7-0002"), format="json").status_code == 400
    again = api.post(reverse("check-list"), body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]


def test_a_new_check_reads_the_person_and_the_episode_and_writes_in_one_transaction(
    api, tree, people, django_assert_num_queries
):
    episode = make_episode(area=tree.grid)
    api.login_as(people.grid_worker)
    api.post(reverse("check-list"), payload(episode, key="warm-up"), format="json")  # the memberships' cache
    # The person with its area and episodes (with their protocols); BEGIN, the check, its log entry, COMMIT.
    with django_assert_num_queries(5):
        response = api.post(reverse("check-list"), payload(episode), format="json")
    assert response.status_code == 201 and response.json()["area"] == tree.grid.code


def test_a_reused_key_with_other_content_is_refused(api, tree, people):
    episode = make_episode(area=tree.grid)
    api.login_as(people.grid_worker)
    api.post(reverse("check-list"), payload(episode), format="json")
    response = api.post(reverse("check-list"), payload(episode, temperature="38.0"), format="json")
    assert response.status_code == 409
    assert "not overwritten" in str(response.json()["key"])
    assert Check.objects.get().temperature == Decimal("36.5")


@pytest.mark.parametrize("temperature", ["33.9", "43.1"])
def test_a_temperature_outside_34_to_43_is_refused(api, tree, people, temperature):
    episode = make_episode(area=tree.grid)
    response = api.login_as(people.grid_worker).post(
        reverse("check-list"), payload(episode, temperature=temperature), format="json"
    )
    assert response.status_code == 400 and "temperature" in response.json()


TEMPERATURE_FORMAT = "Enter the temperature with at most one decimal, such as 37.3."
PLAUSIBLE_DATES = "Enter a date between 1890-01-01 and 2099-12-31."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("temperature", "36.55", TEMPERATURE_FORMAT),
        ("temperature", "136.5", TEMPERATURE_FORMAT),
        ("taken_at", "0001-01-01", PLAUSIBLE_DATES),  # midnight in China: before UTC's first day
        ("taken_at", "0001-01-01T00:00", PLAUSIBLE_DATES),
        ("taken_at", "1889-12-31T08:00:00+08:00", PLAUSIBLE_DATES),
    ],
)
def test_a_value_written_wrong_is_refused_saying_how_to_write_it(api, tree, people, field, value, message):
    episode = make_episode(area=tree.grid)
    with translation.override("en"):
        response = api.login_as(people.grid_worker).post(
            reverse("check-list"), payload(episode, **{field: value}), format="json"
        )
    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_a_person_id_with_a_fraction_is_refused_not_rounded(api, tree, people):
    episode = make_episode(area=tree.grid)
    with translation.override("en"):
        response = api.login_as(people.grid_worker).post(
            reverse("check-list"), payload(episode, person=episode.person_id + 0.5), format="json"
        )
    assert response.status_code == 400
    assert response.json() == {"person": ["Incorrect type. Expected pk value, received float."]}
    assert not Check.objects.exists()


def test_an_unknown_symptom_is_refused(api, tree, people):
    episode = make_episode(area=tree.grid)
    response = api.login_as(people.grid_worker).post(
        reverse("check-list"), payload(episode, symptoms=["sneezing"]), format="json"
    )
    assert response.status_code == 400 and "sneezing" in str(response.json()["symptoms"])


def test_a_check_in_the_future_is_refused(api, tree, people):
    episode = make_episode(area=tree.grid)
    later = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    response = api.login_as(people.grid_worker).post(
        reverse("check-list"), payload(episode, taken_at=later), format="json"
    )
    assert response.status_code == 400 and "future" in str(response.json()["taken_at"])


def test_a_check_older_than_the_backfill_window_is_refused(api, tree, people):
    episode = make_episode(area=tree.grid, days_ago=10)
    api.login_as(people.grid_worker)
    two_days_ago = at_local(9, timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    three_days_ago = at_local(9, timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    assert (
        api.post(reverse("check-list"), payload(episode, "a", taken_at=two_days_ago), format="json").status_code == 201
    )
    refused = api.post(reverse("check-list"), payload(episode, "b", taken_at=three_days_ago), format="json")
    assert refused.status_code == 400 and "back-fill window" in str(refused.json()["taken_at"])


def test_an_episode_released_longer_ago_than_the_window_takes_no_check(api, tree, people):
    episode = make_episode(area=tree.grid, days_ago=20)
    services.release(episode, today=timezone.localdate() - datetime.timedelta(days=3))
    response = api.login_as(people.grid_worker).post(reverse("check-list"), payload(episode), format="json")
    assert response.status_code == 400 and "too long ago" in str(response.json()["person"])


def test_a_person_outside_the_users_care_is_refused(api, tree, people):
    episode = make_episode(area=tree.grid2)  # the grid worker's is the first grid
    response = api.login_as(people.grid_worker).post(reverse("check-list"), payload(episode), format="json")
    assert response.status_code == 400 and "person" in response.json()
    response = api.login_as(people.outsider).post(reverse("check-list"), payload(episode), format="json")
    assert response.status_code == 400 and "person" in response.json()
    assert Check.objects.count() == 0


def test_a_batch_answers_per_check(api, tree, people):
    episode = make_episode(area=tree.grid)
    api.login_as(people.grid_worker)
    now = timezone.now().isoformat()
    api.post(reverse("check-list"), payload(episode, "saved-before", taken_at=now), format="json")
    items = [
        payload(episode, "new-one", taken_at=now),
        payload(episode, "saved-before", taken_at=now),
        payload(episode, "saved-before", temperature="39.0", taken_at=now),
        payload(episode, "too-hot", temperature="45.0", taken_at=now),
        "not a check",
    ]
    response = api.post(reverse("check-batch"), items, format="json")
    assert response.status_code == 200
    assert [(row["key"], row["status"]) for row in response.json()] == [
        ("new-one", 201),
        ("saved-before", 200),
        ("saved-before", 409),
        ("too-hot", 400),
        (None, 400),
    ]
    assert Check.objects.count() == 2


def test_the_check_form_records_a_check_with_no_symptoms_by_default(client, tree, people):
    episode = make_episode(area=tree.grid)
    client.force_login(people.grid_worker)
    url = reverse("health:check-add", args=[episode.pk])
    form = client.get(url).context["form"]
    assert not form.initial.get("symptoms")
    response = client.post(url, {"key": form.initial["key"], "temperature": "36.8", "source": "worker"})
    assert response.status_code == 302 and response["Location"] == reverse("health:today")
    check = Check.objects.get()
    assert (check.person, check.episode, check.recorded_by) == (episode.person, episode, people.grid_worker)


def test_a_check_form_sent_twice_saves_one_check(client, tree, people):
    episode = make_episode(area=tree.grid)
    client.force_login(people.doctor)
    url = reverse("health:check-add", args=[episode.pk])
    form = client.get(url).context["form"]
    data = {**{name: form[name].value() for name in ("key", "source")}, "temperature": "36.9"}
    data["taken_at"] = form["taken_at"].value().strftime("%Y-%m-%dT%H:%M")
    assert data["source"] == "doctor"
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Check.objects.count() == 1


def test_the_check_form_is_403_for_a_role_that_may_not_check(client, tree, people):
    from fangkong.core.roles import Role
    from fangkong.core.testing import make_user

    episode = make_episode(area=tree.grid)
    client.force_login(make_user("cdc_of_village", Role.CDC, tree.village))
    assert client.get(reverse("health:check-add", args=[episode.pk])).status_code == 403


def test_today_lists_who_still_needs_a_check_by_grid_and_address(tree, people, monkeypatch):

    late = at_local(21)  # the morning check below was taken in the past, whenever the test runs
    monkeypatch.setattr(timezone, "now", lambda: late)

    # Centralised observations (no dwelling to disinfect) off their test days: the checks alone.
    second = make_centralised_episode(tree.grid2)
    first_b = make_centralised_episode(tree.grid)
    first_a = make_centralised_episode(tree.grid)
    for episode, name, address in (
        (second, "李四", "二组 2 号"),
        (first_b, "王五", "一组 5 号"),
        (first_a, "赵六", "一组 1 号"),
    ):
        episode.person.name, episode.person.address = name, address
        episode.person.save()
    make_check(first_a, taken_at=at_local(8))
    assert worklist(people.village_officer, now=at_local(5)) == []  # no window open yet
    morning = worklist(people.village_officer, now=at_local(9))
    assert morning == [first_b, second]
    evening = worklist(people.village_officer, now=at_local(17))
    assert evening == [first_a, first_b, second]
    assert [row.needs for row in evening] == [["evening"], ["morning", "evening"], ["morning", "evening"]]
    assert worklist(people.grid_worker, now=at_local(17)) == [first_a, first_b]


def test_today_takes_the_same_number_of_queries_for_more_people(tree, people, django_assert_max_num_queries):
    make_episode(area=tree.grid)
    user = people.village_officer
    # At most the user's memberships, the episodes with their people and checks done, then the
    # areas, their parents and the protocols, shared by the rows.
    with django_assert_max_num_queries(5):
        worklist(user, now=at_local(17))
    for _ in range(3):
        make_check(make_episode(area=tree.grid))
    with django_assert_max_num_queries(5):
        rows = worklist(user, now=at_local(17))
        [(str(row.person), row.area.label(), row.address, row.protocol.symptom_choices()) for row in rows]


def test_the_worklist_api_says_what_is_needed(api, tree, people):
    episode = make_centralised_episode(tree.grid, days_ago=2)  # its checks only
    rows = api.login_as(people.grid_worker).get(reverse("worklist-list")).json()["results"]
    now = timezone.localtime().time()
    if now < datetime.time(6):
        assert rows == []
    else:
        assert rows[0]["episode"] == episode.pk and rows[0]["day"] == 3 and rows[0]["needs"]


def test_the_today_page_offers_a_check_per_person_still_to_check(client, tree, people, monkeypatch):
    episode = make_episode(area=tree.grid)
    evening = at_local(20)
    monkeypatch.setattr(timezone, "now", lambda: evening)
    client.force_login(people.grid_worker)
    page = client.get(reverse("health:today"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("health:check-add", args=[episode.pk]) in page
    assert "morning check" in page and "evening check" in page
    client.force_login(people.outsider)
    assert reverse("health:check-add", args=[episode.pk]) not in client.get(reverse("health:today")).content.decode()
