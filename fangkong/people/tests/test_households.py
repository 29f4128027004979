"""Households and responsibility (包组联户) through the web UI: register, members, assignment, coverage."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from fangkong.core.models import ChangeLogEntry
from fangkong.people import services
from fangkong.people.models import Household, KeyPersonTag, Person
from fangkong.people.tests.factories import id_number, make_household, make_person, report_fever


@pytest.fixture
def client(client):
    """Messages are checked in English, whatever catalogue is installed."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def log_entries(obj):
    return ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    ).order_by("id")


def household_data(area, **extra):
    return {"area": area.code, "address": "竹林关村一组 12 号", "phone": "13912345678", "note": "", **extra}


def form_errors(response, form="form"):
    return response.context[form].errors


# --- registering a household and its members ------------------------------------------------------


def test_grid_worker_registers_a_household_in_their_grid(client, tree, people):
    client.force_login(people.grid_worker)
    form = client.get(reverse("people:household-add")).context["form"]
    assert form.initial["area"] == tree.grid.code  # their own grid, preselected
    assert form.initial["responsible"] == people.grid_worker.pk
    assert set(form.fields["area"].queryset) == {tree.grid}

    response = client.post(
        reverse("people:household-add"), household_data(tree.grid, responsible=people.grid_worker.pk)
    )

    household = Household.objects.get()
    assert response.status_code == 302 and response["Location"] == household.get_absolute_url()
    assert (household.area, household.area_path, household.responsible) == (
        tree.grid,
        tree.grid.path,
        people.grid_worker,
    )
    assert household.version == 1
    assert [entry.kind for entry in log_entries(household)] == [ChangeLogEntry.Kind.CREATE]


def test_grid_worker_cannot_register_a_household_in_another_grid(client, tree, people):
    client.force_login(people.grid_worker)
    for area in (tree.grid2, tree.other_grid):
        response = client.post(reverse("people:household-add"), household_data(area))
        assert response.status_code == 200
        assert form_errors(response)["area"] == ["No village or grid with this code in your area."]
    assert not Household.objects.exists()


def test_it_refuses_a_malformed_phone_naming_the_field(client, tree, people):
    client.force_login(people.grid_worker)
    response = client.post(reverse("people:household-add"), household_data(tree.grid, phone="12345"))
    assert "phone" in form_errors(response)
    assert response.context["form"]["address"].value() == "竹林关村一组 12 号"  # nothing typed is lost


def test_a_doctor_may_not_register_households(client, tree, people):
    client.force_login(people.doctor)
    response = client.post(reverse("people:household-add"), household_data(tree.grid))
    assert response.status_code == 403
    assert not Household.objects.exists()


def test_grid_worker_adds_a_member_whose_id_number_fills_in_sex_and_birth_date(client, tree, people):
    household = make_household(tree.grid)
    number = id_number(born=datetime.date(1990, 5, 17), male=False)
    client.force_login(people.grid_worker)

    response = client.post(household.get_absolute_url(), {"name": "李四", "id_number": number.lower()})

    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.household, person.area, person.name) == (household, tree.grid, "李四")
    assert (person.sex, person.birth_date, person.id_number) == ("female", datetime.date(1990, 5, 17), number)
    page = client.get(household.get_absolute_url()).content.decode()
    assert person.id_number_masked in page and number not in page


def test_a_wrong_check_character_is_refused_with_the_right_one(client, tree, people):
    household = make_household(tree.grid)
    number = id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    client.force_login(people.grid_worker)

    response = client.post(household.get_absolute_url(), {"name": "李四", "id_number": wrong})

    assert response.status_code == 200
    [message] = form_errors(response, "member_form")["id_number"]
    assert f"should be {number[17]}" in message
    assert not Person.objects.exists()


def test_a_member_whose_typed_sex_contradicts_the_id_number_is_refused(client, tree, people):
    household = make_household(tree.grid)
    client.force_login(people.grid_worker)

    response = client.post(
        household.get_absolute_url(), {"name": "李四", "id_number": id_number(male=True), "sex": "female"}
    )

    assert response.status_code == 200
    assert form_errors(response, "member_form")["sex"] == ["The ID number says male."]
    assert not Person.objects.exists()


