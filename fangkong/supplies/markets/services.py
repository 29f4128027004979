"""Writes and reads of market inspections: an inspection with its prices, problems found and problems
closed, in one transaction, once per client key; price jumps flagged against the same area's price a
week earlier and told to the county's officers; the price series of the chart."""

import datetime
import decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.areas.models import Area
from fangkong.core import jobs, scope
from fangkong.core.roles import Role
from fangkong.core.services import ConcurrentEdit
from fangkong.core.validators import not_in_future

from .models import WEEK_EARLIER_DAYS, Inspection, Price, Problem, check_price

KEY_REUSED = gettext_lazy("A different inspection was already saved under this key; it is not overwritten.")
MAX_PRICES = 60
MAX_PROBLEMS = 30
CENT = decimal.Decimal("0.01")


class KeyReused(ConcurrentEdit):
    """The key names an inspection of another market or day: the API answers 409 naming ``key``."""

    field = "key"


# --- the rules ----------------------------------------------------------------------------------


def check_inspection(inspection, prices, problems, rectified):
    """Every rule of an inspection, for the phone form and the API alike: a date that has happened,
    no more fevers than staff checked, each price plausible (named by item and row), each item once,
    deadlines not before the inspection, and only the market's open problems closed."""
    errors = {}
    if inspection.inspected_on:
        try:
            not_in_future(inspection.inspected_on)
        except ValidationError as error:
            errors["inspected_on"] = error.messages
    if (inspection.staff_fever or 0) > (inspection.staff_checked or 0):
        errors["staff_fever"] = [
            _("%(fever)d with fever but only %(checked)d checked: count everyone whose temperature was taken.")
            % {"fever": inspection.staff_fever, "checked": inspection.staff_checked or 0}
        ]
    seen = set()
    for row, price in enumerate(prices, start=1):
        try:
            check_price(price.item, price.price, row)
        except ValidationError as error:
            errors.setdefault("prices", []).extend(error.message_dict["price"])
        if price.item_id in seen:
            errors.setdefault("prices", []).append(
                _("Row %(row)s, %(item)s: the item is priced twice.") % {"row": row, "item": price.item.label}
            )
        seen.add(price.item_id)
    for row, problem in enumerate(problems, start=1):
        if inspection.inspected_on and problem.rectify_by and problem.rectify_by < inspection.inspected_on:
            errors.setdefault("problems", []).append(
                _("Problem %(row)s, %(problem)s: the deadline is before the inspection.")
                % {"row": row, "problem": problem.description}
            )
    for problem in rectified:
        if problem.market_id != inspection.market_id or problem.status != Problem.Status.OPEN:
            errors.setdefault("rectified", []).append(
                _("%(problem)s is not an open problem of %(market)s.")
                % {"problem": problem.description, "market": inspection.market}
            )
    if errors:
        raise ValidationError(errors)


# --- a week earlier -----------------------------------------------------------------------------


def week_earlier_prices(items, area_path, day):
    """The same area's price of each item a week earlier: the average of the prices recorded on the
    latest day between WEEK_EARLIER_DAYS days before ``day``, by item id (absent: none). One query."""
    near, far = WEEK_EARLIER_DAYS
    rows = (
        Price.objects.filter(
            item__in=[item.pk for item in items],
            area_path=area_path,
            price__isnull=False,
            priced_on__gte=day - datetime.timedelta(days=far),
            priced_on__lte=day - datetime.timedelta(days=near),
        )
        .order_by()
        .values_list("item_id", "priced_on", "price")
    )
    latest = {}
    for item_id, priced_on, price in rows:
        day_seen, prices = latest.get(item_id, (None, []))
        if day_seen is None or priced_on > day_seen:
            latest[item_id] = (priced_on, [price])
        elif priced_on == day_seen:
            prices.append(price)
    return {item_id: (sum(prices) / len(prices)).quantize(CENT) for item_id, (_day, prices) in latest.items()}


def week_earlier(item, area_path, day):
    """The same area's price of one item a week earlier (None when there is none)."""
    return week_earlier_prices([item], area_path, day).get(item.pk)


def compare(price, earlier):
    """Set ``week_earlier``, ``change_percent`` and ``jumped`` on an unsaved price."""
    price.week_earlier = earlier
    price.change_percent = None
    price.jumped = False
    if price.price is None or not earlier:
        return price
    change = (price.price - earlier) * 100 / earlier
    price.change_percent = change.quantize(decimal.Decimal("0.1"))
    price.jumped = change > price.item.jump_percent
    return price


