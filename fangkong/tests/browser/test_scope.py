"""A village officer sees their village and what lies below it, and nothing around it."""

import re

import pytest
from playwright.sync_api import expect

from .screens import log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

BOOTSTRAP_DANGER = "rgb(220, 53, 69)"


def test_village_officer_lands_on_their_village_and_sees_its_grids(tab, people, screenshot):
    log_in(tab, "village_officer")

    expect(tab).to_have_url(re.compile(r"/areas/611022106200/$"))
    expect(tab.locator("#area-name")).to_have_text("竹林关村委会")
    expect(tab.locator("#area-code")).to_have_text("611022106200")
    grids = tab.locator("main table tbody")
    expect(grids.get_by_role("link", name="第一网格")).to_have_attribute("href", "/areas/611022106200001/")
    expect(grids.get_by_role("link", name="第二网格")).to_have_attribute("href", "/areas/611022106200002/")
    expect(grids.locator("tr")).to_have_count(2)
    # The stylesheet is served: Bootstrap's bg-danger colours the navbar.
    expect(tab.locator("nav.navbar")).to_have_css("background-color", BOOTSTRAP_DANGER)
    screenshot(tab, "village")


def test_village_officer_sees_ancestors_in_breadcrumb_as_plain_text(tab, people):
    log_in(tab, "village_officer")

    breadcrumb = tab.get_by_role("navigation", name="breadcrumb")
    expect(breadcrumb.get_by_role("listitem")).to_have_text(["商洛市", "丹凤县", "竹林关镇", "竹林关村"])
    expect(breadcrumb.get_by_role("listitem").filter(has_text="竹林关镇")).to_be_visible()
    # Above the village is outside their scope: nothing in the breadcrumb is a link.
    expect(breadcrumb.get_by_role("link")).to_have_count(0)


def test_village_officer_gets_404_outside_their_village(tab, people):
    log_in(tab, "village_officer")

    assert tab.goto("/areas/611022106200001/").status == 200  # a grid of their village
    for outside in ("/areas/611022106/", "/areas/611022106201/", "/areas/611023/"):  # town, neighbour, 商南县
        assert tab.goto(outside).status == 404, outside


def test_village_officer_gets_404_from_api_outside_their_village(tab, people):
    log_in(tab, "village_officer")

    own = tab.request.get("/api/areas/611022106200/")
    assert own.status == 200, own.text()
    assert own.json()["name"] == "竹林关村委会"
    assert tab.request.get("/api/areas/611022/").status == 404
