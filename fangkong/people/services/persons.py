"""Saving and merging persons."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core.services import bump_version

from ..models import Household, MoveRequest
from . import households  # households imports this module too: names are read at call time
from .tags import add_tags, set_tags


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
        households.save_household(household)
    if tags is not None:
        set_tags(person, tags)
    return person
