"""Households and responsibility (包组联户)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.areas.models import Area
from fangkong.core import changelog, scope
from fangkong.core.models import ChangeLogEntry, snapshot
from fangkong.core.roles import MANAGERS, Action
from fangkong.core.services import bump_version
from fangkong.core.validators import id_number_facts

from ..models import Household, Person
from . import persons as person_services  # persons imports this module too: names are read at call time
from .identity import find_by_id_number, registered_elsewhere

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
            person_services.save_person(person)
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
