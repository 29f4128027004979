"""Publicity in Chinese, on a phone and at a desk: a town officer refutes a rumour, prints the village's QR
poster, and the village's public page (no login) shows the refutation; a grid worker marks the town's
notice relayed in their grid and the town sees the coverage go up."""

import re

import pytest
from playwright.sync_api import expect

from fangkong.community.models import NoticeRelay, Rumour
from fangkong.community.tests.factories_publicity import make_notice

from .screens import PHONE, horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_town_refutes_a_rumour_and_the_villages_public_page_shows_it(open_tab, tree, people, viewport, screenshot):
    officer = open_tab()
    log_in(officer, "town_officer")
    officer.goto("/")
    if viewport == PHONE:
        officer.locator(".navbar-toggler").click()
    with officer.expect_navigation():  # dispatched: under load, the long menu may still be opening
        officer.locator("#nav-publicity").dispatch_event("click")
    with officer.expect_navigation():
        officer.locator("#nav-rumours").click()
    expect(officer).to_have_url(re.compile("/community/rumours/$"))
    officer.goto("/community/rumours/add/")
    officer.locator("#id_area").select_option(str(tree.town.pk))
    officer.fill("#id_claim", "竹林关镇明天起全面封路，超市全部关门")
    officer.fill("#id_facts", "未接到任何封路通知，超市正常营业，请勿囤积抢购。")
    officer.fill("#id_source", "竹林关镇疫情防控指挥部")
    officer.locator("#id_published").check()
    assert horizontal_overflow(officer) <= 1, f"the form scrolls sideways at {viewport.width} px"
    with officer.expect_navigation():
        officer.locator("main form button[type=submit]").click()
    expect(officer.locator("#rumour-status")).to_have_class(re.compile("text-bg-success"))
    assert Rumour.objects.get().published
    screenshot(officer, "refuted")

    officer.goto("/community/villages/")
    with officer.expect_navigation():
        officer.locator(f"#poster-{tree.village.code}").click()
    expect(officer.locator("#poster-qr")).to_be_visible()
    expect(officer.locator("#poster")).to_contain_text("竹林关镇明天起全面封路")
    assert horizontal_overflow(officer) <= 1, "the poster scrolls sideways"
    public_url = officer.locator("#poster-url").inner_text().strip()
    assert public_url.endswith(f"/public/rumours/{tree.village.code}/")
    officer.emulate_media(media="print")
    screenshot(officer, "poster-print")

    resident = open_tab()  # no login: a villager who scanned the poster
    resident.goto(public_url)
    expect(resident.locator("#public-rumours")).to_contain_text("未接到任何封路通知")
    expect(resident.locator("#public-rumours")).to_contain_text("竹林关镇疫情防控指挥部")
    assert horizontal_overflow(resident) <= 1, "the public page scrolls sideways"
    screenshot(resident, "public")


def test_a_grid_worker_relays_a_notice_and_the_town_sees_the_coverage_rise(
    open_tab, tree, people, viewport, screenshot
):
    notice = make_notice(tree.town, title="关于春节期间暂停聚集性活动的通知", user=people.town_officer)
    town = open_tab()
    log_in(town, "town_officer")
    town.goto(notice.get_absolute_url())
    expect(town.locator("#coverage-relayed")).to_have_text("0")
    expect(town.locator("#coverage-grids")).to_have_text("2")

    worker = open_tab()
    log_in(worker, "grid_worker")
    worker.goto("/community/notices/?to_relay=true")
    expect(worker.locator("main table tbody tr")).to_have_count(1)
    assert horizontal_overflow(worker) <= 1, f"the list scrolls sideways at {viewport.width} px"
    with worker.expect_navigation():
        worker.get_by_role("link", name="关于春节期间暂停聚集性活动的通知").click()
    with worker.expect_navigation():
        worker.locator(".mark-relayed").first.click()
    worker.locator("#id_door_to_door").check()
    worker.locator("#id_loudspeaker").check()
    worker.fill("#id_note", "一组、二组入户发放宣传单，村村响播放三遍")
    assert horizontal_overflow(worker) <= 1, f"the form scrolls sideways at {viewport.width} px"
    with worker.expect_navigation():
        worker.locator("main form button[type=submit]").click()
    expect(worker.locator("main > .alert-success")).to_be_visible()
    expect(worker.locator("#my-grids")).to_contain_text(re.compile("已|relayed"))
    screenshot(worker, "relayed")
    mark = NoticeRelay.objects.get()
    assert (mark.area, mark.methods) == (tree.grid, ["door_to_door", "loudspeaker"])
    worker.goto("/community/notices/?to_relay=true")
    expect(worker.locator("main table tbody tr")).to_have_count(0)

    town.reload()
    expect(town.locator("#coverage-relayed")).to_have_text("1")
    expect(town.locator("#coverage-percent")).to_have_text("50")
    with town.expect_navigation():
        town.get_by_role("link", name="竹林关村").click()
    expect(town.locator("#coverage tbody")).to_contain_text("一组、二组入户")
    assert horizontal_overflow(town) <= 1, f"the coverage scrolls sideways at {viewport.width} px"
    screenshot(town, "coverage")
