"""A grid worker registers an arrival on a phone, picking the origin county from the national list; an
officer corrects one."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fangkong.areas.models import Division, RiskArea
from fangkong.people.models import Arrival, KeyPersonTag
from fangkong.people.tests.factories import id_number, make_person

from .screens import horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_grid_worker_registers_an_arrival_from_a_risk_area(tab, people, tree, viewport, screenshot):
    today = timezone.localdate()
    RiskArea.objects.create(division=Division.objects.get(code="4201"), valid_from=today - datetime.timedelta(10))
    log_in(tab, "grid_worker")
    tab.goto("/people/arrivals/add/")
    assert horizontal_overflow(tab) <= 1, f"the form scrolls sideways at {viewport.width} px"
    tab.fill("#id_name", "李四")
    tab.fill("#id_id_number", id_number())
    tab.fill("#id_phone", "13912345678")
    tab.locator("#id_origin").press_sequentially("武汉 江岸")
    suggestion = tab.locator("#id_origin-suggestions button").first
    expect(suggestion).to_contain_text("湖北省 武汉市 江岸区")
    suggestion.click()
    expect(tab.locator("input[name=origin]")).to_have_value("420102")
    expect(tab.locator("#id_origin")).to_have_value("湖北省 武汉市 江岸区")
    tab.fill("#id_arrived_on", (today - datetime.timedelta(1)).isoformat())
    tab.select_option("#id_transport", "train")
    tab.fill("#id_trip_number", "K1234")
    tab.select_option("#id_area", tree.grid.code)
    screenshot(tab, "form")
    with tab.expect_navigation():
        tab.locator("#arrival-form button[type=submit]").click()
    arrival = Arrival.objects.get()
    expect(tab).to_have_url(re.compile(f"/people/arrivals/{arrival.pk}/$"))
    expect(tab.locator("#arrival-risk")).to_be_visible()
    expect(tab.locator("#arrival-origin")).to_contain_text("湖北省 武汉市 江岸区")
    assert KeyPersonTag.FROM_RISK_AREA in arrival.person.tag_codes()
    assert horizontal_overflow(tab) <= 1
    screenshot(tab, "detail")

    tab.goto("/people/needs-observation/")
    expect(tab.locator("main table tbody tr")).to_have_count(1)
    expect(tab.locator("main table tbody")).to_contain_text("李四")
    screenshot(tab, "needs-observation")
    assert horizontal_overflow(tab) <= 1

    tab.goto("/people/arrivals/?risk=true")
    expect(tab.locator("main table tbody tr")).to_have_count(1)
    expect(tab.locator("main table tbody")).to_contain_text("139****5678")
    assert horizontal_overflow(tab) <= 1, f"the list scrolls sideways at {viewport.width} px"
    screenshot(tab, "list")


def make_arrival(tree, arrived_on, origin="610102"):
    person = make_person(tree.grid, "李四", id_number())
    arrival = Arrival(person=person, area=tree.grid, origin=Division.objects.get(code=origin), arrived_on=arrived_on)
    arrival.save()
    return arrival


def test_officer_corrects_the_origin_of_an_arrival_to_a_risk_area(tab, people, tree, viewport, screenshot):
    today = timezone.localdate()
    RiskArea.objects.create(division=Division.objects.get(code="4201"), valid_from=today - datetime.timedelta(10))
    arrival = make_arrival(tree, today - datetime.timedelta(3))
    registered_on = today - datetime.timedelta(2)
    log_in(tab, "village_officer")
    tab.goto(f"/people/arrivals/{arrival.pk}/")
    expect(tab.locator("#arrival-risk")).to_have_count(0)
    expect(tab.locator("#arrival-edit")).to_have_text("更正")
    with tab.expect_navigation():
        tab.locator("#arrival-edit").click()
    expect(tab).to_have_url(re.compile(f"/people/arrivals/{arrival.pk}/edit/$"))
    assert horizontal_overflow(tab) <= 1, f"the form scrolls sideways at {viewport.width} px"
    expect(tab.locator("input[name=origin]")).to_have_value("610102")
    expect(tab.locator("#id_origin")).to_have_value("陕西省 西安市 新城区")
    expect(tab.locator("#id_area")).to_have_value(tree.grid.code)
    tab.locator("#id_origin").fill("")
    tab.locator("#id_origin").press_sequentially("武汉 江岸")
    suggestion = tab.locator("#id_origin-suggestions button").first
    expect(suggestion).to_contain_text("湖北省 武汉市 江岸区")
    suggestion.click()
    expect(tab.locator("input[name=origin]")).to_have_value("420102")
    tab.fill("#id_registered_on", registered_on.isoformat())
    tab.get_by_label("登记人", exact=True).fill("张书记")
    screenshot(tab, "form")
    with tab.expect_navigation():
        tab.locator("#arrival-form button[type=submit]").click()
    expect(tab).to_have_url(re.compile(f"/people/arrivals/{arrival.pk}/$"))
    expect(tab.locator("#arrival-risk")).to_contain_text("武汉市")
    expect(tab.locator("#arrival-origin")).to_contain_text("湖北省 武汉市 江岸区 (420102)")
    expect(tab.locator("#arrival-registered")).to_have_text(f"{registered_on.isoformat()} · 张书记")
    arrival.refresh_from_db()
    assert (arrival.origin.code, arrival.registrar) == ("420102", "张书记")
    assert KeyPersonTag.FROM_RISK_AREA in arrival.person.tag_codes()
    assert horizontal_overflow(tab) <= 1, f"the detail page scrolls sideways at {viewport.width} px"
    screenshot(tab, "detail")


def test_a_correction_to_a_future_arrival_date_is_refused(tab, people, tree, viewport, screenshot):
    today = timezone.localdate()
    arrival = make_arrival(tree, today - datetime.timedelta(3))
    tomorrow = today + datetime.timedelta(1)
    log_in(tab, "village_officer")
    tab.goto(f"/people/arrivals/{arrival.pk}/edit/")
    tab.fill("#id_arrived_on", tomorrow.isoformat())
    tab.fill("#id_trip_number", "G88")
    with tab.expect_navigation():
        tab.locator("#arrival-form button[type=submit]").click()
    expect(tab).to_have_url(re.compile(f"/people/arrivals/{arrival.pk}/edit/$"))
    field = tab.locator("#arrival-form .mb-3", has=tab.locator("#id_arrived_on"))
    # One wording for every date in the future; the field it sits under names which date.
    expect(field.locator("label")).to_contain_text("抵达日期")
    expect(field.locator(".invalid-feedback")).to_have_text(
        f"{tomorrow.isoformat()}晚于今天（今天是{today.isoformat()}）。"
    )
    expect(tab.locator("#arrival-form .invalid-feedback")).to_have_count(1)
    expect(tab.locator("#id_arrived_on")).to_have_value(tomorrow.isoformat())  # kept to be corrected
    arrival.refresh_from_db()
    assert (arrival.arrived_on, arrival.trip_number) == (today - datetime.timedelta(3), "")
    assert horizontal_overflow(tab) <= 1, f"the refused form scrolls sideways at {viewport.width} px"
    screenshot(tab, "refused")


def test_a_doctor_sees_the_arrival_without_the_correct_button(tab, people, tree):
    arrival = make_arrival(tree, timezone.localdate())
    log_in(tab, "doctor")
    tab.goto(f"/people/arrivals/{arrival.pk}/")
    expect(tab.locator("#arrival-person")).to_have_text("李四")
    expect(tab.locator("#arrival-edit")).to_have_count(0)
