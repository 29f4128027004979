"""Observation records for tests, in the areas of fangkong.core.testing.make_tree()."""

import datetime
from decimal import Decimal

from django.utils import timezone

from fangkong.health import services
from fangkong.health.models import Check, Episode, Protocol, Reason
from fangkong.people.tests.factories import id_number, make_person


def make_episode(
    person=None, area=None, days_ago=3, reason=Reason.RISK_AREA_ARRIVAL, kind=Episode.Kind.HOME, site=None, room=None
):
    """An open observation that started ``days_ago`` days ago, of a new person in ``area`` unless one is
    given; centralised in the site (and room) when one is given."""
    person = person or make_person(area, number=id_number())
    start = timezone.localdate() - datetime.timedelta(days=days_ago)
    kind = Episode.Kind.CENTRALISED if site is not None else kind
    episode = Episode(person=person, kind=kind, reason=reason, start_on=start, site=site, room=room)
    return services.open_episode(episode, None)


def make_check(episode, temperature=Decimal("36.5"), symptoms=(), key=None, taken_at=None):
    check = Check(
        key=key or f"check-{Check.objects.count() + 1}-{episode.pk}",
        person=episode.person,
        taken_at=taken_at or timezone.now(),
        temperature=temperature,
        symptoms=list(symptoms),
    )
    return services.record_check(check, None)[0]


def make_centralised_episode(area, days_ago=3):
    """An open centralised observation, saved as it is (no dwelling to disinfect; its site and rooms
    play no part): for tests of what does not depend on where the person is observed."""
    person = make_person(area, number=id_number())
    start = timezone.localdate() - datetime.timedelta(days=days_ago)
    protocol = Protocol.in_force(start)
    episode = Episode(
        person=person,
        area=person.area,
        kind=Episode.Kind.CENTRALISED,
        reason=Reason.RISK_AREA_ARRIVAL,
        start_on=start,
        planned_end_on=start + datetime.timedelta(days=protocol.days_risk_area_arrival),
        protocol=protocol,
    )
    episode.save()
    return episode