def test_adding_someone_registered_in_scope_links_them_instead_of_a_duplicate(client, tree, people):
    number = id_number()
    existing = make_person(tree.grid, "王五", number=number)
    household = make_household(tree.grid)
    client.force_login(people.grid_worker)

    response = client.post(household.get_absolute_url(), {"name": "王 五", "id_number": number})

    assert response.status_code == 302
    assert Person.objects.count() == 1
    existing.refresh_from_db()
    assert existing.household == household and existing.name == "王五"


def test_adding_someone_registered_in_another_county_names_their_area(client, tree, people):
    number = id_number()
    make_person(tree.other_grid, "赵六", number=number)
    household = make_household(tree.grid)
    client.force_login(people.grid_worker)

    response = client.post(household.get_absolute_url(), {"name": "赵六", "id_number": number})

    assert response.status_code == 200
    [message] = form_errors(response, "member_form")["id_number"]
    assert "registered in another area (商南县)" in message and "城关街道" not in message
    assert Person.objects.count() == 1 and not household.members.exists()


def test_grid_worker_cannot_add_members_to_a_household_in_another_grid(client, tree, people):
    household = make_household(tree.grid2)
    client.force_login(people.grid_worker)
    response = client.post(reverse("people:household", args=[household.pk]), {"name": "李四"})
    assert response.status_code == 404
    assert not Person.objects.exists()


# --- concurrent edits ----------------------------------------------------------------------------------


def test_a_stale_edit_is_refused_and_the_input_kept(client, tree, people):
    household = make_household(tree.grid, "竹林关村一组 1 号")
    client.force_login(people.grid_worker)
    url = reverse("people:household-edit", args=[household.pk])
    read_version = client.get(url).context["form"].initial["version"]

    other = Household.objects.get(pk=household.pk)
    other.address = "竹林关村一组 1 号之一"
    services.save_household(other, expected_version=read_version)  # someone else saves first

    mine = household_data(tree.grid, address="竹林关村一组 1 号 (东)", version=read_version)
    response = client.post(url, mine)

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert "Someone else saved this household" in errors[0] and "竹林关村一组 1 号之一" in errors[1]
    household.refresh_from_db()
    assert (household.address, household.version) == ("竹林关村一组 1 号之一", 2)
    form = response.context["form"]
    assert form["address"].value() == "竹林关村一组 1 号 (东)"  # kept
    assert str(form["version"].value()) == "2"  # saving again overwrites knowingly

    response = client.post(url, {**mine, "version": 2})
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.address, household.version) == ("竹林关村一组 1 号 (东)", 3)


# --- the list -------------------------------------------------------------------------------------------


def listed(client, **query):
    response = client.get(reverse("people:household-list"), query)
    assert response.status_code == 200
    return {row.record.address for row in response.context["table"].rows}


def test_the_list_filters_by_area_responsible_and_address_and_masks_phones(client, tree, people):
    make_household(tree.grid, "一组 1 号", phone="13912345678", responsible=people.grid_worker)
    make_household(tree.grid2, "二组 2 号")
    make_household(tree.village2, "桃园 3 号")
    make_household(tree.other_grid, "东街 4 号")
    client.force_login(people.village_officer)

    assert listed(client) == {"一组 1 号", "二组 2 号"}
    assert listed(client, within=tree.grid2.code) == {"二组 2 号"}
    assert listed(client, responsible="none") == {"二组 2 号"}
    assert listed(client, responsible=people.grid_worker.pk) == {"一组 1 号"}
    assert listed(client, q="1 号") == {"一组 1 号"}
    page = client.get(reverse("people:household-list")).content.decode()
    assert "139****5678" in page and "13912345678" not in page

    export = client.get(reverse("people:household-list"), {"export": "csv"})
    text = b"".join(export.streaming_content).decode()
    assert "139****5678" in text and "13912345678" not in text and "东街" not in text


def test_grid_worker_sees_only_their_grid_and_no_bulk_checkboxes(client, tree, people):
    make_household(tree.grid, "一组 1 号")
    make_household(tree.grid2, "二组 2 号")
    client.force_login(people.grid_worker)
    assert listed(client) == {"一组 1 号"}
    response = client.get(reverse("people:household-list"))
    assert "select" not in response.context["table"].columns.names()


# --- bulk assignment ----------------------------------------------------------------------------------


