"""Mobile first: grid workers use phones, so nothing may need sideways scrolling at 375 px."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from fangkong.health.cases.tests.factories import make_case
from fangkong.health.tests.factories import make_check, make_episode
from fangkong.people.models import KeyPersonTag
from fangkong.people.services import add_tags
from fangkong.people.tests.factories import id_number, make_person

from .screens import DESKTOP, PHONE, horizontal_overflow, in_view, log_in

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
    # Every entry on one line: a word of the long menu never breaks into a column of characters.
    one_line = tab.locator("#main-nav a.nav-link[href='/areas/']").bounding_box()["height"]
    heights = tab.locator("#main-nav a.nav-link").evaluate_all("links => links.map(link => link.offsetHeight)")
    assert max(heights) <= one_line + 1, heights


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_observation_buttons_and_the_alert_count_are_in_view_on_a_phone(tab, tree, people):
    waiting = make_person(tree.grid, name="李四", number=id_number())
    add_tags(waiting, KeyPersonTag.FROM_RISK_AREA)
    make_check(make_episode(area=tree.grid), temperature=Decimal("38.5"))  # an open alert
    case = make_case(area=tree.grid)
    log_in(tab, "village_officer")

    # The count of open alerts beside the folded menu, not only inside it.
    badge = tab.locator("#alerts-count-phone")
    expect(badge).to_contain_text("1")
    in_view(tab, badge)
    # The button that opens an observation sits by the name, not at the end of the wide row.
    tab.goto("/people/needs-observation/")
    in_view(tab, tab.locator("main table tbody tr").get_by_role("link", name="开始观察"))
    # The contact form's search button keeps its label on one line.
    tab.goto(f"/health/cases/{case.pk}/contacts/add/")
    search = tab.get_by_role("search")
    one_line = search.get_by_role("searchbox").bounding_box()["height"]
    assert search.get_by_role("button").bounding_box()["height"] <= one_line + 1
