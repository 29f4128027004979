"""Scope cases of observation (see fangkong/tests/test_scope.py): records in 竹林关村 第一网格."""

from fangkong.core.testing import ScopeCase

_MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")
_IN_GRID = (*_MANAGERS, "grid_worker", "doctor")
_EVERYONE = (*_IN_GRID, "outsider")
_NOT_COMMANDERS = ("county_officer", "town_officer", "village_officer", "grid_worker", "doctor", "outsider")


def _protocol(tree, people):
    from fangkong.health.models import Protocol

    return {"pk": Protocol.objects.get().pk}


def _episode_in_grid(tree, people):
    from fangkong.health.tests.factories import make_episode

    return {"pk": make_episode(area=tree.grid).pk}


def _person_in_grid(tree, people):
    from fangkong.people.tests.factories import id_number, make_person

    return {"person": make_person(tree.grid, number=id_number()).pk}


def _check_in_grid(tree, people):
    from fangkong.health.tests.factories import make_check, make_episode

    return {"pk": make_check(make_episode(area=tree.grid)).pk}


def _household_in_grid(tree, people):
    from fangkong.people.tests.factories import make_household

    return {"pk": make_household(tree.grid).pk}


def _grid(tree, people):
    return {"code": tree.grid.code}


def _alert_in_grid(tree, people):
    from decimal import Decimal

    from fangkong.health.tests.factories import make_check, make_episode

    return {"pk": make_check(make_episode(area=tree.grid), temperature=Decimal("38.5")).alerts.get().pk}


_ALERT_HANDLERS = (*_MANAGERS, "doctor")

CASES = [
    ScopeCase("health:today", allowed=_EVERYONE, record_lookup=False),
    # Today's work in one tap: grid workers and doctors disinfect and take samples (in their grid).
    ScopeCase("health:today-disinfected", _episode_in_grid, allowed=_IN_GRID),
    ScopeCase("health:today-sampled", _episode_in_grid, allowed=_IN_GRID),
    ScopeCase("health:protocol-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("health:protocol-add", allowed=("city_commander",), record_lookup=False),
    # Reference data: everyone with a role finds it, commanders change it.
    ScopeCase("health:protocol-edit", _protocol, allowed=("city_commander",), denied=_NOT_COMMANDERS),
    ScopeCase("health:episode-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("health:episode", _episode_in_grid, allowed=_IN_GRID),
    # Officers open, release and move observations; grid workers and doctors take the checks.
    ScopeCase("health:episode-add", _person_in_grid, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    ScopeCase("health:episode-release", _episode_in_grid, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    ScopeCase("health:episode-end", _episode_in_grid, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    ScopeCase("health:check-add", _episode_in_grid, allowed=_IN_GRID),
    ScopeCase("health:check-list", allowed=_EVERYONE, record_lookup=False),
    # Officers issue and revoke the self-report links (the public page itself: PUBLIC in test_scope.py).
    ScopeCase("health:household-link", _household_in_grid, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    ScopeCase("health:qr-sheet", _grid, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    ScopeCase("protocol-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("protocol-detail", _protocol, allowed=_EVERYONE),
    ScopeCase("episode-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("episode-detail", _episode_in_grid, allowed=_IN_GRID),
    # GET of an action says whether the user may do it.
    ScopeCase("episode-release", _episode_in_grid, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    ScopeCase("episode-move-end", _episode_in_grid, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    ScopeCase("check-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("check-detail", _check_in_grid, allowed=_IN_GRID),
    ScopeCase("check-batch", allowed=(*_IN_GRID, "outsider"), record_lookup=False),
    ScopeCase("worklist-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("worklist-disinfected", _episode_in_grid, allowed=_IN_GRID),
    ScopeCase("worklist-sampled", _episode_in_grid, allowed=_IN_GRID),
    ScopeCase("selfreportlink-detail", _household_in_grid, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    ScopeCase("selfreportlink-reissue", _household_in_grid, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    ScopeCase("selfreportlink-revoke", _household_in_grid, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    ScopeCase("health:alert-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("health:alert", _alert_in_grid, allowed=_IN_GRID),
    # Doctors and managers acknowledge and resolve alerts; grid workers see them.
    ScopeCase("health:alert-acknowledge", _alert_in_grid, allowed=_ALERT_HANDLERS, denied=("grid_worker",)),
    ScopeCase("health:alert-resolve", _alert_in_grid, allowed=_ALERT_HANDLERS, denied=("grid_worker",)),
    ScopeCase("health:missed-checks", allowed=_EVERYONE, record_lookup=False),
    # The user's own choices: any user signed in.
    ScopeCase("health:alert-preferences", allowed=(*_EVERYONE, "nobody"), record_lookup=False),
    ScopeCase("alert-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("alert-detail", _alert_in_grid, allowed=_IN_GRID),
    ScopeCase("alert-acknowledge", _alert_in_grid, allowed=_ALERT_HANDLERS, denied=("grid_worker",)),
    ScopeCase("alert-resolve", _alert_in_grid, allowed=_ALERT_HANDLERS, denied=("grid_worker",)),
    ScopeCase("missed-check-list", allowed=_EVERYONE, record_lookup=False),
]

from fangkong.health.cases.tests.scope_cases import CASES as _CASES_TOPIC  # noqa: E402
from fangkong.health.sites.tests.scope_cases import CASES as _SITES_TOPIC  # noqa: E402

CASES += _CASES_TOPIC + _SITES_TOPIC
