"""Today's work on a phone: a grid worker checks a person under observation in three taps."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fangkong.health.models import Check
from fangkong.health.tests.factories import make_episode
from fangkong.people.tests.factories import id_number, make_person

from .screens import PHONE, horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_grid_worker_checks_a_person_from_todays_work_in_three_taps(tab, tree, people, monkeypatch, screenshot):
    # 20:00 today: the morning window has passed unchecked and the evening one is open (the live
    # server runs in this process, so it sees the same clock).
    evening = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(20)))
    monkeypatch.setattr(timezone, "now", lambda: evening)
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
