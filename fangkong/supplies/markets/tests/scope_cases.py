"""Scope cases of markets (see fangkong/tests/test_scope.py): a market of 竹林关村 and its inspection."""

from fangkong.core.testing import ScopeCase

_MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")
_IN_VILLAGE = (*_MANAGERS, "doctor")
_EVERYONE = (*_MANAGERS, "grid_worker", "doctor", "outsider")
_FIELD = ("doctor",)
_NOT_COMMANDERS = ("county_officer", "town_officer", "village_officer", "grid_worker", "doctor", "outsider")


def _basket_item(tree, people):
    from fangkong.supplies.markets.models import BasketItem

    return {"pk": BasketItem.objects.get(code="pork").pk}


def _market(tree, people):
    from fangkong.supplies.markets.tests.factories import make_market

    return {"pk": make_market(tree.village).pk}


def _market_to_inspect(tree, people):
    return {"market": _market(tree, people)["pk"]}


def _inspection(tree, people):
    from fangkong.supplies.markets.tests.factories import inspect, make_market

    return {"pk": inspect(make_market(tree.village), [("pork", "18.50")]).pk}


def _price(tree, people):
    from fangkong.supplies.markets.models import Inspection

    return {"pk": Inspection.objects.get(pk=_inspection(tree, people)["pk"]).prices.get().pk}


CASES = [
    # The basket: reference data, everyone reads, commanders change it.
    ScopeCase("supplies:basket-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("supplies:basket-add", allowed=("city_commander",), record_lookup=False),
    ScopeCase("supplies:basket-edit", _basket_item, allowed=("city_commander",), denied=_NOT_COMMANDERS),
    ScopeCase("supplies:market-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("supplies:market-add", allowed=(*_MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("supplies:market", _market, allowed=_IN_VILLAGE),
    ScopeCase("supplies:market-edit", _market, allowed=_MANAGERS, denied=_FIELD),
    ScopeCase("supplies:market-inspect", _market_to_inspect, allowed=_MANAGERS, denied=_FIELD),
    ScopeCase("supplies:inspection-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("supplies:inspection", _inspection, allowed=_IN_VILLAGE),
    ScopeCase("supplies:price-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("supplies:price-jumps", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("supplies:price-chart", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("supplies:problem-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("basketitem-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("basketitem-detail", _basket_item, allowed=_EVERYONE),
    ScopeCase("market-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("market-detail", _market, allowed=_IN_VILLAGE),
    ScopeCase("inspection-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("inspection-detail", _inspection, allowed=_IN_VILLAGE),
    ScopeCase("price-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("price-detail", _price, allowed=_IN_VILLAGE),
]