def test_bulk_assignment_updates_only_in_scope_households_and_logs(client, tree, people):
    mine = make_household(tree.grid, "一组 1 号")
    neighbour = make_household(tree.village2, "桃园 3 号")
    far = make_household(tree.other_grid, "东街 4 号")
    client.force_login(people.village_officer)
    ids = [mine.pk, neighbour.pk, far.pk]

    preview = client.get(reverse("people:household-assign"), {"households": ids})
    assert (preview.context["count"], preview.context["left_out"]) == (1, 2)
    response = client.post(
        reverse("people:household-assign"), {"households": ids, "responsible": people.grid_worker.pk}
    )

    assert response.status_code == 302
    for household in (mine, neighbour, far):
        household.refresh_from_db()
    assert mine.responsible == people.grid_worker and mine.version == 2
    assert neighbour.responsible is None and far.responsible is None
    entry = log_entries(mine).last()
    assert entry.kind == ChangeLogEntry.Kind.UPDATE and entry.user == people.village_officer
    assert (entry.before["responsible_id"], entry.after["responsible_id"]) == (None, people.grid_worker.pk)
    assert not log_entries(neighbour).filter(kind=ChangeLogEntry.Kind.UPDATE).exists()


def test_assigning_all_without_a_responsible_person_in_an_area(client, tree, people):
    missing = [make_household(tree.grid, f"一组 {n} 号") for n in range(3)]
    kept = make_household(tree.grid2, "二组 1 号", responsible=people.doctor)
    elsewhere = make_household(tree.village2, "桃园 1 号")
    client.force_login(people.town_officer)

    response = client.post(
        reverse("people:household-assign"),
        {"within": tree.village.code, "missing": "1", "responsible": people.village_officer.pk},
    )

    assert response.status_code == 302
    assert set(Household.objects.filter(responsible=people.village_officer)) == set(missing)
    kept.refresh_from_db()
    elsewhere.refresh_from_db()
    assert kept.responsible == people.doctor and elsewhere.responsible is None


def test_a_responsible_person_must_be_someone_in_the_officers_area(client, tree, people):
    household = make_household(tree.grid)
    client.force_login(people.village_officer)
    response = client.post(
        reverse("people:household-assign"), {"households": [household.pk], "responsible": people.outsider.pk}
    )
    assert response.status_code == 200 and "responsible" in form_errors(response)
    household.refresh_from_db()
    assert household.responsible is None


def test_grid_workers_do_not_bulk_assign(client, tree, people):
    household = make_household(tree.grid)
    client.force_login(people.grid_worker)
    response = client.post(
        reverse("people:household-assign"), {"households": [household.pk], "responsible": people.grid_worker.pk}
    )
    assert response.status_code == 403
    household.refresh_from_db()
    assert household.responsible is None


def test_key_persons_get_a_responsible_cadre_and_a_village_doctor(client, tree, people):
    flagged = make_person(tree.grid, "张三")
    services.add_tags(flagged, KeyPersonTag.FROM_RISK_AREA)
    plain = make_person(tree.grid, "李四")
    far = make_person(tree.other_grid, "王五")
    report_fever(far)
    client.force_login(people.village_officer)

    response = client.post(
        reverse("people:person-assign"),
        {"persons": [flagged.pk, plain.pk, far.pk], "responsible": people.grid_worker.pk, "doctor": people.doctor.pk},
    )

    assert response.status_code == 302
    for person in (flagged, plain, far):
        person.refresh_from_db()
    assert (flagged.responsible, flagged.doctor) == (people.grid_worker, people.doctor)
    assert plain.responsible is None and far.responsible is None  # not a key person; out of scope
    assert log_entries(flagged).filter(kind=ChangeLogEntry.Kind.UPDATE).last().after["doctor_id"] == people.doctor.pk


def test_the_doctor_must_be_a_doctor(client, tree, people):
    flagged = make_person(tree.grid, "张三")
    report_fever(flagged)
    client.force_login(people.village_officer)
    response = client.post(reverse("people:person-assign"), {"persons": [flagged.pk], "doctor": people.grid_worker.pk})
    assert response.status_code == 200 and "doctor" in form_errors(response)


# --- coverage ---------------------------------------------------------------------------------------


