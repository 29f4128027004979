"""Scope cases of community (see fangkong/tests/test_scope.py). Help: a need of a household of 竹林关村's
first grid, and the household itself."""

from fangkong.core.testing import ScopeCase

_MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")
_WRITERS = (*_MANAGERS, "grid_worker")
_READERS = (*_WRITERS, "doctor")


def _need(tree, people):
    from fangkong.community.tests.factories_help import make_need

    return {"pk": make_need(area=tree.grid).pk}


def _household(tree, people):
    from fangkong.people.tests.factories import make_household

    return {"pk": make_household(tree.grid).pk}


CASES = [
    ScopeCase("community:need-list", allowed=(*_READERS, "outsider"), record_lookup=False),
    ScopeCase("community:need-add", allowed=(*_WRITERS, "outsider"), record_lookup=False),
    ScopeCase("community:need", _need, allowed=_READERS),
    ScopeCase("community:need-edit", _need, allowed=_WRITERS, denied=("doctor",)),
    ScopeCase("community:need-delete", _need, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    ScopeCase("community:need-assign", _need, allowed=_WRITERS, denied=("doctor",)),
    ScopeCase("community:need-deliver", _need, allowed=_WRITERS, denied=("doctor",)),
    ScopeCase("community:need-confirm", _need, allowed=_WRITERS, denied=("doctor",)),
    ScopeCase("community:household-list", allowed=(*_READERS, "outsider"), record_lookup=False),
    ScopeCase("community:household-qr", _household, allowed=_WRITERS, denied=("doctor",)),
    ScopeCase("need-list", allowed=(*_READERS, "outsider"), record_lookup=False),
    ScopeCase("need-detail", _need, allowed=_READERS),
    ScopeCase("need-assign", _need, allowed=_WRITERS, denied=("doctor",)),
    ScopeCase("need-deliver", _need, allowed=_WRITERS, denied=("doctor",)),
    ScopeCase("need-confirm", _need, allowed=_WRITERS, denied=("doctor",)),
]
