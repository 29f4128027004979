"""Closed-loop hand-over: the village accepts in one tap and the register holds the arrival; what is not
accepted in time goes up to the town; another village's hand-over is not found."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from fangkong.areas.models import Division, RiskArea
from fangkong.core import jobs
from fangkong.core.models import ChangeLogEntry, Notification
from fangkong.core.roles import Role
from fangkong.core.testing import make_user
from fangkong.people.models import Arrival, KeyPersonTag, Person
from fangkong.people.tests.factories import id_number, make_person

from .. import services
from ..models import HandOver
from .factories import make_checkpoint, make_handover, make_passage, make_traveller


def test_accepting_puts_the_arrival_in_the_register_without_typing_it_again(web, tree, people, checkpoint):
    RiskArea.objects.create(division=Division.objects.get(code="4201"), valid_from=datetime.date(2020, 1, 1))
    number = id_number()
    passage = make_passage(
        checkpoint, [make_traveller("李四", number, destination=tree.village, temperature=Decimal("38.1"))]
    )
    handover = passage.travellers.get().handover
    web.force_login(people.village_officer)
    assert web.post(reverse("checkpoints:handover-accept", args=[handover.pk])).status_code == 302
    handover.refresh_from_db()
    assert handover.status == HandOver.Status.ACCEPTED and handover.decided_by == people.village_officer
    arrival = handover.arrival
    assert (arrival.person.name, arrival.person.id_number, arrival.area) == ("李四", number, tree.village)
    assert arrival.origin.code == "420102" and arrival.trip_number == passage.plate
    assert arrival.transport == Arrival.Transport.CAR and arrival.arrived_on == timezone.localdate(passage.passed_at)
    assert arrival.route == "华阳收费站" and arrival.fever
    # Flagged as the register flags its own arrivals: the risk area a category, the fever the arrival's.
    assert KeyPersonTag.FROM_RISK_AREA in arrival.person.tag_codes()
    assert ChangeLogEntry.objects.filter(object_id=str(handover.pk), kind="update", source="web").exists()


def test_accepting_someone_registered_already_adds_their_arrival(api, tree, people, checkpoint):
    number = id_number()
    person = make_person(tree.grid, "张三", number)
    handover = (
        make_passage(checkpoint, [make_traveller("张三", number, destination=tree.village)]).travellers.get().handover
    )
    response = api.login_as(people.village_officer).post(reverse("handover-accept", args=[handover.pk]))
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert Person.objects.count() == 1 and person.arrivals.count() == 1


def test_a_grid_worker_accepts_into_their_grid(api, tree, people, checkpoint):
    handover = make_handover(checkpoint, tree.village)
    response = api.login_as(people.grid_worker).post(reverse("handover-accept", args=[handover.pk]))
    assert response.status_code == 200, response.json()
    assert Arrival.objects.get().area == tree.grid


def test_accepting_another_villages_handover_is_404(web, api, tree, people, checkpoint):
    handover = make_handover(checkpoint, tree.village2)  # 桃园村
    for user in (people.village_officer, people.grid_worker):
        web.force_login(user)
        assert web.post(reverse("checkpoints:handover-accept", args=[handover.pk])).status_code == 404
        assert api.login_as(user).post(reverse("handover-accept", args=[handover.pk])).status_code == 404
    handover.refresh_from_db()
    assert handover.status == HandOver.Status.PENDING and not Arrival.objects.exists()


def test_accepting_twice_is_refused_and_registers_once(api, tree, people, checkpoint):
    handover = make_handover(checkpoint, tree.village)
    api.login_as(people.village_officer).post(reverse("handover-accept", args=[handover.pk]))
    again = api.post(reverse("handover-accept", args=[handover.pk]))
    assert again.status_code == 400
    assert Arrival.objects.count() == 1


def test_not_arrived_needs_a_note_and_keeps_it(api, tree, people, checkpoint):
    handover = make_handover(checkpoint, tree.village)
    url = reverse("handover-not-arrived", args=[handover.pk])
    assert api.login_as(people.village_officer).post(url, {"note": ""}, format="json").status_code == 400
    response = api.post(url, {"note": "电话未接通，家人说已去西安"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "not_arrived"
    assert HandOver.objects.get().note == "电话未接通，家人说已去西安" and not Arrival.objects.exists()


def test_a_handover_not_accepted_in_time_goes_up_to_the_town_once(web, api, tree, people, checkpoint, settings):
    passed = timezone.now() - datetime.timedelta(hours=settings.CHECKPOINTS_HANDOVER_HOURS + 1)
    overdue = make_handover(checkpoint, tree.village, passed_at=passed)
    in_time = make_handover(checkpoint, tree.village)
    assert services.sweep in jobs.SWEEPERS
    assert services.sweep()["handovers_escalated"] == [overdue.pk]
    assert services.sweep()["handovers_escalated"] == []  # a second sweep sends nothing again
    overdue.refresh_from_db()
    assert overdue.escalated_at is not None and overdue.status == HandOver.Status.PENDING
    notice = Notification.objects.get(user=people.town_officer, kind="handover_overdue")
    assert "status=overdue" in notice.link
    # On the town's list, the command's list and the checkpoint's page.
    listed = api.login_as(people.town_officer).get(reverse("handover-list"), {"status": "overdue"}).json()
    assert [row["id"] for row in listed["results"]] == [overdue.pk] and listed["results"][0]["overdue"]
    web.force_login(people.city_commander)
    page = web.get(reverse("checkpoints:handover-list"), {"status": "overdue"})
    assert [row.record for row in page.context["table"].paginated_rows] == [overdue]
    day = web.get(reverse("checkpoints:checkpoint", args=[checkpoint.pk]), {"day": f"{timezone.localdate(passed)}"})
    assert day.context["figures"]["overdue"] == 1
    pending = api.get(reverse("handover-list"), {"status": "pending"}).json()["results"]
    assert [row["id"] for row in pending] == [in_time.pk]


def test_checkpoint_staff_follow_their_handovers_elsewhere_but_do_not_act_or_read_the_register(api, tree, people):
    checkpoint = make_checkpoint(tree.other_town, "商南收费站")
    staff = make_user("nanjiang", Role.CHECKPOINT, tree.other_town)
    handover = make_handover(checkpoint, tree.village, user=staff)
    api.login_as(people.village_officer).post(reverse("handover-accept", args=[handover.pk]))
    seen = api.login_as(staff).get(reverse("handover-detail", args=[handover.pk]))
    assert seen.status_code == 200 and seen.json()["status"] == "accepted"
    assert api.post(reverse("handover-accept", args=[handover.pk])).status_code == 403
    person = Arrival.objects.get().person
    assert api.get(reverse("person-detail", args=[person.pk])).status_code == 404


def test_the_checkpoint_day_counts_vehicles_people_fevers_turned_back_and_handovers(web, tree, people, checkpoint):
    make_passage(
        checkpoint,
        [
            make_traveller("张三", destination=tree.village, temperature=Decimal("38.5")),
            make_traveller("李四", destination=tree.village),
            make_traveller("王五", destination_text="西安"),
        ],
    )
    make_passage(checkpoint, [make_traveller("赵六", decision="turned_back", reason="无通行证")])
    services.accept(HandOver.objects.first(), people.village_officer)
    web.force_login(people.town_officer)
    figures = web.get(reverse("checkpoints:checkpoint", args=[checkpoint.pk])).context["figures"]
    assert figures == {
        "vehicles": 2,
        "people": 4,
        "fevers": 1,
        "turned_back": 1,
        "outside": 1,
        "accepted": 1,
        "not_arrived": 0,
        "pending": 1,
        "overdue": 0,
    }


def test_the_town_reads_the_overdue_notice_in_its_own_language(tree, people, checkpoint, settings):
    people.town_officer.language = "en"
    people.town_officer.save(update_fields=["language"])
    passed = timezone.now() - datetime.timedelta(hours=settings.CHECKPOINTS_HANDOVER_HOURS + 1)
    make_handover(checkpoint, tree.village, passed_at=passed)
    services.sweep()
    notice = Notification.objects.get(user=people.town_officer, kind="handover_overdue")
    assert notice.title == "1 hand-overs from checkpoints not accepted in time"
