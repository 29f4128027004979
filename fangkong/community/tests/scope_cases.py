"""Scope cases of the community app (see fangkong/tests/test_scope.py), one list per topic.

Help: a need of a household of 竹林关村's first grid, and the household itself. Publicity: a notice, a
refutation and an answer of 竹林关村 reach everyone working in the village, the grid worker of its first
grid included; a notice's mark in the first grid."""

from fangkong.core.testing import ScopeCase

_MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")
_WRITERS = (*_MANAGERS, "grid_worker")
_READERS = (*_WRITERS, "doctor")
_EVERYONE = (*_MANAGERS, "grid_worker", "doctor", "outsider")
_IN_VILLAGE = (*_MANAGERS, "grid_worker", "doctor")
_WRITERS_ANYWHERE = (*_MANAGERS, "outsider")


def _notice(tree, people):
    from fangkong.community.tests.factories_publicity import make_notice

    return {"pk": make_notice(tree.village).pk}


def _notice_to_relay(tree, people):
    return {"notice": _notice(tree, people)["pk"]}


def _rumour(tree, people):
    from fangkong.community.tests.factories_publicity import make_rumour

    return {"pk": make_rumour(tree.village).pk}


def _question(tree, people):
    from fangkong.community.tests.factories_publicity import make_question

    return {"pk": make_question(tree.village).pk}


def _village(tree, people):
    return {"code": tree.village.code}


def _need(tree, people):
    from fangkong.community.tests.factories_help import make_need

    return {"pk": make_need(area=tree.grid).pk}


def _household(tree, people):
    from fangkong.people.tests.factories import make_household

    return {"pk": make_household(tree.grid).pk}


HELP_CASES = [
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

PUBLICITY_CASES = [
    ScopeCase("community:notice-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("community:notice-add", allowed=_WRITERS_ANYWHERE, record_lookup=False),
    ScopeCase("community:notice", _notice, allowed=_IN_VILLAGE),
    ScopeCase("community:notice-edit", _notice, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    ScopeCase("community:notice-delete", _notice, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    # Marking is for those who work in a grid below: the doctor reads the notice but does not mark it.
    ScopeCase("community:notice-relay", _notice_to_relay, allowed=(*_MANAGERS, "grid_worker"), denied=("doctor",)),
    ScopeCase("community:relay-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("community:rumour-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("community:rumour-add", allowed=_WRITERS_ANYWHERE, record_lookup=False),
    ScopeCase("community:rumour", _rumour, allowed=_IN_VILLAGE),
    ScopeCase("community:rumour-edit", _rumour, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    ScopeCase("community:rumour-delete", _rumour, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    ScopeCase("community:question-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("community:question-add", allowed=_WRITERS_ANYWHERE, record_lookup=False),
    ScopeCase("community:question", _question, allowed=_IN_VILLAGE),
    ScopeCase("community:question-edit", _question, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    ScopeCase("community:question-delete", _question, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    # The villages of the user's areas (their own list); a village's poster
    # for those whose areas hold the village (a grid worker's is their grid only).
    ScopeCase("community:village-pages", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("community:poster", _village, allowed=(*_MANAGERS, "doctor")),
    ScopeCase("notice-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("notice-detail", _notice, allowed=_IN_VILLAGE),
    ScopeCase("notice-relayed", _notice, allowed=_IN_VILLAGE),
    ScopeCase("notice-coverage", _notice, allowed=_IN_VILLAGE),
    ScopeCase("rumour-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("rumour-detail", _rumour, allowed=_IN_VILLAGE),
    ScopeCase("question-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("question-detail", _question, allowed=_IN_VILLAGE),
]

CASES = [*HELP_CASES, *PUBLICITY_CASES]
