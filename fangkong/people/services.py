"""Writes to the register: one transaction each, change-logged, deduplicated by ID number."""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from fangkong.areas.models import Area, Division, RiskArea
from fangkong.core import changelog, crypto, scope
from fangkong.core.context import current
from fangkong.core.models import ChangeLogEntry, snapshot
from fangkong.core.roles import MANAGERS, Action
from fangkong.core.services import bump_version
from fangkong.core.validators import id_number_facts

from .models import REVEALING_ROLES, Arrival, Household, IdNumberReveal, KeyPersonTag, MoveRequest, Person


@dataclass
class Existing:
    """A person with this ID number is registered already; ``visible`` says whether in the user's scope."""

    person: Person
    visible: bool


class LookupLimitReached(ValidationError):
    """The user has used today's exact ID-number look-ups (settings.ID_LOOKUP_DAILY_LIMIT)."""


def find_by_id_number(number, user, field=None):
    """The person registered with this full ID number, if any (``Existing``), else None.

    Every answer tells whether a number is registered, so for a user who may not reveal the number
    the look-up is logged and limited per day (``log_id_lookup``): the masked number and the birth
    year leave a few dozen candidates, and an unlimited look-up would tell which one is right.
    Past the limit, LookupLimitReached names ``field`` if given.
    """
    digest = crypto.lookup_hash(number)
    person = Person.objects.filter(id_number_hash=digest).select_related("area").first()
    try:
        log_id_lookup(user, digest, person)
    except LookupLimitReached as error:
        if field is None:
            raise
        raise LookupLimitReached({field: error.error_list}) from error
    if person is None:
        return None
    return Existing(person, Person.objects.restrict(user).filter(pk=person.pk).exists())


def may_reveal_somewhere(user):
    paths = scope.scope_paths(user, REVEALING_ROLES)
    return paths is None or bool(paths)


def log_id_lookup(user, digest, person):
    """Log an exact look-up by a user who may not reveal the number, refusing it past the day's limit.

    Looking up a person one registered oneself (one typed the number in) is logged but neither
    counted nor refused: a grid worker registering door to door finds again whom they registered.
    """
    if not getattr(user, "is_authenticated", False):
        return
    if person.can_reveal(user) if person is not None else may_reveal_somewhere(user):
        return
    earlier = list(lookups_today(user).values_list("number_hash", flat=True))
    own = registered_by(user, {*earlier, digest})
    limit = settings.ID_LOOKUP_DAILY_LIMIT
    if digest not in own and sum(1 for earlier_digest in earlier if earlier_digest not in own) >= limit:
        raise LookupLimitReached(
            ngettext(
                "You have looked up %(limit)d full ID number today, the most allowed for your role. "
                "Search by name or the last four characters, or ask an officer.",
                "You have looked up %(limit)d full ID numbers today, the most allowed for your role. "
                "Search by name or the last four characters, or ask an officer.",
                limit,
            )
            % {"limit": limit},
            code="id_lookup_limit",
        )
    if person is not None:
        area_path = person.area_path
    else:
        paths = scope.scope_paths(user, Person.roles_by_action[Action.VIEW]) or [""]
        area_path = paths[0]
    IdNumberReveal.objects.create(
        kind=IdNumberReveal.Kind.LOOKUP,
        user=user,
        person=person,
        person_name=person.name if person is not None else "",
        number_hash=digest,
        request_id=current().request_id,
        area_path=area_path,
    )


def lookups_today(user):
    """The user's exact look-ups since midnight, the ones the daily limit counts."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return IdNumberReveal.objects.filter(kind=IdNumberReveal.Kind.LOOKUP, user=user, time__gte=today)


def registered_by(user, digests):
    """Of these number hashes, those of persons the user registered (the change log's create entry)."""
    persons = dict(Person.objects.filter(id_number_hash__in=digests).values_list("pk", "id_number_hash"))
    created = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person),
        kind=ChangeLogEntry.Kind.CREATE,
        user=user,
        object_id__in=[str(pk) for pk in persons],
    ).values_list("object_id", flat=True)
    return {persons[int(pk)] for pk in created}


