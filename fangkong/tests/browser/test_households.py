"""A grid worker registers a household and its first member on a phone, and records who heads it; an
officer assigns the households without a responsible person from the list."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from fangkong.people.models import Household, Person
from fangkong.people.tests.factories import id_number, make_household, make_person

from .screens import horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_grid_worker_registers_a_household_and_a_member(tab, people, tree, viewport, screenshot):
    number = id_number(born=datetime.date(1958, 2, 3))
    log_in(tab, "grid_worker")
    tab.goto("/people/households/add/")
    assert horizontal_overflow(tab) <= 1, f"the form scrolls sideways at {viewport.width} px"
    expect(tab.locator("#id_area")).to_have_value(tree.grid.code)  # their grid, preselected
    tab.fill("#id_address", "竹林关村一组 8 号")
    tab.fill("#id_phone", "13800001234")
    screenshot(tab, "form")
    with tab.expect_navigation():
        tab.locator("#household-form button[type=submit]").click()
    household = Household.objects.get()
    expect(tab).to_have_url(re.compile(f"/people/households/{household.pk}/$"))

    tab.fill("#add-member #id_name", "王大爷")
    tab.fill("#add-member #id_id_number", number)
    with tab.expect_navigation():
        tab.locator("#add-member button[type=submit]").click()
    person = Person.objects.get()
    assert (person.household, person.sex, person.birth_date) == (household, "male", datetime.date(1958, 2, 3))
    expect(tab.locator("#members")).to_contain_text(person.id_number_masked)
    assert horizontal_overflow(tab) <= 1, f"the household page scrolls sideways at {viewport.width} px"
    screenshot(tab, "detail")


def test_officer_assigns_ticked_households(tab, people, tree, viewport, screenshot):
    first = make_household(tree.grid, "一组 1 号")
    make_household(tree.grid, "一组 2 号")
    log_in(tab, "village_officer")
    tab.goto(f"/people/households/?within={tree.village.code}")
    select_all = tab.locator("[data-select-all=households]")
    select_all.check()  # ticks every row, without inline script
    expect(tab.locator("input[name=households]:checked")).to_have_count(2)
    select_all.uncheck()
    expect(tab.locator("input[name=households]:checked")).to_have_count(0)
    tab.locator(f"input[name=households][value='{first.pk}']").check()
    with tab.expect_navigation():
        tab.locator("#assign-form button[type=submit]").click()
    expect(tab.locator("#selection-summary")).to_contain_text("1")
    tab.select_option("#id_responsible", str(people.grid_worker.pk))
    screenshot(tab, "assign")
    with tab.expect_navigation():
        tab.locator("#assign button[type=submit]").click()
    first.refresh_from_db()
    assert first.responsible == people.grid_worker
    assert Household.objects.filter(responsible__isnull=True).count() == 1
    assert horizontal_overflow(tab) <= 1


def test_grid_worker_picks_the_head_among_the_members(tab, people, tree, viewport, screenshot):
    household = make_household(tree.grid, "竹林关村一组 12 号")
    members = [
        ("张建国", datetime.date(1960, 5, 1), "户主"),
        ("李梅", datetime.date(1962, 8, 9), "妻子"),
        ("张小明", datetime.date(1988, 1, 20), "儿子"),
    ]
    for name, born, relation in members:
        make_person(tree.grid, name, id_number(born=born), household=household, relation_to_head=relation)
    make_person(tree.grid, "王五", id_number())  # same grid, another household: not a choice
    head = Person.objects.get(name="张建国")
    log_in(tab, "grid_worker")
    tab.goto(f"/people/households/{household.pk}/edit/")
    assert horizontal_overflow(tab) <= 1, f"the form scrolls sideways at {viewport.width} px"
    expect(tab.locator("label[for=id_head]")).to_have_text("户主")
    expect(tab.locator("#id_head option")).to_have_text(["---------", "张建国", "李梅", "张小明"])
    tab.select_option("#id_head", label="张建国")
    screenshot(tab, "form")
    with tab.expect_navigation():
        tab.locator("#household-form button[type=submit]").click()
    expect(tab).to_have_url(re.compile(f"/people/households/{household.pk}/$"))
    household.refresh_from_db()
    assert household.head == head

    table = tab.locator("#members")
    expect(table.locator("thead th").nth(1)).to_have_text("与户主关系")
    expect(table.locator(".badge")).to_have_count(1)
    expect(table.locator("tbody tr", has_text="张建国").locator("td").first.locator(".badge")).to_have_text("户主")
    for name, _born, relation in members:
        expect(table.locator("tbody tr", has_text=name).locator("td").nth(1)).to_have_text(relation)
    assert horizontal_overflow(tab) <= 1, f"the household page scrolls sideways at {viewport.width} px"
    screenshot(tab, "detail")
