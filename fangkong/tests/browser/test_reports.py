"""The daily report in the browser: a county officer drills from a figure to the people behind it, and a
village officer confirms the day's report on a phone."""

import pytest
from playwright.sync_api import expect

from fangkong.reports.models import Confirmation
from fangkong.reports.tests.factories import make_fever

from .screens import horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_county_officer_drills_from_fever_today_to_the_people(tab, tree, people, screenshot):
    make_fever(tree.grid)
    make_fever(tree.grid2)
    make_fever(tree.village2)
    log_in(tab, "county_officer")
    tab.locator("#nav-reports").first.dispatch_event("click")
    tab.wait_for_url("**/reports/daily/")
    assert horizontal_overflow(tab) <= 1, "the daily report scrolls sideways"
    screenshot(tab, "county")
    fever = tab.locator("#figures [data-code='fever_today'] a")
    expect(fever).to_have_text("3")
    fever.click()
    tab.wait_for_url("**/health/checks/**")
    expect(tab.locator("table tbody tr")).to_have_count(3)


def test_a_village_officer_confirms_the_report_on_a_phone(tab, tree, people, screenshot):
    log_in(tab, "village_officer")
    tab.goto(f"/reports/daily/?area={tree.village.code}")
    tab.locator("#confirm-button").click()
    tab.wait_for_url("**/reports/daily/confirm/**")
    expect(tab.locator("button[name='zero_report']")).to_be_visible()
    assert horizontal_overflow(tab) <= 1, "the confirmation page scrolls sideways"
    tab.locator("button[name='zero_report']").click()
    expect(tab.locator("#confirmation-state")).to_be_visible()
    screenshot(tab, "confirmed")
    confirmation = Confirmation.objects.get()
    assert confirmation.zero_report and confirmation.area == tree.village