def add_tags(person, *codes):
    """Flag a person with key-person categories, logging the change like any field."""
    tags = list(KeyPersonTag.objects.filter(code__in=codes).exclude(person=person))
    if tags:
        before = tag_codes(person)
        person.tags.add(*tags)
        _log_tags(person, before)


def set_tags(person, tags):
    before = tag_codes(person)
    person.tags.set(tags)
    _log_tags(person, before)


def tag_codes(person):
    return sorted(person.tags.values_list("code", flat=True))


def _log_tags(person, before):
    after = tag_codes(person)
    if before != after:
        entry = changelog.record(person, ChangeLogEntry.Kind.UPDATE, before={**snapshot(person), "tags": before})
        if entry is not None:
            entry.after = {**entry.after, "tags": after}
            entry.save(update_fields=["after"])


def risk_area_for(division, on_date):
    """The risk area in force on the date that the division lies in (itself, its prefecture or province)."""
    return (
        RiskArea.objects.filter(division__code__in=Division.enclosing_codes(division.code), valid_from__lte=on_date)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on_date))
        .order_by("-level", "valid_from")
        .first()
    )


class RiskAreas:
    """Every risk area in memory, with the rule of ``risk_area_for``: for checking many arrivals at once."""

    def __init__(self):
        self.by_code = defaultdict(list)
        for risk in RiskArea.objects.select_related("division"):
            self.by_code[risk.division.code].append(risk)

    def find(self, division, on_date):
        candidates = [
            risk
            for code in Division.enclosing_codes(division.code)
            for risk in self.by_code.get(code, ())
            if risk.valid_from <= on_date and (risk.valid_until is None or risk.valid_until >= on_date)
        ]
        candidates.sort(key=lambda risk: (-risk.level, risk.valid_from))
        return candidates[0] if candidates else None


@transaction.atomic
def save_risk_area(risk_area):
    """Save a risk area, then apply it to the arrivals already registered (see ``apply_risk_area``)."""
    previous = RiskArea.objects.filter(pk=risk_area.pk).select_related("division").first() if risk_area.pk else None
    risk_area.save()
    divisions = {risk_area.division.code} | ({previous.division.code} if previous else set())
    return sum(apply_risk_area(code) for code in divisions)


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


def add_tags_in_bulk(flags, tags=None):
    """Flag many persons at once: ``flags`` maps a person to category codes. One insert into the
    tags table, one change-log entry for each person whose categories changed."""
    if not flags:
        return
    tags = tags or {tag.code: tag for tag in KeyPersonTag.objects.all()}
    through = Person.tags.through
    before = defaultdict(set)
    for person_id, code in through.objects.filter(person_id__in=[p.pk for p in flags]).values_list(
        "person_id", "keypersontag__code"
    ):
        before[person_id].add(code)
    links, entries = [], []
    for person, codes in flags.items():
        added = {code for code in codes if code in tags} - before[person.pk]
        if not added:
            continue
        links.extend(through(person_id=person.pk, keypersontag_id=tags[code].pk) for code in added)
        data = snapshot(person)
        tags_before, tags_after = sorted(before[person.pk]), sorted(before[person.pk] | added)
        entries.append((person, {**data, "tags": tags_before}, {**data, "tags": tags_after}))
    through.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    changelog.insert_entries(ChangeLogEntry.Kind.UPDATE, entries)


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
    lies in, and its person is flagged for what it says (a correction adds flags, never removes them)."""
    arrival.risk_area = risk_area_for(arrival.origin, arrival.arrived_on)
    arrival.save()
    flags = []
    if arrival.risk:
        flags.append(KeyPersonTag.FROM_RISK_AREA)
    if arrival.contact_with_cases:
        flags.append(KeyPersonTag.CLOSE_CONTACT)
    if arrival.fever:
        flags.append(KeyPersonTag.FEVER)
    add_tags(arrival.person, *flags)
    return arrival


def user_label(user):
    """How a user is named on a form: their full name, else their user name."""
    if not getattr(user, "is_authenticated", False):
        return ""
    # The account's own full-name field: AbstractUser.get_full_name() joins first and last names,
    # which Fangkong never fills in.
    return (getattr(user, "full_name", "") or user.get_username())[:50]


def reveal_id_number(person, user):
    """The full ID number, for roles that may see it; every reveal is logged."""
    if not Person.objects.restrict(user, Action.VIEW).filter(pk=person.pk).exists():
        raise ValidationError(_("This person is not in your area."))
    if not person.can_reveal(user):
        raise ValidationError(MAY_NOT_REVEAL)
    IdNumberReveal.objects.create(
        user=user,
        person=person,
        person_name=person.name,
        number_hash=person.id_number_hash or "",
        request_id=current().request_id,
        area_path=person.area_path,
    )
    return person.id_number


@transaction.atomic
def request_move(person, to_area, user, reason=""):
    """Ask the person's area to move them into ``to_area``. Asking again while one's own request for
    the same place is pending returns it; another area's request is never shown to the asker."""
    if not scope.can(user, Action.ADD, Person, to_area.path):
        raise ValidationError({"to_area": _("You can only move people into your own area.")})
    pending = pending_move(person, to_area, user)
    if pending:
        return pending
    return MoveRequest.objects.create(
        person=person, area=person.area, to_area=to_area, reason=reason, requested_by=user
    )


