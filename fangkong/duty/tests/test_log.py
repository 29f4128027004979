"""The duty log and its hand-over notes, acknowledged by the next shift."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fangkong.core.models import ChangeLogEntry
from fangkong.duty import services
from fangkong.duty.models import DutyLogEntry
from fangkong.duty.tests.factories import make_log_entry, make_roster

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
DAY = datetime.date(2020, 2, 1)
NEXT_DAY = DAY + datetime.timedelta(days=1)


def at(day, hour):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def two_shifts(tree, people):
    """The town officer leads today; the county officer (by his phone) is staff on duty tomorrow."""
    people.town_officer.phone = "13900000001"
    people.town_officer.save()
    people.county_officer.phone = "139 0000 0002"
    people.county_officer.save()
    today = make_roster(tree.town, DAY, leader="王镇长", phone="13900000001")
    tomorrow = make_roster(
        tree.town, NEXT_DAY, leader="李副镇长", phone="13900000009", staff=[("县干部", "13900000002")]
    )
    return today, tomorrow


def hand_over(tree, people, when):
    entry = DutyLogEntry(area=tree.town, kind=DutyLogEntry.Kind.HANDOVER, text="两名返乡人员待接收", time=when)
    return services.write_log_entry(entry, people.town_officer)


def test_an_entry_is_filed_under_the_shift_on_duty_with_its_author(tree, people, two_shifts):
    entry = hand_over(tree, people, at(DAY, 22))
    assert entry.roster == two_shifts[0] and entry.author == people.town_officer
    assert ChangeLogEntry.objects.filter(content_type__model="dutylogentry", object_id=str(entry.pk)).exists()


def test_a_hand_over_note_is_pending_for_the_next_shift_until_acknowledged(tree, people, two_shifts):
    entry = hand_over(tree, people, at(DAY, 22))
    assert list(services.pending_handovers(people.county_officer, at(DAY, 23))) == []  # not on duty yet
    assert list(services.pending_handovers(people.county_officer, at(NEXT_DAY, 9))) == [entry]
    assert list(services.pending_handovers(people.town_officer, at(DAY, 23))) == []  # their own shift's note
    services.acknowledge(entry, people.county_officer, at(NEXT_DAY, 9))
    entry.refresh_from_db()
    assert entry.acknowledged_by == people.county_officer
    assert list(services.pending_handovers(people.county_officer, at(NEXT_DAY, 10))) == []


def test_only_the_next_shift_acknowledges(tree, people, two_shifts):
    entry = hand_over(tree, people, at(DAY, 22))
    with pytest.raises(ValidationError, match="Only the next shift"):
        services.acknowledge(entry, people.town_officer, at(DAY, 23))
    with pytest.raises(ValidationError, match="Only the next shift"):
        services.acknowledge(entry, people.city_commander, at(NEXT_DAY, 9))
    services.acknowledge(entry, people.county_officer, at(NEXT_DAY, 9))
    with pytest.raises(ValidationError, match="acknowledged already"):
        services.acknowledge(entry, people.county_officer, at(NEXT_DAY, 9))


def test_the_next_shift_sees_the_note_on_their_page_and_acknowledges_it(client, tree, people):
    people.town_officer.phone = "13900000001"
    people.town_officer.save()
    earlier = make_roster(tree.town, DAY, leader="前一班")
    entry = make_log_entry(tree.town, people.county_officer, kind=DutyLogEntry.Kind.HANDOVER, text="交接：卡口加岗")
    DutyLogEntry.objects.filter(pk=entry.pk).update(roster=earlier)
    make_roster(tree.town, leader="王镇长", phone="13900000001")
    client.force_login(people.town_officer)
    assert "交接：卡口加岗" in client.get(reverse("duty:mine")).content.decode()
    page = client.get(reverse("duty:log-entry", args=[entry.pk]))
    assert page.context["may_acknowledge"]
    assert client.post(reverse("duty:log-acknowledge", args=[entry.pk])).status_code == 302
    entry.refresh_from_db()
    assert entry.acknowledged_by == people.town_officer


def test_the_api_acknowledges_for_the_next_shift_only(api, tree, people):
    entry = make_log_entry(tree.town, people.county_officer, kind=DutyLogEntry.Kind.HANDOVER)
    response = api.login_as(people.town_officer).post(reverse("dutylog-acknowledge", args=[entry.pk]))
    assert response.status_code == 400
    assert "Only the next shift" in response.json()["non_field_errors"][0]


def test_the_log_is_written_once_not_changed_through_the_api(api, tree, people):
    entry = make_log_entry(tree.town, people.town_officer)
    url = reverse("dutylog-detail", args=[entry.pk])
    assert api.login_as(people.town_officer).patch(url, {"text": "改"}, format="json").status_code == 405


def test_a_village_keeps_no_duty_log(api, tree, people):
    payload = {"area": tree.village.code, "kind": "event", "text": "x"}
    response = api.login_as(people.village_officer).post(reverse("dutylog-list"), payload, format="json")
    assert response.status_code == 400 and "area" in response.json()
