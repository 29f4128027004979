"""The command dashboard (指挥部大屏) of an area: today's key figures against yesterday's, their trends
over the last days, the children's rows with their report status, the alerts awaiting action and the
children's latest remarks.

Everything is read in a fixed number of queries, whatever the number of children: the rows come from
the daily report (one grouped query per figure), and each figure's trend is one query, the counts of
its days joined with UNION ALL (each day's rows are the indicator's own ``select(queryset, day)``, so a
trend point is the figure of that day exactly as the report counts it).
"""

import datetime
from dataclasses import dataclass
from functools import partial, reduce
from operator import or_

from django.db.models import Count as CountOf
from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from fangkong.core import indicators
from fangkong.core.scope import subtree_q
from fangkong.health.models import Alert

from . import figures
from .models import Confirmation

# The figures a commander watches, in this order unless the area's report form orders or hides them.
KEY_CODES = (
    "arrivals_new",
    "home_current",
    "centralised_current",
    "fever_today",
    "transferred",
    "cases_confirmed",
    "cases_suspected",
    "fever_pending",
    "contacts_current",
    "alerts_open",
    "alerts_overdue",
    "reporting_rate",
)
# The children's columns of alerts: coloured when not zero.
ALERT_CODES = ("alerts_open", "alerts_overdue")
TREND_DAYS = 30
# How often the page asks for fresh figures; ?refresh= sets it between the bounds (a wall screen may wait longer).
REFRESH_SECONDS = 60
REFRESH_BOUNDS = (1, 3600)
ALERTS_SHOWN = 10
REMARKS_SHOWN = 10


@dataclass
class Figure:
    indicator: indicators.Indicator
    value: int
    yesterday: int
    link: str = ""

    @property
    def change(self):
        if self.value is None or self.yesterday is None:
            return None
        return self.value - self.yesterday


@dataclass
class Dashboard:
    area: object
    day: datetime.date
    report: figures.DailyReport
    figures: list
    days: list  # the trends' days, oldest first
    trends: dict  # {code: [value per day]}
    alerts: list  # open alerts, overdue ones first
    alerts_open: int
    alerts_overdue: int
    remarks: list  # the children's latest confirmations with remarks, newest first

    @property
    def codes(self):
        return [figure.indicator.code for figure in self.figures]

    @property
    def rows(self):
        return [row for row in self.report.rows if not row.own]


def url(area):
    return f"{reverse('reports:dashboard')}?{urlencode({'area': area.code})}"


def key_codes(form):
    """The key figures registered, in the order of the area's report form, without those it hides."""
    return [code for code in form.shown_codes() if code in KEY_CODES]


def trends(area, codes, end, days=TREND_DAYS, user=None):
    """({code: [value per day]}, [day]) over the ``days`` days up to ``end``, in one round trip: the
    figures of one model declared by a condition (``where``) in one query over the span (each figure
    and day a ``FILTER``: the rows are read once), each other figure one query a day (the indicator's
    own ``select(queryset, day)``, as the daily report counts it), all joined with ``UNION ALL``."""
    span = [end - datetime.timedelta(days=offset) for offset in range(days - 1, -1, -1)]
    parts = indicators.parts(codes)
    batches = figures.batches(parts.counts)
    queries = [_trend_queries(batch, area, span, user) for batch in batches]
    found = iter(figures.read_together([query for batch_queries in queries for query in batch_queries]))
    counted = {}
    for batch, batch_queries in zip(batches, queries, strict=True):
        numbers = []
        for _sql, _params, names in batch_queries:
            rows = next(found)
            # One row, the constant first; none when nothing was counted and the database grouped by it.
            numbers += list(rows[0][1 : len(names)]) if rows else [0] * (len(names) - 1)
        for i, count in enumerate(batch):
            counted[count.code] = numbers[i * len(span) : (i + 1) * len(span)]
    result = {}
    for code in codes:
        indicator = indicators.get(code)
        if indicator.is_rate:
            result[code] = [indicator.value({name: counted[name][i] for name in counted}) for i in range(len(span))]
        else:
            result[code] = counted[code]
    return result, span


