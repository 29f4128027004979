"""Writes of the checkpoints app: a passage with its people (one transaction, idempotent), the fever
notices it raises, accepting a hand-over into the register, and the sweep of overdue hand-overs."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fangkong.areas.models import Area
from fangkong.core import changelog, jobs, scope
from fangkong.core.models import ChangeLogEntry, snapshot
from fangkong.core.roles import Action, Role
from fangkong.health.alerts import services as alerts
from fangkong.health.alerts.models import Alert
from fangkong.health.alerts.services import members_at
from fangkong.health.models import Protocol
from fangkong.people import services as people_services
from fangkong.people.models import Arrival, Person

from .models import Checkpoint, HandOver, Passage, Traveller

TRANSPORT_BY_VEHICLE = {Passage.VehicleKind.COACH: Arrival.Transport.COACH}


class HandOverClosed(ValidationError):
    """The hand-over was accepted or marked not arrived meanwhile."""


# --- where people may be bound ------------------------------------------------------------------


def city_paths(user):
    """The paths of the cities holding the areas where the user may register passages; None: all."""
    paths = scope.scope_paths(user, Passage.roles_by_action[Action.ADD])
    if paths is None:
        return None
    return sorted({Area.path_at_level(path, Area.Level.CITY) for path in paths})


def destinations_for(user):
    """The villages a person let through by this user may be handed over to: those of their city.
    Village names are not the register: checkpoint staff pick any village of the city."""
    return Area.objects.filter(scope.paths_q("path", city_paths(user)), level=Area.Level.VILLAGE).pickable()


def checkpoints_for(user):
    """The checkpoints in use where the user may register passages."""
    paths = scope.scope_paths(user, Passage.roles_by_action[Action.ADD])
    return Checkpoint.objects.filter(scope.paths_q("area_path", paths), active=True)


@transaction.atomic
def delete_checkpoint(checkpoint):
    """Delete a checkpoint that has registered nobody; one with passages is kept for them."""
    if checkpoint.passages.exists():
        raise ValidationError(
            _("%(checkpoint)s has registered passages and is kept with them: mark it as not in use instead.")
            % {"checkpoint": checkpoint}
        )
    checkpoint.delete()


# --- registering a passage ----------------------------------------------------------------------


def duplicate_of(passage):
    """A passage of the same plate at the same checkpoint within CHECKPOINTS_DUPLICATE_MINUTES."""
    window = datetime.timedelta(minutes=settings.CHECKPOINTS_DUPLICATE_MINUTES)
    return (
        Passage.objects.filter(
            checkpoint=passage.checkpoint,
            plate=passage.plate,
            passed_at__gte=passage.passed_at - window,
            passed_at__lte=passage.passed_at + window,
        )
        .order_by("passed_at", "pk")
        .first()
    )


def normalise_plate(plate):
    """陕H·12345, 陕h 12345 and 陕H12345 are one plate."""
    return "".join(plate.split()).replace("·", "").replace("-", "").upper()


def record_passage(passage, travellers, user):
    """Save a passage with its travellers, their hand-overs and fever notices, in one transaction.

    Returns (passage, created). The same key again, or the same plate at the same checkpoint within
    CHECKPOINTS_DUPLICATE_MINUTES, is the passage already saved (created False, nothing added)."""
    passage.plate = normalise_plate(passage.plate)
    # A retry (the same key) is found as the same plate within minutes, or by the key's unique index:
    # no look-up of the key before every new car.
    try:
        with transaction.atomic():
            # One passage at a time per checkpoint: two staff saving the same car find each other.
            Checkpoint.objects.select_for_update().filter(pk=passage.checkpoint_id).first()
            duplicate = duplicate_of(passage)
            if duplicate is not None:
                return duplicate, False
            _save_passage(passage, travellers, user)
    except IntegrityError:
        existing = Passage.objects.filter(key=passage.key).first()
        if existing is None:
            raise
        return existing, False
    return passage, True


def _save_passage(passage, travellers, user):
    """The passage, its people and their hand-overs in one insert each, and their change-log entries
    in one more (``changelog.record_many``, as the register's bulk writes log theirs): a car of four
    is four writes, not eighteen."""
    checkpoint = passage.checkpoint
    area = checkpoint.area  # read once: every row of the passage is filed under it
    passage.area, passage.area_path = area, area.path
    if getattr(user, "is_authenticated", False):
        passage.recorded_by = user
    Passage.objects.bulk_create([passage])
    protocol = Protocol.in_force(timezone.localdate(passage.passed_at))
    due_at = passage.passed_at + datetime.timedelta(hours=settings.CHECKPOINTS_HANDOVER_HOURS)
    handovers = []
    for traveller in travellers:
        traveller.passage, traveller.area, traveller.area_path = passage, area, area.path
        traveller.fever = bool(
            protocol and traveller.temperature is not None and traveller.temperature >= protocol.fever_threshold
        )
    Traveller.objects.bulk_create(travellers)
    for traveller in travellers:
        if traveller.decision == Traveller.Decision.LET_THROUGH and traveller.destination_id:
            destination = traveller.destination
            handovers.append(
                HandOver(
                    traveller=traveller,
                    checkpoint=checkpoint,
                    checkpoint_path=checkpoint.area_path,
                    area=destination,
                    area_path=destination.path,
                    due_at=due_at,
                )
            )
        else:
            traveller._state.fields_cache["handover"] = None  # known to have none: no query to ask
    HandOver.objects.bulk_create(handovers)
    changelog.record_many([passage, *travellers, *handovers], ChangeLogEntry.Kind.CREATE)
    for traveller in travellers:
        if traveller.fever:
            tell_fever(traveller, protocol)


def fever_recipients(traveller):
    """For someone bound to a village of the city, that village's officers and doctors: they meet the
    person next. (The checkpoint's area's officers are told by the alert.)"""
    if not traveller.destination_id:
        return []
    users = members_at(traveller.destination.path, [Role.OFFICER, Role.DOCTOR])
    return list({user.pk: user for user in users}.values())


def fever_place(traveller):
    """Where and when: the checkpoint, the local time and the plate (an alert's ``place``)."""
    passage = traveller.passage
    return f"{passage.checkpoint.name}, {timezone.localtime(passage.passed_at):%Y-%m-%d %H:%M}, {passage.plate}"


def describe_fever(traveller):
    passage = traveller.passage
    values = {
        "checkpoint": passage.checkpoint.name,
        "time": f"{timezone.localtime(passage.passed_at):%Y-%m-%d %H:%M}",
        "name": traveller.name,
        "temperature": traveller.temperature,
        "destination": traveller.destination_label or "—",
        "plate": passage.plate,
    }
    return (
        _("Fever at %(checkpoint)s, %(time)s: %(name)s, %(temperature)s °C, %(plate)s, bound for %(destination)s")
        % values
    )


def tell_fever(traveller, protocol):
    """A fever at the checkpoint raises the health app's fever alert, filed under the checkpoint's area:
    its officers and commanders are told, and the county's if nobody acknowledges it in the protocol's
    time, like any fever alert. The destination village's officers and doctors get a notice too."""
    passage = traveller.passage
    alerts.raise_at_place(
        f"traveller:{traveller.pk}",
        Alert.Kind.FEVER,
        passage.area,
        name=traveller.name,
        place=fever_place(traveller),
        link=passage.get_absolute_url(),
        temperature=traveller.temperature,
        protocol=protocol,
    )
    users = fever_recipients(traveller)
    if not users:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = describe_fever(traveller)
    for user in users:
        jobs.notify(user, "checkpoint_fever", title, link=passage.get_absolute_url())


# --- the hand-over ------------------------------------------------------------------------------


def arrival_area(user, village):
    """Where the accepting user files the arrival: the village, or for a grid worker their grid in it."""
    roles = Person.roles_by_action[Action.ADD]
    if scope.can(user, Action.ADD, Person, village.path):
        return village
    grid = scope.areas_for(user, roles, [Area.Level.GRID]).filter(parent=village).order_by("path").first()
    return grid or village


def _locked(handover):
    locked = HandOver.objects.select_for_update().filter(pk=handover.pk).first()
    if locked is None or locked.status != HandOver.Status.PENDING:
        raise HandOverClosed(_("This hand-over was accepted or marked as not arrived already."))
    return locked


@transaction.atomic
def accept(handover, user, now=None):
    """The person arrived: the register holds their arrival (origin, date, transport, plate) without
    anything typed again, the person found by ID number or registered in the village, and flagged for
    a risk-area origin or the fever at the checkpoint, as the register's own arrivals are."""
    locked = _locked(handover)
    traveller = Traveller.objects.select_related("passage__checkpoint", "origin").get(pk=locked.traveller_id)
    passage = traveller.passage
    arrival = Arrival(
        area=arrival_area(user, locked.area),
        origin=traveller.origin,
        arrived_on=timezone.localdate(passage.passed_at),
        transport=TRANSPORT_BY_VEHICLE.get(passage.vehicle_kind, Arrival.Transport.CAR),
        trip_number=passage.plate,
        route=passage.checkpoint.name,
        fever=traveller.fever,
    )
    registered = people_services.register_arrival_of(
        user, arrival, traveller.name, traveller.id_number, traveller.phone
    )
    return _decide(locked, user, HandOver.Status.ACCEPTED, now, arrival=registered.arrival)


@transaction.atomic
def not_arrived(handover, user, note, now=None):
    """The person never came: kept with the note, off the pending list."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what is known: who was asked, where the person may be.")})
    return _decide(_locked(handover), user, HandOver.Status.NOT_ARRIVED, now, note=note.strip())


def _decide(handover, user, status, now, **values):
    handover.status = status
    handover.decided_by = user
    handover.decided_at = now or timezone.now()
    for name, value in values.items():
        setattr(handover, name, value)
    handover.save()
    return handover


# --- the sweep ----------------------------------------------------------------------------------


def escalate_overdue(now=None):
    """Send every hand-over pending past its limit up to the town, once: one conditional UPDATE per
    hand-over (two sweeps at once escalate it once), logged, and one notice per town to its officers
    and commanders. Returns the ids escalated."""
    now = now or timezone.now()
    escalated, by_town = [], {}
    candidates = HandOver.objects.overdue(now).filter(escalated_at__isnull=True).select_related("area")
    for handover in candidates.order_by("pk").iterator(chunk_size=500):
        with transaction.atomic():
            before = snapshot(handover)
            if not HandOver.objects.filter(pk=handover.pk, escalated_at__isnull=True).update(
                escalated_at=now, last_updated=now
            ):
                continue
            handover.escalated_at = now
            changelog.record(handover, ChangeLogEntry.Kind.UPDATE, before)
        escalated.append(handover.pk)
        town = Area.path_at_level(handover.area_path, Area.Level.TOWN)
        by_town[town] = by_town.get(town, 0) + 1
    for town, count in by_town.items():
        tell_town(town, count)
    return escalated


def tell_town(town_path, count):
    from django.urls import reverse

    code = town_path.rsplit(".", 1)[-1]
    link = f"{reverse('checkpoints:handover-list')}?status=overdue&area={code}"
    def title():
        return _("%(count)s hand-overs from checkpoints not accepted in time") % {"count": count}

    for user in members_at(town_path, [Role.OFFICER, Role.COMMANDER]):
        jobs.notify(user, "handover_overdue", title, link=link)


@jobs.sweeper
def sweep(now=None):
    """Overdue hand-overs go up to the town."""
    return {"handovers_escalated": escalate_overdue(now)}


# --- the day of a checkpoint --------------------------------------------------------------------


def day_figures(checkpoint, day, now=None):
    """What the checkpoint's page shows for a day: vehicles, people, fevers, turned back, and the
    hand-overs of that day's people by status (pending ones past their limit counted as overdue)."""
    now = now or timezone.now()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    end = start + datetime.timedelta(days=1)
    passages = Passage.objects.filter(checkpoint=checkpoint, passed_at__gte=start, passed_at__lt=end)
    travellers = Traveller.objects.filter(passage__in=passages)
    people = travellers.aggregate(
        people=models.Count("pk"),
        fevers=models.Count("pk", filter=models.Q(fever=True)),
        turned_back=models.Count("pk", filter=models.Q(decision=Traveller.Decision.TURNED_BACK)),
        outside=models.Count("pk", filter=models.Q(destination__isnull=True, decision=Traveller.Decision.LET_THROUGH)),
    )
    handovers = HandOver.objects.filter(traveller__passage__in=passages)
    pending = models.Q(status=HandOver.Status.PENDING)
    counts = handovers.aggregate(
        accepted=models.Count("pk", filter=models.Q(status=HandOver.Status.ACCEPTED)),
        not_arrived=models.Count("pk", filter=models.Q(status=HandOver.Status.NOT_ARRIVED)),
        pending=models.Count("pk", filter=pending & models.Q(due_at__gt=now)),
        overdue=models.Count("pk", filter=pending & models.Q(due_at__lte=now)),
    )
    return {"vehicles": passages.count(), **people, **counts}
