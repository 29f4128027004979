"""Mobile first: grid workers use phones, so nothing may need sideways scrolling at 375 px."""

import re

import pytest
from playwright.sync_api import expect

from .screens import DESKTOP, PHONE, horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_pages_fit_the_window_width(tab, people, viewport, screenshot):
    tab.goto("/accounts/login/")
    assert horizontal_overflow(tab) <= 1, "login page scrolls sideways"
    screenshot(tab, "login")

    log_in(tab, "city_commander")
    for path in ("/areas/6110/", "/areas/611022106200/", "/areas/611022106200001/", "/areas/?q=zlg"):
        tab.goto(path)
        expect(tab.locator("main h1")).to_be_visible()
        assert horizontal_overflow(tab) <= 1, f"{path} scrolls sideways at {viewport.width} px"


def test_search_button_label_stays_on_one_line(tab, people):
    log_in(tab, "village_officer")

    search = tab.get_by_role("search").locator("button[type=submit]")
    one_line = tab.locator("#add-grid").bounding_box()["height"]
    assert search.bounding_box()["height"] <= one_line + 1


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_phone_navbar_collapses_behind_a_toggler_that_opens_the_menu(tab, people):
    log_in(tab, "village_officer")
    areas = tab.locator("#main-nav a.nav-link[href='/areas/']")
    toggler = tab.locator("button.navbar-toggler")
    expect(areas).to_be_hidden()
    expect(toggler).to_have_attribute("aria-expanded", "false")

    toggler.click()
    expect(areas).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    areas.click()
    expect(tab).to_have_url(re.compile(r"/areas/$"))


@pytest.mark.parametrize("viewport", [DESKTOP], ids=["desktop"])
def test_desktop_navbar_shows_the_menu_without_a_toggler(tab, people):
    log_in(tab, "village_officer")

    expect(tab.locator("button.navbar-toggler")).to_be_hidden()
    expect(tab.locator("#main-nav a.nav-link[href='/areas/']")).to_be_visible()