def pending_move(person, to_area, user):
    return MoveRequest.objects.filter(
        person=person, to_area=to_area, requested_by=user, status=MoveRequest.Status.PENDING
    ).first()


@transaction.atomic
def decide_move(move, user, accept):
    """The managers of the person's current area decide; accepted, the person (and their history)
    moves, and the other pending requests for them are declined: they no longer apply."""
    move = MoveRequest.objects.select_for_update().get(pk=move.pk)
    if move.status != MoveRequest.Status.PENDING:
        raise ValidationError(_("This request was already decided."))
    person = move.person
    if not Person.objects.restrict(user, Action.CHANGE).filter(pk=person.pk).exists():
        raise ValidationError(_("Only the person's current area decides."))
    if not MoveRequest.objects.restrict(user, Action.CHANGE).filter(pk=move.pk).exists():
        raise ValidationError(_("Only the person's current area decides."))
    _decide(move, user, accept)
    if accept:
        for other in MoveRequest.objects.filter(person=person, status=MoveRequest.Status.PENDING).exclude(pk=move.pk):
            _decide(other, user, accept=False)
        person.area = move.to_area
        person.household = None
        person.responsible = None
        save_person(person)
        # The person's history moves with them: the new area's officers follow their arrivals.
        for arrival in person.arrivals.all():
            arrival.area = move.to_area
            arrival.save()
    return move


def _decide(move, user, accept):
    move.status = MoveRequest.Status.ACCEPTED if accept else MoveRequest.Status.DECLINED
    move.decided_by = user
    move.decided_at = timezone.now()
    move.save()


@transaction.atomic
def merge_people(keep, duplicate):
    """Fold a duplicate registered without an ID number into the person kept; its records follow.

    A record with an ID number is never the duplicate: the number is registered once, and its
    record (with its reveal log) is the one kept. This is the one place that refuses it, whatever
    page or client asks.
    """
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different people."))
    if duplicate.id_number_hash:
        raise ValidationError(
            _("%(name)s has an ID number: merge the record without one into it, not the other way round.")
            % {"name": duplicate.name}
        )
    # The reveal log follows the person: nothing about who saw what is lost with the duplicate.
    duplicate.reveals.update(person=keep)
    for arrival in duplicate.arrivals.all():
        arrival.person = keep
        arrival.save()
    add_tags(keep, *duplicate.tags.values_list("code", flat=True))
    for field in ("phone", "birth_date", "household", "responsible", "doctor", "address"):
        if not getattr(keep, field) and getattr(duplicate, field):
            setattr(keep, field, getattr(duplicate, field))
    save_person(keep)
    duplicate.delete()
    return keep


