"""Registering a vehicle and its people: one POST or one form, idempotent, fevers told at once."""

import datetime
import io
import uuid
from decimal import Decimal

import openpyxl
from django.urls import reverse
from django.utils import timezone

from fangkong.core.models import ChangeLogEntry, Notification
from fangkong.core.validators import id_check_character
from fangkong.people.tests.factories import id_number, make_person

from ..models import HandOver, Passage, Traveller
from .factories import make_passage, make_traveller


def car_of_four(checkpoint, tree, key=None, plate="陕H12345"):
    return {
        "key": key or uuid.uuid4().hex,
        "checkpoint": checkpoint.pk,
        "plate": plate,
        "vehicle_kind": "car",
        "origin": "420102",
        "travellers": [
            {"name": "张三", "id_number": id_number(), "destination": tree.village.code, "temperature": "36.5"},
            {"name": "李四", "id_number": id_number(), "destination": tree.village.code, "temperature": "38.2"},
            {"name": "王五", "phone": "13800001111", "destination": tree.village.code, "temperature": "36.7"},
            {"name": "赵六", "id_number": id_number(), "destination_text": "西安市雁塔区", "temperature": "36.4"},
        ],
    }


def test_a_car_of_four_is_one_post_and_its_handovers_are_in_the_village_inbox_at_once(
    api, tree, people, checkpoint, staff
):
    response = api.login_as(staff).post(reverse("passage-list"), car_of_four(checkpoint, tree), format="json")
    assert response.status_code == 201, response.json()
    passage = Passage.objects.get()
    assert passage.travellers.count() == 4
    assert [row["id_number"][4:-4] for row in response.json()["travellers"] if row["id_number"]] == ["**********"] * 3
    # No waiting for a job: the hand-overs are rows of the same transaction.
    inbox = api.login_as(people.village_officer).get(
        reverse("handover-list"), {"area": tree.village.code, "status": "pending"}
    )
    assert sorted(row["name"] for row in inbox.json()["results"]) == ["张三", "李四", "王五"]
    assert ChangeLogEntry.objects.filter(object_repr__startswith="陕H12345", source="api").exists()


def test_the_same_key_again_is_the_same_passage(api, tree, checkpoint, staff):
    body = car_of_four(checkpoint, tree)
    assert api.login_as(staff).post(reverse("passage-list"), body, format="json").status_code == 201
    again = api.post(reverse("passage-list"), body, format="json")
    assert again.status_code == 200
    assert Passage.objects.count() == 1 and Traveller.objects.count() == 4


def test_the_same_car_registered_by_two_staff_is_one_passage(api, tree, checkpoint, staff):
    first = api.login_as(staff).post(reverse("passage-list"), car_of_four(checkpoint, tree), format="json")
    second = api.post(reverse("passage-list"), car_of_four(checkpoint, tree, plate="陕H 12345"), format="json")
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert Passage.objects.count() == 1 and HandOver.objects.count() == 3


def test_the_same_plate_later_is_a_new_passage(tree, checkpoint, settings):
    now = timezone.now()
    earlier = now - datetime.timedelta(minutes=settings.CHECKPOINTS_DUPLICATE_MINUTES + 1)
    make_passage(checkpoint, [make_traveller()], plate="陕H12345", passed_at=earlier)
    make_passage(checkpoint, [make_traveller()], plate="陕H12345", passed_at=now)
    assert Passage.objects.count() == 2


def test_a_fever_is_told_with_the_place_and_time_to_the_town_and_the_village(tree, people, checkpoint):
    passage = make_passage(checkpoint, [make_traveller("李四", destination=tree.village, temperature=Decimal("38.0"))])
    traveller = passage.travellers.get()
    assert traveller.fever
    time = f"{timezone.localtime(passage.passed_at):%H:%M}"
    # The town's officers through the fever alert (test_fever_alerts.py), the village's by a notice.
    for user, kind in (
        (people.town_officer, "alert"),
        (people.village_officer, "checkpoint_fever"),
        (people.doctor, "checkpoint_fever"),
    ):
        notice = Notification.objects.get(user=user, kind=kind)
        assert "华阳收费站" in notice.title and time in notice.title and "李四" in notice.title
    assert not Notification.objects.filter(user=people.outsider).exists()


def test_a_temperature_below_the_threshold_is_no_fever(tree, checkpoint):
    passage = make_passage(checkpoint, [make_traveller(temperature=Decimal("37.2"))])
    assert not passage.travellers.get().fever
    assert not Notification.objects.filter(kind="checkpoint_fever").exists()


def test_turning_back_needs_a_reason_and_letting_through_a_destination(api, tree, checkpoint, staff):
    body = car_of_four(checkpoint, tree)
    body["travellers"] = [
        {"name": "张三", "id_number": id_number(), "decision": "turned_back"},
        {"name": "李四", "id_number": id_number()},
        {"name": "王五"},
    ]
    response = api.login_as(staff).post(reverse("passage-list"), body, format="json")
    assert response.status_code == 400
    errors = response.json()["travellers"]  # by row
    assert "reason" in errors["0"] and "destination" in errors["1"] and "id_number" in errors["2"]
    assert not Passage.objects.exists()


