"""A resident reports from the household's QR link on a phone; an officer prints the grid's QR sheet."""

import pytest
from playwright.sync_api import expect

from fangkong.health.models import Check
from fangkong.health.selfreport import services
from fangkong.health.tests.factories import make_episode
from fangkong.people.tests.factories import id_number, make_household, make_person

from .screens import PHONE, horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_resident_reports_a_temperature_from_the_qr_link_without_a_login(tab, tree, people, screenshot):
    household = make_household(tree.grid, address="竹林关村一组 8 号")
    episode = make_episode(make_person(tree.grid, name="王小明", number=id_number(), household=household))
    link = services.issue(household, people.village_officer)

    tab.goto(link.get_public_url())
    expect(tab.locator(".member-name")).to_have_text("小明")
    assert horizontal_overflow(tab) <= 1, "the self-report page scrolls sideways on a phone"
    screenshot(tab, "self-report")
    tab.locator(f"#id_m{episode.pk}-temperature").fill("36.4")
    tab.locator(".self-report-member button[type=submit]").click()
    expect(tab.locator(".alert-success")).to_contain_text("小明")
    check = Check.objects.get()
    assert (check.person, check.source) == (episode.person, Check.Source.SELF)


def test_an_officer_prints_the_qr_sheet_of_a_grid(tab, tree, people, screenshot):
    for number in (1, 2, 3):
        make_household(tree.grid, address=f"竹林关村一组 {number} 号")
    log_in(tab, "village_officer")
    tab.goto(f"/areas/{tree.grid.code}/")
    tab.locator("#qr-sheet-link").click()
    codes = tab.locator(".qr-card img")
    expect(codes).to_have_count(3)
    assert tab.evaluate("[...document.querySelectorAll('.qr-card img')].every(img => img.naturalWidth > 0)")
    tab.emulate_media(media="print")
    expect(tab.locator("nav")).to_be_hidden()
    screenshot(tab, "qr-sheet-print")


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_the_households_link_page_wraps_the_long_address_of_the_link_on_a_phone(tab, tree, people):
    household = make_household(tree.grid, address="竹林关村一组 8 号")
    services.issue(household, people.village_officer)
    log_in(tab, "village_officer")
    tab.goto(f"/health/households/{household.pk}/self-report/")
    expect(tab.locator("#self-report-url")).to_contain_text("/r/")
    assert horizontal_overflow(tab) <= 1, "the link's address pushes the page sideways on a phone"
