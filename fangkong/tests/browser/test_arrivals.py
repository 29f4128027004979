"""A grid worker registers an arrival on a phone, picking the origin county from the national list."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fangkong.areas.models import Division, RiskArea
from fangkong.people.models import Arrival, KeyPersonTag
from fangkong.people.tests.factories import id_number

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
