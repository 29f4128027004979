"""The command dashboard in the browser: a county commander reads it in Chinese on a phone and at a desk,
its charts are drawn, "fever today" leads to the checks behind it, and a new record shows up without a
reload."""

import pytest
from playwright.sync_api import expect

from fangkong.core import jobs
from fangkong.core.roles import Role
from fangkong.core.testing import make_user
from fangkong.reports.tests.factories import make_fever

from .screens import horizontal_overflow, html, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def fevers(*areas):
    """A fever today in each area; each alert's deliveries finish before the next record is written (the
    shared in-memory SQLite database of the browser tests takes one writer at a time)."""
    for area in areas:
        make_fever(area)
        jobs.threads.stop()


@pytest.fixture
def county_commander(tree, people):
    return make_user("county_commander", Role.COMMANDER, tree.county)


def test_a_county_commander_reads_the_dashboard_and_drills_from_fever_today(tab, tree, county_commander, screenshot):
    fevers(tree.grid, tree.grid2, tree.village2)
    log_in(tab, "county_commander")
    tab.locator("#nav-dashboard").first.dispatch_event("click")
    tab.wait_for_url("**/reports/dashboard/")
    expect(html(tab)).to_have_attribute("lang", "zh-hans")
    expect(tab.locator("#dashboard-figures")).to_contain_text("今日发热")
    expect(tab.locator("[data-chart='fever_today'] canvas")).to_have_count(1)
    expect(tab.locator(f"#dashboard-rows tr[data-area='{tree.town.code}']")).to_be_visible()
    assert horizontal_overflow(tab) <= 1, "the dashboard scrolls sideways: the table must scroll in its box"
    screenshot(tab, "county")
    fever = tab.locator("#dashboard-figures [data-code='fever_today'] a")
    expect(fever).to_have_text("3")
    fever.click()
    tab.wait_for_url("**/health/checks/**")
    expect(tab.locator("table tbody tr")).to_have_count(3)


def test_the_dashboard_refreshes_itself_after_a_new_record(tab, tree, county_commander, screenshot):
    fevers(tree.grid)
    log_in(tab, "county_commander")
    tab.goto(f"/reports/dashboard/?area={tree.county.code}&refresh=1&wall=1")
    fever = tab.locator("#dashboard-figures [data-code='fever_today']")
    expect(fever).to_have_text("1")
    expect(tab.locator("[data-chart='alerts_open'] canvas")).to_have_count(1)
    fevers(tree.village2)
    expect(fever).to_have_text("2")
    expect(tab.locator("#dashboard-alerts-open")).to_have_text("2")
    expect(tab.locator("#dashboard-alerts li")).to_have_count(2)
    expect(tab.locator(f"#dashboard-rows tr[data-area='{tree.town.code}'] td[data-code='fever_today']")).to_have_text(
        "2"
    )
    assert horizontal_overflow(tab) <= 1, "the wall screen scrolls sideways"
    screenshot(tab, "wall")
