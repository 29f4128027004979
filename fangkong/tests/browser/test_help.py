"""Help for a household in difficulty, in Chinese: a household under observation asks for groceries
through its QR page (no login), the village officer assigns the need to a volunteer and marks it
delivered, the household confirms on the same page, and the village's list shows its last visit."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fangkong.community.models import Need
from fangkong.duty.tests.factories import make_team, make_volunteer
from fangkong.health.selfreport import services as links
from fangkong.health.tests.factories import make_episode
from fangkong.people.tests.factories import id_number, make_household, make_person

from .screens import horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_household_under_observation_gets_groceries_and_confirms(open_tab, tree, people, viewport, screenshot):
    household = make_household(tree.grid, address="竹林关村一组 8 号")
    make_episode(make_person(tree.grid, name="王小明", number=id_number(), household=household))
    volunteer = make_volunteer(make_team(tree.village), name="赵志愿")
    link = links.issue(household, people.village_officer)

    # The household, on its phone, without a login: from the self-report page to the help page.
    resident = open_tab()
    resident.goto(link.get_public_url())
    expect(resident.locator("html")).to_have_attribute("lang", "zh-hans")
    with resident.expect_navigation():
        resident.locator("#ask-for-help").click()
    resident.select_option("#id_kind", "food")
    resident.fill("#id_description", "米、面、油")
    with resident.expect_navigation():
        resident.locator("#ask").click()
    expect(resident.locator(".help-need")).to_have_count(1)
    assert horizontal_overflow(resident) <= 1, f"the help page scrolls sideways at {viewport.width} px"
    screenshot(resident, "asked")
    need = Need.objects.get()
    assert (need.household, need.raised_via) == (household, Need.RaisedVia.HOUSEHOLD)

    # The village officer assigns it to a volunteer of the village, then marks it delivered.
    officer = open_tab()
    log_in(officer, "village_officer")
    officer.goto("/community/needs/?status=pending")
    expect(officer.locator("main table tbody tr")).to_have_count(1)
    assert horizontal_overflow(officer) <= 1, f"the needs list scrolls sideways at {viewport.width} px"
    with officer.expect_navigation():
        officer.locator("main table tbody tr a").first.click()
    officer.select_option("#id_assigned_volunteer", str(volunteer.pk))
    with officer.expect_navigation():
        officer.locator("#assign").click()
    expect(officer.locator("#need-assignee")).to_contain_text("赵志愿")
    officer.fill("#id_note", "赵志愿送到米面油")
    with officer.expect_navigation():
        officer.locator("#deliver").click()
    expect(officer.locator("#need-status")).to_have_class(re.compile("text-bg-primary"))
    assert horizontal_overflow(officer) <= 1, f"the need's page scrolls sideways at {viewport.width} px"
    screenshot(officer, "delivered")

    # The household confirms on the same page.
    resident.reload()
    with resident.expect_navigation():
        resident.locator(".help-need button[type=submit]").click()
    expect(resident.locator(".help-need")).to_have_count(0)
    need.refresh_from_db()
    assert (need.status, need.confirmed_via) == (Need.Status.CONFIRMED, Need.ConfirmedVia.HOUSEHOLD)

    # The village's households in difficulty: under observation, last visited today.
    officer.goto("/community/households/")
    row = officer.locator("main table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("竹林关村一组 8 号")
    expect(row).to_contain_text(f"{timezone.localdate():%Y-%m-%d}")
    assert horizontal_overflow(officer) <= 1, f"the households list scrolls sideways at {viewport.width} px"
    screenshot(officer, "households")
