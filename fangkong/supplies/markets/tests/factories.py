"""Markets and inspections for tests, in the areas of fangkong.core.testing.make_tree()."""

import datetime
import decimal
import itertools

from django.utils import timezone

from fangkong.supplies.markets import services
from fangkong.supplies.markets.models import BasketItem, Inspection, Market, Price, Problem

_keys = itertools.count(1)


def basket(code="pork"):
    return BasketItem.objects.get(code=code)


def make_market(area, name=None, kind=Market.Kind.MARKET):
    market = Market(
        area=area, name=name or f"{area.short_name}农贸市场", kind=kind, address="街道 1 号", contact="王经理"
    )
    market.save()
    return market


def inspect(market, prices=(), days_ago=0, problems=(), rectified=(), user=None, **extra):
    """An inspection through the service: ``prices`` as (basket code, price) pairs, ``problems`` as
    (description, days to rectify) pairs."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    inspection = Inspection(
        market=market, inspected_on=day, key=extra.pop("key", f"test-inspection-{next(_keys)}"), **extra
    )
    rows = [Price(item=basket(code), price=decimal.Decimal(str(price))) for code, price in prices]
    found = [Problem(description=text, rectify_by=day + datetime.timedelta(days=days)) for text, days in problems]
    return services.record_inspection(inspection, rows, found, list(rectified), user)[0]
