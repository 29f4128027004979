"""Scope cases of the register, one list per topic (see fangkong/tests/test_scope.py)."""

from fangkong.core.testing import ScopeCase

CASES = []

# imports: open to whoever may add such records somewhere; each row's area is checked on import.
_IMPORT_MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer", "outsider")
_IMPORT_ARRIVALS = (*_IMPORT_MANAGERS, "grid_worker")
_IMPORT_RESIDENTS = (*_IMPORT_ARRIVALS, "doctor")
CASES += [
    ScopeCase("people:arrival-import", allowed=_IMPORT_ARRIVALS, record_lookup=False),
    ScopeCase("people:arrival-import-template", allowed=_IMPORT_ARRIVALS, record_lookup=False),
    ScopeCase("people:arrival-import-errors", lambda t, p: {"token": "0" * 32}, allowed=()),
    ScopeCase("people:person-import", allowed=_IMPORT_RESIDENTS, record_lookup=False),
    ScopeCase("people:person-import-template", allowed=_IMPORT_RESIDENTS, record_lookup=False),
    ScopeCase("people:person-import-errors", lambda t, p: {"token": "0" * 32}, allowed=()),
    ScopeCase("import-list", allowed=_IMPORT_RESIDENTS, record_lookup=False),
]

# households and responsibility: a household in 竹林关村 第一网格 (the grid worker's grid).
_MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")
_EVERYONE_WITH_A_ROLE = (*_MANAGERS, "grid_worker", "doctor", "outsider")


def _grid_household(tree, people):
    from fangkong.people.tests.factories import make_household

    return {"pk": make_household(tree.grid, "竹林关村一组 9 号").pk}


