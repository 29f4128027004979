"""Scope cases of facilities, transfers, cases and contacts (see fangkong/tests/test_scope.py).
Facilities belong to 丹凤县; the other records are filed in 竹林关村 第一网格."""

from fangkong.core.testing import ScopeCase

_MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")
_IN_GRID = (*_MANAGERS, "grid_worker", "doctor")
_EVERYONE = (*_IN_GRID, "outsider")
_FIELD = ("grid_worker", "doctor")


def _facility(tree, people):
    from fangkong.health.cases.tests.factories import make_facility

    return {"pk": make_facility(tree.county).pk}


def _person(tree, people):
    from fangkong.people.tests.factories import id_number, make_person

    return {"person": make_person(tree.grid, number=id_number()).pk}


def _transfer(tree, people):
    from fangkong.health.cases.tests.factories import make_facility, make_transfer
    from fangkong.people.tests.factories import id_number, make_person

    return {"pk": make_transfer(make_person(tree.grid, number=id_number()), make_facility(tree.county)).pk}


def _case(tree, people):
    from fangkong.health.cases.tests.factories import make_case

    return {"pk": make_case(area=tree.grid).pk}


def _case_for_contacts(tree, people):
    return {"case": _case(tree, people)["pk"]}


def _contact(tree, people):
    from fangkong.health.cases.tests.factories import make_case, make_contact
    from fangkong.people.tests.factories import id_number, make_person

    case = make_case(area=tree.grid)
    return {"pk": make_contact(make_person(tree.grid, number=id_number()), source_case=case).pk}


def _contact_for_contacts(tree, people):
    return {"contact": _contact(tree, people)["pk"]}


def _sample(tree, people):
    from fangkong.health.cases.tests.factories import make_sample
    from fangkong.people.tests.factories import id_number, make_person

    return {"pk": make_sample(make_person(tree.grid, number=id_number())).pk}


def _episode(tree, people):
    from fangkong.health.tests.factories import make_episode

    return {"episode": make_episode(area=tree.grid).pk}


def _disinfection(tree, people):
    from fangkong.health.cases.tests.factories import make_disinfection
    from fangkong.health.tests.factories import make_episode

    return {"pk": make_disinfection(make_episode(area=tree.grid)).pk}


CASES = [
    ScopeCase("health:facility-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("health:facility-add", allowed=(*_MANAGERS, "outsider"), record_lookup=False),
    # Everyone in the county sees its facilities; managers over the county change them.
    ScopeCase(
        "health:facility-edit",
        _facility,
        allowed=("city_commander", "county_officer"),
        denied=("town_officer", "village_officer", *_FIELD),
    ),
    ScopeCase("health:transfer-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("health:transfer", _transfer, allowed=_IN_GRID),
    # Doctors and officers transfer; CDC and managers record the result.
    ScopeCase("health:transfer-add", _person, allowed=(*_MANAGERS, "doctor"), denied=("grid_worker",)),
    ScopeCase("health:transfer-result", _transfer, allowed=_MANAGERS, denied=_FIELD),
    ScopeCase("health:case-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("health:case", _case, allowed=_IN_GRID),
    ScopeCase("health:case-add", _person, allowed=_MANAGERS, denied=_FIELD),
    ScopeCase("health:case-classify", _case, allowed=_MANAGERS, denied=_FIELD),
    ScopeCase("health:contact-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("health:contact", _contact, allowed=_IN_GRID),
    ScopeCase("health:contact-add", _case_for_contacts, allowed=_MANAGERS, denied=_FIELD),
    ScopeCase("health:contact-of-contact-add", _contact_for_contacts, allowed=_MANAGERS, denied=_FIELD),
    # Grid workers and doctors take samples, CDC and doctors enter results; grid workers and doctors disinfect.
    ScopeCase("health:sample-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("health:sample-add", _person, allowed=_IN_GRID),
    ScopeCase("health:sample-edit", _sample, allowed=(*_MANAGERS, "doctor"), denied=("grid_worker",)),
    ScopeCase("health:disinfection-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("health:disinfection-add", _episode, allowed=_IN_GRID),
    ScopeCase("facility-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("facility-detail", _facility, allowed=_IN_GRID),
    ScopeCase("transfer-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("transfer-detail", _transfer, allowed=_IN_GRID),
    ScopeCase("transfer-result", _transfer, allowed=_MANAGERS, denied=_FIELD),
    ScopeCase("case-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("case-detail", _case, allowed=_IN_GRID),
    ScopeCase("case-classify", _case, allowed=_MANAGERS, denied=_FIELD),
    ScopeCase("contact-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("contact-detail", _contact, allowed=_IN_GRID),
    ScopeCase("sample-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("sample-detail", _sample, allowed=_IN_GRID),
    ScopeCase("disinfection-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("disinfection-detail", _disinfection, allowed=_IN_GRID),
]
