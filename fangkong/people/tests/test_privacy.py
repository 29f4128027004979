"""What roles that may not reveal ID numbers see and can find out (docs/privacy.md): the birth year
only, exact look-ups logged and limited, no answer that tells a right guess from a wrong one; the
reveal log that nothing erases."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from fangkong.areas.models import Division
from fangkong.core import crypto
from fangkong.people import services
from fangkong.people.imports import ArrivalImporter, PersonImporter
from fangkong.people.models import Arrival, IdNumberReveal, Person
from fangkong.people.tests.factories import id_number, make_household, make_person

BORN = datetime.date(1985, 3, 12)


@pytest.fixture
def en(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def limit(settings):
    settings.ID_LOOKUP_DAILY_LIMIT = 2
    return 2


def lookups(user):
    return IdNumberReveal.objects.filter(kind=IdNumberReveal.Kind.LOOKUP, user=user)


# The birth year only -----------------------------------------------------------------------------


def test_a_grid_worker_sees_the_birth_year_only_on_pages_lists_and_exports(en, tree, people):
    household = make_household(tree.grid)
    person = make_person(tree.grid, name="张三", number=id_number(born=BORN), household=household, birth_date=BORN)
    en.force_login(people.grid_worker)
    pages = [
        en.get(reverse("people:person", args=[person.pk])).content.decode(),
        en.get(reverse("people:household", args=[household.pk])).content.decode(),
        en.get("/people/").content.decode(),
        b"".join(en.get("/people/", {"export": "csv"}).streaming_content).decode("utf-8-sig"),
    ]
    for page in pages:
        assert "1985" in page and "1985-03-12" not in page and "03-12" not in page
    # No age either: the day it changes is the birthday.
    assert " years" not in pages[0]
    sheet = load_workbook(io.BytesIO(b"".join(en.get("/people/", {"export": "xlsx"}).streaming_content))).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert 1985 in values and BORN not in values and datetime.datetime(1985, 3, 12) not in values
    # Roles that may reveal the number see the date on the person's page.
    en.force_login(people.village_officer)
    assert "1985-03-12" in en.get(reverse("people:person", args=[person.pk])).content.decode()


def test_the_api_gives_a_grid_worker_the_birth_year_and_a_put_back_keeps_the_date(api, tree, people):
    person = make_person(tree.grid, name="张三", number=id_number(born=BORN), birth_date=BORN)
    client = api.login_as(people.grid_worker)
    data = client.get(f"/api/people/{person.pk}/").json()
    assert (data["birth_date"], data["birth_year"]) == (None, 1985)
    assert all(row["birth_date"] is None for row in client.get("/api/people/").json()["results"])
    data["address"] = "一组 3 号"
    response = client.put(f"/api/people/{person.pk}/", data, format="json")
    assert response.status_code == 200, response.json()
    person.refresh_from_db()
    assert (person.birth_date, person.address) == (BORN, "一组 3 号")
    officer = api.login_as(people.village_officer).get(f"/api/people/{person.pk}/").json()
    assert (officer["birth_date"], officer["birth_year"]) == ("1985-03-12", 1985)


def test_the_edit_form_does_not_show_a_grid_worker_the_birth_date(en, tree, people):
    person = make_person(tree.grid, name="张三", number=id_number(born=BORN), birth_date=BORN)
    en.force_login(people.grid_worker)
    url = reverse("people:person-edit", args=[person.pk])
    page = en.get(url).content.decode()
    assert 'name="birth_date"' not in page and "1985-03-12" not in page
    data = {"name": "张三", "id_number": "", "sex": "male", "phone": "", "area": tree.grid.pk}
    data.update(residency="resident", address="一组 3 号", version=person.version)
    assert en.post(url, data).status_code == 302
    person.refresh_from_db()
    assert (person.birth_date, person.address) == (BORN, "一组 3 号")


# Exact look-ups: logged and limited ----------------------------------------------------------------


def test_a_grid_workers_exact_id_searches_are_logged_and_limited_per_day(en, tree, people, limit):
    known = make_person(tree.grid, name="张三", number=id_number())
    unknown = id_number()
    en.force_login(people.grid_worker)
    assert "张三" in en.get("/people/", {"q": known.id_number}).content.decode()
    en.get("/people/", {"q": unknown})
    page = en.get("/people/", {"q": known.id_number}).content.decode()
    assert "You have looked up 2 full ID numbers today" in page and f'href="/people/{known.pk}/"' not in page
    csv_text = b"".join(en.get("/people/", {"q": known.id_number, "export": "csv"}).streaming_content).decode()
    assert "张三" not in csv_text
    # Logged: who, which number (its hash, never the number), whom it found.
    rows = list(lookups(people.grid_worker).order_by("id"))
    assert [(row.number_hash, row.person, row.person_name) for row in rows] == [
        (crypto.lookup_hash(known.id_number), known, "张三"),
        (crypto.lookup_hash(unknown), None, ""),
    ]
    assert not IdNumberReveal.objects.filter(number_hash__in=[known.id_number, unknown]).exists()
    # The last four characters and names are no look-up.
    assert "张三" in en.get("/people/", {"q": known.id_number[-4:]}).content.decode()
    assert lookups(people.grid_worker).count() == 2
    # Roles that may reveal the number are neither logged nor limited.
    en.force_login(people.village_officer)
    for _ in range(3):
        assert "张三" in en.get("/people/", {"q": known.id_number}).content.decode()
    assert lookups(people.village_officer).count() == 0


def test_a_grid_workers_exact_id_searches_in_the_api_are_limited_with_a_message(api, tree, people, limit):
    known = make_person(tree.grid, name="张三", number=id_number())
    client = api.login_as(people.grid_worker)
    assert [row["id"] for row in client.get("/api/people/", {"q": known.id_number}).json()["results"]] == [known.pk]
    assert client.get("/api/people/", {"id_number": id_number()}).status_code == 200
    response = client.get("/api/people/", {"id_number": known.id_number})
    assert response.status_code == 400
    assert "You have looked up 2 full ID numbers today" in response.json()["id_number"][0]
    assert client.get("/api/arrivals/", {"q": known.id_number}).status_code == 400
    assert lookups(people.grid_worker).count() == 2


def test_the_duplicate_check_of_a_registration_counts_as_a_look_up(en, api, tree, people, limit):
    known = make_person(tree.grid, name="张三", number=id_number())
    en.force_login(people.grid_worker)
    en.get("/people/", {"q": id_number()})
    en.get("/people/", {"q": id_number()})
    data = {"name": "张三", "id_number": known.id_number, "sex": "unknown", "area": tree.grid.pk}
    response = en.post(reverse("people:person-add"), {**data, "residency": "resident"})
    assert response.status_code == 200
    assert "You have looked up 2 full ID numbers today" in response.content.decode()
    response = api.login_as(people.grid_worker).post(
        "/api/people/", {"name": "张三", "id_number": known.id_number, "area": tree.grid.code}, format="json"
    )
    assert response.status_code == 400 and "You have looked up 2" in response.json()["id_number"][0]
    household = make_household(tree.grid)
    response = en.post(reverse("people:household", args=[household.pk]), {"name": "张三", "id_number": known.id_number})
    assert "You have looked up 2" in response.content.decode() and not household.members.exists()
    assert "You have looked up 2" in en.get(reverse("people:arrival-list"), {"q": known.id_number}).content.decode()
    assert lookups(people.grid_worker).count() == 2


def test_a_grid_worker_registering_door_to_door_finds_whom_they_registered(en, tree, people, settings):
    settings.ID_LOOKUP_DAILY_LIMIT = 1
    en.force_login(people.grid_worker)
    numbers = [id_number(), id_number(), id_number()]
    for name, number in zip(("张三", "李四", "王五"), numbers, strict=True):
        data = {"name": name, "id_number": number, "sex": "unknown", "area": tree.grid.pk, "residency": "resident"}
        assert en.post(reverse("people:person-add"), data).status_code == 302
    for number in numbers:
        page = en.get("/people/", {"q": number}).content.decode()
        assert "You have looked up" not in page
    assert Person.objects.count() == 3
    # Logged all the same; a number they did not register still counts.
    assert lookups(people.grid_worker).count() == 6
    make_person(tree.grid, name="赵六", number=(other := id_number()))
    assert "赵六" in en.get("/people/", {"q": other}).content.decode()
    assert "You have looked up 1 full ID number today" in en.get("/people/", {"q": id_number()}).content.decode()


def test_an_import_preview_counts_numbers_registered_elsewhere_as_look_ups(tree, people, limit, tmp_path):
    elsewhere = [make_person(tree.other_village, f"李{n}", id_number()).id_number for n in range(3)]
    rows = [["姓名", "身份证号", "网格代码", "居住地址"]]
    rows += [["王五", number, tree.grid.code, "一组"] for number in [*elsewhere, id_number()]]
    path = tmp_path / "residents.csv"
    path.write_text("\n".join(",".join(row) for row in rows), encoding="utf-8")
    for run in ("preview", "commit"):  # the commit does not count the preview's numbers again
        with translation.override("en"):
            result = getattr(PersonImporter(people.grid_worker), run)(path)
        errors = {row.number: " ".join(message for _column, message in row.errors) for row in result.error_rows}
        assert sorted(errors) == [2, 3, 4]
        assert "registered in another area" in errors[2] and "registered in another area" in errors[3]
        assert "You have looked up 2 full ID numbers today" in errors[4]
    assert sorted(lookups(people.grid_worker).values_list("person__name", flat=True)) == ["李0", "李1"]


def test_an_arrival_import_naming_someone_else_counts_as_a_look_up(tree, people, limit, tmp_path):
    # The message that the number is registered to another name tells which candidate is right.
    numbers = [make_person(tree.grid, f"李{n}", id_number()).id_number for n in range(3)]
    rows = [["姓名", "身份证号", "来源地", "返回日期", "网格代码"]]
    rows += [["王五", number, "420103", "2020-01-25", tree.grid.code] for number in numbers]
    path = tmp_path / "arrivals.csv"
    path.write_text("\n".join(",".join(row) for row in rows), encoding="utf-8")
    with translation.override("en"):
        result = ArrivalImporter(people.grid_worker).preview(path)
    errors = [" ".join(message for _column, message in row.errors) for row in result.error_rows]
    assert "registered to 李0, not 王五" in errors[0] and "registered to 李1, not 王五" in errors[1]
    assert "You have looked up 2 full ID numbers today" in errors[2] and "李2" not in errors[2]
    assert lookups(people.grid_worker).count() == 2


# Arrival corrections tell no guess ---------------------------------------------------------------


@pytest.mark.parametrize("field", ["phone", "id_number"])
def test_an_arrival_correction_answers_alike_whether_a_guess_is_right_or_wrong(api, tree, people, field):
    person = make_person(tree.grid, name="张三", number=id_number(), phone="13812345678")
    arrival = Arrival(person=person, area=tree.grid, origin=Division.objects.get(code="610102"))
    arrival.arrived_on = datetime.date.today()
    services.register_arrival(arrival, None)
    client = api.login_as(people.grid_worker)
    read = client.get(f"/api/arrivals/{arrival.pk}/").json()
    right = {"phone": "13812345678", "id_number": person.id_number}[field]
    wrong = {"phone": "13812345679", "id_number": id_number()}[field]
    answers = [
        client.put(f"/api/arrivals/{arrival.pk}/", {**read, field: guess}, format="json") for guess in (right, wrong)
    ]
    assert [answer.status_code for answer in answers] == [400, 400]
    assert answers[0].json() == answers[1].json()
    assert client.put(f"/api/arrivals/{arrival.pk}/", read, format="json").status_code == 200


# Merges and the reveal log -----------------------------------------------------------------------


def test_a_record_with_an_id_number_is_never_merged_away_whatever_asks(en, tree, people):
    keep = make_person(tree.grid, name="张三")
    duplicate = make_person(tree.grid, name="张三", number=id_number())
    services.reveal_id_number(duplicate, people.village_officer)
    en.force_login(people.village_officer)
    response = en.post(reverse("people:person-merge", args=[duplicate.pk]), {"into": keep.pk}, follow=True)
    assert "has an ID number" in response.content.decode()
    assert Person.objects.filter(pk=duplicate.pk).exists()
    with pytest.raises(ValidationError):
        services.merge_people(keep, duplicate)
    assert IdNumberReveal.objects.get().person == duplicate


def test_a_merge_carries_the_reveal_log_over_to_the_person_kept(tree, people):
    keep = make_person(tree.grid, name="张三", number=id_number())
    duplicate = make_person(tree.grid, name="张三")
    entry = IdNumberReveal.objects.create(
        kind=IdNumberReveal.Kind.LOOKUP, user=people.grid_worker, person=duplicate, person_name="张三", area_path="x"
    )
    services.merge_people(keep, duplicate)
    entry.refresh_from_db()
    assert entry.person == keep


def test_deleting_a_person_keeps_their_reveals_with_the_name(tree, people):
    person = make_person(tree.grid, name="张三", number=id_number())
    services.reveal_id_number(person, people.village_officer)
    digest = person.id_number_hash
    person.delete()
    entry = IdNumberReveal.objects.get()
    assert (entry.person, entry.person_name, entry.number_hash, entry.user) == (
        None,
        "张三",
        digest,
        people.village_officer,
    )


# The reveal log page and API ---------------------------------------------------------------------


@pytest.fixture
def log(tree, people, en, limit):
    """A reveal by the village officer and a look-up by the grid worker, in 竹林关村; a reveal in 商南县."""
    here = make_person(tree.grid, name="张三", number=id_number())
    there = make_person(tree.other_grid, name="赵六", number=id_number())
    services.reveal_id_number(here, people.village_officer)
    services.reveal_id_number(there, people.outsider)
    en.force_login(people.grid_worker)
    en.get("/people/", {"q": here.id_number})
    en.logout()
    return here, there


def test_a_commander_sees_who_revealed_or_looked_up_whose_number_in_their_area(en, tree, people, log):
    from fangkong.core.roles import Role
    from fangkong.core.testing import make_user

    here, there = log
    en.force_login(people.city_commander)
    page = en.get(reverse("people:reveal-list")).content.decode()
    assert "village_officer" in page and "grid_worker" in page and "outsider" in page
    assert here.id_number not in page and here.id_number_masked in page
    page = en.get(reverse("people:reveal-list"), {"user": "grid_worker"}).content.decode()
    assert "grid_worker" in page and "village_officer" not in page
    page = en.get(reverse("people:reveal-list"), {"area": tree.other_county.code}).content.decode()
    assert "赵六" in page and "张三" not in page
    tomorrow = (datetime.date.today() + datetime.timedelta(1)).isoformat()
    assert "张三" not in en.get(reverse("people:reveal-list"), {"since": tomorrow}).content.decode()
    csv_text = b"".join(
        en.get(reverse("people:reveal-list"), {"kind": "lookup", "export": "csv"}).streaming_content
    ).decode("utf-8-sig")
    assert "grid_worker" in csv_text and "village_officer" not in csv_text and here.id_number not in csv_text
    # A commander of 商南县 sees their county's only.
    en.force_login(make_user("shangnan_commander", Role.COMMANDER, tree.other_county))
    page = en.get(reverse("people:reveal-list")).content.decode()
    assert "赵六" in page and "张三" not in page


def test_the_reveal_log_in_the_api_is_the_commanders_and_read_only(api, tree, people, log):
    here, there = log
    client = api.login_as(people.city_commander)
    rows = client.get("/api/reveals/").json()["results"]
    assert {(row["kind"], row["user"], row["person_name"]) for row in rows} == {
        ("reveal", "village_officer", "张三"),
        ("reveal", "outsider", "赵六"),
        ("lookup", "grid_worker", "张三"),
    }
    assert [row["user"] for row in client.get("/api/reveals/", {"kind": "lookup"}).json()["results"]] == ["grid_worker"]
    assert client.get("/api/reveals/", {"area": tree.other_county.code}).json()["results"][0]["person_name"] == "赵六"
    assert client.delete(f"/api/reveals/{rows[0]['id']}/").status_code == 405
    assert api.login_as(people.village_officer).get("/api/reveals/").status_code == 403
