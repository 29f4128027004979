"""/api/people/ and /api/tags/: the same scope, masking, duplicates and reveal rules as the web UI."""

import datetime

from fangkong.people import services
from fangkong.people.models import IdNumberReveal, KeyPersonTag, Person
from fangkong.people.tests.factories import id_number, make_person


def test_it_registers_a_person_filling_sex_and_birth_date_from_the_id_number(api, tree, people):
    api.force_authenticate(people.grid_worker)
    number = id_number(born=datetime.date(1990, 7, 1), male=False)
    response = api.post(
        "/api/people/",
        {
            **{"name": "李四", "id_number": number, "area": tree.grid.code},
            **{"tags": ["close_contact"], "phone": "13800001234"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["id_number"] == number[:4] + "*" * 10 + number[-4:]
    assert (data["sex"], data["birth_year"], data["area"]) == ("female", 1990, tree.grid.code)
    assert data["birth_date"] is None  # a grid worker: the year only (docs/privacy.md)
    assert Person.objects.get(pk=data["id"]).birth_date == datetime.date(1990, 7, 1)
    assert data["tags"] == ["close_contact"] and data["status_colour"] == data["colour"] == "yellow"
    assert Person.objects.get(pk=data["id"]).id_number == number


def test_a_wrong_check_character_is_a_400_naming_the_field(api, tree, people):
    api.force_authenticate(people.grid_worker)
    number = id_number()
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    response = api.post("/api/people/", {"name": "李四", "id_number": bad, "area": tree.grid.code}, format="json")
    assert response.status_code == 400
    assert f"should be {number[17]}" in response.json()["id_number"][0]


def test_an_existing_id_number_in_scope_is_a_400_with_the_existing_id(api, tree, people):
    number = id_number()
    existing = make_person(tree.grid, name="张三", number=number)
    api.force_authenticate(people.grid_worker)
    response = api.post("/api/people/", {"name": "张三", "id_number": number, "area": tree.grid.code}, format="json")
    assert response.status_code == 400
    message = response.json()["id_number"][0]
    assert "already registered" in message and f"person {existing.pk}" in message
    assert Person.objects.count() == 1


def test_an_existing_id_number_elsewhere_is_a_400_naming_the_county_only(api, tree, people):
    number = id_number()
    make_person(tree.other_grid, name="张三", number=number)
    api.force_authenticate(people.grid_worker)
    response = api.post("/api/people/", {"name": "张三", "id_number": number, "area": tree.grid.code}, format="json")
    assert response.status_code == 400
    assert response.json()["id_number"] == [
        "This ID number is registered in another area (商南县). "
        "Nobody is registered twice: request a move into your area."
    ]
    assert Person.objects.count() == 1


def test_an_area_outside_scope_is_refused(api, tree, people):
    api.force_authenticate(people.grid_worker)
    response = api.post("/api/people/", {"name": "李四", "area": tree.grid2.code}, format="json")
    assert response.status_code == 400 and "area" in response.json()
    assert not Person.objects.exists()


def test_lists_mask_id_numbers_and_phones(api, tree, people):
    number = id_number()
    person = make_person(tree.grid, name="张三", number=number, phone="13812345678")
    api.force_authenticate(people.village_officer)
    row = api.get("/api/people/").json()["results"][0]
    assert row["id_number"] == person.id_number_masked and row["phone"] == "138****5678"
    detail = api.get(f"/api/people/{person.pk}/").json()
    assert detail["id_number"] == person.id_number_masked
    assert number not in str(api.get("/api/people/").json())


def test_filters_by_area_subtree_tag_search_and_exact_id_number(api, tree, people):
    number = id_number()
    zhang = make_person(tree.grid, name="张三", number=number)
    li = make_person(tree.grid2, name="李四")
    services.add_tags(li, KeyPersonTag.CLOSE_CONTACT)
    make_person(tree.other_grid, name="张三")
    api.force_authenticate(people.village_officer)

    def ids(**query):
        return {row["id"] for row in api.get("/api/people/", query).json()["results"]}

    assert ids() == {zhang.pk, li.pk}
    assert ids(area=tree.grid.code) == {zhang.pk}
    assert ids(area=tree.village.code) == {zhang.pk, li.pk}
    assert ids(tag="close_contact") == {li.pk}
    assert ids(q="zs") == {zhang.pk}
    assert ids(q="lisi") == {li.pk}
    assert ids(id_number=number.lower()) == {zhang.pk}
    assert ids(id_number="123") == set()


def test_a_stale_version_is_refused_with_409(api, tree, people):
    person = make_person(tree.grid, name="张三")
    api.force_authenticate(people.grid_worker)
    url = f"/api/people/{person.pk}/"
    version = api.get(url).json()["version"]
    assert api.patch(url, {"address": "一组 3 号", "version": version}, format="json").status_code == 200
    response = api.patch(url, {"address": "二组 9 号", "version": version}, format="json")
    assert response.status_code == 409
    assert "Someone else changed this person" in response.json()["version"][0]
    person.refresh_from_db()
    assert person.address == "一组 3 号" and person.version == version + 1


def test_an_officer_reveals_an_id_number_and_it_is_logged(api, tree, people):
    number = id_number()
    person = make_person(tree.grid, name="张三", number=number)
    api.force_authenticate(people.doctor)
    response = api.post(f"/api/people/{person.pk}/reveal/")
    assert response.status_code == 200 and response.json() == {"id_number": number}
    assert IdNumberReveal.objects.filter(user=people.doctor, person=person).count() == 1


def test_a_grid_worker_may_not_reveal_and_an_outsider_does_not_find_the_person(api, tree, people):
    person = make_person(tree.grid, name="张三", number=id_number())
    api.force_authenticate(people.grid_worker)
    assert api.post(f"/api/people/{person.pk}/reveal/").status_code == 403
    api.force_authenticate(people.outsider)
    assert api.post(f"/api/people/{person.pk}/reveal/").status_code == 404
    assert not IdNumberReveal.objects.exists()


def test_tags_are_listed_by_code(api, tree, people):
    api.force_authenticate(people.grid_worker)
    codes = {tag["code"] for tag in api.get("/api/tags/").json()}
    assert {"fever", "close_contact", "from_risk_area"} <= codes
    api.force_authenticate(people.city_commander)
    assert api.post("/api/tags/", {"code": "x", "name": "x", "name_en": "x"}).status_code == 405
    assert not KeyPersonTag.objects.filter(code="x").exists()
