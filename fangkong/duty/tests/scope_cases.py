"""Scope cases of the duty app (see fangkong/tests/test_scope.py): rosters and the log of 竹林关镇, posts,
zones and volunteers of 竹林关村."""

from fangkong.core.testing import ScopeCase

_MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")
_ABOVE_TOWN = ("city_commander", "county_officer", "town_officer")
_IN_VILLAGE = (*_MANAGERS, "doctor")
_IN_GRID = (*_MANAGERS, "grid_worker", "doctor")
_EVERYONE = (*_IN_GRID, "outsider")
_WRITERS = (*_MANAGERS, "outsider")


def _roster(tree, people):
    from fangkong.duty.tests.factories import make_roster

    return {"pk": make_roster(tree.town).pk}


def _log_entry(tree, people):
    from fangkong.duty.tests.factories import make_log_entry

    return {"pk": make_log_entry(tree.town, people.town_officer).pk}


def _post(tree, people):
    from fangkong.duty.tests.factories import make_post

    return {"pk": make_post(tree.village).pk}


def _zone(tree, people):
    from fangkong.duty.tests.factories import make_zone

    return {"pk": make_zone(tree.village, grids=[tree.grid]).pk}


def _team(tree, people):
    from fangkong.duty.tests.factories import make_team

    return {"pk": make_team(tree.village).pk}


def _volunteer(tree, people):
    from fangkong.duty.tests.factories import make_team, make_volunteer

    return {"pk": make_volunteer(make_team(tree.village)).pk}


def _shift(tree, people):
    from fangkong.duty.tests.factories import make_shift, make_team, make_volunteer

    team = make_team(tree.village)
    return {"pk": make_shift(team, [make_volunteer(team)]).pk}


def _person(tree, people):
    from fangkong.people.tests.factories import id_number, make_person

    return {"pk": make_person(tree.grid, number=id_number()).pk}


def _village(tree, people):
    return {"code": tree.village.code}


CASES = [
    ScopeCase("duty:now", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("duty:area", _village, allowed=_IN_VILLAGE),
    ScopeCase("duty:mine", allowed=(*_EVERYONE, "nobody"), record_lookup=False),
    # Rosters and logs are kept by towns and up: the village's officer does not see the town's.
    ScopeCase("duty:roster-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("duty:roster-add", allowed=_WRITERS, record_lookup=False),
    ScopeCase("duty:roster", _roster, allowed=_ABOVE_TOWN),
    ScopeCase("duty:roster-edit", _roster, allowed=_ABOVE_TOWN),
    ScopeCase("duty:roster-delete", _roster, allowed=_ABOVE_TOWN),
    ScopeCase("duty:missing-rosters", allowed=_WRITERS, record_lookup=False),
    ScopeCase("duty:roster-import", allowed=_WRITERS, record_lookup=False),
    ScopeCase("duty:roster-import-template", allowed=_WRITERS, record_lookup=False),
    ScopeCase("duty:roster-import-errors", lambda t, p: {"token": "0" * 32}, allowed=()),
    ScopeCase("duty:log-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("duty:log-add", allowed=_WRITERS, record_lookup=False),
    ScopeCase("duty:log-entry", _log_entry, allowed=_ABOVE_TOWN),
    ScopeCase("duty:log-acknowledge", _log_entry, allowed=_ABOVE_TOWN),
    ScopeCase("duty:post-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("duty:post-add", allowed=_WRITERS, record_lookup=False),
    ScopeCase("duty:post", _post, allowed=_IN_VILLAGE),
    ScopeCase("duty:post-edit", _post, allowed=_MANAGERS, denied=("doctor",)),
    ScopeCase("duty:post-delete", _post, allowed=_MANAGERS, denied=("doctor",)),
    ScopeCase("duty:zone-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("duty:zone-add", allowed=_WRITERS, record_lookup=False),
    ScopeCase("duty:zone", _zone, allowed=_IN_VILLAGE),
    ScopeCase("duty:zone-edit", _zone, allowed=_MANAGERS, denied=("doctor",)),
    ScopeCase("duty:zone-delete", _zone, allowed=_MANAGERS, denied=("doctor",)),
    ScopeCase("duty:person-holdings", _person, allowed=_IN_GRID),
    ScopeCase("duty:team-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("duty:team-add", allowed=_WRITERS, record_lookup=False),
    ScopeCase("duty:team", _team, allowed=_IN_VILLAGE),
    ScopeCase("duty:team-edit", _team, allowed=_MANAGERS, denied=("doctor",)),
    ScopeCase("duty:team-delete", _team, allowed=_MANAGERS, denied=("doctor",)),
    ScopeCase("duty:volunteer-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("duty:volunteer-add", allowed=_WRITERS, record_lookup=False),
    ScopeCase("duty:volunteer", _volunteer, allowed=_IN_VILLAGE),
    ScopeCase("duty:volunteer-edit", _volunteer, allowed=_MANAGERS, denied=("doctor",)),
    ScopeCase("duty:volunteer-delete", _volunteer, allowed=_MANAGERS, denied=("doctor",)),
    ScopeCase("duty:volunteer-decide", _volunteer, allowed=_MANAGERS, denied=("doctor",)),
    ScopeCase("duty:shift-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("duty:shift-add", allowed=_WRITERS, record_lookup=False),
    ScopeCase("duty:shift", _shift, allowed=_IN_VILLAGE),
    ScopeCase("duty:shift-edit", _shift, allowed=_MANAGERS, denied=("doctor",)),
    ScopeCase("duty:shift-delete", _shift, allowed=_MANAGERS, denied=("doctor",)),
    ScopeCase("duty:shift-check", _shift, allowed=_MANAGERS, denied=("doctor",)),
    ScopeCase("dutyroster-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("dutyroster-now", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("dutyroster-detail", _roster, allowed=_ABOVE_TOWN),
    ScopeCase("dutylog-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("dutylog-detail", _log_entry, allowed=_ABOVE_TOWN),
    ScopeCase("dutylog-acknowledge", _log_entry, allowed=_ABOVE_TOWN),
    ScopeCase("pioneerpost-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("pioneerpost-detail", _post, allowed=_IN_VILLAGE),
    ScopeCase("zone-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("zone-detail", _zone, allowed=_IN_VILLAGE),
    ScopeCase("volunteerteam-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("volunteerteam-detail", _team, allowed=_IN_VILLAGE),
    ScopeCase("volunteer-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("volunteer-detail", _volunteer, allowed=_IN_VILLAGE),
    ScopeCase("volunteershift-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("volunteershift-detail", _shift, allowed=_IN_VILLAGE),
    # GET of an action says whether the user may do it.
    ScopeCase("volunteershift-check-in", _shift, allowed=_MANAGERS, denied=("doctor",)),
    ScopeCase("volunteershift-check-out", _shift, allowed=_MANAGERS, denied=("doctor",)),
]
