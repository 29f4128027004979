"""A grid worker on a phone: an empty list says what is missing and offers the next step; the area
filter is picked by name or initials, and the URL keeps the area's code."""

import datetime

import pytest
from playwright.sync_api import expect

from fangkong.areas.models import Division
from fangkong.people.models import Arrival
from fangkong.people.tests.factories import id_number, make_person

from .screens import horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_an_empty_list_offers_the_next_step_and_the_area_is_picked_by_initials(tab, people, tree, viewport, screenshot):
    person = make_person(tree.grid, "李四", id_number())
    Arrival(
        person=person, area=tree.grid, origin=Division.objects.get(code="420102"), arrived_on=datetime.date.today()
    ).save()
    log_in(tab, "grid_worker")

    tab.goto("/people/households/")
    empty = tab.locator("main .empty-list")
    expect(empty).to_be_visible()
    expect(empty.locator("a")).to_have_count(2)  # register, import
    expect(tab.locator("main table")).to_have_count(0)
    assert horizontal_overflow(tab) <= 1, f"the empty list scrolls sideways at {viewport.width} px"
    screenshot(tab, "empty")

    tab.goto("/people/arrivals/")
    tab.fill("#id_area", "dywg")
    suggestion = tab.locator("[data-area-suggestions] button").first
    expect(suggestion).to_contain_text("第一网格")
    assert horizontal_overflow(tab) <= 1, f"the suggestions scroll sideways at {viewport.width} px"
    screenshot(tab, "picker")
    suggestion.click()
    expect(tab.locator("#id_area")).to_have_value("竹林关村 第一网格")
    with tab.expect_navigation():
        tab.locator("main form.filter-form button[type=submit]").click()
    assert f"area={tree.grid.code}" in tab.url
    expect(tab.locator("main table tbody tr")).to_have_count(1)
    expect(tab.locator("#id_area")).to_have_value("竹林关村 第一网格")