def _one_row(rows, aggregates):
    """The aggregates over all the rows, as a ``values()`` query of one row (a constant, then the counts)."""
    return rows.annotate(one=Value(1, output_field=IntegerField())).values("one").annotate(**aggregates)


def _trend_queries(batch, area, span, user):
    """The queries of the batch's trends (``figures.compiled``): their rows hold the count of each figure
    on each day of the span, figure by figure, day by day."""
    first = batch[0]
    key = ("trend", *(count.code for count in batch), area.path, span[0], span[-1])
    key += (figures.scope_key(first.model_class(), user),)
    if first.where:
        return [figures.compiled(key, partial(_span_query, batch, area, span, user))]
    return [figures.compiled((*key, day), partial(_day_query, first, area, day, user)) for day in span]


def _span_query(batch, area, span, user):
    """Every figure of the batch (declared by a condition) on every day of the span, the rows read once."""
    conditions = [(count, count.where(day)) for count in batch for day in span]
    rows = batch[0].subtree(area, user).order_by()
    if not any(_has_subquery(where) for _count, where in conditions):
        # Only the rows some figure counts on some day are read. Conditions with a subquery (a case's
        # classification from its timeline) are left to the FILTERs: repeated in the WHERE, each
        # subquery would run up to twice as often, which costs more than reading every row does.
        rows = rows.filter(reduce(or_, (where for _count, where in conditions)))
    return _one_row(rows, {f"n{i}": figures.aggregate(count, where) for i, (count, where) in enumerate(conditions)})


def _has_subquery(condition):
    return any(isinstance(part, (RawSQL, Subquery, Exists)) for part in condition.flatten())


def _day_query(count, area, day, user):
    """A figure declared by ``rows`` on one day, as the daily report counts it."""
    return _one_row(count.select(count.subtree(area, user).order_by(), day), {"n0": figures.aggregate(count)})


def open_alerts(area, user=None):
    """(the first ALERTS_SHOWN open alerts, overdue ones first, how many are open, how many overdue).
    Overdue: gone up a level because nobody acknowledged it in time."""
    queryset = Alert.objects.all() if user is None else Alert.objects.restrict(user)
    queryset = queryset.filter(subtree_q("area_path", area.path), status=Alert.Status.OPEN)
    counts = queryset.order_by().aggregate(
        open=CountOf("pk"), overdue=CountOf("pk", filter=Q(escalated_at__isnull=False))
    )
    shown = queryset.select_related("person", "area").order_by(
        F("escalated_at").asc(nulls_last=True), "raised_at", "pk"
    )[:ALERTS_SHOWN]
    return list(shown), counts["open"], counts["overdue"]


def remarks(area, user=None):
    """The children's latest confirmed remarks (a later version of the same day replaces them)."""
    queryset = Confirmation.objects.all() if user is None else Confirmation.objects.restrict(user)
    later = Confirmation.objects.filter(area=OuterRef("area"), day=OuterRef("day"), version__gt=OuterRef("version"))
    return list(
        queryset.filter(area__parent=area)
        .exclude(remarks="")
        .exclude(Exists(later))
        .select_related("area", "confirmed_by")
        .order_by("-day", "-confirmed_at")[:REMARKS_SHOWN]
    )


def build(area, user=None, now=None):
    now = now or timezone.now()
    day = timezone.localdate(now)
    report = figures.report(area, day, user, now)
    codes = key_codes(report.form)
    series, span = trends(area, codes, day, user=user)
    key = [Figure(indicators.get(code), report.figures[code], series[code][-2], report.link(code)) for code in codes]
    alerts, alerts_open, alerts_overdue = open_alerts(area, user)
    return Dashboard(area, day, report, key, span, series, alerts, alerts_open, alerts_overdue, remarks(area, user))
