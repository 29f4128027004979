"""Centralised isolation on a phone: the officer opens it from the register's button, picks a site
and one of its rooms (the other sites' rooms are not offered), and the site's page shows the bed taken."""

import pytest
from playwright.sync_api import expect

from fangkong.health.models import Episode
from fangkong.health.sites.tests.factories import make_site
from fangkong.people.tests.factories import id_number, make_person

from .screens import PHONE, horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_an_officer_places_a_person_in_a_sites_room_on_a_phone(tab, tree, people, screenshot):
    site = make_site(tree.town)
    other = make_site(tree.county, name="丹凤县集中隔离点", rooms=[("A1", 1)])
    person = make_person(tree.grid, name="王芳", number=id_number())
    log_in(tab, "village_officer")

    tab.goto(f"/health/people/{person.pk}/observe/?kind=centralised")
    room = tab.locator("#id_room")
    expect(room).to_be_visible()
    tab.select_option("#id_site", str(site.pk))
    labels = [text.strip() for text in room.locator("option:not([hidden])").all_inner_texts()]
    assert labels == ["---------", "竹林关镇宾馆隔离点 · 101 (0/2)", "竹林关镇宾馆隔离点 · 102 (0/2)"]
    assert other.rooms.get().pk not in [
        int(value)
        for value in room.locator("option:not([hidden])").evaluate_all(
            "options => options.map(option => option.value).filter(Boolean)"
        )
    ]
    assert horizontal_overflow(tab) <= 1, "the open form scrolls sideways on a phone"
    screenshot(tab, "open-centralised")

    tab.select_option("#id_kind", "home")
    expect(room).to_be_hidden()
    tab.select_option("#id_kind", "centralised")
    tab.select_option("#id_site", str(site.pk))
    tab.select_option("#id_room", str(site.rooms.get(label="102").pk))
    with tab.expect_navigation():
        tab.locator("main form button[type=submit]").click()
    episode = Episode.objects.get(person=person)
    assert (episode.site, episode.room.label) == (site, "102")
    expect(tab.locator("#episode-site")).to_contain_text("竹林关镇宾馆隔离点")

    tab.locator("#episode-site a").click()
    expect(tab.locator("#site-occupancy")).to_contain_text("1/4")
    expect(tab.locator("#site-rooms")).to_contain_text("王芳")
    assert horizontal_overflow(tab) <= 1, "the site's page scrolls sideways on a phone"
    screenshot(tab, "site")
    tab.goto("/health/sites/")
    assert horizontal_overflow(tab) <= 1, "the site list scrolls sideways on a phone"


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_the_towns_officer_adds_a_room_to_the_site_on_a_phone(tab, tree, people, screenshot):
    site = make_site(tree.town)
    log_in(tab, "town_officer")

    tab.goto(f"/health/sites/{site.pk}/")
    tab.locator("#edit-site").click()
    assert horizontal_overflow(tab) <= 1, "the site's form scrolls sideways on a phone"
    tab.locator("#id_rooms-2-label").fill("201")
    tab.locator("#id_rooms-2-floor").fill("2")
    tab.locator("#id_rooms-2-capacity").fill("3")
    screenshot(tab, "site-form")
    with tab.expect_navigation():
        tab.locator("main form button[type=submit]").click()
    expect(tab.locator("#site-occupancy")).to_contain_text("0/7")
    assert sorted(site.rooms.values_list("label", "capacity")) == [("101", 2), ("102", 2), ("201", 3)]
