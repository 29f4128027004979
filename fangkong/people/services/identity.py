"""ID numbers: finding a person by one, the daily reveal limit and log, what a user is told of a registered one."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from fangkong.core import crypto, scope
from fangkong.core.context import current
from fangkong.core.models import ChangeLogEntry
from fangkong.core.roles import Action

from ..models import REVEALING_ROLES, IdNumberReveal, Person


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
    from ..scoping import area_full_name

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
