"""Issue 12's "done when", in Chinese on a phone and a desktop: the county receives a donation of 5,000
masks, allocates them to its towns, the town allocates them on to its villages (each receiving store
confirms its receipt), and the county's public page shows the donation and where it went."""

import pytest
from playwright.sync_api import expect

from fangkong.core.roles import Role
from fangkong.core.testing import make_user
from fangkong.health.tests.factories import make_episode
from fangkong.supplies import services
from fangkong.supplies.models import AllocationLine, Donation, Store
from fangkong.supplies.tests.factories import item, make_store

from .screens import horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def no_sideways_scroll(tab, what):
    assert horizontal_overflow(tab) <= 1, f"{what} scrolls sideways"


def submit(tab):
    with tab.expect_navigation():
        tab.locator("main form button.btn-primary[type=submit]").click()


def allocate(tab, store, donation, total):
    """The allocation form: the store, item and donation, the total, then the prefilled rows are saved."""
    tab.goto("/supplies/allocations/add/")
    tab.select_option("#id_from_store", str(store.pk))
    tab.select_option("#id_item", str(item("mask-medical").pk))
    tab.select_option("#id_donation", str(donation.pk))
    tab.fill("#id_total", str(total))
    submit(tab)  # 下一步: the rows of the stores below, prefilled
    expect(tab.locator("#allocation-rows")).to_be_visible()
    no_sideways_scroll(tab, "the allocation form")
    submit(tab)  # 调拨


def confirm_receipts(tab, store):
    """The receiving store's page lists its pending receipt; its officer confirms what arrived."""
    line = AllocationLine.objects.get(to_store=store, received_quantity__isnull=True)
    tab.goto(f"/supplies/allocations/{line.allocation_id}/")
    tab.locator(f"a[href='/supplies/receipts/{line.pk}/confirm/']").click()
    expect(tab.locator("#id_received_quantity")).to_have_value(str(line.quantity))
    submit(tab)
    line.refresh_from_db()
    assert line.received_quantity == line.quantity


def test_a_donation_of_masks_goes_down_to_the_villages_and_shows_on_the_public_page(open_tab, tree, people, screenshot):
    county_store = make_store(tree.county, "丹凤县防疫物资仓库", Store.Kind.WAREHOUSE)
    town_store = make_store(tree.town, "竹林关镇物资站", Store.Kind.TOWN)
    first, second = make_store(tree.village, "竹林关村物资室"), make_store(tree.village2, "桃园村物资室")
    make_user("village2_officer", Role.OFFICER, tree.village2)
    for _ in range(3):
        make_episode(area=tree.grid)  # people under observation in the first village
    make_episode(area=tree.village2)

    county = open_tab()
    log_in(county, "county_officer")
    county.goto("/supplies/donations/add/")
    county.fill("#id_donor_name", "西安爱心医疗器械公司")
    county.select_option("#id_donor_kind", "organisation")
    county.check("#id_named_publicly")
    county.select_option("#id_kind", "goods")
    county.select_option("#id_use", "supplies")
    county.fill("#id_receipt_number", "DF-2020-001")
    county.select_option("#id_area", str(tree.county.pk))
    county.fill("#id_received_by", "李干部")
    county.select_option("#id_store", str(county_store.pk))
    county.select_option("#id_goods-0-item", str(item("mask-medical").pk))
    county.fill("#id_goods-0-quantity", "5000")
    no_sideways_scroll(county, "the donation form")
    submit(county)
    expect(county.locator("#donation-goods")).to_contain_text("5000")
    donation = Donation.objects.get(receipt_number="DF-2020-001")
    assert services.stock_of(county_store, item("mask-medical")) == 5000

    allocate(county, county_store, donation, 5000)
    expect(county.locator("#allocation-lines")).to_contain_text("竹林关镇物资站")
    assert services.stock_of(county_store, item("mask-medical")) == 0

    town = open_tab()
    log_in(town, "town_officer")
    confirm_receipts(town, town_store)
    assert services.stock_of(town_store, item("mask-medical")) == 5000
    allocate(town, town_store, donation, 4000)
    expect(town.locator("#allocation-lines")).to_contain_text("竹林关村物资室")
    shares = dict(AllocationLine.objects.filter(to_store__in=[first, second]).values_list("to_store", "quantity"))
    assert shares == {first.pk: 3000, second.pk: 1000}  # in proportion to the 3 and 1 under observation
    screenshot(town, "town-allocation")

    for username, store in (("village_officer", first), ("village2_officer", second)):
        village = open_tab()
        log_in(village, username)
        confirm_receipts(village, store)
        no_sideways_scroll(village, "the allocation page")
    assert services.stock_of(first, item("mask-medical")) == 3000
    assert services.stock_of(second, item("mask-medical")) == 1000

    public = open_tab()
    public.goto(f"/public/donations/{tree.county.code}/")
    expect(public.locator("#public-donations")).to_contain_text("西安爱心医疗器械公司")
    expect(public.locator("#goods")).to_contain_text("一次性医用口罩")
    expect(public.locator("#goods")).to_contain_text("5000")
    went = public.locator("#passed-on")
    expect(went).to_contain_text("丹凤县防疫物资仓库")
    expect(went).to_contain_text("竹林关镇物资站 5000")
    expect(went).to_contain_text("竹林关村物资室 3000")
    expect(went).to_contain_text("桃园村物资室 1000")
    expect(public.locator("html")).to_have_attribute("lang", "zh-hans")
    no_sideways_scroll(public, "the public donations page")
    screenshot(public, "public-donations")
