"""A person's derived status: the health-code colour with its reason, "under observation" and "fever".

The register shows the status and filters by it, but the records that decide it (observation
episodes, checks, transfers, cases) belong to the health app, which depends on the register. So the
health app registers its derivation here when it is ready (``health.apps``) and the register asks
here, never importing health: the dependency stays one-way. The rules are in docs/architecture.md.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

COLOURS = ("red", "yellow", "green")
COLOUR_LABELS = {"red": _("red"), "yellow": _("yellow"), "green": _("green")}
# The conditions a list filters on (``condition``): the derived categories and the colours.
CONDITIONS = ("fever", "under_observation", "awaiting_observation", *COLOURS)


@dataclass(frozen=True)
class Status:
    """``reason`` is a message with ``%(date)s`` (or ``%(what)s``) placeholders, translated when read."""

    colour: str
    message: str
    date: datetime.date | None = None
    what: str = ""
    under_observation: bool = False
    fever: bool = False

    @property
    def reason(self):
        return str(self.message) % {"date": date_format(self.date, "Y-m-d") if self.date else "", "what": self.what}

    @property
    def label(self):
        return COLOUR_LABELS[self.colour]


_provider = None


def register(provider):
    """``provider`` has ``fields`` (the names ``annotate`` adds), ``annotate(queryset)``,
    ``from_row(person)`` (a ``Status`` from the annotations, or None when the person was not read
    with them) and ``condition(name)`` (a filter expression on persons for a name of ``CONDITIONS``)."""
    global _provider
    _provider = provider


def provider():
    if _provider is None:
        raise ImproperlyConfigured("No person status is registered: fangkong.health must be installed.")
    return _provider


def annotate(queryset):
    """The persons with what their status needs, read in the same query (a few subqueries per row)."""
    return provider().annotate(queryset)


def of(person):
    """The person's status: from the annotations it was read with, else in one query."""
    status = provider().from_row(person)
    if status is None:
        row = annotate(type(person)._default_manager.filter(pk=person.pk)).first()
        status = provider().from_row(row) if row is not None else None
    return status or Status("green", _("No open case, fever or observation"))


def forget(person):
    """After a save: the status is read again when next asked (the records may have changed)."""
    for name in ("_status", *provider().fields):
        person.__dict__.pop(name, None)


def condition(name):
    if name not in CONDITIONS:
        raise ValueError(f"No such status condition: {name}")
    return provider().condition(name)