def test_coverage_numbers_are_right(client, tree, people):
    for n in range(3):
        make_household(tree.grid, f"一组 {n} 号", responsible=people.grid_worker if n else None)
    make_household(tree.grid2, "二组 1 号")
    make_household(tree.village, "村部", responsible=people.village_officer)
    make_household(tree.village2, "桃园 1 号")  # another village: not counted
    flagged = make_person(tree.grid2, "张三", responsible=people.village_officer)
    services.add_tags(flagged, KeyPersonTag.CLOSE_CONTACT)
    make_person(tree.grid2, "李四")  # not a key person
    client.force_login(people.village_officer)

    response = client.get(reverse("people:coverage", args=[tree.village.code]))

    total = response.context["total"]
    assert (total["households"], total["covered"], total["coverage"]) == (5, 3, 60)
    assert (total["key_persons"], total["no_responsible"], total["no_doctor"]) == (1, 0, 1)
    by_area = {(row["area"].code, row["own"]): row for row in response.context["rows"]}
    assert by_area[(tree.village.code, True)]["households"] == 1
    assert (by_area[(tree.grid.code, False)]["households"], by_area[(tree.grid.code, False)]["coverage"]) == (3, 66)
    assert by_area[(tree.grid2.code, False)]["coverage"] == 0
    assert {h.address for h in response.context["page"]} == {"一组 0 号", "二组 1 号"}
    assert [p.name for p in response.context["missing_persons"]] == ["张三"]


def test_the_area_page_links_to_households_and_coverage(client, tree, people):
    client.force_login(people.village_officer)
    page = client.get(reverse("areas:area", args=[tree.village.code])).content.decode()
    assert f"{reverse('people:household-list')}?within={tree.village.code}" in page
    assert reverse("people:coverage", args=[tree.village.code]) in page


def test_a_grid_worker_may_name_village_cadres_but_not_outsiders(tree, people):
    candidates = set(services.responsible_candidates(people.grid_worker))
    assert {people.grid_worker, people.village_officer, people.doctor} <= candidates
    assert not candidates & {people.outsider, people.town_officer, people.county_officer, people.nobody}


def test_with_many_people_the_responsible_filter_is_typed(client, tree, people, monkeypatch):
    from fangkong.people.filters import households as household_filters

    monkeypatch.setattr(household_filters, "RESPONSIBLE_SELECT_LIMIT", 2)
    make_household(tree.grid, "一组 1 号", responsible=people.grid_worker)
    make_household(tree.grid2, "二组 1 号")
    client.force_login(people.village_officer)

    assert listed(client, responsible="grid_worker") == {"一组 1 号"}
    assert listed(client, responsible=str(people.grid_worker.pk)) == {"一组 1 号"}
    assert listed(client, responsible="none") == {"二组 1 号"}


def test_a_typed_responsible_id_too_large_for_the_database_is_a_filter_error(client, tree, people, monkeypatch):
    from fangkong.people.filters import households as household_filters

    monkeypatch.setattr(household_filters, "RESPONSIBLE_SELECT_LIMIT", 2)
    make_household(tree.grid, "一组 1 号", responsible=people.grid_worker)
    client.force_login(people.village_officer)
    response = client.get(reverse("people:household-list"), {"responsible": "9" * 25}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "too large a number" in str(response.context["filter"].form.errors["responsible"])
    api = client.get(reverse("household-list"), {"responsible": "9" * 25})
    assert api.status_code == 400 and "responsible" in api.json()


def test_the_head_of_household_is_picked_among_its_members(client, tree, people):
    household = make_household(tree.grid, "竹林关村一组 12 号")
    head = make_person(tree.grid, "张三", household=household, relation_to_head="户主")
    make_person(tree.grid, "李梅", household=household, relation_to_head="妻子")
    stranger = make_person(tree.grid, "王五")
    client.force_login(people.grid_worker)
    url = reverse("people:household-edit", args=[household.pk])
    choices = [str(choice) for _value, choice in client.get(url).context["form"].fields["head"].choices]
    assert choices == ["---------", "张三", "李梅"]
    refused = client.post(url, household_data(tree.grid, head=stranger.pk, version=household.version))
    assert "head" in refused.context["form"].errors
    client.post(url, household_data(tree.grid, head=head.pk, version=household.version))
    household.refresh_from_db()
    assert household.head == head
    page = client.get(reverse("people:household", args=[household.pk])).content.decode()
    assert "妻子" in page and ">head</span>" in page


def test_a_head_who_moves_out_is_no_longer_the_head(tree, people):
    household = make_household(tree.grid, "竹林关村一组 12 号")
    head = make_person(tree.grid, "张三", household=household, relation_to_head="户主")
    household.head = head
    services.save_household(household)
    head.household = make_household(tree.grid, "竹林关村一组 13 号")
    services.save_person(head)
    household.refresh_from_db()
    assert household.head is None and household.version == 3
