"""Duty and volunteers on a phone: a volunteer signs up by the team's QR link, an officer approves them and
gives them a checkpoint shift; the town's leader on duty is seen from the county in one look."""

import pytest
from playwright.sync_api import expect

from fangkong.duty.models import Volunteer
from fangkong.duty.tests.factories import make_roster, make_team

from .screens import PHONE, horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_volunteer_signs_up_by_qr_and_is_given_a_checkpoint_shift(tab, tree, people, screenshot):
    team = make_team(tree.village)
    tab.goto(team.get_signup_url())
    assert horizontal_overflow(tab) <= 1, "the sign-up page scrolls sideways on a phone"
    tab.locator("#id_name").fill("钱志愿")
    tab.locator("#id_phone").fill("138 1234 5678")
    tab.locator("#id_skills").fill("驾驶")
    tab.locator("form.card button[type=submit]").click()
    expect(tab.locator(".alert-success")).to_contain_text("钱志愿")
    screenshot(tab, "signed-up")
    volunteer = Volunteer.objects.get()

    log_in(tab, "village_officer")
    tab.goto(volunteer.get_absolute_url())
    tab.locator("#approve").click()
    expect(tab.locator("#approve")).to_have_count(0)  # approved: the button is gone
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.APPROVED
    tab.goto(f"/duty/shifts/add/?team={team.pk}")
    tab.locator("#id_kind").select_option("checkpoint")
    tab.locator("#id_place").fill("竹林关收费站")
    tab.locator("#id_starts_at").fill("2020-02-01T08:00")
    tab.locator("#id_ends_at").fill("2020-02-01T12:00")
    tab.locator("#id_volunteers").select_option(str(volunteer.pk))
    assert horizontal_overflow(tab) <= 1, "the shift form scrolls sideways on a phone"
    tab.locator("main form button[type=submit]").click()
    expect(tab.locator("#shift-volunteers")).to_contain_text("钱志愿")
    screenshot(tab, "shift")


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_the_county_sees_the_towns_leader_on_duty_at_phone_width(tab, tree, people, screenshot):
    make_roster(tree.town, leader="王镇长", phone="13900000001", staff=[("刘干事", "13900000004")])
    log_in(tab, "county_officer")
    tab.goto("/duty/")
    expect(tab.locator("#on-duty-now")).to_contain_text("王镇长")
    assert horizontal_overflow(tab) <= 1, "the on-duty page scrolls sideways on a phone"
    screenshot(tab, "on-duty-now")
