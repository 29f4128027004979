"""A grid worker registers a resident on a phone: the ID number fills sex and birth date as it is typed."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from fangkong.people.models import Person
from fangkong.people.tests.factories import id_number, make_person

from .screens import horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_grid_worker_registers_a_person_and_finds_them_by_initials(tab, people, tree, viewport, screenshot):
    number = id_number(born=datetime.date(1990, 7, 1), male=False)
    log_in(tab, "grid_worker")
    tab.goto("/people/add/")
    assert horizontal_overflow(tab) <= 1, f"the form scrolls sideways at {viewport.width} px"
    tab.fill("#id_name", "李秀英")
    tab.fill("#id_id_number", number)
    expect(tab.locator("#id_sex")).to_have_value("female")
    expect(tab.locator("#id_birth_date")).to_have_value("1990-07-01")
    tab.select_option("#id_area", str(tree.grid.pk))
    tab.fill("#id_phone", "13800001234")
    screenshot(tab, "form")
    with tab.expect_navigation():
        tab.locator("main form#person-form button[type=submit].btn-primary").click()
    person = Person.objects.get(name="李秀英")
    expect(tab).to_have_url(re.compile(f"/people/{person.pk}/$"))
    expect(tab.locator("#id-number")).to_have_text(person.id_number_masked)
    assert horizontal_overflow(tab) <= 1
    screenshot(tab, "detail")

    make_person(tree.grid, name="李四", number=id_number())
    tab.goto("/people/?q=lxy")
    expect(tab.locator("main table tbody tr")).to_have_count(1)
    expect(tab.locator("main table tbody")).to_contain_text("138****1234")
    assert horizontal_overflow(tab) <= 1, f"the list scrolls sideways at {viewport.width} px"
    screenshot(tab, "list")
