"""Arrivals (返乡/来商人员): registering one, and re-checking them when a risk area changes."""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.areas.services import RiskAreas, risk_area_changed, risk_area_for
from fangkong.core import changelog, scope
from fangkong.core.models import ChangeLogEntry, snapshot
from fangkong.core.roles import Action
from fangkong.core.validators import id_number_facts

from ..models import Arrival, KeyPersonTag, Person
from .identity import find_by_id_number, registered_elsewhere, registered_to, user_label
from .persons import save_person
from .tags import add_tags, add_tags_in_bulk


def apply_risk_area(division_code):
    """Re-check the arrivals from a division against the risk areas as they are now.

    A risk area is often declared after people have arrived from it: those whose arrival date falls
    in its dates are linked to it and flagged at once, as if registered today. An arrival whose risk
    area no longer covers it (dates changed) is unlinked, but its person keeps the flag: taking
    someone off the key-person list is a decision for the cadre who knows them. Returns how many
    arrivals changed.
    """
    risk_areas = RiskAreas()
    arrivals = (
        Arrival.objects.filter(origin__code__startswith=division_code)
        .select_related("origin", "person", "area")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    changed, befores, flags = [], {}, defaultdict(set)
    for arrival in arrivals:
        risk_area = risk_areas.find(arrival.origin, arrival.arrived_on)
        if getattr(risk_area, "pk", None) == arrival.risk_area_id:
            continue
        befores[arrival.pk] = snapshot(arrival)
        if risk_area is not None and arrival.risk_area_id is None:
            flags[arrival.person].add(KeyPersonTag.FROM_RISK_AREA)
        arrival.risk_area = risk_area
        arrival.last_updated = timezone.now()
        changed.append(arrival)
    Arrival.objects.bulk_update(changed, ["risk_area", "last_updated"], batch_size=1000)
    changelog.record_many(changed, ChangeLogEntry.Kind.UPDATE, befores)
    add_tags_in_bulk(flags)
    return len(changed)


@receiver(risk_area_changed)
def recheck_arrivals(sender, division_codes, **kwargs):
    """A risk area was saved: its arrivals are re-checked (``apply_risk_area``)."""
    return sum(apply_risk_area(code) for code in division_codes)


@transaction.atomic
def register_arrival(arrival, user):
    """Save a new arrival; an origin in a risk area in force on the arrival date flags the person at once."""
    arrival.area = arrival.area if arrival.area_id else arrival.person.area
    if arrival.registered_by_id is None and getattr(user, "is_authenticated", False):
        arrival.registered_by = user
    arrival.registered_on = arrival.registered_on or timezone.localdate()
    arrival.registrar = arrival.registrar or user_label(user)
    return save_arrival(arrival)


@transaction.atomic
def save_arrival(arrival):
    """Save an arrival, new or corrected: its risk area is the one in force on its date that its origin
    lies in, and its person is flagged from a risk area or as a close contact for what it says (a
    correction adds flags, never removes them)."""
    arrival.risk_area = risk_area_for(arrival.origin, arrival.arrived_on)
    arrival.save()
    flags = []
    if arrival.risk:
        flags.append(KeyPersonTag.FROM_RISK_AREA)
    if arrival.contact_with_cases:
        flags.append(KeyPersonTag.CLOSE_CONTACT)
    # A fever at arrival is not a category: the arrival's own ``fever`` makes the person red until
    # ruled out (core.person_status).
    add_tags(arrival.person, *flags)
    return arrival


@dataclass
class ArrivalRegistered:
    """The outcome of registering an arrival: the arrival and whether its person or itself are new."""

    arrival: object
    person_created: bool
    arrival_created: bool


@transaction.atomic
def register_arrival_of(user, arrival, name, number, phone=""):
    """Register an arrival from the arrival register's fields: the person is found by ID number (never
    duplicated) or created in the arrival's area, then ``register_arrival`` flags them at once if the
    origin is a risk area in force on the arrival date. The same person, origin and date again is the
    same arrival (a retried submission is not counted twice). ``number`` and ``phone`` come normalised
    (core.fields)."""
    from django.db import IntegrityError

    existing = find_by_id_number(number, user, field="id_number")
    person_created = False
    if existing is not None:
        person = existing.person
        if not existing.visible:
            raise ValidationError({"id_number": registered_elsewhere(person)})
        if name and person.name != name:
            raise ValidationError({"name": registered_to(person, name)})
        if phone and not person.phone:
            person.phone = phone
            save_person(person)
    else:
        if not scope.can(user, Action.ADD, Person, arrival.area.path):
            raise ValidationError({"area": _("You cannot register people in this area.")})
        person = Person(area=arrival.area, name=name, phone=phone, address=arrival.address)
        person.id_number = number
        person.sex, person.birth_date = id_number_facts(number)
        if arrival.kind == Arrival.Kind.FLOATING:
            person.residency = Person.Residency.FLOATING
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError:
            # Registered by someone else at the same moment: register the arrival of that person.
            return register_arrival_of(user, arrival, name, number, phone)
        person_created = True
    same = Arrival.objects.filter(person=person, origin=arrival.origin, arrived_on=arrival.arrived_on).first()
    if same is not None:
        return ArrivalRegistered(same, person_created, False)
    arrival.person = person
    return ArrivalRegistered(register_arrival(arrival, user), person_created, True)
