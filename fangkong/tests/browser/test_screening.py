"""A grid worker screens their grid on a phone (and at a desk): round page, visit form, coverage."""

import datetime
import importlib
import re

import pytest
from playwright.sync_api import expect

from fangkong.people.models import ScreeningRound, ScreeningVisit
from fangkong.people.tests.factories import make_household, make_person

from .screens import PHONE, horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(autouse=True)
def builtin_tags(transactional_db):
    """The categories a migration loads: a transactional test before this one flushed them."""
    from django.apps import apps

    importlib.import_module("fangkong.people.migrations.0002_builtin_tags").load(apps, None)


def test_grid_worker_records_a_visit_with_fever_from_the_round_page(tab, tree, people, viewport, screenshot):
    screening_round = ScreeningRound(
        area=tree.village, title="第一轮全覆盖排查", deadline=datetime.date.today() + datetime.timedelta(days=2)
    )
    screening_round.save()
    household = make_household(tree.grid, "竹林关村一组 8 号（很长的地址用来测试手机上的换行效果）")
    make_household(tree.grid, "竹林关村一组 9 号")
    make_household(tree.grid2, "竹林关村二组 1 号")  # another grid: not shown to this grid worker
    sick = make_person(tree.grid, "张三", household=household)

    log_in(tab, "grid_worker")
    tab.goto("/")
    if viewport == PHONE:
        tab.locator(".navbar-toggler").click()
    tab.locator("#nav-screening").click()
    tab.get_by_role("link", name=re.compile("第一轮全覆盖排查")).locator("visible=true").first.click()
    expect(tab.locator("#coverage-counts")).to_contain_text("0")
    expect(tab.locator("#unvisited-households li")).to_have_count(2)
    assert horizontal_overflow(tab) <= 0
    screenshot(tab, "round")

    tab.locator("#unvisited-households li", has_text="一组 8 号").get_by_role("link").click()
    tab.fill("#id_members_home", "3")
    expect(tab.locator("#fever-fields")).to_be_hidden()
    tab.locator("#id_symptoms_found").check()
    tab.get_by_label("张三").check()
    assert horizontal_overflow(tab) <= 0
    screenshot(tab, "visit-form")
    with tab.expect_navigation():
        tab.locator("#save-visit").click()

    expect(tab.locator("#coverage-percent")).to_have_text("50 %")
    expect(tab.locator("#unvisited-households li")).to_have_count(1)
    expect(tab.locator("#coverage-by-grid tbody tr")).to_have_count(1)
    screenshot(tab, "round-after")
    visit = ScreeningVisit.objects.get()
    assert (visit.household, visit.members_home, visit.symptoms_found) == (household, 3, True)
    assert list(visit.fever_members.all()) == [sick] and sick.status_colour == "red"
