"""Records that the daily report counts, in the test tree (fangkong.core.testing.make_tree)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from fangkong.areas.models import Division
from fangkong.health.tests.factories import make_check, make_episode
from fangkong.people.models import Arrival
from fangkong.people.tests.factories import id_number, make_person


def make_arrival(area, day=None, person=None):
    person = person or make_person(area, number=id_number())
    arrival = Arrival(
        person=person, area=area, origin=Division.objects.get(code="420106"), arrived_on=day or timezone.localdate()
    )
    arrival.save()
    return arrival


def make_fever(area):
    """A person under home observation with a fever check today (and the alert it raises)."""
    episode = make_episode(area=area)
    return make_check(episode, temperature=Decimal("38.6"))


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)
