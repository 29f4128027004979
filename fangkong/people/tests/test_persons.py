"""Persons in the web UI: registering once, finding fast, moves, merges, masking and reveals."""

import datetime
import io
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from fangkong.areas.models import Area, Division
from fangkong.core.models import ChangeLogEntry
from fangkong.core.validators import id_check_character
from fangkong.people import services
from fangkong.people.models import Arrival, IdNumberReveal, KeyPersonTag, MoveRequest, Person
from fangkong.people.tests.factories import id_number, make_household, make_person, report_fever

ADD = "/people/add/"


def form_data(area, **extra):
    data = {
        "name": "李四",
        "id_number": "",
        "sex": "unknown",
        "birth_date": "",
        "phone": "",
        "area": area.pk,
        "household": "",
        "residency": "resident",
        "address": "",
        "responsible": "",
        "doctor": "",
    }
    data.update(extra)
    return data


def wrong_check(number):
    """The same number with a wrong check character."""
    return number[:17] + ("0" if number[17] != "0" else "1")


def division():
    return Division.objects.get_or_create(
        code="420102", defaults={"name": "江岸区", "level": Division.Level.COUNTY, "full_name": "湖北省 武汉市 江岸区"}
    )[0]


def area_select(page):
    return page.split('name="area"')[1].split("</select>")[0]


