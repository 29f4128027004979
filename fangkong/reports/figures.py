"""The figures of a daily report, counted live from the records: one grouped query per model for the
figures declared by a condition (``where``), one per figure for the others.

``report(area, day)`` counts each figure once for the whole subtree, grouped by child area: the rows'
area path cut to the length of a child's path (``Substr``) is the group, so the query is one range scan
of the ``area_path`` index, whatever the level. The total row is the sum of the rows, and ``figures``
is the total: a town's figure is the sum of its villages' by construction. Rates are computed per row
from the summed counts. Reusable by any page: ``figures(area, day)``, ``series(area, code, days)``.
"""

import datetime
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import partial, reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection
from django.db.models import Count as CountOf
from django.db.models import F, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.areas.models import Area
from fangkong.core import indicators
from fangkong.core.roles import Action
from fangkong.core.scope import scope_paths
from fangkong.core.validators import validate_plausible_date

from .models import Confirmation, ReportForm

OWN = ""  # the group of records filed on the area itself rather than in a child


@dataclass
class Row:
    area: Area
    values: dict
    own: bool = False  # records filed on the reported area itself, not in any child
    status: str = ""  # on_time, late, missing, pending; "" where nobody confirms (grids)
    confirmation: Confirmation = None  # the latest version
    changed: list = field(default_factory=list)  # codes whose live figure differs from the confirmed one


@dataclass
class DailyReport:
    area: Area
    day: datetime.date
    form: ReportForm
    shown: list  # the indicators of the table, in order
    rows: list
    total: Row

    @property
    def figures(self):
        return self.total.values

    def link(self, code, area=None):
        indicator = indicators.get(code)
        return "" if indicator.is_rate else indicator.link(area or self.area, self.day)


def check_day(day, today=None):
    """A day that has begun (the figures of a future day do not exist yet), of a plausible year."""
    try:
        validate_plausible_date(day)
    except ValidationError as error:
        raise ValidationError({"date": error.messages}) from None
    if day > (today or timezone.localdate()):
        raise ValidationError({"date": _("The date is in the future: there is no report for it yet.")})
    return day


def children_of(area):
    """Every child, retired ones too: their records of past days still count."""
    return list(Area.objects.filter(parent=area).order_by("path"))


def batches(counts):
    """The counts in the batches that one query counts: the figures declared by a condition, per model
    and area path field; every other figure alone."""
    batches = {}
    for count in counts:
        key = (count.model, count.path_field) if count.where else count.code
        batches.setdefault(key, []).append(count)
    return list(batches.values())


def aggregate(count, condition=None):
    """The count of a figure's rows (of its people when ``distinct``, the sum of a field when ``total``),
    of those meeting ``condition``."""
    if count.total:
        return Coalesce(Sum(count.total, filter=condition), 0)
    if count.distinct:
        return CountOf(count.distinct, distinct=True, filter=condition)
    return CountOf("pk", filter=condition)


def _grouped_query(batch, area, day, user, children):
    """The batch's figures grouped by child, one query: values ``group``, ``count_0``, ``count_1``…"""
    first = batch[0]
    if len(batch) == 1:
        rows = first.records(area, day, user)
        aggregates = {"count_0": aggregate(first)}
    else:
        conditions = [count.where(day) for count in batch]
        # Only the rows some figure counts are read; each figure counts those meeting its condition.
        rows = first.subtree(area, user).filter(reduce(or_, conditions))
        aggregates = {
            f"count_{i}": aggregate(count, condition)
            for i, (count, condition) in enumerate(zip(batch, conditions, strict=True))
        }
    lengths = {len(child.path) for child in children}
    # Codes of one level have one length: the path cut to a child's length is the child (else the
    # rows' own paths are grouped, and mapped to the children here).
    key = Substr(first.path_field, 1, lengths.pop()) if len(lengths) == 1 else F(first.path_field)
    return rows.order_by().annotate(group=key).values("group").annotate(**aggregates)


