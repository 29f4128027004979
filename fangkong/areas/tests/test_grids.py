"""Grids: numbering, retiring, the web flow and the API, each within the user's scope.

The tree (fangkong.core.testing): 竹林关村 611022106200 has grids 001 and 002; the grid worker is
assigned to 001; the outsider is an officer of 商南县.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.accounts.models import Membership
from fangkong.areas.models import Area
from fangkong.areas.services import create_grid, retire_grid
from fangkong.core.testing import make_area


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in English (the msgids); the UI default is Chinese."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def grids_of(village, **extra):
    return list(Area.objects.filter(parent=village, level=Area.Level.GRID, **extra).values_list("code", flat=True))


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- numbering and retiring --------------------------------------------------------------------------


def test_it_numbers_grids_after_the_village_code(tree):
    first = create_grid(tree.village2, " 第一网格 ")
    second = create_grid(tree.village2, "第二网格")
    assert (first.code, second.code) == ("611022106201001", "611022106201002")
    assert first.name == "第一网格"
    assert first.path == "6110.611022.611022106.611022106201.611022106201001"
    assert first.parent == tree.village2 and first.level == Area.Level.GRID
    assert create_grid(tree.village, "第三网格").code == "611022106200003"


def test_it_never_reuses_the_number_of_a_retired_grid(tree):
    third = create_grid(tree.village, "第三网格")
    retire_grid(third)
    assert create_grid(tree.village, "第三网格").code == "611022106200004"
    assert Area.objects.filter(code="611022106200003", retired_on__isnull=False).exists()


def test_grids_belong_to_villages_only(tree):
    with pytest.raises(ValidationError) as excinfo:
        create_grid(tree.town, "第一网格")
    assert "parent" in excinfo.value.message_dict
    assert not Area.objects.filter(parent=tree.town, level=Area.Level.GRID).exists()


def test_a_grid_of_a_special_unit_is_special(tree):
    town = Area.objects.create(code="611022400", name="某水库", level="town", parent=tree.county, is_special=True)
    village = Area.objects.create(code="611022400598", name="虚拟生活区", level="village", parent=town, is_special=True)
    assert create_grid(village, "第一网格").is_special


def test_retiring_refuses_while_people_are_assigned(tree, people):
    with pytest.raises(ValidationError) as excinfo:
        retire_grid(tree.grid)
    assert "still assigned to this grid" in excinfo.value.messages[0]
    tree.grid.refresh_from_db()
    assert tree.grid.retired_on is None

    Membership.objects.filter(area=tree.grid).delete()
    retire_grid(tree.grid)
    tree.grid.refresh_from_db()
    assert tree.grid.retired_on == timezone.localdate()


def test_only_grids_are_retired(tree):
    with pytest.raises(ValidationError):
        retire_grid(tree.village)
    tree.village.refresh_from_db()
    assert tree.village.retired_on is None


# --- the web flow ------------------------------------------------------------------------------------


def test_a_village_officer_adds_renames_and_retires_a_grid(client, tree, people):
    client.force_login(people.village_officer)
    village_page = client.get(reverse("areas:area", args=[tree.village.code]))
    assert reverse("areas:grid-add", args=[tree.village.code]) in village_page.text

    add_url = reverse("areas:grid-add", args=[tree.village.code])
    assert client.get(add_url).status_code == 200
    response = client.post(add_url, {"name": "东片区"}, follow=True)
    grid = Area.objects.get(parent=tree.village, name="东片区")
    assert grid.code == "611022106200003"
    assert response.redirect_chain[-1][0] == reverse("areas:area", args=[grid.code])
    assert "Saved: 东片区" in messages_of(response)

    response = client.post(reverse("areas:grid-edit", args=[grid.code]), {"name": "东片网格"})
    assert response.status_code == 302
    grid.refresh_from_db()
    assert (grid.name, grid.code) == ("东片网格", "611022106200003")

    retire_url = reverse("areas:grid-retire", args=[grid.code])
    assert grid.code in client.get(retire_url).text
    response = client.post(retire_url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("areas:area", args=[tree.village.code])
    assert any("611022106200003 will not be reused" in message for message in messages_of(response))
    grid.refresh_from_db()
    assert grid.retired_on == timezone.localdate()
    # Retired: gone from the list and from the retire page, still on file.
    listed = client.get(reverse("areas:list"), {"parent": tree.village.code})
    assert grid.code not in listed.text
    assert tree.grid.code in listed.text
    assert grid.code in client.get(reverse("areas:list"), {"parent": tree.village.code, "include_retired": "on"}).text
    assert client.post(retire_url).status_code == 404


def test_the_area_list_hides_retired_grids_without_any_filter(client, tree, people):
    retire_grid(tree.grid2)
    client.force_login(people.village_officer)
    table = client.get(reverse("areas:list")).context["table"]
    codes = {row.record.code for row in table.paginated_rows}
    assert codes == {tree.village.code, tree.grid.code}


def test_retiring_a_grid_with_people_shows_why_not(client, tree, people):
    client.force_login(people.village_officer)
    response = client.post(reverse("areas:grid-retire", args=[tree.grid.code]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("areas:area", args=[tree.grid.code])
    assert any("1 person is still assigned" in message for message in messages_of(response))
    tree.grid.refresh_from_db()
    assert tree.grid.retired_on is None


def test_a_duplicate_grid_name_is_refused(client, tree, people):
    client.force_login(people.village_officer)
    response = client.post(reverse("areas:grid-add", args=[tree.village.code]), {"name": " 第一网格 "})
    assert response.status_code == 200
    assert "This village already has a grid called 第一网格." in response.text
    assert len(grids_of(tree.village)) == 2

    response = client.post(reverse("areas:grid-edit", args=[tree.grid2.code]), {"name": "第一网格"})
    assert response.status_code == 200
    assert "This village already has a grid called 第一网格." in response.text
    tree.grid2.refresh_from_db()
    assert tree.grid2.name == "第二网格"


def test_a_village_whose_grid_numbers_are_used_up_says_so_on_the_form(client, tree, people):
    make_area(f"{tree.village.code}999", "第九九九网格", Area.Level.GRID, tree.village)
    client.force_login(people.village_officer)
    response = client.post(reverse("areas:grid-add", args=[tree.village.code]), {"name": "东片区"})
    assert response.status_code == 200
    assert "This village has used all 999 grid numbers." in response.text
    assert not Area.objects.filter(name="东片区").exists()


def test_the_area_page_shows_a_page_of_sub_areas_whatever_the_page_asked(client, tree, people):
    client.force_login(people.village_officer)
    for page in ("abc", "0", "-1", "100", str(10**18)):
        response = client.get(reverse("areas:area", args=[tree.village.code]), {"page": page})
        assert response.status_code == 200
        assert tree.grid.code in response.text


def test_a_grid_name_may_repeat_across_villages_and_after_retiring(client, tree, people):
    client.force_login(people.town_officer)
    assert client.post(reverse("areas:grid-add", args=[tree.village2.code]), {"name": "第一网格"}).status_code == 302
    retire_grid(tree.grid2)
    assert client.post(reverse("areas:grid-add", args=[tree.village.code]), {"name": "第二网格"}).status_code == 302
    assert grids_of(tree.village, retired_on__isnull=True) == [tree.grid.code, "611022106200003"]
    # Renaming a grid to its own name is no conflict.
    assert client.post(reverse("areas:grid-edit", args=[tree.grid.code]), {"name": "第一网格"}).status_code == 302


def test_an_empty_grid_name_is_refused(client, tree, people):
    client.force_login(people.village_officer)
    response = client.post(reverse("areas:grid-add", args=[tree.village.code]), {"name": "  "})
    assert response.status_code == 200
    assert len(grids_of(tree.village)) == 2


@pytest.mark.parametrize(
    "who, expected",
    [
        ("doctor", (403, 403, 403)),  # sees the village and its grids, may not change them
        ("grid_worker", (404, 403, 403)),  # sees only grid 001
        ("outsider", (404, 404, 404)),
        ("nobody", (404, 404, 404)),
    ],
)
def test_others_cannot_change_grids(client, tree, people, who, expected):
    client.force_login(getattr(people, who))
    add = client.post(reverse("areas:grid-add", args=[tree.village.code]), {"name": "第三网格"})
    rename = client.post(reverse("areas:grid-edit", args=[tree.grid.code]), {"name": "改名"})
    retire = client.post(reverse("areas:grid-retire", args=[tree.grid.code]))
    assert (add.status_code, rename.status_code, retire.status_code) == expected
    tree.grid.refresh_from_db()
    assert (tree.grid.name, tree.grid.retired_on) == ("第一网格", None)
    assert len(grids_of(tree.village)) == 2


def test_a_grid_cannot_be_added_under_a_town(client, tree, people):
    client.force_login(people.town_officer)
    response = client.post(reverse("areas:grid-add", args=[tree.town.code]), {"name": "第一网格"})
    assert response.status_code in (403, 404)
    assert not Area.objects.filter(parent=tree.town, level=Area.Level.GRID).exists()


def test_the_village_page_offers_grid_buttons_only_to_managers(client, tree, people):
    add_url = reverse("areas:grid-add", args=[tree.village.code])
    client.force_login(people.doctor)
    assert add_url not in client.get(reverse("areas:area", args=[tree.village.code])).text
    client.force_login(people.town_officer)
    assert add_url in client.get(reverse("areas:area", args=[tree.village.code])).text


# --- the API -----------------------------------------------------------------------------------------

AREAS = "/api/areas/"


def detail(code):
    return f"{AREAS}{code}/"


def test_the_api_creates_a_grid(client, tree, people):
    client.force_login(people.village_officer)
    response = client.post(AREAS, {"parent": tree.village.code, "name": "东片区"}, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "611022106200003"
    assert (body["name"], body["level"], body["parent"]) == ("东片区", "grid", tree.village.code)
    assert body["path"] == f"{tree.village.path}.611022106200003"
    assert Area.objects.get(code="611022106200003").name == "东片区"


@pytest.mark.parametrize(
    "who, parent, message",
    [
        ("village_officer", "611023100001", "in your scope"),  # 东街社区 of 商南县
        ("village_officer", "611022106201", "in your scope"),  # 桃园村, a neighbour in the same town
        ("village_officer", "611022106", "in your scope"),  # the town above
        ("town_officer", "611022106", "village or community"),  # a town in scope
        ("town_officer", "611022106200001", "village or community"),  # a grid in scope
        ("town_officer", "999999999999", "does not exist"),
    ],
)
def test_the_api_refuses_a_bad_parent(client, tree, people, who, parent, message):
    client.force_login(getattr(people, who))
    before = Area.objects.count()
    response = client.post(AREAS, {"parent": parent, "name": "东片区"}, content_type="application/json")
    assert response.status_code == 400
    assert message in " ".join(response.json()["parent"])
    assert Area.objects.count() == before


def test_the_api_requires_the_parent(client, tree, people):
    client.force_login(people.village_officer)
    response = client.post(AREAS, {"name": "东片区"}, content_type="application/json")
    assert response.status_code == 400
    assert "parent" in response.json()


def test_the_api_refuses_a_duplicate_grid_name(client, tree, people):
    client.force_login(people.village_officer)
    response = client.post(AREAS, {"parent": tree.village.code, "name": "第一网格"}, content_type="application/json")
    assert response.status_code == 400
    assert "already has a grid called 第一网格" in " ".join(response.json()["name"])
    assert len(grids_of(tree.village)) == 2

    response = client.patch(detail(tree.grid2.code), {"name": "第一网格"}, content_type="application/json")
    assert response.status_code == 400
    assert "name" in response.json()
    tree.grid2.refresh_from_db()
    assert tree.grid2.name == "第二网格"


@pytest.mark.parametrize("who", ["doctor", "grid_worker", "nobody"])
def test_the_api_refuses_grid_creation_to_others(client, tree, people, who):
    client.force_login(getattr(people, who))
    response = client.post(AREAS, {"parent": tree.village.code, "name": "东片区"}, content_type="application/json")
    assert response.status_code == 403
    assert len(grids_of(tree.village)) == 2


def test_the_api_renames_a_grid(client, tree, people):
    client.force_login(people.village_officer)
    response = client.patch(detail(tree.grid2.code), {"name": "西片区"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["name"] == "西片区"
    tree.grid2.refresh_from_db()
    assert (tree.grid2.name, tree.grid2.code, tree.grid2.parent) == ("西片区", "611022106200002", tree.village)


def test_the_api_does_not_rename_divisions(client, tree, people):
    client.force_login(people.town_officer)
    response = client.patch(detail(tree.village.code), {"name": "新村"}, content_type="application/json")
    assert response.status_code == 400
    assert "Only grids" in " ".join(response.json()["name"])
    tree.village.refresh_from_db()
    assert tree.village.name == "竹林关村委会"


def test_the_api_does_not_move_a_grid(client, tree, people):
    client.force_login(people.town_officer)
    response = client.patch(detail(tree.grid2.code), {"parent": tree.village2.code}, content_type="application/json")
    assert response.status_code in (200, 400)
    tree.grid2.refresh_from_db()
    assert tree.grid2.parent == tree.village
    assert tree.grid2.path == f"{tree.village.path}.{tree.grid2.code}"


@pytest.mark.parametrize("who, status", [("grid_worker", 403), ("doctor", 403), ("outsider", 404)])
def test_the_api_refuses_renames_to_others(client, tree, people, who, status):
    client.force_login(getattr(people, who))
    response = client.patch(detail(tree.grid.code), {"name": "改名"}, content_type="application/json")
    assert response.status_code == status
    tree.grid.refresh_from_db()
    assert tree.grid.name == "第一网格"


def test_the_api_does_not_delete_areas(client, tree, people):
    client.force_login(people.city_commander)
    assert client.delete(detail(tree.grid2.code)).status_code == 405
    assert Area.objects.filter(pk=tree.grid2.pk).exists()


def codes(client, **query):
    response = client.get(AREAS, {"page_size": 500, **query})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["results"])
    return {area["code"] for area in body["results"]}


def test_the_api_filters_by_within_level_and_parent(client, tree, people):
    client.force_login(people.city_commander)
    assert codes(client, within=tree.village.code) == {tree.village.code, tree.grid.code, tree.grid2.code}
    assert codes(client, within="611022", level="grid") == {tree.grid.code, tree.grid2.code}
    assert codes(client, level="county") == {"611022", "611023"}
    assert codes(client, parent=tree.village.code) == {tree.grid.code, tree.grid2.code}
    assert codes(client, parent="611022106") == {tree.village.code, tree.village2.code}
    assert codes(client, within="61102") == set()  # a prefix of 611022, not an area
    assert codes(client, within="999999") == set()


def test_the_api_filters_stay_in_scope(client, tree, people):
    client.force_login(people.county_officer)
    danfeng = {"611022", "611022106", tree.village.code, tree.village2.code, tree.grid.code, tree.grid2.code}
    assert codes(client) == danfeng
    assert codes(client, within="6110") == danfeng
    assert codes(client, level="grid") == {tree.grid.code, tree.grid2.code}
    assert codes(client, within="611023") == set()
    assert codes(client, parent="611023100") == set()
    assert client.get(detail("611023100001")).status_code == 404

    client.force_login(people.outsider)
    assert codes(client, within="611022") == set()
    assert codes(client, level="grid") == {"611023100001001"}


def test_the_api_hides_retired_grids_unless_asked(client, tree, people):
    retire_grid(tree.grid2)
    client.force_login(people.village_officer)
    assert codes(client, level="grid") == {tree.grid.code}
    assert codes(client, level="grid", include_retired="true") == {tree.grid.code, tree.grid2.code}
    retired = client.get(detail(tree.grid2.code))
    assert retired.status_code == 200
    assert retired.json()["retired_on"] == timezone.localdate().isoformat()
