"""Today's work on a phone: a grid worker checks a person under observation in three taps."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fangkong.health.models import Check
from fangkong.health.tests.factories import make_episode
from fangkong.people.tests.factories import id_number, make_person

from .screens import PHONE, horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_grid_worker_checks_a_person_from_todays_work_in_three_taps(tab, tree, people, clock, screenshot):
    # 20:00 today: the morning window has passed unchecked and the evening one is open.
    clock.set_local(timezone.localdate(), 20)
    episode = make_episode(make_person(tree.grid, name="王芳", number=id_number(), address="竹林关村一组 3 号"))
    log_in(tab, "grid_worker")

    tab.goto("/health/today/")
    assert horizontal_overflow(tab) <= 1, "today's work scrolls sideways on a phone"
    screenshot(tab, "today")
    tab.locator(f"a[href='/health/episodes/{episode.pk}/check/']").click()  # 1
    tab.locator("#id_temperature").fill("37.5")
    assert horizontal_overflow(tab) <= 1, "the check form scrolls sideways on a phone"
    tab.locator("#save-check").click()  # 2 (the keyboard's entry aside)
    expect(tab.locator(".alert-warning")).to_contain_text("王芳")
    check = Check.objects.get()
    assert (check.temperature, check.is_fever, check.episode) == (37.5, True, episode)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_checks_taken_offline_are_sent_once_when_the_phone_is_online_again(tab, tree, people, clock):
    clock.set_local(timezone.localdate(), 20)
    first = make_episode(make_person(tree.grid, name="王芳", number=id_number()))
    second = make_episode(make_person(tree.grid, name="李强", number=id_number()))
    log_in(tab, "grid_worker")
    tab.goto("/health/today/")

    tab.context.set_offline(True)
    for episode, temperature in ((first, "36.6"), (second, "37.4")):
        tab.locator(f"#quick-temperature-{episode.pk}").fill(temperature)
        tab.locator(f"#quick-temperature-{episode.pk} ~ button[type=submit]").click()
    unsent = tab.locator("#unsent")
    expect(unsent).to_have_attribute("data-count", "2")
    expect(unsent).to_contain_text("2")
    assert Check.objects.count() == 0
    queue_key = f"fangkong.checks.{people.grid_worker.pk}"
    queued = tab.evaluate("key => localStorage.getItem(key)", queue_key)

    tab.context.set_offline(False)
    expect(unsent).to_be_hidden()
    expect(tab.locator("#sent")).to_contain_text("2")
    assert sorted(Check.objects.values_list("person_id", "temperature")) == [
        (first.person_id, Decimal("36.6")),
        (second.person_id, Decimal("37.4")),
    ]

    # The same queue sent again (a retry after a lost answer): acknowledged, and still two checks.
    tab.evaluate("([key, value]) => localStorage.setItem(key, value)", [queue_key, queued])
    tab.reload()
    expect(tab.locator("#sent")).to_contain_text("2")
    expect(unsent).to_be_hidden()
    assert tab.evaluate("key => JSON.parse(localStorage.getItem(key)).length", queue_key) == 0
    assert Check.objects.count() == 2


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_check_waiting_a_day_is_warned_of_and_a_refused_one_is_shown_with_its_reason(tab, tree, people, clock):
    evening = clock.set_local(timezone.localdate(), 20)
    not_observed = make_person(tree.grid, name="赵六", number=id_number())
    log_in(tab, "grid_worker")
    tab.goto("/health/today/")
    queue_key = f"fangkong.checks.{people.grid_worker.pk}"
    two_days_ago = (evening - datetime.timedelta(days=2)).timestamp() * 1000
    item = {
        "key": "phone-old-1",
        "person": not_observed.pk,
        "name": "赵六",
        "temperature": "36.8",
        "symptoms": [],
        "taken_at": evening.isoformat(),
        "source": "worker",
        "queued_at": two_days_ago,
    }
    tab.evaluate("([key, item]) => localStorage.setItem(key, JSON.stringify([item]))", [queue_key, item])

    tab.route("**/api/checks/batch/", lambda route: route.abort("internetdisconnected"))  # no connection
    tab.reload()
    expect(tab.locator("#unsent-old")).to_be_visible()
    expect(tab.locator("#unsent")).to_have_attribute("data-count", "1")

    tab.unroute("**/api/checks/batch/")
    tab.evaluate("window.dispatchEvent(new Event('online'))")
    refused = tab.locator("#refused li")
    expect(refused).to_contain_text("赵六")
    expect(refused).to_contain_text("36.8")
    expect(tab.locator("#unsent")).to_be_hidden()
    expect(tab.locator("#unsent-old")).to_be_hidden()
    assert Check.objects.count() == 0
    refused.locator("button").click()  # seen: dismissed
    expect(refused).to_have_count(0)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_doctor_records_todays_sample_and_disinfection_in_one_tap_each(tab, tree, people, monkeypatch, screenshot):
    from fangkong.health.models import Disinfection, Sample

    evening = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(20)))
    monkeypatch.setattr(timezone, "now", lambda: evening)
    # Day 7 of a home observation: a test day of the first edition, and its dwelling to disinfect.
    episode = make_episode(
        make_person(tree.grid, name="王芳", number=id_number(), address="竹林关村一组 3 号"), days_ago=6
    )
    log_in(tab, "doctor")

    tab.goto("/health/today/")
    assert horizontal_overflow(tab) <= 1, "today's work scrolls sideways on a phone"
    screenshot(tab, "today-tasks")
    tab.locator(f"form[action='/health/today/{episode.pk}/disinfected/'] button").click()
    expect(tab.locator(".alert-success")).to_contain_text("王芳")
    expect(tab.locator(f"form[action='/health/today/{episode.pk}/disinfected/']")).to_have_count(0)
    tab.locator(f"form[action='/health/today/{episode.pk}/sampled/'] button").click()
    expect(tab.locator(".alert-success")).to_contain_text("王芳")
    expect(tab.locator(f"form[action='/health/today/{episode.pk}/sampled/']")).to_have_count(0)
    assert Disinfection.objects.get().episode == episode
    assert Sample.objects.get().person == episode.person