def _by_child(batch, area, found_rows):
    """{child path or OWN: {code: count}} from the rows (group, count_0, …) of a batch's query."""
    counts = {}
    child_level = area.child_level
    for path, *numbers in found_rows:
        child = Area.path_at_level(path, child_level) if child_level and path != area.path else area.path
        group = counts.setdefault(OWN if child == area.path else child, dict.fromkeys((c.code for c in batch), 0))
        for count, number in zip(batch, numbers, strict=False):
            group[count.code] += number
    return counts


# The SQL of the counting queries, by what it is made of (see ``compiled``): at most this many kept.
COMPILED_KEPT = 512
_compiled = OrderedDict()
_compiled_lock = threading.Lock()


def scope_key(model, user):
    """What ``model.objects.restrict(user)`` filters by: the user's outermost areas for viewing it
    ("all" without a user, None for no limit), so that two users of the same scope share queries."""
    if user is None:
        return "all"
    paths = scope_paths(user, model.roles_by_action.get(Action.VIEW, ()))
    return None if paths is None else tuple(sorted(paths))


def compiled(key, build):
    """(sql, params, column names) of the ``values()`` query that ``build()`` makes, built once per
    ``key`` in this process. Only the text of a query is kept, never a figure: every request runs it
    against the records as they are, so nothing can go stale. ``key`` must name everything the query
    depends on (the figures, the area, the children, the days, the user's scope, the time zone)."""
    key = (*key, timezone.get_current_timezone_name())
    with _compiled_lock:
        found = _compiled.get(key)
        if found is not None:
            _compiled.move_to_end(key)
            return found
    queryset = build()
    names = [*queryset.query.values_select, *queryset.query.annotation_select]
    try:
        sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:  # nothing to read (a scope without the model: ``restrict`` gave none())
        sql, params = None, ()
    found = (sql, tuple(params), names)
    with _compiled_lock:
        _compiled[key] = found
        while len(_compiled) > COMPILED_KEPT:
            _compiled.popitem(last=False)
    return found


def read_together(queries):
    """The rows of several counting queries (``compiled``: sql, params, column names, the columns
    annotations), read in one round trip (``UNION ALL``): [[tuple of the query's columns] per query].
    Each query is the one it would be alone, wrapped as a subquery; only the round trips are saved."""
    if not queries:
        return []
    quote = connection.ops.quote_name
    width = max(len(names) for _sql, _params, names in queries)
    pieces, params = [], []
    for index, (sql, piece_params, names) in enumerate(queries):
        if sql is None:
            continue  # no rows
        columns = [str(index), *(f"t.{quote(name)}" for name in names), *(["0"] * (width - len(names)))]
        pieces.append(f"SELECT {', '.join(columns)} FROM ({sql}) t")  # noqa: S608 (our own compiled SQL)
        params.extend(piece_params)
    found = [[] for _ in queries]
    if not pieces:
        return found
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(pieces), params)
        for index, *values in cursor.fetchall():
            found[index].append(tuple(values))
    return found


def _with_rates(values, rates):
    for rate in rates:
        values[rate.code] = rate.value(values)
    return values


def count_all(area, day, codes, user=None, children=None):
    """{group: {code: value}} for the children's paths and OWN, and the total under None."""
    children = children_of(area) if children is None else children
    parts = indicators.parts(codes)
    groups = [child.path for child in children] + [OWN]
    values = {group: dict.fromkeys((count.code for count in parts.counts), 0) for group in groups}
    grouped = batches(parts.counts)
    children_key = tuple(child.path for child in children)
    queries = [
        compiled(
            ("report", *(c.code for c in batch), area.path, children_key, day, scope_key(batch[0].model_class(), user)),
            partial(_grouped_query, batch, area, day, user, children),
        )
        for batch in grouped
    ]
    for batch, found_rows in zip(grouped, read_together(queries), strict=True):
        for group, numbers in _by_child(batch, area, found_rows).items():
            values.setdefault(group, dict.fromkeys((c.code for c in parts.counts), 0)).update(numbers)
    total = {count.code: sum(row[count.code] for row in values.values()) for count in parts.counts}
    for row in [*values.values(), total]:
        _with_rates(row, parts.rates)
    values[None] = total
    return values


