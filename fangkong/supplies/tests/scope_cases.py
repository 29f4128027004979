"""Scope cases of supplies and donations (see fangkong/tests/test_scope.py): stores, moves and
donations of 竹林关村; an allocation from 竹林关镇's store to the village's."""

from fangkong.core.testing import ScopeCase

_MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")
# The records are the village's: its doctor reads them, the grid worker below works in one grid only.
_IN_VILLAGE = (*_MANAGERS, "doctor")
_EVERYONE = (*_MANAGERS, "grid_worker", "doctor", "outsider")
_FIELD = ("doctor",)
_NOT_COMMANDERS = ("county_officer", "town_officer", "village_officer", "grid_worker", "doctor", "outsider")


def _item(tree, people):
    from fangkong.supplies.models import Item

    return {"pk": Item.objects.get(code="mask-n95").pk}


def _store(tree, people):
    from fangkong.supplies.tests.factories import make_store

    return {"pk": make_store(tree.village).pk}


def _stock(tree, people):
    from fangkong.supplies.models import MoveKind
    from fangkong.supplies.tests.factories import make_store, move

    return {"pk": move(make_store(tree.village), MoveKind.PURCHASE, 10).store.stocks.get().pk}


def _move(tree, people):
    from fangkong.supplies.models import MoveKind
    from fangkong.supplies.tests.factories import make_store, move

    return {"pk": move(make_store(tree.village), MoveKind.PURCHASE, 10).pk}


def _allocation(tree, people):
    from fangkong.supplies.models import MoveKind, Store
    from fangkong.supplies.tests.factories import make_store, move

    town = make_store(tree.town, kind=Store.Kind.TOWN)
    move(town, MoveKind.PURCHASE, 10)
    return {"pk": move(town, MoveKind.ISSUED_STORE, 4, to_store=make_store(tree.village)).line.allocation_id}


def _receipt(tree, people):
    from fangkong.supplies.models import Allocation

    return {"pk": Allocation.objects.get(pk=_allocation(tree, people)["pk"]).lines.get().pk}


def _donation(tree, people):
    from fangkong.supplies.tests.factories import make_donation

    return {"pk": make_donation(tree.village).pk}


CASES = [
    # The catalogue: reference data, everyone reads, commanders change it.
    ScopeCase("supplies:item-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("supplies:item-add", allowed=("city_commander",), record_lookup=False),
    ScopeCase("supplies:item-edit", _item, allowed=("city_commander",), denied=_NOT_COMMANDERS),
    ScopeCase("supplies:store-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("supplies:store-add", allowed=(*_MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("supplies:store", _store, allowed=_IN_VILLAGE),
    ScopeCase("supplies:store-edit", _store, allowed=_MANAGERS, denied=_FIELD),
    ScopeCase("supplies:stock-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("supplies:stock-edit", _stock, allowed=_MANAGERS, denied=_FIELD),
    ScopeCase("supplies:move-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("supplies:move-add", allowed=(*_MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("supplies:allocation-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("supplies:allocation-add", allowed=(*_MANAGERS, "outsider"), record_lookup=False),
    # The town's allocation: the receiving village reads it too.
    ScopeCase("supplies:allocation", _allocation, allowed=_IN_VILLAGE),
    ScopeCase("supplies:receipt-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("supplies:receipt-confirm", _receipt, allowed=_MANAGERS, denied=_FIELD),
    ScopeCase("supplies:donation-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("supplies:donation-add", allowed=(*_MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("supplies:donation", _donation, allowed=_IN_VILLAGE),
    ScopeCase("supplies:donation-receipt", _donation, allowed=_IN_VILLAGE),
    ScopeCase("item-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("item-detail", _item, allowed=_EVERYONE),
    ScopeCase("store-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("store-detail", _store, allowed=_IN_VILLAGE),
    ScopeCase("stockmove-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("stockmove-detail", _move, allowed=_IN_VILLAGE),
    ScopeCase("stock-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("stock-detail", _stock, allowed=_IN_VILLAGE),
    ScopeCase("allocation-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("allocation-detail", _allocation, allowed=_IN_VILLAGE),
    ScopeCase("donation-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("donation-detail", _donation, allowed=_IN_VILLAGE),
]
CASES.append(ScopeCase("allocation-confirm", _allocation, allowed=_MANAGERS, denied=_FIELD))

from fangkong.supplies.markets.tests.scope_cases import CASES as _MARKETS_TOPIC  # noqa: E402

CASES += _MARKETS_TOPIC