@pytest.fixture
def en(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# Registering -------------------------------------------------------------------------------------


def test_grid_worker_registers_a_person_and_the_id_number_fills_sex_and_birth_date(en, tree, people):
    en.force_login(people.grid_worker)
    number = id_number(born=datetime.date(1990, 7, 1), male=False)
    response = en.post(ADD, form_data(tree.grid, id_number=number.lower(), phone="+86 138 0000 1234"))
    person = Person.objects.get(name="李四")
    assert response.status_code == 302 and response["Location"] == f"/people/{person.pk}/"
    assert person.sex == "female"
    assert person.birth_date == datetime.date(1990, 7, 1)
    assert person.id_number == number.upper()
    assert person.phone == "13800001234"
    assert person.area == tree.grid and person.area_path == tree.grid.path


def test_a_category_id_too_large_for_the_database_is_a_form_error(en, tree, people):
    en.force_login(people.grid_worker)
    response = en.post(ADD, form_data(tree.grid, tags=["9" * 25]))
    assert response.status_code == 200
    assert "is not a valid value" in str(response.context["form"].errors["tags"])
    assert not Person.objects.exists()


def test_a_persons_name_is_labelled_apart_from_the_name_of_a_thing(client, tree, people, monkeypatch):
    """姓名 for a person, 名称 for a thing: the person's name has its own msgid (context "person")."""
    from django.utils.translation import trans_real

    catalog = trans_real.translation("zh-hans")._catalog._catalogs[0]  # as the compiled .po will have it
    monkeypatch.setitem(catalog, "person\x04name", "姓名")
    monkeypatch.setitem(catalog, "person\x04Name", "姓名")
    make_person(tree.grid, "张三")
    client.force_login(people.grid_worker)
    chinese = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    assert client.get(ADD, **chinese).context["form"]["name"].label == "姓名"
    assert str(client.get(reverse("people:person-list"), **chinese).context["table"].columns["name"].header) == "姓名"
    with translation.override("zh-hans"):
        assert str(Area._meta.get_field("name").verbose_name) == "名称"


def test_an_empty_list_says_what_is_missing_and_offers_the_next_step(en, tree, people):
    en.force_login(people.grid_worker)
    page = en.get(reverse("people:person-list")).content.decode()
    assert "No one is registered here yet." in page and "<table" not in page
    assert f'href="{ADD}">Register</a>' in page
    assert f'href="{reverse("people:person-import")}">Import from Excel</a>' in page

    filtered = en.get(reverse("people:person-list"), {"q": "王"}).content.decode()
    assert "Nothing matches these filters." in filtered
    assert f'href="{reverse("people:person-list")}">Clear the filters</a>' in filtered

    en.force_login(people.doctor)  # may not register households: no next step offered
    page = en.get(reverse("people:household-list")).content.decode()
    assert "No households are registered here yet." in page and "Register</a>" not in page.split("empty-list")[1]


def test_the_area_filter_is_a_picker_that_keeps_the_code_and_takes_a_typed_name(en, tree, people):
    make_person(tree.grid, "张三")
    make_person(tree.grid2, "李四")
    en.force_login(people.village_officer)
    url = reverse("people:person-list")

    def names(**query):
        return {row.record.name for row in en.get(url, query).context["table"].rows}

    page = en.get(url, {"within": tree.grid2.code}).content.decode()
    assert f'type="hidden" name="within" value="{tree.grid2.code}"' in page
    assert 'name="within_text" value="竹林关村 第二网格"' in page
    assert names(within=tree.grid2.code) == {"李四"}
    assert names(within_text="第二网格") == {"李四"}  # typed without JavaScript: one area of that name in scope
    assert names(within_text="dywg") == {"张三"}
    assert names(within_text="网格") == set()  # two grids: pick one


def test_the_form_fills_sex_and_birth_date_as_the_number_is_typed(en, tree, people):
    en.force_login(people.grid_worker)
    page = en.get(ADD).content.decode()
    assert 'id="id_id_number"' in page and "people/person_form.js" in page  # a file: the CSP allows no inline script
    assert 'getElementById("id_birth_date")' in Path(finders.find("people/person_form.js")).read_text()
    assert "form-control-lg" in page  # big inputs on a phone


def test_a_wrong_check_character_is_refused_with_a_message_saying_so(en, tree, people):
    en.force_login(people.grid_worker)
    number = id_number()
    response = en.post(ADD, form_data(tree.grid, id_number=wrong_check(number), name="王五"))
    assert response.status_code == 200
    assert f"should be {number[17]}" in response.content.decode()
    assert not Person.objects.filter(name="王五").exists()


def test_an_impossible_birth_date_is_refused_with_a_message_saying_so(en, tree, people):
    en.force_login(people.grid_worker)
    first17 = "61102219850231001"  # 31 February
    response = en.post(ADD, form_data(tree.grid, id_number=first17 + id_check_character(first17)))
    assert response.status_code == 200
    assert "The birth date in the ID number (19850231) does not exist." in response.content.decode()
    assert not Person.objects.exists()


def test_a_birth_date_contradicting_the_id_number_is_refused(en, tree, people):
    en.force_login(people.grid_worker)
    number = id_number(born=datetime.date(1985, 3, 12))
    response = en.post(ADD, form_data(tree.grid, id_number=number, birth_date="1986-03-12"))
    assert "The ID number says 1985-03-12." in response.content.decode()
    assert not Person.objects.exists()


def test_a_bad_phone_is_refused_naming_the_field(en, tree, people):
    en.force_login(people.grid_worker)
    response = en.post(ADD, form_data(tree.grid, phone="12345"))
    assert response.status_code == 200
    assert "Enter a mobile number" in response.content.decode()
    assert not Person.objects.exists()


def test_a_grid_worker_can_only_choose_their_grid(en, tree, people):
    en.force_login(people.grid_worker)
    page = area_select(en.get(ADD).content.decode())
    assert f'value="{tree.grid.pk}"' in page and f'value="{tree.grid2.pk}"' not in page
    response = en.post(ADD, form_data(tree.grid2))
    assert response.status_code == 200 and not Person.objects.exists()


def test_a_village_officer_chooses_among_the_village_and_its_grids(en, tree, people):
    en.force_login(people.village_officer)
    page = area_select(en.get(ADD).content.decode())
    for area in (tree.village, tree.grid, tree.grid2):
        assert f'value="{area.pk}"' in page
    assert f'value="{tree.village2.pk}"' not in page


def test_registering_from_a_household_preselects_it_and_its_grid(en, tree, people):
    household = make_household(tree.grid2, address="竹林关村二组 5 号")
    en.force_login(people.village_officer)
    page = en.get(ADD, {"household": household.pk}).content.decode()
    assert f'<option value="{household.pk}" selected>' in page
    assert f'<option value="{tree.grid2.pk}" selected>' in area_select(page)
    response = en.post(ADD, form_data(tree.grid2, household=household.pk))
    person = Person.objects.get()
    assert response.status_code == 302 and person.household == household
    page = en.get(reverse("people:person", args=[person.pk])).content.decode()
    assert reverse("people:household", args=[household.pk]) in page


def test_a_household_in_another_village_is_refused(en, tree, people):
    household = make_household(tree.village2, address="桃园村一组 1 号")
    en.force_login(people.town_officer)
    response = en.post(ADD, form_data(tree.grid, household=household.pk))
    assert "another village" in response.content.decode()
    assert not Person.objects.exists()


# Duplicates --------------------------------------------------------------------------------------


def test_registering_someone_already_in_scope_opens_the_existing_record(en, tree, people):
    number = id_number()
    existing = make_person(tree.grid, name="张三", number=number)
    en.force_login(people.grid_worker)
    response = en.post(ADD, form_data(tree.grid, name="张叁", id_number=number), follow=True)
    assert response.redirect_chain[-1][0] == f"/people/{existing.pk}/"
    assert "already registered" in response.content.decode()
    assert Person.objects.count() == 1


def test_registering_someone_from_another_county_offers_a_move_and_tells_neither_name_nor_area(en, tree, people):
    number = id_number()
    elsewhere = make_person(tree.other_grid, name="赵六", number=number)
    en.force_login(people.village_officer)
    response = en.post(ADD, form_data(tree.grid, name="赵陆", id_number=number))
    page = response.content.decode()
    assert response.status_code == 200
    assert str(services.registered_elsewhere(elsewhere)) in page
    assert "registered in another area (商南县)" in page
    assert "赵六" not in page and "城关街道" not in page and "东街社区" not in page
    assert 'name="request_move"' in page
    assert Person.objects.count() == 1

    response = en.post(
        ADD, form_data(tree.grid, name="赵陆", id_number=number, request_move="1", reason="返乡"), follow=True
    )
    assert response.redirect_chain[0] == (reverse("people:move-list"), 302)
    assert "赵六" not in response.content.decode() and "城关街道" not in response.content.decode()
    move = MoveRequest.objects.get()
    assert (move.person, move.to_area, move.requested_by, move.status) == (
        elsewhere,
        tree.grid,
        people.village_officer,
        "pending",
    )
    assert move.area == tree.other_grid  # the person's current area decides
    assert Person.objects.count() == 1

    # The requester sees their request, with the number masked, but neither the name nor the person's page.
    page = en.get(reverse("people:move-list")).content.decode()
    assert elsewhere.id_number_masked in page and "赵六" not in page and number not in page
    assert en.get(reverse("people:person", args=[elsewhere.pk])).status_code == 404


def test_changing_an_id_number_to_one_already_registered_is_refused(en, tree, people):
    first = make_person(tree.grid, name="张三", number=id_number())
    second = make_person(tree.grid, name="李四")
    en.force_login(people.village_officer)
    response = en.post(
        reverse("people:person-edit", args=[second.pk]),
        form_data(tree.grid, id_number=first.id_number, version=second.version),
    )
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    second.refresh_from_db()
    assert not second.id_number_encrypted


# Moves -------------------------------------------------------------------------------------------


def test_an_accepted_move_takes_the_person_and_their_arrivals_to_the_new_area(en, tree, people):
    person = make_person(tree.other_grid, name="赵六", number=id_number())
    arrival = services.register_arrival(
        Arrival(person=person, origin=division(), arrived_on=datetime.date(2020, 1, 25)), people.outsider
    )
    move = services.request_move(person, tree.grid, people.village_officer)
    en.force_login(people.outsider)
    page = en.get(reverse("people:move-list")).content.decode()
    assert "赵六" in page and 'value="accept"' in page
    response = en.post(reverse("people:move-list"), {"move": move.pk, "decision": "accept"})
    assert response.status_code == 302
    person.refresh_from_db()
    arrival.refresh_from_db()
    assert person.area == tree.grid and person.area_path == tree.grid.path
    assert arrival.area == tree.grid and arrival.area_path == tree.grid.path
    move.refresh_from_db()
    assert move.status == "accepted" and move.decided_by == people.outsider
    # Now the village sees the person and their arrival; the old county no longer does.
    en.force_login(people.village_officer)
    page = en.get(reverse("people:person", args=[person.pk])).content.decode()
    assert "2020-01-25" in page
    assert not Person.objects.restrict(people.outsider).filter(pk=person.pk).exists()


def test_a_declined_move_leaves_the_person_where_they_are(en, tree, people):
    person = make_person(tree.other_grid, name="赵六", number=id_number())
    move = services.request_move(person, tree.grid, people.village_officer)
    en.force_login(people.outsider)
    en.post(reverse("people:move-list"), {"move": move.pk, "decision": "decline"})
    person.refresh_from_db()
    move.refresh_from_db()
    assert person.area == tree.other_grid and move.status == "declined"


def test_the_requester_cannot_decide_their_own_request(en, tree, people):
    person = make_person(tree.other_grid, name="赵六", number=id_number())
    move = services.request_move(person, tree.grid, people.village_officer)
    en.force_login(people.village_officer)
    response = en.post(reverse("people:move-list"), {"move": move.pk, "decision": "accept"})
    assert response.status_code == 404
    move.refresh_from_db()
    assert move.status == "pending"


# Merge -------------------------------------------------------------------------------------------


def test_an_officer_merges_a_duplicate_without_id_number_into_the_real_record(en, tree, people):
    keep = make_person(tree.grid, name="张三", number=id_number())
    duplicate = make_person(tree.grid, name="张三", phone="13800001234")
    services.register_arrival(
        Arrival(person=duplicate, origin=division(), arrived_on=datetime.date(2020, 1, 25)), people.village_officer
    )
    en.force_login(people.village_officer)
    url = reverse("people:person-merge", args=[duplicate.pk])
    assert f"?into={keep.pk}" in en.get(url).content.decode()  # proposed: same name
    confirm = en.get(f"{url}?into={keep.pk}").content.decode()
    assert 'id="confirm-merge"' in confirm
    response = en.post(url, {"into": keep.pk})
    assert response.status_code == 302 and response["Location"] == f"/people/{keep.pk}/"
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    keep.refresh_from_db()
    assert keep.phone == "13800001234"
    assert keep.arrivals.count() == 1


def test_a_grid_worker_may_not_merge(en, tree, people):
    keep = make_person(tree.grid, name="张三", number=id_number())
    duplicate = make_person(tree.grid, name="张三")
    en.force_login(people.grid_worker)
    response = en.post(reverse("people:person-merge", args=[duplicate.pk]), {"into": keep.pk})
    assert response.status_code == 403
    assert Person.objects.filter(pk=duplicate.pk).exists()


# Concurrent edits --------------------------------------------------------------------------------


def test_a_concurrent_edit_is_refused_and_keeps_what_was_typed(en, tree, people):
    person = make_person(tree.grid, name="张三", phone="13800001234")
    en.force_login(people.grid_worker)
    url = reverse("people:person-edit", args=[person.pk])
    assert f'name="version" value="{person.version}"' in en.get(url).content.decode()
    stale = person.version
    first = en.post(url, form_data(tree.grid, name="张三", address="一组 3 号", version=stale))
    assert first.status_code == 302
    second = en.post(url, form_data(tree.grid, name="张三丰", address="二组 9 号", version=stale))
    page = second.content.decode()
    assert second.status_code == 200
    assert "Someone else changed this person" in page
    assert "二组 9 号" in page  # what the user typed is still there
    person.refresh_from_db()
    assert person.name == "张三" and person.address == "一组 3 号"
    assert person.version == stale + 1


def test_every_save_bumps_the_version(tree, people):
    person = make_person(tree.grid)
    before = person.version
    services.save_person(person)
    services.save_person(person)
    person.refresh_from_db()
    assert person.version == before + 2


def test_editing_keeps_the_id_number_and_never_shows_it(en, tree, people):
    number = id_number()
    person = make_person(tree.grid, name="张三", number=number)
    en.force_login(people.village_officer)
    url = reverse("people:person-edit", args=[person.pk])
    page = en.get(url).content.decode()
    assert number not in page and person.id_number_masked in page
    en.post(url, form_data(tree.grid, name="张三", sex="male", birth_date="1985-03-12", version=person.version))
    person.refresh_from_db()
    assert person.id_number == number


# Search and list ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["zhangsan", "zhang", "zs", "张三", "LAST4", "FULL", "13800001234", "1380000"], ids=str
)
def test_it_finds_a_person_by_name_pinyin_initials_id_number_or_phone_within_scope_only(en, tree, people, query):
    number = id_number()
    mine = make_person(tree.grid, name="张三", number=number, phone="13800001234")
    theirs = make_person(tree.other_grid, name="张三", number=id_number(), phone="13800001234")
    if query == "LAST4":
        query = number[-4:]
    elif query == "FULL":
        query = number
        theirs.delete()
    en.force_login(people.grid_worker)
    page = en.get("/people/", {"q": query}).content.decode()
    assert f"/people/{mine.pk}/" in page
    assert f"/people/{theirs.pk}/" not in page
    en.force_login(people.outsider)
    page = en.get("/people/", {"q": query}).content.decode()
    assert f"/people/{mine.pk}/" not in page


