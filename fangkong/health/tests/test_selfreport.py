"""Self-report through a household's QR link: first names only, revoking, the rate limit, fevers, scope."""

import re

import pytest
from django.urls import reverse

from fangkong.core import person_status
from fangkong.health import services as health
from fangkong.health.models import Check
from fangkong.health.selfreport import services
from fangkong.health.selfreport.models import HouseholdLink
from fangkong.health.tests.factories import make_episode
from fangkong.people.tests.factories import id_number, make_household, make_person

ID_NUMBER = "61102219900101001X"


@pytest.fixture
def household(tree, people):
    household = make_household(tree.grid, address="竹林关村一组 8 号", phone="13900000001")
    xiaoming = make_person(tree.grid, name="王小明", number=ID_NUMBER, household=household, phone="13800000002")
    make_episode(person=xiaoming)
    make_episode(person=make_person(tree.grid, name="欧阳娜娜", number=id_number(), household=household))
    make_person(tree.grid, name="王大山", number=id_number(), household=household)  # not under observation
    return household


@pytest.fixture
def link(household, people):
    return services.issue(household, people.village_officer)


def report(client, link, episode, temperature="36.6", symptoms=(), key=None):
    page = client.get(link.get_public_url())
    key = key or re.search(rf'name="m{episode.pk}-key" value="([^"]+)"', page.content.decode()).group(1)
    data = {"member": episode.pk, f"m{episode.pk}-key": key, f"m{episode.pk}-temperature": temperature}
    if symptoms:
        data[f"m{episode.pk}-symptoms"] = list(symptoms)
    return client.post(link.get_public_url(), data)


@pytest.mark.parametrize(
    "name, given",
    [
        ("王小明", "小明"),
        ("王明", "明"),
        ("欧阳娜娜", "娜娜"),
        ("欧阳明", "明"),
        ("司马", "马"),
        ("明", "明"),
        ("Anna Li", "Anna"),
    ],
)
def test_first_name_drops_the_surname(name, given):
    assert services.first_name(name) == given


def test_the_page_shows_first_names_of_those_under_observation_only(client, link):
    page = client.get(link.get_public_url()).content.decode()
    assert "小明" in page and "娜娜" in page
    assert "王小明" not in page and "欧阳娜娜" not in page and "大山" not in page
    for secret in (ID_NUMBER, ID_NUMBER[-4:], "13800000002", "13900000001", "竹林关村一组"):
        assert secret not in page


def test_a_revoked_or_unknown_token_answers_a_friendly_404(client, link, household):
    services.issue(household, link.created_by)  # a reissue revokes the old link
    for url in (link.get_public_url(), reverse("self-report", args=["no-such-token"])):
        response = client.get(url)
        assert response.status_code == 404
        assert "新二维码" in response.content.decode()  # pages are in Chinese unless asked otherwise


def test_a_check_from_the_page_is_a_self_report_and_a_fever_makes_the_person_red(client, link, household, monkeypatch):
    recorded, real = [], health.record_check
    monkeypatch.setattr(health, "record_check", lambda check, user: recorded.append(check) or real(check, user))
    episode = household.members.get(name="王小明").episodes.get()
    response = report(client, link, episode, temperature="38.2")
    assert response.status_code == 302
    check = Check.objects.get()
    assert check.source == Check.Source.SELF and check.is_fever and check.recorded_by is None
    assert recorded == [check]  # the slice's check service: whatever a worker's fever raises, this does
    assert person_status.of(episode.person).fever


def test_the_same_form_sent_twice_is_one_check(client, link, household):
    episode = household.members.get(name="王小明").episodes.get()
    report(client, link, episode, key="retry-key-0123456789")
    report(client, link, episode, key="retry-key-0123456789")
    assert Check.objects.count() == 1


def test_the_rate_limit_refuses_with_a_clear_message(client, link, household):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    episode = household.members.get(name="王小明").episodes.get()
    for _ in range(services.LIMIT_PER_TOKEN):
        assert report(client, link, episode).status_code == 302
    response = report(client, link, episode)
    assert response.status_code == 429
    assert "Too many reports from this link in the last hour" in response.content.decode()
    assert Check.objects.count() == services.LIMIT_PER_TOKEN


def test_officers_reissue_and_revoke_the_link(client, people, household, link):
    client.force_login(people.village_officer)
    url = reverse("health:household-link", args=[household.pk])
    assert link.token in client.get(url).content.decode()
    client.post(url, {"action": "reissue"})
    new = HouseholdLink.objects.active().get(household=household)
    assert new.token != link.token
    client.post(url, {"action": "revoke"})
    assert not HouseholdLink.objects.active().filter(household=household).exists()
    assert client.get(new.get_public_url()).status_code == 404


def test_the_qr_sheet_has_a_code_for_every_household_of_the_grid(client, people, household, tree):
    make_household(tree.grid, address="竹林关村一组 9 号")
    client.force_login(people.village_officer)
    page = client.get(reverse("health:qr-sheet", args=[tree.grid.code])).content.decode()
    assert page.count('src="data:image/svg+xml') == 2
    assert "竹林关村一组 8 号" in page and "竹林关村一组 9 号" in page
    assert HouseholdLink.objects.active().count() == 2


def test_officers_reissue_and_revoke_the_link_through_the_api(client, people, household, link):
    from fangkong.core.testing import ScopedAPIClient

    api = ScopedAPIClient().login_as(people.village_officer)
    assert api.get(reverse("selfreportlink-detail", args=[household.pk])).json()["url"].endswith(link.get_public_url())
    response = api.post(reverse("selfreportlink-reissue", args=[household.pk]))
    assert response.status_code == 201 and link.token not in response.json()["url"]
    assert client.get(link.get_public_url()).status_code == 404
    response = api.post(reverse("selfreportlink-revoke", args=[household.pk]))
    assert response.status_code == 200 and response.json()["url"] is None
    assert not HouseholdLink.objects.active().exists()
    worker = ScopedAPIClient().login_as(people.grid_worker)
    assert worker.post(reverse("selfreportlink-reissue", args=[household.pk])).status_code == 403


def test_the_rate_limit_counts_an_address_across_links(client, tree, people, link, household, monkeypatch):
    monkeypatch.setattr(services, "LIMIT_PER_ADDRESS", 3)
    other = make_household(tree.grid, address="竹林关村一组 9 号")
    other_episode = make_episode(person=make_person(tree.grid, name="李四", number=id_number(), household=other))
    other_link = services.issue(other, people.village_officer)
    episode = household.members.get(name="王小明").episodes.get()
    for _ in range(3):
        assert report(client, link, episode).status_code == 302
    assert report(client, other_link, other_episode).status_code == 429
    assert Check.objects.count() == 3


def test_a_refused_report_does_not_name_the_person_in_full(client, link, household, monkeypatch):
    from django.core.exceptions import ValidationError

    def refuse(check, now=None):  # the service's refusals name the person in full (王小明 is not under ...)
        raise ValidationError({"person": f"{check.person} is not under observation."})

    monkeypatch.setattr(health, "prepare_check", refuse)
    episode = household.members.get(name="王小明").episodes.get()
    response = report(client, link, episode)
    assert response.status_code == 400
    page = response.content.decode()
    assert "王小明" not in page and "小明" in page
    assert not Check.objects.exists()
