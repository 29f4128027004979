"""The indicators of the daily reports: figures every app declares about its own records.

Each app declares its figures in its own ``<app>/indicators.py`` by calling ``register``; the modules
are imported once at start-up (``core.apps.CoreConfig.ready`` runs ``autodiscover``), so a new app adds
its figures to every report, export and dashboard without touching the ``reports`` app, which only
reads this registry.

A ``Count`` indicator is counted from dated records, so that the figure of any past day can be counted
again: ``where(day)`` is the condition (a ``Q``) on the model's rows (already limited to an area's
subtree and the user's scope) that the figure counts on that day, or, where a condition cannot say it
(an annotation, a subquery), ``rows(queryset, day)`` narrows the rows itself. The figures of one model
declared by ``where`` are counted together, in one query (``Count(filter=...)``). Its ``url_name``
and ``params(day)`` name the list the figure links to, filtered the same way (the list adds ``area``:
same scope, same day). A ``Rate`` is a percentage of two counts; reports sum the counts over areas and
divide once (a rate is never averaged).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import get_language

from .figures import percent
from .scope import subtree_q

REGISTRY = {}


def day_start(day):
    """The first moment of a local day, as an aware datetime: dated lookups on datetime fields compare
    with ``day_start(day)`` and ``day_start(day + 1)`` so that they use the column's index as it is."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def day_end(day):
    """The first moment after the local day."""
    return day_start(day + datetime.timedelta(days=1))


def on_day(lookup, day):
    """A datetime ``lookup`` within the local day."""
    return Q(**{f"{lookup}__gte": day_start(day), f"{lookup}__lt": day_end(day)})


def by_end_of(lookup, day):
    """A datetime ``lookup`` set by the end of the local day."""
    return Q(**{f"{lookup}__lt": day_end(day)})


def not_by_end_of(lookup, day):
    """A datetime ``lookup`` empty, or set only after the local day."""
    return Q(**{f"{lookup}__isnull": True}) | Q(**{f"{lookup}__gte": day_end(day)})


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    # The app's group heading in a table ("返乡人员"), Chinese and English.
    group_zh: str = ""
    group_en: str = ""

    @property
    def name(self):
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    @property
    def group(self):
        return self.group_en if (get_language() or "").startswith("en") else self.group_zh

    @property
    def is_rate(self):
        return isinstance(self, Rate)


@dataclass(frozen=True)
class Count(Indicator):
    model: str = ""  # "people.Arrival"
    where: Callable = None  # where(day) -> Q: the rows counted on the day
    rows: Callable = None  # rows(queryset, day) -> the rows counted on the day, where ``where`` cannot say it
    url_name: str = ""
    params: Callable = lambda day: {}  # the list's filters for the day, besides the area
    distinct: str = ""  # count the distinct values of this field (people), not the rows
    total: str = ""  # sum this field of the rows (a tally of changes per day), instead of counting them
    path_field: str = "area_path"  # the rows' area path: what is grouped by area
    # False for figures about the reports themselves (how many villages confirmed): a village's
    # confirmation freezes the figures it confirms, not its own confirmation.
    confirmed: bool = True

    def model_class(self):
        return apps.get_model(self.model)

    def subtree(self, area, user=None):
        """The model's rows in the area's subtree, among those the user may view (every row when
        ``user`` is None: the periodic sweep and the confirmation's frozen figures)."""
        model = self.model_class()
        queryset = model.objects.all() if user is None else model.objects.restrict(user)
        return queryset.filter(subtree_q(self.path_field, area.path))

    def select(self, rows, day):
        """Of ``rows``, those counted on the day."""
        return rows.filter(self.where(day)) if self.where else self.rows(rows, day)

    def records(self, area, day, user=None):
        """The rows counted for the area's subtree on the day, among those the user may view."""
        return self.select(self.subtree(area, user), day)

    def count(self, area, day, user=None):
        """The figure counted directly, one query (the reports group it by child area instead)."""
        rows = self.records(area, day, user).order_by()
        if self.total:
            return rows.aggregate(total=Sum(self.total))["total"] or 0
        return rows.values(self.distinct).distinct().count() if self.distinct else rows.count()

    def link(self, area, day):
        if not self.url_name:
            return ""
        return f"{reverse(self.url_name)}?{urlencode({'area': area.code, **self.params(day)})}"


@dataclass(frozen=True)
class Rate(Indicator):
    numerator: str = ""
    denominator: str = ""

    def value(self, values):
        return percent(values.get(self.numerator) or 0, values.get(self.denominator) or 0)


@dataclass(frozen=True)
class Parts:
    """What a set of indicator codes needs counted: the counts, rates' parts included."""

    counts: list = field(default_factory=list)
    rates: list = field(default_factory=list)


def register(*indicators):
    for indicator in indicators:
        if indicator.code in REGISTRY:
            raise ValueError(f"indicator {indicator.code} is declared twice")
        REGISTRY[indicator.code] = indicator


def autodiscover():
    """Import every installed app's ``indicators`` module, where it registers its figures."""
    autodiscover_modules("indicators")


def get(code):
    return REGISTRY[code]


def codes():
    """Every registered code, in the order the apps declared them."""
    return list(REGISTRY)


def unknown(names):
    """The codes among ``names`` that no app declares."""
    return [name for name in names if name not in REGISTRY]


def parts(names):
    """The counts and the rates of ``names``, with the counts each rate needs even when not listed."""
    wanted = [get(name) for name in names]
    rates = [indicator for indicator in wanted if indicator.is_rate]
    needed = dict.fromkeys(indicator.code for indicator in wanted if not indicator.is_rate)
    for rate in rates:
        needed.update(dict.fromkeys((rate.numerator, rate.denominator)))
    return Parts(counts=[get(code) for code in needed], rates=rates)