def test_a_destination_code_that_is_no_village_of_the_city_is_refused(api, tree, checkpoint, staff):
    body = car_of_four(checkpoint, tree)
    body["travellers"][0]["destination"] = tree.town.code
    response = api.login_as(staff).post(reverse("passage-list"), body, format="json")
    assert response.status_code == 400
    assert response.json()["travellers"]["0"]["destination"] == [f"No village of the city with code {tree.town.code}."]


def test_a_turned_back_person_is_no_handover(tree, checkpoint):
    turned = make_traveller(destination=tree.village, decision=Traveller.Decision.TURNED_BACK, reason="无通行证")
    make_passage(checkpoint, [turned])
    assert not HandOver.objects.exists()


def passage_form(checkpoint, rows):
    data = {
        "checkpoint": checkpoint.pk,
        "key": uuid.uuid4().hex,
        "plate": "陕H88888",
        "vehicle_kind": "car",
        "origin": "420102",
        "people-TOTAL_FORMS": str(len(rows)),
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "1",
        "people-MAX_NUM_FORMS": "60",
    }
    for index, row in enumerate(rows):
        data.update({f"people-{index}-{name}": value for name, value in row.items()})
    return data


def test_the_phone_form_registers_a_car_of_four_and_offers_the_next_car(web, tree, checkpoint, staff):
    rows = [
        {"name": name, "id_number": id_number(), "destination": tree.village.code, "decision": "let_through"}
        for name in ("张三", "李四", "王五")
    ]
    rows.append({"name": "赵六", "phone": "13800001111", "destination": "西安市雁塔区", "decision": "let_through"})
    web.force_login(staff)
    response = web.post(reverse("checkpoints:passage-add"), passage_form(checkpoint, rows))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('checkpoints:passage-add')}?checkpoint={checkpoint.pk}"
    passage = Passage.objects.get()
    assert passage.recorded_by == staff and passage.travellers.count() == 4
    outside = passage.travellers.get(name="赵六")
    assert outside.destination is None and outside.destination_text == "西安市雁塔区"
    assert HandOver.objects.count() == 3


def test_a_village_typed_by_its_initials_without_javascript_is_found(web, tree, checkpoint, staff):
    rows = [{"name": "张三", "id_number": id_number(), "destination": "zlg", "decision": "let_through"}]
    web.force_login(staff)
    assert web.post(reverse("checkpoints:passage-add"), passage_form(checkpoint, rows)).status_code == 302
    assert Traveller.objects.get().destination == tree.village


def test_a_wrong_check_character_is_named_and_every_row_kept(web, tree, checkpoint, staff):
    good = id_number()
    first17 = id_number()[:17]
    right = id_check_character(first17)
    wrong = first17 + ("0" if right != "0" else "1")
    rows = [
        {"name": "张三", "id_number": good, "destination": tree.village.code, "decision": "let_through"},
        {"name": "李四", "id_number": wrong, "destination": tree.village.code, "decision": "let_through"},
    ]
    web.force_login(staff)
    response = web.post(reverse("checkpoints:passage-add"), passage_form(checkpoint, rows))
    assert response.status_code == 200
    row = response.context["people"].forms[1]
    assert f"should be {right}, not {wrong[-1]}" in " ".join(row.errors["id_number"])
    html = response.content.decode()
    assert "张三" in html and "李四" in html and wrong in html
    assert not Passage.objects.exists()


def test_the_destination_search_finds_any_village_of_the_city(web, tree, checkpoint, staff):
    web.force_login(staff)
    found = web.get(reverse("checkpoints:destination-search"), {"q": "ty"}).json()["results"]
    assert [row["code"] for row in found] == [tree.village2.code]
    other = web.get(reverse("checkpoints:destination-search"), {"q": "dj"}).json()["results"]
    assert [row["code"] for row in other] == [tree.other_village.code]  # 东街社区, in the next county


def test_checkpoint_staff_never_read_the_register_of_the_destination_village(web, api, tree, checkpoint, staff):
    person = make_person(tree.grid, "张三", id_number())
    make_passage(checkpoint, [make_traveller("张三", destination=tree.village)])
    web.force_login(staff)
    assert web.get(reverse("people:person", args=[person.pk])).status_code == 404
    assert api.login_as(staff).get(reverse("person-detail", args=[person.pk])).status_code == 404
    assert len(api.get(reverse("handover-list")).json()["results"]) == 1  # the hand-over's status, though


def test_people_bound_outside_the_city_are_listed_per_day_for_the_command(web, tree, people, checkpoint):
    make_passage(checkpoint, [make_traveller("赵六", destination_text="西安市雁塔区")])
    make_passage(checkpoint, [make_traveller("张三", destination=tree.village)])
    web.force_login(people.city_commander)
    query = {"outside": "true", "day": f"{timezone.localdate():%Y-%m-%d}", "export": "xlsx"}
    response = web.get(reverse("checkpoints:traveller-list"), query)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    names = [row[rows[0].index("Name")] for row in rows[1:]]
    assert names == ["赵六"]
    assert "西安市雁塔区" in rows[1]


def test_without_javascript_the_add_button_brings_the_form_back_with_one_more_row(web, tree, checkpoint, staff):
    rows = [{"name": "张三", "id_number": id_number(), "destination": tree.village.code, "decision": "let_through"}]
    web.force_login(staff)
    response = web.post(reverse("checkpoints:passage-add"), {**passage_form(checkpoint, rows), "add_row": "1"})
    assert response.status_code == 200 and len(response.context["people"].forms) == 2
    assert "张三" in response.content.decode() and not Passage.objects.exists()
