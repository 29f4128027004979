"""/api/households/: the same scope rules, masking and version check as the web pages."""

from fangkong.people.models import Household
from fangkong.people.tests.factories import make_household, make_person


def test_it_lists_only_households_in_scope_with_phones_masked(api, tree, people):
    mine = make_household(tree.grid, "一组 1 号", phone="13912345678", responsible=people.grid_worker)
    member = make_person(tree.grid, household=mine)
    make_household(tree.grid2, "二组 1 号")
    make_household(tree.other_grid, "东街 1 号")
    api.force_authenticate(people.grid_worker)

    response = api.get("/api/households/")

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row == {
        "id": mine.pk,
        "address": "一组 1 号",
        "area": tree.grid.code,
        "phone": "139****5678",
        "responsible": people.grid_worker.pk,
        "head": None,
        "note": "",
        "members": [member.pk],
        "difficulties": [],
        "under_observation": False,
        "version": 1,
    }
    assert api.get(f"/api/households/{mine.pk}/").json()["phone"] == "13912345678"


def test_it_filters_by_area_subtree_responsible_and_address(api, tree, people):
    make_household(tree.grid, "一组 1 号", responsible=people.grid_worker)
    make_household(tree.grid2, "二组 1 号")
    make_household(tree.village2, "桃园 1 号")
    api.force_authenticate(people.town_officer)

    def addresses(**query):
        return {row["address"] for row in api.get("/api/households/", query).json()["results"]}

    assert addresses(area=tree.village.code) == {"一组 1 号", "二组 1 号"}
    assert addresses(area=tree.grid2.code) == {"二组 1 号"}
    assert addresses(responsible="none") == {"二组 1 号", "桃园 1 号"}
    assert addresses(responsible=people.grid_worker.pk) == {"一组 1 号"}
    assert addresses(q="桃园") == {"桃园 1 号"}


def test_grid_worker_creates_a_household_in_their_grid_but_not_in_another(api, tree, people):
    api.force_authenticate(people.grid_worker)
    created = api.post("/api/households/", {"address": "一组 5 号", "area": tree.grid.code, "phone": "0914-2312345"})
    assert created.status_code == 201, created.json()
    assert Household.objects.get().area == tree.grid

    refused = api.post("/api/households/", {"address": "二组 5 号", "area": tree.grid2.code})
    assert refused.status_code == 400 and "area" in refused.json()
    assert Household.objects.count() == 1


def test_outsiders_do_not_find_a_household(api, tree, people):
    household = make_household(tree.grid)
    api.force_authenticate(people.outsider)
    assert api.get(f"/api/households/{household.pk}/").status_code == 404
    assert api.patch(f"/api/households/{household.pk}/", {"address": "x"}).status_code == 404


def test_a_stale_update_is_refused_naming_the_version(api, tree, people):
    household = make_household(tree.grid, "一组 1 号")
    api.force_authenticate(people.village_officer)
    url = f"/api/households/{household.pk}/"
    assert api.patch(url, {"address": "一组 1 号之一", "version": 1}).status_code == 200

    stale = api.patch(url, {"address": "一组 1 号 (东)", "version": 1})

    assert stale.status_code == 409 and "version" in stale.json()
    household.refresh_from_db()
    assert (household.address, household.version) == ("一组 1 号之一", 2)


def test_the_responsible_person_must_be_in_scope(api, tree, people):
    household = make_household(tree.grid)
    api.force_authenticate(people.village_officer)
    response = api.patch(f"/api/households/{household.pk}/", {"responsible": people.outsider.pk})
    assert response.status_code == 400 and "responsible" in response.json()


def test_the_head_must_be_a_member(api, tree, people):
    household = make_household(tree.grid, "一组 1 号")
    member = make_person(tree.grid, household=household)
    stranger = make_person(tree.grid)
    api.force_authenticate(people.grid_worker)
    url = f"/api/households/{household.pk}/"
    refused = api.patch(url, {"head": stranger.pk}, format="json")
    assert refused.status_code == 400 and "head" in refused.json()
    assert api.patch(url, {"head": member.pk}, format="json").json()["head"] == member.pk