def figures(area, day, codes=None, user=None):
    """{code: value} for the area's subtree on the day (every registered indicator by default)."""
    codes = indicators.codes() if codes is None else codes
    return count_all(area, day, codes, user)[None]


def confirmable_codes():
    return [code for code, item in indicators.REGISTRY.items() if not item.is_rate and item.confirmed]


def series(area, code, days, end=None, user=None):
    """[(day, value)] of one indicator over the ``days`` days up to ``end`` (today), oldest first."""
    end = end or timezone.localdate()
    indicator = indicators.get(code)
    parts = indicators.parts([code])
    result = []
    for offset in range(days - 1, -1, -1):
        day = end - datetime.timedelta(days=offset)
        values = {count.code: count.count(area, day, user) for count in parts.counts}
        result.append((day, indicator.value(values) if indicator.is_rate else values[code]))
    return result


def deadline(day, level):
    """When the report of a day is due from an area of the level (REPORT_DEADLINES), or None."""
    moment = settings.REPORT_DEADLINES.get(level)
    if moment is None:
        return None
    hours, minutes = (int(part) for part in moment.split(":"))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hours, minutes)))


def confirmations(areas, day):
    """{area id: (first version, latest version)} of the day's confirmations of the areas."""
    found = {}
    for confirmation in Confirmation.objects.filter(area__in=areas, day=day).order_by("version"):
        first, _latest = found.get(confirmation.area_id, (confirmation, None))
        found[confirmation.area_id] = (first, confirmation)
    return found


def status_of(area, day, found, now=None):
    """on_time, late, missing (none by the deadline), pending (none yet, before it); "" for grids."""
    due = deadline(day, area.level)
    if due is None:
        return ""
    if area.pk in found:
        return "on_time" if found[area.pk][0].on_time else "late"
    return "missing" if (now or timezone.now()) > due else "pending"


def changed(values, confirmation):
    """The codes whose live figure differs from the one the confirmation froze."""
    if confirmation is None:
        return []
    return [code for code, frozen in confirmation.figures.items() if code in values and values[code] != frozen]


def report(area, day, user=None, now=None):
    """The daily report of the area: rows per child (and for records filed on the area itself, when
    there are any), the total, each row's confirmation status and its differences from what was confirmed."""
    form = ReportForm.for_area(area)
    shown = [indicators.get(code) for code in form.shown_codes()]
    codes = list(dict.fromkeys([*(item.code for item in shown), *confirmable_codes()]))
    children = children_of(area)
    values = count_all(area, day, codes, user, children)
    found = confirmations([*children, area], day)
    rows = []
    for child in children:
        latest = found.get(child.pk, (None, None))[1]
        row_values = values[child.path]
        rows.append(
            Row(child, row_values, False, status_of(child, day, found, now), latest, changed(row_values, latest))
        )
    if any(values[OWN].get(item.code) for item in shown if not item.is_rate):
        rows.append(Row(area, values[OWN], own=True))
    latest = found.get(area.pk, (None, None))[1]
    total = Row(area, values[None], False, status_of(area, day, found, now), latest, changed(values[None], latest))
    return DailyReport(area, day, form, shown, rows, total)


def check_range(start, end, today=None):
    """A range of past days no longer than REPORT_MAX_DAYS: a longer one is refused, never left to hang."""
    if start > end:
        raise ValidationError({"from": _("The range starts after it ends.")})
    check_day(end, today)
    if (end - start).days + 1 > settings.REPORT_MAX_DAYS:
        raise ValidationError(
            {"to": _("At most %(days)s days at a time: ask for a shorter range.") % {"days": settings.REPORT_MAX_DAYS}}
        )
    return start, end


def completeness(area, start, end, user=None):
    """Per day from ``start`` to ``end``: reports expected, confirmed and on time, and the two rates."""
    check_range(start, end)
    codes = ["reports_expected", "reports_confirmed", "reports_on_time", "reporting_rate", "on_time_rate"]
    days = []
    day = start
    while day <= end:
        days.append({"date": day, **figures(area, day, codes, user)})
        day += datetime.timedelta(days=1)
    total = {code: sum(item[code] for item in days) for code in codes[:3]}
    return days, _with_rates(total, indicators.parts(codes).rates)
