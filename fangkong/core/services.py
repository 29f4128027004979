from functools import reduce

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from . import scope
from .models import RestrictedQuerySet

# Scope lookups that read the saved record itself, or the area it was saved with.
LOCAL_LOOKUPS = frozenset({"path", "area_path", "area__path"})


class OutOfScope(ValidationError):
    pass


def _refuse(model):
    return OutOfScope({model.scope_form_field: _("You cannot put a record outside your own area.")})


def save_in_scope(user, action, save, model=None, path=None):
    """Run ``save`` (which returns the saved object) in a transaction; undo it if the object would
    end up outside the user's scope, so nobody moves a record out of their own area.

    With ``model`` and ``path`` (the area path the record is filed under, known before the write, as
    for a create under its validated area) the check comes first and nothing is written out of scope.
    """
    if path is not None and not scope.can(user, action, model, path):
        raise _refuse(model)
    with transaction.atomic():
        obj = save()
        if not in_scope(user, action, obj):
            raise _refuse(type(obj))
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


def in_scope(user, action, obj):
    """Whether the user may act on the saved object where it now lies. A record scoped by its own
    area (``area_path``, ``area__path``, ``path``) is judged from the values just saved, without a
    query; a lookup through other rows (a to-many one, another record's area) or a model with its own
    ``restrict`` asks the database."""
    model = type(obj)
    lookup = model.scope_lookup
    own_rule = type(model.objects.all()).restrict is not RestrictedQuerySet.restrict
    if not own_rule and (lookup is None or (not model.scope_spans_many and lookup in LOCAL_LOOKUPS)):
        path = reduce(getattr, lookup.split("__"), obj) if lookup else None
        return scope.can(user, action, model, path)
    return model.objects.restrict(user, action).filter(pk=obj.pk).exists()