@transaction.atomic
def save_person(person, expected_version=None, tags=None):
    """Save a person, bumping ``version`` in the database (an F() increment, so two saves never
    both pass); with ``expected_version`` the save is refused if the record changed meanwhile."""
    bump_version(
        person,
        expected_version,
        _(
            "Someone else changed this person since you opened the form. Your changes were not saved: "
            "open the person again to see theirs, then make yours."
        ),
    )
    person.save()
    # Pending move requests follow the person: the managers of the area they are in now decide.
    for move in MoveRequest.objects.filter(person=person, status=MoveRequest.Status.PENDING).exclude(
        area=person.area_id
    ):
        move.area = person.area
        move.save()
    # A head who leaves the household is its head no more; the officers pick the next one.
    for household in Household.objects.filter(head=person).exclude(pk=person.household_id):
        household.head = None
        save_household(household)
    if tags is not None:
        set_tags(person, tags)
    return person


# --- households and responsibility (包组联户) ---------------------------------------------------

# Who assigns responsible cadres and doctors in bulk: officers and commanders, not grid workers.
ASSIGN_ROLES = MANAGERS


@transaction.atomic(savepoint=False)
def save_household(household, expected_version=None):
    """Save a household, bumping ``version`` in the database; with ``expected_version`` the save is
    refused (ConcurrentEdit) if someone else saved it since the form or API client read it."""
    bump_version(
        household,
        expected_version,
        _(
            "Someone else saved this household while you were editing it. Your input is kept below "
            "but was not saved: compare it with their changes, then save again."
        ),
    )
    household.save()
    return household


# What someone outside a person's area is told when they type that person's ID number: neither
# the name nor the area below the county (docs/privacy.md). One wording for forms, API and imports.
REGISTERED_ELSEWHERE = gettext_lazy(
    "This ID number is registered in another area (%(county)s). Nobody is registered twice: "
    "request a move into your area."
)


def county_name(area_path):
    """The county of an area path (city.county.town...), by name: all an outsider is told."""
    from fangkong.areas.models import Area

    codes = area_path.split(".")
    county = Area.objects.filter(code=codes[1]).first() if len(codes) > 1 else None
    return str(county) if county else ""


def registered_elsewhere(person):
    return REGISTERED_ELSEWHERE % {"county": county_name(person.area_path)}


def id_number_taken(existing):
    """What a user typing a registered ID number is told (``Existing``): who and where if they may
    see the person, else the county only."""
    from .scoping import area_full_name

    person = existing.person
    if not existing.visible:
        return registered_elsewhere(person)
    return _("This ID number is already registered: person %(id)s, %(name)s in %(area)s.") % {
        "id": person.pk,
        "name": person.name,
        "area": area_full_name(person.area),
    }


def registered_to(person, name):
    """The ID number is someone else's than the name typed beside it."""
    return _("This ID number is registered to %(registered)s, not %(given)s: check both.") % {
        "registered": person.name,
        "given": name,
    }


# The unique ID-number hash caught a registration made by another request a moment ago.
REGISTERED_MEANWHILE = gettext_lazy("This ID number was registered a moment ago by someone else.")
MAY_NOT_REVEAL = gettext_lazy("Your role may not see full ID numbers.")
# An arrival found on a visit is registered by name or ID number: one of them is needed.
NAME_OR_ID_NUMBER = gettext_lazy("Give the name (or the ID number) of the person who arrived.")


@transaction.atomic
def add_member(household, user, name, id_number="", sex="", birth_date=None, phone=""):
    """Register a person into a household, or link the one already registered with this ID number.

    Returns (person, created). An ID number registered outside the user's scope is refused, saying
    only that (and the county): the user may request a move; nothing is created then. ``id_number``
    and ``phone`` come normalised (core.fields).
    """
    if not scope.can(user, Action.ADD, Person, household.area_path):
        raise ValidationError(_("You may not register people in this area."))
    if id_number:
        existing = find_by_id_number(id_number, user, field="id_number")
        if existing is not None:
            person = existing.person
            if not existing.visible:
                raise ValidationError({"id_number": registered_elsewhere(person)})
            if not Person.objects.restrict(user, Action.CHANGE).filter(pk=person.pk).exists():
                raise ValidationError({"id_number": _("This person is registered already; you may not change them.")})
            if person.household_id == household.pk:
                return person, False
            person.household = household
            person.area = household.area
            save_person(person)
            return person, False
    person = Person(area=household.area, household=household, name=name, phone=phone)
    if id_number:
        person.id_number = id_number
        person.sex, person.birth_date = id_number_facts(id_number)
    else:
        person.sex = sex or Person.Sex.UNKNOWN
        person.birth_date = birth_date
    person.save()
    return person, True


