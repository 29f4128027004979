"""Screening through the API: rounds with coverage, visits that a retry never counts twice."""

import datetime

import pytest
from django.utils import translation

from fangkong.areas.models import Division, RiskArea
from fangkong.people.models import Arrival, KeyPersonTag, Person, ScreeningRound, ScreeningVisit
from fangkong.people.tests.factories import id_number, make_household, make_person

TODAY = datetime.date.today()
ROUNDS, VISITS = "/api/screening-rounds/", "/api/screening-visits/"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def village_round(tree, people):
    screening_round = ScreeningRound(area=tree.village, title="第一轮排查", deadline=TODAY + datetime.timedelta(days=3))
    screening_round.save()
    screening_round.grid_households = [make_household(tree.grid, f"一组 {n} 号") for n in (1, 2)]
    screening_round.grid2_households = [make_household(tree.grid2, "二组 1 号")]
    return screening_round


def test_an_officer_opens_a_round_and_a_retry_does_not_open_another(api, tree, people):
    api.force_authenticate(people.town_officer)
    body = {"area": tree.village.code, "title": "第二轮", "deadline": (TODAY + datetime.timedelta(days=2)).isoformat()}
    first = api.post(ROUNDS, body, format="json")
    assert first.status_code == 201, first.data
    assert first.data["area"] == tree.village.code and first.data["opened_by"] == "town_officer"
    assert (first.data["households"], first.data["visited"], first.data["coverage"], first.data["overdue"]) == (
        0,
        0,
        None,
        False,
    )
    again = api.post(ROUNDS, body, format="json")
    assert again.status_code == 200 and again.data["id"] == first.data["id"]
    assert ScreeningRound.objects.count() == 1


def test_opening_a_round_refuses_bad_input_naming_the_field(api, tree, people):
    api.force_authenticate(people.village_officer)
    past = api.post(ROUNDS, {"area": tree.village.code, "title": "x", "deadline": "2020-01-01"}, format="json")
    assert past.status_code == 400 and "past" in str(past.data["deadline"])
    grid = api.post(ROUNDS, {"area": tree.grid.code, "title": "x", "deadline": TODAY.isoformat()}, format="json")
    assert grid.status_code == 400 and "town or a village" in str(grid.data["area"])
    other = api.post(ROUNDS, {"area": tree.village2.code, "title": "x", "deadline": TODAY.isoformat()}, format="json")
    assert other.status_code == 400 and "area" in other.data
    api.force_authenticate(people.grid_worker)
    denied = api.post(ROUNDS, {"area": tree.village.code, "title": "x", "deadline": TODAY.isoformat()}, format="json")
    assert denied.status_code == 403
    assert not ScreeningRound.objects.exists()


def test_rounds_read_with_coverage_in_the_users_scope(api, people, village_round):
    household = village_round.grid_households[0]
    ScreeningVisit(round=village_round, household=household, area=household.area).save()
    api.force_authenticate(people.village_officer)
    row = api.get(ROUNDS).data["results"][0]
    assert (row["households"], row["visited"], row["coverage"]) == (3, 1, 33)
    detail = api.get(f"{ROUNDS}{village_round.pk}/").data
    assert [(g["name"], g["households"], g["visited"], g["coverage"]) for g in detail["by_grid"]] == [
        ("第一网格", 2, 1, 50),
        ("第二网格", 1, 0, 0),
    ]
    api.force_authenticate(people.grid_worker)
    row = api.get(f"{ROUNDS}{village_round.pk}/").data
    assert (row["households"], row["visited"], row["coverage"], len(row["by_grid"])) == (2, 1, 50, 1)
    api.force_authenticate(people.outsider)
    assert api.get(ROUNDS).data["count"] == 0
    assert api.get(f"{ROUNDS}{village_round.pk}/").status_code == 404


def test_an_overdue_round_says_so(api, tree, people):
    late = ScreeningRound(area=tree.village, title="迟了", deadline=TODAY - datetime.timedelta(days=1))
    late.save()
    api.force_authenticate(people.doctor)
    assert api.get(f"{ROUNDS}{late.pk}/").data["overdue"] is True
    assert [r["title"] for r in api.get(ROUNDS, {"status": "overdue"}).data["results"]] == ["迟了"]