# --- saving -------------------------------------------------------------------------------------


def record_inspection(inspection, prices, problems, rectified, user):
    """Save an inspection with its prices, the problems found and the market's problems found
    rectified, in one transaction. Returns (inspection, created): the same key again is the
    inspection already saved (nothing added); the same key for another market or day is refused."""
    existing = Inspection.objects.filter(key=inspection.key).first()
    if existing is None:
        check_inspection(inspection, prices, problems, rectified)
        try:
            with transaction.atomic():
                _save(inspection, prices, problems, rectified, user)
            return inspection, True
        except IntegrityError:  # the same key saved a moment ago by another request
            existing = Inspection.objects.filter(key=inspection.key).first()
            if existing is None:
                raise
    if (existing.market_id, existing.inspected_on) != (inspection.market_id, inspection.inspected_on):
        raise KeyReused(KEY_REUSED, code="key_reused")
    return existing, False


def _save(inspection, prices, problems, rectified, user):
    market = inspection.market
    inspection.area = market.area
    if getattr(user, "is_authenticated", False):
        inspection.inspected_by = user
    jumped = []
    earlier = week_earlier_prices([price.item for price in prices], market.area_path, inspection.inspected_on)
    for price in prices:
        if price.price is not None:
            price.price = price.price.quantize(CENT)  # checked first: within the item's plausible range
        compare(price, earlier.get(price.item_id))
        if price.jumped:
            jumped.append(price)
    inspection.jumps = len(jumped)
    inspection.save()
    for price in prices:
        price.inspection, price.area, price.priced_on = inspection, market.area, inspection.inspected_on
        price.save()
    for problem in problems:
        problem.market, problem.found_at, problem.area = market, inspection, market.area
        problem.save()
    for problem in Problem.objects.select_for_update().filter(pk__in=[problem.pk for problem in rectified]):
        if problem.status != Problem.Status.OPEN:
            raise ValidationError({"rectified": _("%(problem)s was closed meanwhile.") % {"problem": problem}})
        problem.status, problem.closed_at = Problem.Status.RECTIFIED, inspection
        problem.save()
    if jumped:
        tell_jumps(inspection, jumped)


def jump_recipients(inspection):
    """The officers of the county the market is in."""
    from fangkong.health.alerts.services import members_at

    county = Area.path_at_level(inspection.area_path, Area.Level.COUNTY)
    return members_at(county, [Role.OFFICER])


def describe_jumps(inspection, jumped):
    """The notice's text, written in the active language (``jobs.notify`` calls it in the reader's)."""
    items = "; ".join(
        _("%(item)s %(earlier)s → %(price)s yuan (+%(change)s%%)")
        % {
            "item": price.item.label,
            "earlier": price.week_earlier,
            "price": price.price,
            "change": price.change_percent,
        }
        for price in jumped
    )
    return _("Price jump at %(market)s (%(area)s), %(date)s: %(items)s") % {
        "market": inspection.market.name,
        "area": inspection.market.area.short_name,
        "date": f"{inspection.inspected_on:%Y-%m-%d}",
        "items": items,
    }


def tell_jumps(inspection, jumped):
    """An inbox notice to each of the county's officers, in their own language."""
    for user in jump_recipients(inspection):
        jobs.notify(user, "price_jump", lambda: describe_jumps(inspection, jumped), link=inspection.get_absolute_url())


# --- the chart ----------------------------------------------------------------------------------


def price_series(item, area, since, until):
    """Daily average prices of the item from ``since`` to ``until``: in the area's subtree, and in
    its whole city (the city average, an aggregate shown to anyone who may read the area's prices).
    Returns {"days": [...], "area": [...], "city": [...]} with None on days without a price."""
    city_path = Area.path_at_level(area.path, Area.Level.CITY)
    rows = Price.objects.filter(item=item, price__isnull=False, priced_on__gte=since, priced_on__lte=until)

    def daily(path):
        averages = scope.within(rows, path).values("priced_on").order_by("priced_on").annotate(average=Avg("price"))
        return {row["priced_on"]: row["average"] for row in averages}

    in_area, in_city = daily(area.path), daily(city_path)
    days = [since + datetime.timedelta(days=n) for n in range((until - since).days + 1)]

    def shown(value):
        return None if value is None else float(round(value, 2))

    return {
        "days": [day.isoformat() for day in days],
        "area": [shown(in_area.get(day)) for day in days],
        "city": [shown(in_city.get(day)) for day in days],
    }
