"""Register records for tests: valid ID numbers, in the areas of fangkong.core.testing.make_tree()."""

import datetime
import itertools

from django.utils import timezone

from fangkong.areas.models import Division
from fangkong.core.validators import id_check_character
from fangkong.people.models import Arrival, Household, Person

_sequence = itertools.count(1)


def id_number(born=datetime.date(1985, 3, 12), male=True, region="611022"):
    """A valid 18-character ID number, different on every call."""
    number = next(_sequence) % 500 * 2 + (1 if male else 0)
    first17 = f"{region}{born:%Y%m%d}{number:03d}"
    return first17 + id_check_character(first17)


def make_household(area, address="竹林关村一组 1 号", **extra):
    household = Household(area=area, address=address, **extra)
    household.save()
    return household


def make_person(area, name="张三", number=None, household=None, **extra):
    person = Person(area=area, name=name, household=household, **extra)
    if number is not None:
        person.id_number = number
    person.save()
    return person


def report_fever(person, on=None):
    """A fever at arrival (from 武汉), the register's own record of a fever: red until ruled out."""
    arrival = Arrival(
        person=person,
        area=person.area,
        origin=Division.objects.get(code="420102"),
        arrived_on=on or timezone.localdate(),
        fever=True,
    )
    arrival.save()
    return arrival
