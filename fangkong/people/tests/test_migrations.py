"""Data migrations of the register."""

import importlib

from django.apps import apps

from fangkong.people.models import Person
from fangkong.people.tests.factories import id_number, make_person

masked_numbers = importlib.import_module("fangkong.people.migrations.0003_id_number_masked")


def test_it_fills_the_masked_number_of_registered_persons(tree):
    number = id_number()
    registered = make_person(tree.grid, number=number)
    without = make_person(tree.grid, "无证人员")
    Person.objects.update(id_number_masked="")
    masked_numbers.fill_masked_numbers(apps, None)
    registered.refresh_from_db()
    without.refresh_from_db()
    assert registered.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    assert without.id_number_masked == ""
