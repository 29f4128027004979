"""A market inspector (the village's officer) records the basket's prices on a phone, in Chinese;
pork was much cheaper last week, so the price jump is flagged on the inspection, shows on the price
jump list and reaches the county's officer; the price chart draws the area against the city."""

import pytest
from playwright.sync_api import expect

from fangkong.core.models import Notification
from fangkong.supplies.markets.models import Inspection
from fangkong.supplies.markets.tests.factories import inspect, make_market

from .screens import horizontal_overflow, log_in, untranslated

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_an_inspector_records_prices_and_the_pork_price_jump_is_flagged(tab, tree, people, viewport, screenshot):
    market = make_market(tree.village, "竹林关村农贸市场")
    inspect(market, [("pork", "18.00"), ("rice", "2.50")], days_ago=7)
    people.village_officer.full_name = "李干部"  # shown as the inspector
    people.village_officer.save()
    log_in(tab, "village_officer")

    tab.goto(f"/supplies/markets/{market.pk}/")
    assert horizontal_overflow(tab) <= 1, f"the market's page scrolls sideways at {viewport.width} px"
    with tab.expect_navigation():
        tab.locator("#inspect-market").click()
    expect(tab.locator("[data-item=pork]")).to_contain_text("猪肉")
    expect(tab.locator("[data-item=pork]")).to_contain_text("18.00")  # last week's, beside the input
    assert horizontal_overflow(tab) <= 1, f"the inspection form scrolls sideways at {viewport.width} px"
    assert untranslated(tab) == []

    # A typing error first: refused, naming the row and the item, with what was typed kept.
    tab.fill("#id_price_pork", "-30")
    tab.fill("#id_price_rice", "2.60")
    tab.select_option("#id_stock_rice", "adequate")
    tab.fill("#id_staff_checked", "5")
    tab.fill("#id_problem_1", "未张贴野生动物禁售告示")
    tab.fill("#id_deadline_1", "2099-01-01")
    with tab.expect_navigation():
        tab.locator("#save-inspection").click()
    expect(tab.locator("[data-item=pork] .invalid-feedback")).to_contain_text("第 1 行")
    expect(tab.locator("[data-item=pork] .invalid-feedback")).to_contain_text("猪肉")
    assert tab.locator("#id_price_rice").input_value() == "2.60"
    assert not Inspection.objects.filter(inspected_by__isnull=False).exists()
    screenshot(tab, "refused")

    tab.fill("#id_price_pork", "30")
    with tab.expect_navigation():
        tab.locator("#save-inspection").click()
    expect(tab.locator("#inspection-jumps")).to_be_visible()
    expect(tab.locator("#inspection-prices tr.table-danger")).to_contain_text("猪肉")
    assert horizontal_overflow(tab) <= 1, f"the inspection scrolls sideways at {viewport.width} px"
    assert untranslated(tab) == []
    screenshot(tab, "inspection")
    saved = Inspection.objects.get(inspected_by=people.village_officer)
    assert saved.jumps == 1 and saved.problems.count() == 1
    assert Notification.objects.filter(user=people.county_officer, kind="price_jump").count() == 1

    tab.locator("#nav-price-jumps").click()
    expect(tab.locator("main table tbody tr")).to_have_count(1)
    expect(tab.locator("main table tbody tr")).to_contain_text("猪肉")
    expect(tab.locator("main table tbody tr")).to_contain_text("66.7")
    assert horizontal_overflow(tab) <= 1, f"the price jump list scrolls sideways at {viewport.width} px"
    assert untranslated(tab) == []
    screenshot(tab, "jumps")

    tab.goto("/supplies/prices/chart/?item=pork")
    expect(tab.locator("#price-chart canvas")).to_have_count(1)
    assert horizontal_overflow(tab) <= 1, f"the price chart scrolls sideways at {viewport.width} px"
    screenshot(tab, "chart")
