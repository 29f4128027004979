"""The rules of a checkpoint's records, written once for the forms and the API serializers alike."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import scope
from fangkong.core.roles import Role

from .models import Traveller


def check_traveller(data):
    """A person is found again by ID number or phone; turning back needs a reason; letting through needs
    somewhere to go (a village of the city, or a place outside it)."""
    errors = {}
    if not data.get("id_number") and not data.get("phone"):
        errors["id_number"] = _("Give the ID number or a phone number.")
    decision = data.get("decision") or Traveller.Decision.LET_THROUGH
    if decision == Traveller.Decision.TURNED_BACK and not (data.get("reason") or "").strip():
        errors["reason"] = _("Say why the person was turned back.")
    if decision == Traveller.Decision.LET_THROUGH and not data.get("destination") and not data.get("destination_text"):
        errors["destination"] = _("Where is the person going? Pick the village, or type a place outside the city.")
    if errors:
        raise ValidationError(errors)


# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = datetime.timedelta(minutes=5)


def check_passed_at(moment, now=None):
    """A passage registered later (a phone offline) keeps its time; a time ahead of now is a mistake."""
    if moment > (now or timezone.now()) + CLOCK_SKEW:
        raise ValidationError(_("This time has not come yet."), code="future")
    return moment


def check_shift(checkpoint, starts_at, ends_at, staff):
    """A shift ends after it starts, and its staff hold the checkpoint role over the checkpoint's area."""
    errors = {}
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("The shift must end after it starts.")
    if checkpoint is not None:
        strangers = [user for user in staff if not scope.has_role(user, [Role.CHECKPOINT], checkpoint.area_path)]
        if strangers:
            names = "、".join(str(user) for user in strangers)
            errors["staff"] = _("Not checkpoint staff of %(area)s: %(names)s.") % {
                "area": checkpoint.area.short_name,
                "names": names,
            }
    if errors:
        raise ValidationError(errors)
