from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class OutOfScope(ValidationError):
    pass


def save_in_scope(user, action, save):
    """Run ``save`` (which returns the saved object) in a transaction; undo it if the object would
    end up outside the user's scope, so nobody moves a record out of their own area."""
    with transaction.atomic():
        obj = save()
        model = type(obj)
        if not model.objects.restrict(user, action).filter(pk=obj.pk).exists():
            raise OutOfScope({model.scope_form_field: _("You cannot put a record outside your own area.")})
    return obj


class ConcurrentEdit(ValidationError):
    """The record was saved by someone else since the form (or API client) read it: the web page shows
    it on the form, the API answers 409 naming ``field``."""

    field = "version"


def bump_version(record, expected_version, stale_message):
    """Count a save of an existing record in its ``version`` (an F() increment in the database, so two
    saves never both pass); with ``expected_version`` refuse it (ConcurrentEdit) if the record changed
    meanwhile."""
    if record.pk is None or record._state.adding:
        return
    rows = type(record).objects.filter(pk=record.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(version=F("version") + 1):
        raise ConcurrentEdit(stale_message, code="stale_version")
    record.version = type(record).objects.filter(pk=record.pk).values_list("version", flat=True).get()