def test_the_list_filters_by_category_area_and_missing_responsible(en, tree, people):
    fever = make_person(tree.grid, name="发热者")
    report_fever(fever)
    other = make_person(tree.grid2, name="其他", responsible=people.village_officer)
    en.force_login(people.village_officer)
    page = en.get("/people/", {"tag": "fever"}).content.decode()
    assert f"/people/{fever.pk}/" in page and f"/people/{other.pk}/" not in page
    assert "text-bg-danger" in page  # red status badge
    page = en.get("/people/", {"within": tree.grid2.code}).content.decode()
    assert f"/people/{other.pk}/" in page and f"/people/{fever.pk}/" not in page
    page = en.get("/people/", {"no_responsible": "on"}).content.decode()
    assert f"/people/{fever.pk}/" in page and f"/people/{other.pk}/" not in page


def test_lists_and_exports_show_id_numbers_and_phones_masked(en, tree, people):
    number = id_number()
    person = make_person(tree.grid, name="张三", number=number, phone="13812345678")
    en.force_login(people.village_officer)
    page = en.get("/people/").content.decode()
    assert person.id_number_masked in page and "138****5678" in page
    assert number not in page and "13812345678" not in page
    csv_text = b"".join(en.get("/people/", {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert person.id_number_masked in csv_text and "138****5678" in csv_text
    assert number not in csv_text and "13812345678" not in csv_text
    response = en.get("/people/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row]
    assert person.id_number_masked in values and number not in values
    assert "138****5678" in values


# Detail and reveal -------------------------------------------------------------------------------


def test_an_officer_reveals_a_full_id_number_once_and_it_is_logged(en, tree, people):
    number = id_number()
    person = make_person(tree.grid, name="张三", number=number)
    en.force_login(people.village_officer)
    url = reverse("people:person", args=[person.pk])
    page = en.get(url).content.decode()
    assert number not in page and 'id="reveal-id"' in page
    response = en.post(url, {"reveal": "1"})
    assert number in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    reveal = IdNumberReveal.objects.get()
    assert (reveal.user, reveal.person) == (people.village_officer, person)
    assert number not in en.get(url).content.decode()  # shown once


def test_a_grid_worker_sees_the_id_number_masked_and_cannot_reveal_it(en, tree, people):
    number = id_number()
    person = make_person(tree.grid, name="张三", number=number)
    en.force_login(people.grid_worker)
    url = reverse("people:person", args=[person.pk])
    page = en.get(url).content.decode()
    assert person.id_number_masked in page and 'id="reveal-id"' not in page
    response = en.post(url, {"reveal": "1"})
    assert response.status_code == 403
    assert number not in response.content.decode()
    assert not IdNumberReveal.objects.exists()


def test_the_person_page_links_the_change_history_of_this_record(en, tree, people):
    person = make_person(tree.grid, name="张三")
    services.save_person(person)
    en.force_login(people.village_officer)
    page = en.get(reverse("people:person", args=[person.pk])).content.decode()
    assert f"object_id={person.pk}" in page
    link = page.split('id="person-history"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    history = en.get(link).content.decode()
    entries = ChangeLogEntry.objects.filter(object_id=str(person.pk), content_type__model="person")
    assert entries.exists()
    for entry in entries:
        assert f"/changelog/{entry.pk}/" in history


def test_the_person_page_shows_household_and_categories(en, tree, people):
    household = make_household(tree.grid, address="竹林关村一组 8 号")
    person = make_person(tree.grid, name="张三", household=household, doctor=people.doctor)
    services.add_tags(person, KeyPersonTag.CLOSE_CONTACT)
    en.force_login(people.grid_worker)
    page = en.get(reverse("people:person", args=[person.pk])).content.decode()
    assert "竹林关村一组 8 号" in page and "?tag=close_contact" in page and "doctor" in page


# Key-person categories ---------------------------------------------------------------------------


def test_a_commander_adds_and_renames_categories(en, tree, people):
    en.force_login(people.city_commander)
    response = en.post(reverse("people:tag-add"), {"code": "left_wuhan", "name": "离汉人员", "name_en": "Left Wuhan"})
    assert response.status_code == 302
    tag = KeyPersonTag.objects.get(code="left_wuhan")
    assert not tag.builtin
    fever = KeyPersonTag.objects.get(code=KeyPersonTag.FEVER)
    en.post(
        reverse("people:tag-edit", args=[fever.pk]), {"code": "renamed", "name": "发热人员", "name_en": "Fever cases"}
    )
    fever.refresh_from_db()
    assert (fever.code, fever.name, fever.builtin) == (KeyPersonTag.FEVER, "发热人员", True)  # code stays
    assert "离汉人员" in en.get(reverse("people:tag-list")).content.decode()


def test_a_commander_deletes_an_added_category_but_not_a_builtin_one(en, tree, people):
    added = KeyPersonTag.objects.create(code="left_wuhan", name="离汉人员", name_en="Left Wuhan")
    fever = KeyPersonTag.objects.get(code=KeyPersonTag.FEVER)
    en.force_login(people.city_commander)
    page = en.get(reverse("people:tag-list")).content.decode()
    assert reverse("people:tag-delete", args=[added.pk]) in page
    assert reverse("people:tag-delete", args=[fever.pk]) not in page
    assert en.post(reverse("people:tag-delete", args=[fever.pk])).status_code == 404
    assert en.post(reverse("people:tag-delete", args=[added.pk])).status_code == 302
    assert not KeyPersonTag.objects.filter(code="left_wuhan").exists()
    assert KeyPersonTag.objects.filter(code=KeyPersonTag.FEVER).exists()


def test_only_commanders_manage_categories(en, tree, people):
    en.force_login(people.county_officer)
    response = en.post(reverse("people:tag-add"), {"code": "x", "name": "x", "name_en": "x"})
    assert response.status_code == 403
    fever = KeyPersonTag.objects.get(code=KeyPersonTag.FEVER)
    response = en.post(reverse("people:tag-edit", args=[fever.pk]), {"name": "x", "name_en": "x"})
    assert response.status_code == 403
    assert not KeyPersonTag.objects.filter(code="x").exists()
    assert 'href="/people/tags/' not in en.get(reverse("people:tag-list")).content.decode().split("<table")[1]


def test_the_navbar_links_the_people_list(en, tree, people):
    en.force_login(people.grid_worker)
    assert 'id="nav-people"' in en.get(reverse("people:move-list")).content.decode()
