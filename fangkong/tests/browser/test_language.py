"""Chinese by default, English on request, and back, from the footer's language menu."""

import re

import pytest
from playwright.sync_api import expect

from .screens import html, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def choose_language(page, code):
    with page.expect_navigation():
        page.select_option("#language-select", code)


def test_interface_is_chinese_by_default_and_switches_to_english_and_back(tab, people, screenshot):
    log_in(tab, "village_officer")
    village = re.compile(r"/areas/611022106200/$")
    expect(html(tab)).to_have_attribute("lang", "zh-hans")
    expect(tab.locator("#language-select")).to_have_value("zh-hans")
    expect(tab.locator("#area-name")).to_have_text("竹林关村委会")

    choose_language(tab, "en")
    expect(tab).to_have_url(village)  # back on the page the switch was made from
    expect(html(tab)).to_have_attribute("lang", "en")
    expect(tab.locator("#main-nav a.nav-link[href='/areas/']")).to_have_text("Areas")
    expect(tab.locator("#main-nav button[type=submit]")).to_have_text("Log out")
    expect(tab.locator("#add-grid")).to_have_text("Add grid")
    expect(tab.locator("#area-name")).to_have_text("竹林关村委会")  # data is not translated
    screenshot(tab, "english")

    tab.goto("/areas/611022106200001/")  # the choice sticks from page to page
    expect(html(tab)).to_have_attribute("lang", "en")
    expect(tab.get_by_role("navigation", name="breadcrumb")).to_contain_text("竹林关村")

    choose_language(tab, "zh-hans")
    expect(html(tab)).to_have_attribute("lang", "zh-hans")
    expect(tab.locator("#language-select")).to_have_value("zh-hans")
    expect(tab.locator("#area-name")).to_have_text("第一网格")


def test_login_page_can_be_switched_to_english_before_logging_in(tab, people):
    tab.goto("/accounts/login/")
    expect(html(tab)).to_have_attribute("lang", "zh-hans")

    choose_language(tab, "en")
    expect(tab).to_have_url(re.compile(r"/accounts/login/$"))
    expect(html(tab)).to_have_attribute("lang", "en")
    expect(tab.locator("#login-submit")).to_have_text("Log in")
    log_in(tab, "village_officer")
    expect(html(tab)).to_have_attribute("lang", "en")  # the choice survives logging in
