"""A village officer keeps the grids of their village: add, rename, retire."""

import re

import pytest
from playwright.sync_api import expect

from .screens import DESKTOP, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

VILLAGE = "/areas/611022106200/"


def submit(page):
    """Submits the form in the page's main part (the navbar and footer have forms of their own)."""
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def retire(page, code):
    """From a grid's page: the Retire button, then the confirmation."""
    page.locator(f"main a[href='/areas/{code}/retire/']").click()
    expect(page.locator("main")).to_contain_text(code)
    submit(page)


def grid_row(page, name):
    return page.locator("main table tbody tr").filter(has=page.get_by_role("link", name=name, exact=True))


def test_village_officer_adds_renames_and_retires_a_grid(tab, people, screenshot):
    log_in(tab, "village_officer")
    expect(tab).to_have_url(re.compile(f"{VILLAGE}$"))

    # Add: the new grid takes the village's next number.
    tab.locator("#add-grid").click()
    expect(tab).to_have_url(re.compile(f"{VILLAGE}grids/add/$"))
    tab.fill("#id_name", "第三网格")
    screenshot(tab, "add-form")
    submit(tab)
    expect(tab).to_have_url(re.compile(r"/areas/611022106200003/$"))
    expect(tab.locator("#area-name")).to_have_text("第三网格")

    tab.goto(VILLAGE)
    expect(grid_row(tab, "第三网格")).to_contain_text("611022106200003")
    expect(tab.locator("main table tbody tr")).to_have_count(3)

    # Rename: same code, new name.
    grid_row(tab, "第三网格").get_by_role("link", name="第三网格").click()
    tab.locator("main a[href='/areas/611022106200003/edit/']").click()
    expect(tab.locator("#id_name")).to_have_value("第三网格")
    tab.fill("#id_name", "东片区网格")
    submit(tab)
    expect(tab).to_have_url(re.compile(r"/areas/611022106200003/$"))
    expect(tab.locator("#area-name")).to_have_text("东片区网格")

    tab.goto(VILLAGE)
    expect(grid_row(tab, "东片区网格")).to_contain_text("611022106200003")
    expect(grid_row(tab, "第三网格")).to_have_count(0)

    # Retire: after confirming, the grid is retired and can no longer be renamed or retired.
    grid_row(tab, "东片区网格").get_by_role("link", name="东片区网格").click()
    retire(tab, "611022106200003")
    expect(tab).to_have_url(re.compile(f"{VILLAGE}$"))
    expect(tab.locator(".alert-success")).to_contain_text("611022106200003")
    screenshot(tab, "after-retire")
    assert tab.request.get("/api/areas/611022106200003/").json()["retired_on"]
    tab.goto("/areas/611022106200003/")
    expect(tab.locator("main a[href$='/edit/'], main a[href$='/retire/']")).to_have_count(0)


@pytest.mark.parametrize("viewport", [DESKTOP], ids=["desktop"])
def test_retired_grid_disappears_from_the_village_page(tab, people):
    log_in(tab, "village_officer")
    tab.goto("/areas/611022106200002/")
    retire(tab, "611022106200002")

    expect(tab).to_have_url(re.compile(f"{VILLAGE}$"))
    expect(tab.locator(".alert-success")).to_contain_text("611022106200002")
    expect(grid_row(tab, "第一网格")).to_be_visible()
    expect(grid_row(tab, "第二网格")).to_have_count(0, timeout=1000)
    tab.locator("#show-retired").click()
    expect(grid_row(tab, "第二网格")).to_be_visible()
