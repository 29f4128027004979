"""Screening rounds and visits."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.roles import Action
from fangkong.core.validators import id_number_facts

from ..models import Arrival, Person
from .arrivals import register_arrival
from .identity import find_by_id_number, registered_elsewhere


def check_round(area, deadline, today=None):
    """A round covers a town or a village, and its deadline is not in the past."""
    errors = {}
    if area.level not in (Area.Level.TOWN, Area.Level.VILLAGE):
        errors["area"] = _("A screening round covers a town or a village.")
    if deadline < (today or timezone.localdate()):
        errors["deadline"] = _("The deadline cannot be in the past.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def open_round(user, area, title, deadline):
    """Open a round; the same submission sent twice (a retry) returns the round it opened: (round, created)."""
    from ..models import ScreeningRound

    check_round(area, deadline)
    if not scope.can(user, Action.ADD, ScreeningRound, area.path):
        raise ValidationError({"area": _("You can only open rounds in your own area.")})
    same = ScreeningRound.objects.filter(
        area=area, title=title, deadline=deadline, opened_by=user, opened_on=timezone.localdate(), closed_on=None
    ).first()
    if same is not None:
        return same, False
    screening_round = ScreeningRound(area=area, title=title, deadline=deadline, opened_by=user)
    screening_round.save()
    return screening_round, True


@transaction.atomic
def close_round(screening_round, user):
    from ..models import ScreeningRound

    if not ScreeningRound.objects.restrict(user, Action.CHANGE).filter(pk=screening_round.pk).exists():
        raise ValidationError(_("Only the officers of the round's area close it."))
    if screening_round.closed_on is None:
        screening_round.closed_on = timezone.localdate()
        screening_round.save()
    return screening_round


@dataclass
class ArrivalFound:
    """Someone found on a visit who arrived from elsewhere (name, origin county, optional ID number)."""

    name: str
    origin: object  # fangkong.areas.models.Division
    id_number: str = ""  # normalised (core.fields)
    arrived_on: object = None  # a date; the visit's date when unknown
    fever: bool = False


@transaction.atomic
def record_visit(user, screening_round, household, values, arrivals=(), fever_members=()):
    """Record a household's visit in a round, or update the visit already recorded (one per household
    and round, so a retry is not counted twice). Arrivals found become persons and arrivals (flagged
    from a risk area at once); members with fever are flagged. One transaction: (visit, created)."""
    from django.db import IntegrityError

    from ..models import ScreeningVisit

    if screening_round.closed_on is not None:
        raise ValidationError(_("This round was closed on %(date)s.") % {"date": screening_round.closed_on})
    if not scope.is_within(household.area_path, screening_round.area_path):
        raise ValidationError({"household": _("This household is not in the round's area.")})
    visit = ScreeningVisit.objects.select_for_update().filter(round=screening_round, household=household).first()
    created = visit is None
    action = Action.ADD if created else Action.CHANGE
    if not scope.can(user, action, ScreeningVisit, household.area_path):
        raise ValidationError({"household": _("You cannot record visits to this household.")})
    fever_members = list(fever_members)
    members = list(
        household.members.restrict(user, Action.CHANGE).filter(pk__in=[person.pk for person in fever_members])
    )
    if len(members) != len(fever_members):
        raise ValidationError(
            {"fever_members": _("Only members of this household whom you may change can be flagged here.")}
        )
    values = {**values}
    values["arrivals_found"] = values.get("arrivals_found", False) or bool(arrivals)
    values["symptoms_found"] = values.get("symptoms_found", False) or bool(members)
    if created:
        visit = ScreeningVisit(round=screening_round, household=household)
    visit.area = household.area
    visit.visited_by = user
    for name, value in values.items():
        setattr(visit, name, value)
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        # Recorded by someone else at the same moment: this submission updates theirs.
        visit.pk = ScreeningVisit.objects.get(round=screening_round, household=household).pk
        visit._state.adding = False
        created = False
        visit.save()
    fevers = set(members)
    for found in arrivals:
        arrival = _arrival_found(user, household, found, visit.visited_on)
        if found.fever:
            fevers.add(arrival.person)
    # The visit keeps who had a fever: reported to the register, red until ruled out (core.person_status).
    visit.fever_members.add(*fevers)
    return visit, created


def _arrival_found(user, household, found, visited_on):
    person = None
    number = found.id_number
    if number:
        existing = find_by_id_number(number, user, field="arrival_id_number")
        if existing is not None and not existing.visible:
            raise ValidationError({"arrival_id_number": registered_elsewhere(existing.person)})
        person = existing.person if existing else None
    elif found.name:
        # No ID number: the same name in this household is the same person (a retry, or a second visit).
        person = household.members.filter(name=found.name, id_number_hash=None).first()
    if person is None:
        if not scope.can(user, Action.ADD, Person, household.area_path):
            raise ValidationError({"arrival_name": _("You cannot register people in this household's area.")})
        person = Person(area=household.area, household=household, name=found.name, address=household.address)
        if number:
            person.id_number = number
            if len(number) == 18:
                person.sex, person.birth_date = id_number_facts(number)
        person.save()
    arrived_on = found.arrived_on or visited_on
    arrival = Arrival.objects.filter(person=person, origin=found.origin, arrived_on=arrived_on).first()
    if arrival is None:
        arrival = Arrival(
            person=person,
            origin=found.origin,
            arrived_on=arrived_on,
            area=household.area,
            address=household.address,
            fever=found.fever,
        )
        register_arrival(arrival, user)
    return arrival