CASES += [
    ScopeCase("people:household-list", allowed=_EVERYONE_WITH_A_ROLE, record_lookup=False),
    ScopeCase("people:household", _grid_household, allowed=(*_MANAGERS, "grid_worker", "doctor")),
    ScopeCase("people:household-add", allowed=(*_MANAGERS, "grid_worker", "outsider"), record_lookup=False),
    ScopeCase("people:household-edit", _grid_household, allowed=(*_MANAGERS, "grid_worker"), denied=("doctor",)),
    # Bulk assignment is for officers and commanders, each in their own area.
    ScopeCase("people:household-assign", allowed=(*_MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("people:person-assign", allowed=(*_MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("people:coverage", lambda t, p: {"code": t.village.code}, allowed=(*_MANAGERS, "doctor")),
    ScopeCase("people:coverage", lambda t, p: {"code": t.grid.code}, allowed=(*_MANAGERS, "doctor", "grid_worker")),
    ScopeCase("household-list", allowed=_EVERYONE_WITH_A_ROLE, record_lookup=False),
    ScopeCase("household-detail", _grid_household, allowed=(*_MANAGERS, "grid_worker", "doctor")),
]

# persons: a person in 竹林关村 第一网格, one without an ID number for merges; key-person categories.
_MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")
_IN_GRID = (*_MANAGERS, "grid_worker", "doctor")
_EVERYONE = (*_IN_GRID, "outsider")
_NOT_COMMANDERS = ("county_officer", "town_officer", "village_officer", "grid_worker", "doctor", "outsider")


def _person_in_grid(tree, people):
    from fangkong.people.tests.factories import id_number, make_person

    return {"pk": make_person(tree.grid, number=id_number()).pk}


def _move_request(tree, people):
    """Asked for by an officer of a third area, so the outsider neither decides nor follows it."""
    from fangkong.core.roles import Role
    from fangkong.core.testing import make_area, make_user
    from fangkong.people import services
    from fangkong.people.tests.factories import id_number, make_person

    town = make_area("611024100", "城关镇", "town", make_area("611024", "山阳县", "county", tree.city))
    requester = make_user("requester", Role.OFFICER, town)
    village = make_area("611024100001", "十里铺村", "village", town)
    person = make_person(tree.grid, number=id_number())
    return {"pk": services.request_move(person, village, requester).pk}


def _reveal_in_grid(tree, people):
    from fangkong.people import services
    from fangkong.people.models import IdNumberReveal
    from fangkong.people.tests.factories import id_number, make_person

    services.reveal_id_number(make_person(tree.grid, number=id_number()), people.village_officer)
    return {"pk": IdNumberReveal.objects.latest("id").pk}


def _builtin_tag(tree, people):
    from fangkong.people.models import KeyPersonTag

    return {"pk": KeyPersonTag.objects.get(code=KeyPersonTag.FEVER).pk}


def _custom_tag(tree, people):
    from fangkong.people.models import KeyPersonTag

    return {"pk": KeyPersonTag.objects.create(code="left_wuhan", name="离汉人员", name_en="Left Wuhan").pk}


CASES += [
    ScopeCase("people:person-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("people:person", _person_in_grid, allowed=_IN_GRID),
    ScopeCase("people:person-add", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("people:person-edit", _person_in_grid, allowed=_IN_GRID),
    ScopeCase("people:person-merge", _person_in_grid, denied=("grid_worker", "doctor")),
    ScopeCase("people:move-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("moverequest-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("moverequest-detail", _move_request, allowed=_IN_GRID),
    # GET says whether the user may decide: the managers of the person's area.
    ScopeCase("moverequest-decide", _move_request, denied=("grid_worker", "doctor")),
    ScopeCase("people:tag-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("people:tag-add", allowed=("city_commander",), record_lookup=False),
    # Categories are the same everywhere: any role finds one, only commanders rename it.
    ScopeCase("people:tag-edit", _builtin_tag, allowed=("city_commander",), denied=_NOT_COMMANDERS),
    ScopeCase("people:tag-delete", _custom_tag, allowed=("city_commander",), denied=_NOT_COMMANDERS),
    ScopeCase("person-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("person-detail", _person_in_grid, allowed=_IN_GRID),
    # GET says whether the user may reveal; grid workers may not (POST reveals, logged).
    ScopeCase("person-reveal", _person_in_grid, allowed=(*_MANAGERS, "doctor"), denied=("grid_worker",)),
    # The reveal log is the commanders': those who reveal numbers do not keep the log of it.
    ScopeCase("people:reveal-list", allowed=("city_commander",), record_lookup=False),
    ScopeCase("reveal-list", allowed=("city_commander",), record_lookup=False),
    ScopeCase("reveal-detail", _reveal_in_grid, allowed=("city_commander",)),
    ScopeCase("tag-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("tag-detail", lambda t, p: {"code": "fever"}, allowed=_EVERYONE),
]

# arrivals: an arrival in 竹林关村 第一网格; risk areas and divisions are national reference data.
_ALL_MEMBERS = ("city_commander", "county_officer", "town_officer", "village_officer", "grid_worker", "doctor")
_ALL_MEMBERS += ("outsider",)
_NOT_COMMANDER = ("county_officer", "town_officer", "village_officer", "grid_worker", "doctor", "outsider")


def _arrival_in_grid(tree, people):
    import datetime

    from fangkong.areas.models import Division
    from fangkong.people.models import Arrival
    from fangkong.people.tests.factories import id_number, make_person

    person = make_person(tree.grid, number=id_number())
    arrival = Arrival(
        person=person, area=tree.grid, origin=Division.objects.get(code="420102"), arrived_on=datetime.date(2020, 1, 20)
    )
    arrival.save()
    return {"pk": arrival.pk}


def _risk_area(tree, people):
    import datetime

    from fangkong.areas.models import Division, RiskArea

    division = Division.objects.get(code="4201")
    return {"pk": RiskArea.objects.create(division=division, valid_from=datetime.date(2020, 1, 23)).pk}


_ARRIVAL_READERS = ("city_commander", "county_officer", "town_officer", "village_officer", "grid_worker", "doctor")
CASES += [
    ScopeCase("people:arrival-list", allowed=_ALL_MEMBERS, record_lookup=False),
    ScopeCase("people:arrival", _arrival_in_grid, allowed=_ARRIVAL_READERS),
    # Whoever registers arrivals corrects them; doctors read them.
    ScopeCase("people:arrival-edit", _arrival_in_grid, allowed=(*_MANAGERS, "grid_worker"), denied=("doctor",)),
    # Officers and grid workers register arrivals, each in their own area; doctors do not.
    ScopeCase("people:arrival-add", allowed=tuple(u for u in _ALL_MEMBERS if u != "doctor"), record_lookup=False),
    ScopeCase("people:needs-observation", allowed=_ALL_MEMBERS, record_lookup=False),
    ScopeCase(
        "people:area-needs-observation",
        lambda t, p: {"code": t.village.code},
        allowed=("city_commander", "county_officer", "town_officer", "village_officer", "doctor"),
    ),
    ScopeCase("people:area-needs-observation", lambda t, p: {"code": t.grid.code}, allowed=_ARRIVAL_READERS),
    ScopeCase("people:division-search", allowed=_ALL_MEMBERS, record_lookup=False),
    ScopeCase("people:riskarea-list", allowed=_ALL_MEMBERS, record_lookup=False),
    ScopeCase("people:riskarea-add", allowed=("city_commander",), record_lookup=False),
    # Reference data: every role finds a risk area (403 to change it), only commanders change it.
    ScopeCase("people:riskarea-edit", _risk_area, allowed=("city_commander",), denied=_NOT_COMMANDER),
    ScopeCase("people:riskarea-end", _risk_area, allowed=("city_commander",), denied=_NOT_COMMANDER),
    ScopeCase("arrival-list", allowed=_ALL_MEMBERS, record_lookup=False),
    ScopeCase("arrival-detail", _arrival_in_grid, allowed=_ARRIVAL_READERS),
    ScopeCase("division-list", allowed=_ALL_MEMBERS, record_lookup=False),
    ScopeCase("division-detail", lambda t, p: {"code": "420102"}, allowed=_ALL_MEMBERS),
    ScopeCase("riskarea-list", allowed=_ALL_MEMBERS, record_lookup=False),
    ScopeCase("riskarea-detail", _risk_area, allowed=_ALL_MEMBERS),
]

# screening: a round over 竹林关村 (opened by its officer) and a household in its first grid.
_ROUND_READERS = ("city_commander", "county_officer", "town_officer", "village_officer", "grid_worker", "doctor")


def _village_round(tree, people):
    import datetime

    from fangkong.people.models import ScreeningRound

    screening_round = ScreeningRound(
        area=tree.village, title="第一轮排查", deadline=datetime.date.today() + datetime.timedelta(days=3)
    )
    screening_round.save()
    return screening_round


def _round(tree, people):
    return {"pk": _village_round(tree, people).pk}


def _round_household(tree, people, grid=None):
    from fangkong.people.tests.factories import make_household

    household = make_household(grid or tree.grid, "竹林关村一组 12 号")
    return {"round": _village_round(tree, people).pk, "household": household.pk}


def _visit(tree, people):
    from fangkong.people.models import Household, ScreeningRound, ScreeningVisit

    ids = _round_household(tree, people)
    household = Household.objects.get(pk=ids["household"])
    visit = ScreeningVisit(round=ScreeningRound.objects.get(pk=ids["round"]), household=household, area=household.area)
    visit.save()
    return {"pk": visit.pk}


CASES += [
    ScopeCase("people:round-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("people:round-add", allowed=(*_MANAGERS, "outsider"), record_lookup=False),
    # The village's round is seen by everyone working in the village, its grid worker included.
    ScopeCase("people:round", _round, allowed=_ROUND_READERS),
    ScopeCase("people:round-close", _round, allowed=_MANAGERS, denied=("grid_worker", "doctor")),
    ScopeCase("people:visit-add", _round_household, allowed=_ROUND_READERS),
    # A household in the second grid: not the grid worker's.
    ScopeCase(
        "people:visit-add",
        lambda t, p: _round_household(t, p, grid=t.grid2),
        allowed=(*_MANAGERS, "doctor"),
    ),
    ScopeCase("screeninground-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("screeninground-detail", _round, allowed=_ROUND_READERS),
    ScopeCase("screeningvisit-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("screeningvisit-detail", _visit, allowed=_ROUND_READERS),
]
