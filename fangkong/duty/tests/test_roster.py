"""The 24-hour duty roster: its rules, who is on duty now, tomorrow's roster missing, import and export."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.core.models import ChangeLogEntry, Notification
from fangkong.duty import services
from fangkong.duty.imports import RosterImporter
from fangkong.duty.models import DutyRoster, MissingRoster
from fangkong.duty.tests.factories import make_roster

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(day, hour, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


DAY = datetime.date(2020, 2, 1)


# --- rules --------------------------------------------------------------------------------------


def test_it_refuses_two_leaders_on_one_shift_naming_the_one_on_it(tree):
    make_roster(tree.town, DAY, leader="王镇长")
    second = DutyRoster(area=tree.town, date=DAY, leader_name="李副镇长", leader_phone="13900000002")
    with pytest.raises(ValidationError) as refused:
        services.save_roster(second)
    assert "Two leaders on one shift" in str(refused.value.message_dict["leader_name"])
    assert "王镇长" in str(refused.value.message_dict["leader_name"])
    assert DutyRoster.objects.count() == 1


def test_it_refuses_an_empty_day(tree):
    with pytest.raises(ValidationError) as refused:
        services.save_roster(DutyRoster(area=tree.town, date=DAY, leader_name=" ", leader_phone="13900000002"))
    assert refused.value.message_dict["leader_name"] == ["An empty day: 2020-02-01 has no leader on duty."]


def test_a_day_is_whole_or_split_not_both(tree):
    make_roster(tree.town, DAY, shift=DutyRoster.Shift.DAY)
    make_roster(tree.town, DAY, shift=DutyRoster.Shift.NIGHT, leader="夜班领导")
    with pytest.raises(ValidationError) as refused:
        make_roster(tree.town, DAY, shift=DutyRoster.Shift.FULL_DAY, leader="全天领导")
    assert "shift" in refused.value.message_dict


def test_rosters_are_kept_by_towns_and_up_only(tree):
    with pytest.raises(ValidationError) as refused:
        make_roster(tree.village, DAY)
    assert "area" in refused.value.message_dict


def test_staff_phones_go_with_the_names_and_are_normalised():
    staff = services.parse_staff("张三、李四", "+86 139 0000 0001，139 0000 0002")
    assert staff == [{"name": "张三", "phone": "13900000001"}, {"name": "李四", "phone": "13900000002"}]
    with pytest.raises(ValidationError) as refused:
        services.parse_staff("张三、李四", "13900000001")
    assert "2 staff names but 1 phones" in str(refused.value.message_dict["staff_phones"])


def test_the_form_shows_the_two_leaders_message(client, tree, people):
    make_roster(tree.town, DAY, leader="王镇长")
    client.force_login(people.town_officer)
    data = {
        "area": tree.town.pk,
        "date": "2020-02-01",
        "shift": "full_day",
        "leader_name": "李",
        "leader_phone": "13900000002",
    }
    response = client.post(reverse("duty:roster-add"), data)
    assert response.status_code == 200
    assert "Two leaders on one shift" in str(response.context["form"].errors), response.context["form"].errors


def test_the_api_refuses_two_leaders_with_400(api, tree, people):
    make_roster(tree.town, DAY)
    api.force_authenticate(people.town_officer)
    payload = {"area": tree.town.code, "date": "2020-02-01", "leader_name": "李", "leader_phone": "13900000002"}
    response = api.post(reverse("dutyroster-list"), payload, format="json")
    assert response.status_code == 400
    assert "Two leaders on one shift" in response.json()["leader_name"][0]


# --- who is on duty now ---------------------------------------------------------------------------


def test_before_the_day_starts_the_previous_days_duty_holds(tree):
    make_roster(tree.town, DAY, leader="一号")
    make_roster(tree.town, DAY + datetime.timedelta(days=1), leader="二号")
    assert services.shift_now(tree.town, at(DAY + datetime.timedelta(days=1), 7, 59)).leader_name == "一号"
    assert services.shift_now(tree.town, at(DAY + datetime.timedelta(days=1), 8, 0)).leader_name == "二号"


def test_a_split_day_hands_over_at_night(tree, settings):
    settings.DUTY_NIGHT_STARTS = "18:00"
    make_roster(tree.town, DAY, shift=DutyRoster.Shift.DAY, leader="白班")
    make_roster(tree.town, DAY, shift=DutyRoster.Shift.NIGHT, leader="夜班")
    assert services.shift_now(tree.town, at(DAY, 17, 59)).leader_name == "白班"
    assert services.shift_now(tree.town, at(DAY, 18, 0)).leader_name == "夜班"
    assert services.shift_now(tree.town, at(DAY + datetime.timedelta(days=1), 3)).leader_name == "夜班"


def test_the_county_sees_who_is_on_duty_in_each_town_in_one_look(client, tree, people):
    make_roster(tree.town, leader="王镇长", phone="13900000001", staff=[("刘干事", "13900000004")])
    client.force_login(people.county_officer)
    page = client.get(reverse("duty:now")).content.decode()
    assert "王镇长" in page and "13900000004" in page
    assert "Nobody on the roster now." in page  # the county itself has no roster
    client.force_login(people.outsider)
    assert "王镇长" not in client.get(reverse("duty:now")).content.decode()


def test_the_api_says_who_is_on_duty_now(api, tree, people):
    make_roster(tree.town, leader="王镇长")
    make_roster(tree.town, timezone.localdate() + datetime.timedelta(days=3), leader="后天")
    rows = api.login_as(people.city_commander).get(reverse("dutyroster-now"), {"area": tree.county.code}).json()
    assert [row["leader_name"] for row in rows["results"]] == ["王镇长"]


# --- tomorrow's roster missing ------------------------------------------------------------------


def test_a_missing_roster_is_flagged_once_to_the_level_above_after_the_deadline(tree, people):
    today = DAY
    make_roster(tree.other_town, today + datetime.timedelta(days=1))
    assert services.flag_missing_rosters(at(today, 16, 59)) == []
    flags = services.flag_missing_rosters(at(today, 17, 0))
    assert {flag.area for flag in flags} == {tree.county, tree.town, tree.other_county}
    assert services.flag_missing_rosters(at(today, 18, 0)) == []  # once
    notices = Notification.objects.filter(user=people.county_officer, kind="duty_roster_missing")
    assert [notice.title for notice in notices] == ["Tomorrow's duty roster of 竹林关镇 is missing (2020-02-02)."]
    assert notices.get().link == reverse("duty:area", args=[tree.town.code])
    assert MissingRoster.objects.get(area=tree.town).date == datetime.date(2020, 2, 2)
    entry = ChangeLogEntry.objects.filter(object_id=str(flags[0].pk), content_type__model="missingroster").get()
    assert entry.source == "job"


def test_the_deadline_is_configurable(tree, settings):
    settings.DUTY_ROSTER_DEADLINE = "12:00"
    assert services.flag_missing_rosters(at(DAY, 12, 30))


def test_the_flag_is_listed_for_the_level_above_only(client, tree, people):
    services.flag_missing_rosters(at(DAY, 20))
    client.force_login(people.county_officer)
    listed = [row.record.area for row in client.get(reverse("duty:missing-rosters")).context["table"].rows]
    assert tree.town in listed
    client.force_login(people.village_officer)
    assert not list(client.get(reverse("duty:missing-rosters")).context["table"].rows)


# --- import and export ----------------------------------------------------------------------------


def workbook(*rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = ["日期", "带班领导", "带班领导电话", "值班人员", "值班人员电话"]


def test_a_town_office_imports_its_roster_in_its_own_layout(tree, people, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(
        workbook(
            ["竹林关镇2月值班表"],
            HEADER,
            ["2020-02-01", "王镇长", "13900000001", "刘干事、陈干事", "13900000004，13900000005"],
            [datetime.datetime(2020, 2, 2), "李副镇长", 13900000002, "刘干事", 13900000004],
        )
    )
    result = RosterImporter(people.town_officer).commit(path)
    assert result.errors == 0 and result.created == 2
    second = DutyRoster.objects.get(date=datetime.date(2020, 2, 2))
    assert second.area == tree.town and second.staff == [{"name": "刘干事", "phone": "13900000004"}]
    assert ChangeLogEntry.objects.filter(content_type__model="dutyroster", source="import").count() == 2


def test_import_errors_name_the_row_and_the_field(tree, people, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(
        workbook(
            HEADER,
            ["2020-02-01", "", "", "", ""],
            ["2020-02-02", "王镇长", "123", "", ""],
            ["2020-02-03", "王镇长", "13900000001", "刘干事、陈干事", "13900000004"],
            ["2020-02-04", "王镇长", "13900000001", "", ""],
            ["2020-02-04", "李副镇长", "13900000002", "", ""],
        )
    )
    result = RosterImporter(people.town_officer).preview(path)
    messages = [message for row in result.error_rows for message in row.messages]
    assert messages[0] == "Row 2, 带班领导: An empty day: 2020-02-01 has no leader on duty."
    assert messages[1].startswith("Row 3, 带班领导电话")
    assert messages[2].startswith("Row 4, 值班人员电话")
    assert messages[3].startswith("Row 6: the same")  # two leaders on one shift in one file


def test_a_county_officer_names_the_town_by_its_code(tree, people, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(workbook([*HEADER, "地区代码"], ["2020-02-01", "王镇长", "13900000001", "", "", tree.town.code]))
    assert RosterImporter(people.county_officer).commit(path).created == 1
    path.write_bytes(
        workbook([*HEADER, "地区代码"], ["2020-02-01", "王镇长", "13900000001", "", "", tree.other_town.code])
    )
    result = RosterImporter(people.county_officer).preview(path)
    assert "not in your scope" in result.error_rows[0].messages[0]


def test_an_exported_roster_imports_again_unchanged(client, tree, people, tmp_path):
    make_roster(tree.town, DAY, staff=[("刘干事", "13900000004"), ("陈干事", "13900000005")])
    client.force_login(people.town_officer)
    response = client.get(reverse("duty:roster-list"), {"export": "xlsx"})
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    sheet = openpyxl.load_workbook(path).active
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Date", "Shift", "Area", "Area code"]
    result = RosterImporter(people.county_officer).commit(path)
    assert result.errors == 0 and result.unchanged == 1
