"""A city commander walks the tree down through the sub-area tables and back up the breadcrumb."""

import re

import pytest
from playwright.sync_api import expect

from .screens import log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def area_url(code):
    return re.compile(rf"/areas/{code}/$")


def test_commander_walks_down_the_tree_and_back_up_the_breadcrumb(tab, people, screenshot):
    log_in(tab, "city_commander")
    expect(tab).to_have_url(area_url("6110"))
    expect(tab.locator("#area-name")).to_have_text("商洛市")
    screenshot(tab, "city")

    sub_areas = tab.locator("main table tbody")
    for name, code in [("丹凤县", "611022"), ("竹林关镇", "611022106"), ("竹林关村", "611022106200")]:
        sub_areas.get_by_role("link", name=name, exact=True).click()
        expect(tab).to_have_url(area_url(code))
        expect(tab.locator("#area-code")).to_have_text(code)
    expect(sub_areas.get_by_role("link", name="第一网格")).to_be_visible()

    breadcrumb = tab.get_by_role("navigation", name="breadcrumb")
    expect(breadcrumb.get_by_role("listitem").last).to_have_text("竹林关村")
    for name, code in [("竹林关镇", "611022106"), ("丹凤县", "611022"), ("商洛市", "6110")]:
        breadcrumb.get_by_role("link", name=name, exact=True).click()
        expect(tab).to_have_url(area_url(code))
        expect(breadcrumb.get_by_role("listitem").last).to_have_text(name)
    expect(breadcrumb.get_by_role("link")).to_have_count(0)  # at the top: no ancestors left


def test_commander_finds_a_town_by_pinyin_initials(tab, people, screenshot):
    log_in(tab, "city_commander")

    search = tab.get_by_role("search")
    search.locator("input[name=q]").fill("zlg")
    with tab.expect_navigation():
        search.locator("input[name=q]").press("Enter")

    expect(tab).to_have_url(re.compile(r"/areas/\?.*q=zlg"))
    results = tab.locator("main table tbody")
    expect(results.get_by_role("link", name="竹林关镇", exact=True)).to_have_attribute("href", "/areas/611022106/")
    expect(results).to_contain_text("竹林关村")  # initials zlgc
    expect(results).not_to_contain_text("商南县")
    expect(results).not_to_contain_text("桃园村")
    screenshot(tab, "search")


def test_the_api_docs_work_under_the_content_security_policy(tab, people, screenshot):
    log_in(tab, "grid_worker")
    # A deep link: Swagger UI renders a long list's sections only as they scroll into view.
    tab.goto("/api/docs/#/me/me_retrieve")
    # Swagger UI, from the sidecar package, has fetched the schema (with the session) and lists the endpoints.
    expect(tab.locator(".swagger-ui .info .title")).to_contain_text("Fangkong API")
    expect(tab.locator(".opblock-summary-path[data-path='/api/me/']")).to_be_visible()
    screenshot(tab, "api-docs")