def _assign(rows, values):
    """Set ``values`` on the rows that differ, in one bulk update, one change-log entry each."""
    rows = list(rows)
    changed = [
        row
        for row in rows
        if any(getattr(row, f"{name}_id") != getattr(value, "pk", value) for name, value in values.items())
    ]
    if not changed:
        return 0
    befores = {row.pk: snapshot(row) for row in changed}
    now = timezone.now()
    for row in changed:
        for name, value in values.items():
            setattr(row, name, value)
        row.version += 1
        row.last_updated = now
    model = type(changed[0])
    model.objects.bulk_update(changed, [*values, "version", "last_updated"], batch_size=1000)
    changelog.record_many(changed, ChangeLogEntry.Kind.UPDATE, befores)
    return len(changed)


@transaction.atomic
def assign_households(households, responsible):
    """One responsible cadre for every household of the queryset (already restricted by the caller).

    The bulk path: rows are locked, updated with one statement per 1,000 and change-logged with
    their before-snapshots in one insert. Returns how many households changed.
    """
    return _assign(households.select_for_update().order_by("pk"), {"responsible": responsible})


@transaction.atomic
def assign_key_persons(persons, responsible=None, doctor=None):
    """A responsible cadre and/or a village doctor for every person of the queryset; None leaves it."""
    values = {name: user for name, user in (("responsible", responsible), ("doctor", doctor)) if user is not None}
    if not values:
        return 0
    return _assign(persons.select_for_update().order_by("pk"), values)


# --- screening rounds and visits ------------------------------------------------------------------


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
    from .models import ScreeningRound

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
    from .models import ScreeningRound

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

    from .models import ScreeningVisit

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
    for found in arrivals:
        _arrival_found(user, household, found, visit.visited_on)
    for person in members:
        add_tags(person, KeyPersonTag.FEVER)
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
    elif found.fever:
        add_tags(person, KeyPersonTag.FEVER)
    return arrival


def responsible_candidates(user, roles=None):
    """Users the user may name as responsible: anyone holding a role (one of ``roles`` if given) in an
    area of the user's scope, or in the village above it, so a grid worker can name a village cadre."""
    from fangkong.accounts.models import User

    users = User.objects.filter(is_active=True)
    memberships = {}
    if roles is not None:
        memberships["memberships__role__in"] = roles
    paths = scope.scope_paths(user, Household.roles_by_action[Action.VIEW])
    if paths is None:
        return users.filter(pk__in=User.objects.filter(memberships__isnull=False, **memberships).values("pk"))
    if not paths:
        return users.none()
    villages = {Area.path_at_level(path, Area.Level.VILLAGE) for path in paths}
    # Inside a village: its cadres too (a village's own path is in the subtree already).
    condition = scope.paths_q("memberships__area__path", paths) | Q(memberships__area__path__in=villages)
    return users.filter(pk__in=User.objects.filter(condition, **memberships).values("pk"))


# --- arrivals (返乡/来商人员) and risk areas ---------------------------------------------------------


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


@transaction.atomic
def end_risk_area(risk_area, on_date=None):
    """A risk area is no longer one from today (or the given date) on: arrivals after it are not flagged."""
    on_date = on_date or timezone.localdate()
    if risk_area.valid_from > on_date:
        raise ValidationError(
            _("This risk area only starts on %(date)s: change its dates instead.") % {"date": risk_area.valid_from}
        )
    if risk_area.valid_until is None or risk_area.valid_until > on_date:
        risk_area.valid_until = on_date
        save_risk_area(risk_area)
    return risk_area
