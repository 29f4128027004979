"""Screening rounds and visits through the web pages: coverage, visits, arrivals and fever found."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from fangkong.areas.models import RiskArea
from fangkong.people.models import Arrival, KeyPersonTag, Person, ScreeningRound, ScreeningVisit
from fangkong.people.tests.factories import id_number, make_household, make_person

TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def english(settings, client):
    """Messages are asserted in English (the msgids); the UI default is Chinese."""
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def village_round(tree, people):
    """A round over 竹林关村: three households in its first grid, two in the second; others elsewhere."""
    screening_round = ScreeningRound(
        area=tree.village,
        title="第一轮排查",
        deadline=TODAY + datetime.timedelta(days=3),
        opened_by=people.village_officer,
    )
    screening_round.save()
    screening_round.grid_households = [make_household(tree.grid, f"一组 {n} 号") for n in (1, 2, 3)]
    screening_round.grid2_households = [make_household(tree.grid2, f"二组 {n} 号") for n in (1, 2)]
    make_household(tree.village2, "桃园村 1 号")  # same town, another village: not in the round
    make_household(tree.other_grid, "东街 1 号")
    return screening_round


def visit_url(screening_round, household):
    return reverse("people:visit-add", kwargs={"round": screening_round.pk, "household": household.pk})


def round_url(screening_round, **query):
    url = reverse("people:round", args=[screening_round.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def post_visit(client, screening_round, household, follow=False, **data):
    data = {"visited_on": TODAY, "members_home": 2, **data}
    return client.post(visit_url(screening_round, household), data, follow=follow)


def record(screening_round, household, user):
    visit = ScreeningVisit(round=screening_round, household=household, area=household.area, visited_by=user)
    visit.save()
    return visit


def unvisited(response):
    return [household.address for household in response.context["page"].object_list]


def test_round_page_shows_coverage_overall_and_by_grid(client, people, village_round):
    for household in [*village_round.grid_households[:2], village_round.grid2_households[0]]:
        record(village_round, household, people.village_officer)
    client.force_login(people.village_officer)
    response = client.get(round_url(village_round))
    assert response.status_code == 200
    overall = response.context["overall"]
    assert (overall["households"], overall["visited"], overall["percent"]) == (5, 3, 60)
    by_grid = [
        (row["area__name"], row["households"], row["visited"], row["percent"]) for row in response.context["by_area"]
    ]
    assert by_grid == [("第一网格", 3, 2, 66), ("第二网格", 2, 1, 50)]
    assert "60 %" in response.content.decode()


def test_unvisited_list_shrinks_as_visits_are_recorded(client, people, village_round):
    client.force_login(people.village_officer)
    first, second = village_round.grid_households[:2]
    assert len(unvisited(client.get(round_url(village_round)))) == 5
    assert post_visit(client, village_round, first).status_code == 302
    remaining = unvisited(client.get(round_url(village_round)))
    assert len(remaining) == 4 and first.address not in remaining
    post_visit(client, village_round, second)
    response = client.get(round_url(village_round))
    assert len(unvisited(response)) == 3
    assert [h.address for h in client.get(round_url(village_round, show="visited")).context["page"].object_list] == [
        first.address,
        second.address,
    ]


def test_grid_worker_sees_and_records_only_their_grid(client, people, village_round):
    client.force_login(people.grid_worker)
    response = client.get(round_url(village_round))
    assert response.context["overall"]["households"] == 3
    assert [row["area__name"] for row in response.context["by_area"]] == ["第一网格"]
    assert all(address.startswith("一组") for address in unvisited(response))

    theirs, not_theirs = village_round.grid_households[0], village_round.grid2_households[0]
    assert post_visit(client, village_round, theirs).status_code == 302
    assert client.get(visit_url(village_round, not_theirs)).status_code == 404
    assert post_visit(client, village_round, not_theirs).status_code == 404
    assert list(ScreeningVisit.objects.values_list("household", flat=True)) == [theirs.pk]
    assert ScreeningVisit.objects.get().visited_by == people.grid_worker


def test_outsider_finds_neither_the_round_nor_its_households(client, people, village_round):
    client.force_login(people.outsider)
    household = village_round.grid_households[0]
    assert client.get(round_url(village_round)).status_code == 404
    assert post_visit(client, village_round, household).status_code == 404
    assert not ScreeningVisit.objects.exists()


def test_a_household_outside_the_rounds_area_is_not_found(client, tree, people, village_round):
    client.force_login(people.town_officer)  # sees 桃园村, which is not in the round
    elsewhere = make_household(tree.village2, "桃园村 2 号")
    assert post_visit(client, village_round, elsewhere).status_code == 404
    assert not ScreeningVisit.objects.exists()


def test_a_visit_with_an_arrival_from_a_risk_area_registers_and_flags_the_person(client, people, village_round):
    RiskArea.objects.create(division_id=_division("4201").pk, valid_from=TODAY - datetime.timedelta(days=10))
    household = village_round.grid_households[0]
    number = id_number(born=datetime.date(1990, 5, 1), male=False)
    client.force_login(people.grid_worker)
    response = post_visit(
        client,
        village_round,
        household,
        arrivals_found="on",
        arrival_name="李四",
        arrival_id_number=number,
        arrival_origin="420102",
    )
    assert response.status_code == 302
    person = Person.objects.get(name="李四")
    assert (person.household, person.area, person.id_number) == (household, household.area, number)
    assert (person.sex, person.birth_date) == ("female", datetime.date(1990, 5, 1))
    arrival = Arrival.objects.get(person=person)
    assert (arrival.origin.code, arrival.arrived_on, arrival.risk) == ("420102", TODAY, True)
    assert KeyPersonTag.FROM_RISK_AREA in person.tag_codes()
    visit = ScreeningVisit.objects.get()
    assert visit.arrivals_found and visit.household == household


def test_an_arrival_with_a_known_id_number_is_not_registered_twice(client, tree, people, village_round):
    household = village_round.grid_households[0]
    known = make_person(tree.grid, "王五", number=id_number(), household=household)
    client.force_login(people.village_officer)
    data = {"arrivals_found": "on", "arrival_id_number": known.id_number, "arrival_origin": "420102"}
    post_visit(client, village_round, household, **data)
    post_visit(client, village_round, household, **data)  # sent again: same visit, same arrival
    assert Person.objects.count() == 1
    assert Arrival.objects.filter(person=known).count() == 1
    assert ScreeningVisit.objects.count() == 1
    assert KeyPersonTag.FROM_RISK_AREA not in known.tag_codes()  # 武汉 is no risk area in this test


def test_an_arrival_registered_in_another_area_is_refused_and_nothing_is_saved(client, tree, people, village_round):
    elsewhere = make_person(tree.other_grid, "赵六", number=id_number())
    household = village_round.grid_households[0]
    client.force_login(people.grid_worker)
    response = post_visit(
        client,
        village_round,
        household,
        symptoms_found="on",
        arrivals_found="on",
        arrival_id_number=elsewhere.id_number,
        arrival_origin="420102",
    )
    assert response.status_code == 200
    assert "registered in another area" in str(response.context["form"].errors["arrival_id_number"])
    assert not ScreeningVisit.objects.exists() and not Arrival.objects.exists()


def test_bad_input_is_refused_with_a_message_naming_the_field(client, people, village_round):
    client.force_login(people.grid_worker)
    household = village_round.grid_households[0]
    response = post_visit(
        client,
        village_round,
        household,
        visited_on=TODAY + datetime.timedelta(days=1),
        arrival_name="李四",
        arrival_id_number="110101202311012175",
        arrival_origin="999999",
    )
    errors = response.context["form"].errors
    assert "future" in errors["visited_on"][0]
    assert "check character" in errors["arrival_id_number"][0]
    assert "999999" in errors["arrival_origin"][0]
    assert not ScreeningVisit.objects.exists() and not Person.objects.exists()


def test_fever_flags_the_household_member(client, tree, people, village_round):
    household = village_round.grid_households[0]
    sick = make_person(tree.grid, "张三", household=household)
    well = make_person(tree.grid, "张小三", household=household)
    client.force_login(people.doctor)
    response = post_visit(client, village_round, household, symptoms_found="on", fever_members=[sick.pk])
    assert response.status_code == 302
    visit = ScreeningVisit.objects.get()
    assert visit.symptoms_found and list(visit.fever_members.all()) == [sick]
    assert (sick.status_colour, well.status_colour) == ("red", "green")
    assert "screening" in sick.colour_reason


def test_only_the_households_members_can_be_flagged(client, tree, people, village_round):
    household = village_round.grid_households[0]
    neighbour = make_person(tree.grid, "邻居", household=village_round.grid_households[1])
    client.force_login(people.grid_worker)
    response = post_visit(client, village_round, household, symptoms_found="on", fever_members=[neighbour.pk])
    assert response.status_code == 200 and "fever_members" in response.context["form"].errors
    assert neighbour.tag_codes() == set()


def test_a_member_id_too_large_for_the_database_is_a_form_error(client, people, village_round):
    client.force_login(people.grid_worker)
    response = post_visit(client, village_round, village_round.grid_households[0], fever_members=["9" * 25])
    assert response.status_code == 200 and "fever_members" in response.context["form"].errors
    assert not ScreeningVisit.objects.exists()


def test_members_in_a_grid_the_worker_cannot_see_are_neither_listed_nor_flagged(client, tree, people, village_round):
    household = village_round.grid_households[0]  # in the grid worker's grid
    mine = make_person(tree.grid, "张三", household=household)
    elsewhere = make_person(tree.grid2, "李四", household=household)  # registered in the second grid
    client.force_login(people.grid_worker)
    page = client.get(visit_url(village_round, household))
    assert [member.pk for member in page.context["form"].fields["fever_members"].queryset] == [mine.pk]
    assert "李四" not in page.content.decode()
    response = post_visit(client, village_round, household, symptoms_found="on", fever_members=[elsewhere.pk])
    assert response.status_code == 200 and "fever_members" in response.context["form"].errors
    assert elsewhere.tag_codes() == set() and not ScreeningVisit.objects.exists()


def test_a_second_visit_updates_the_first(client, people, village_round):
    household = village_round.grid_households[0]
    client.force_login(people.grid_worker)
    post_visit(client, village_round, household, members_home=2, note="first")
    page = client.get(visit_url(village_round, household))
    assert page.context["visit"] is not None and page.context["form"].initial["note"] == "first"
    response = post_visit(client, village_round, household, members_home=4, note="second", follow=True)
    visit = ScreeningVisit.objects.get()
    assert (visit.members_home, visit.note) == (4, "second")
    assert "already visited in this round" in response.content.decode()
    assert client.get(round_url(village_round)).context["overall"]["visited"] == 1


def test_a_round_past_its_deadline_is_overdue_until_closed(client, tree, people, village_round):
    late = ScreeningRound(area=tree.village, title="迟了", deadline=TODAY - datetime.timedelta(days=1))
    late.opened_on = TODAY - datetime.timedelta(days=5)
    late.save()
    client.force_login(people.village_officer)
    response = client.get(round_url(late))
    assert response.context["object"].overdue and 'id="round-status">overdue' in response.content.decode()
    assert not client.get(round_url(village_round)).context["object"].overdue
    overdue = client.get(reverse("people:round-list") + "?status=overdue")
    assert [r.record.title for r in overdue.context["table"].paginated_rows] == ["迟了"]

    assert client.post(reverse("people:round-close", args=[late.pk])).status_code == 302
    late.refresh_from_db()
    assert late.closed_on == TODAY
    assert not client.get(round_url(late)).context["object"].overdue
    # A closed round takes no more visits.
    response = post_visit(client, late, village_round.grid_households[0], follow=True)
    assert "closed" in response.content.decode() and not ScreeningVisit.objects.exists()


def test_an_officer_opens_a_round_over_their_village(client, tree, people):
    client.force_login(people.village_officer)
    url = reverse("people:round-add")
    assert client.get(url).context["form"].initial["area"] == tree.village  # their one village, chosen
    deadline = TODAY + datetime.timedelta(days=2)
    response = client.post(url, {"area": tree.village.pk, "title": "第二轮", "deadline": deadline})
    screening_round = ScreeningRound.objects.get()
    assert response.status_code == 302 and response["Location"] == screening_round.get_absolute_url()
    assert (screening_round.area, screening_round.opened_by, screening_round.opened_on) == (
        tree.village,
        people.village_officer,
        TODAY,
    )
    # The same form sent twice (a double tap): one round.
    client.post(url, {"area": tree.village.pk, "title": "第二轮", "deadline": deadline})
    assert ScreeningRound.objects.count() == 1


def test_opening_a_round_refuses_a_past_deadline_and_areas_out_of_reach(client, tree, people):
    client.force_login(people.village_officer)
    url = reverse("people:round-add")
    response = client.post(url, {"area": tree.village.pk, "title": "x", "deadline": TODAY - datetime.timedelta(days=1)})
    assert "past" in response.context["form"].errors["deadline"][0]
    response = client.post(url, {"area": tree.village2.pk, "title": "x", "deadline": TODAY})
    assert "area" in response.context["form"].errors
    response = client.post(url, {"area": tree.grid.pk, "title": "x", "deadline": TODAY})
    assert "area" in response.context["form"].errors
    assert not ScreeningRound.objects.exists()


def test_the_round_list_shows_each_users_coverage(client, people, village_round):
    record(village_round, village_round.grid_households[0], people.grid_worker)
    record(village_round, village_round.grid2_households[0], people.village_officer)
    for user, expected in ((people.village_officer, (5, 2)), (people.grid_worker, (3, 1)), (people.outsider, None)):
        client.force_login(user)
        rows = [row.record for row in client.get(reverse("people:round-list")).context["table"].paginated_rows]
        assert [(r.households, r.visited) for r in rows] == ([expected] if expected else [])


def test_the_round_list_exports_coverage(client, people, village_round):
    record(village_round, village_round.grid_households[0], people.grid_worker)
    client.force_login(people.village_officer)
    response = client.get(reverse("people:round-list") + "?export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig") if response.streaming else response.content.decode()
    assert "第一轮排查" in text and ",5,1,20" in text.replace(" %", "")


def test_the_navbar_leads_to_the_rounds(client, people):
    client.force_login(people.grid_worker)
    assert reverse("people:round-list") in client.get("/", follow=True).content.decode()


def _division(code):
    from fangkong.areas.models import Division

    return Division.objects.get(code=code)


def test_the_round_page_costs_the_same_queries_for_many_households(client, tree, people, village_round):
    client.force_login(people.village_officer)
    url = round_url(village_round)
    client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(40):
        household = make_household(tree.grid2 if n % 2 else tree.grid, f"三组 {n} 号")
        if n % 3 == 0:
            record(village_round, household, people.grid_worker)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["overall"] == {"households": 45, "visited": 14, "percent": 31}
    assert len(many) == len(few)