def test_a_visit_posted_twice_is_counted_once(api, people, village_round):
    household = village_round.grid_households[0]
    api.force_authenticate(people.grid_worker)
    body = {"round": village_round.pk, "household": household.pk, "visited_on": TODAY.isoformat(), "members_home": 3}
    first = api.post(VISITS, body, format="json")
    assert first.status_code == 201, first.data
    assert first.data["visited_by"] == "grid_worker" and first.data["area"] == household.area.code
    retry = api.post(VISITS, body, format="json")
    assert retry.status_code == 200 and retry.data["id"] == first.data["id"]
    changed = api.post(VISITS, {**body, "members_home": 1, "note": "again"}, format="json")
    assert changed.status_code == 200
    visit = ScreeningVisit.objects.get()
    assert (visit.members_home, visit.note) == (1, "again")
    assert api.get(f"{ROUNDS}{village_round.pk}/").data["visited"] == 1


def test_a_visit_registers_arrivals_and_flags_fever_once_however_often_it_is_sent(api, tree, people, village_round):
    RiskArea.objects.create(division=Division.objects.get(code="42"), valid_from=TODAY - datetime.timedelta(days=3))
    household = village_round.grid_households[0]
    sick = make_person(tree.grid, "张三", household=household)
    api.force_authenticate(people.grid_worker)
    body = {
        "round": village_round.pk,
        "household": household.pk,
        "visited_on": TODAY.isoformat(),
        "members_home": 2,
        "fever_members": [sick.pk],
        "arrivals": [{"name": "李四", "id_number": id_number(), "origin": "420102"}],
    }
    assert api.post(VISITS, body, format="json").status_code == 201
    assert api.post(VISITS, body, format="json").status_code == 200
    arrival = Arrival.objects.get()
    assert arrival.person.name == "李四" and arrival.person.household == household and arrival.risk
    assert KeyPersonTag.FROM_RISK_AREA in arrival.person.tag_codes()
    visit = ScreeningVisit.objects.get()
    assert list(visit.fever_members.all()) == [sick] and sick.status.fever
    assert visit.arrivals_found and visit.symptoms_found
    assert Person.objects.count() == 2


def test_visits_are_refused_outside_the_users_grid_or_the_rounds_area(api, tree, people, village_round):
    api.force_authenticate(people.grid_worker)
    other_grid = village_round.grid2_households[0]
    body = {"round": village_round.pk, "household": other_grid.pk, "visited_on": TODAY.isoformat(), "members_home": 1}
    response = api.post(VISITS, body, format="json")
    assert response.status_code == 400 and "household" in response.data
    api.force_authenticate(people.town_officer)
    elsewhere = make_household(tree.village2, "桃园村 1 号")
    response = api.post(VISITS, {**body, "household": elsewhere.pk}, format="json")
    assert response.status_code == 400 and "not in the round's area" in str(response.data["household"])
    api.force_authenticate(people.outsider)
    response = api.post(VISITS, {**body, "household": village_round.grid_households[0].pk}, format="json")
    assert response.status_code == 400 and "round" in response.data
    assert not ScreeningVisit.objects.exists()


def test_bad_arrivals_are_refused_and_nothing_is_saved(api, tree, people, village_round):
    household = village_round.grid_households[0]
    api.force_authenticate(people.grid_worker)
    body = {
        "round": village_round.pk,
        "household": household.pk,
        "visited_on": TODAY.isoformat(),
        "members_home": 2,
        "arrivals": [{"name": "李四", "id_number": "110101202311012175", "origin": "42"}],
    }
    response = api.post(VISITS, body, format="json")
    assert response.status_code == 400
    errors = response.data["arrivals"][0]
    assert "check character" in str(errors["id_number"]) and "origin" in errors
    assert not ScreeningVisit.objects.exists() and not Person.objects.exists()
