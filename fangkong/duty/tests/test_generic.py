"""The duty app's record types through the generic tests of fangkong.core.testing_cases."""

import datetime

from django.utils import timezone

from fangkong.core import testing_cases as cases
from fangkong.core.roles import Role
from fangkong.core.testing import make_user
from fangkong.duty.models import (
    DutyLogEntry,
    DutyRoster,
    MissingRoster,
    PioneerPost,
    ResponsibilityZone,
    Volunteer,
    VolunteerShift,
    VolunteerTeam,
)
from fangkong.duty.tests.factories import (
    make_log_entry,
    make_post,
    make_roster,
    make_shift,
    make_team,
    make_volunteer,
    make_zone,
)

TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


class TownRecordTests(cases.RecordTypeTests):
    """Rosters and logs are the town's: its officer reads and writes, a doctor of the town only reads."""

    reader = writer = deleter = "town_officer"
    read_only = "town_doctor"

    def user(self, tree, people, who):
        if who == "town_doctor":
            return make_user("town_doctor", Role.DOCTOR, tree.town)
        return super().user(tree, people, who)


class TestRosters(
    TownRecordTests,
    cases.ListTests,
    cases.DetailTests,
    cases.AddTests,
    cases.EditTests,
    cases.DeleteTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
    cases.APIUpdateTests,
    cases.APIDeleteTests,
):
    model = DutyRoster
    url_names = {
        "list": "duty:roster-list",
        "detail": "duty:roster",
        "add": "duty:roster-add",
        "edit": "duty:roster-edit",
        "delete": "duty:roster-delete",
    }
    api_basename = "dutyroster"
    changed_field = "leader_name"
    export_header, export_attribute = "Leader on duty", "leader_name"

    def make(self, tree, people):
        return make_roster(tree.town, staff=[("李干事", "13900000002")])

    def form_data(self, tree, people):
        return {
            "area": tree.town.pk,
            "date": TOMORROW,
            "shift": "full_day",
            "leader_name": "张书记",
            "leader_phone": "139 0000 0003",
            "staff_names": "刘干事、陈干事",
            "staff_phones": "13900000004, 13900000005",
        }

    def api_payload(self, tree, people):
        return {
            "area": tree.town.code,
            "date": TOMORROW,
            "shift": "full_day",
            "leader_name": "张书记",
            "leader_phone": "13900000003",
            "staff": [{"name": "刘干事", "phone": "+86 139 0000 0004"}],
        }


class TestMissingRosters(cases.RecordTypeTests, cases.ListTests, cases.ExportTests):
    model = MissingRoster
    url_names = {"list": "duty:missing-rosters"}
    reader = "county_officer"
    export_header, export_attribute = "Area", "area"

    def make(self, tree, people):
        flag = MissingRoster(area=tree.town, date=timezone.localdate())
        flag.save()
        return flag


class TestLog(
    TownRecordTests,
    cases.ListTests,
    cases.DetailTests,
    cases.AddTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
):
    model = DutyLogEntry
    url_names = {"list": "duty:log-list", "detail": "duty:log-entry", "add": "duty:log-add"}
    api_basename = "dutylog"
    export_header, export_attribute = "Text", "text"

    def make(self, tree, people):
        return make_log_entry(tree.town, people.town_officer)

    def form_data(self, tree, people):
        return {
            "area": tree.town.pk,
            "time": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "kind": "instruction_received",
            "counterpart": "县指挥部",
            "text": "今晚起卡口24小时值守",
        }

    def api_payload(self, tree, people):
        return {**self.form_data(tree, people), "area": tree.town.code, "time": timezone.now().isoformat()}


class VillageRecordTests(cases.RecordTypeTests):
    """Posts, zones and volunteers of 竹林关村: its officer writes, its doctor reads."""

    reader = read_only = "doctor"
    writer = deleter = "village_officer"


class HoldingTests(
    VillageRecordTests,
    cases.ListTests,
    cases.DetailTests,
    cases.AddTests,
    cases.EditTests,
    cases.DeleteTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
    cases.APIUpdateTests,
    cases.APIDeleteTests,
):
    changed_field = "name"
    export_header, export_attribute = "Name", "name"


class TestPosts(HoldingTests):
    model = PioneerPost
    url_names = {
        "list": "duty:post-list",
        "detail": "duty:post",
        "add": "duty:post-add",
        "edit": "duty:post-edit",
        "delete": "duty:post-delete",
    }
    api_basename = "pioneerpost"

    def make(self, tree, people):
        return make_post(tree.village)

    def form_data(self, tree, people):
        people.grid_worker.party_member = True
        people.grid_worker.save()
        return {
            "area": tree.village.pk,
            "organisation": "竹林关村党支部",
            "name": "集贸市场先锋岗",
            "kind": "market",
            "place": "竹林关集贸市场",
            "holders": [people.grid_worker.pk],
        }

    def api_payload(self, tree, people):
        return {**self.form_data(tree, people), "area": tree.village.code}


class TestZones(HoldingTests):
    model = ResponsibilityZone
    url_names = {
        "list": "duty:zone-list",
        "detail": "duty:zone",
        "add": "duty:zone-add",
        "edit": "duty:zone-edit",
        "delete": "duty:zone-delete",
    }
    api_basename = "zone"

    def make(self, tree, people):
        return make_zone(tree.village, grids=[tree.grid])

    def form_data(self, tree, people):
        return {
            "area": tree.village.pk,
            "organisation": "竹林关村党支部",
            "name": "二组责任区",
            "grids": [tree.grid2.pk],
        }

    def api_payload(self, tree, people):
        return {**self.form_data(tree, people), "area": tree.village.code, "grids": [tree.grid2.code]}


class TestTeams(HoldingTests):
    model = VolunteerTeam
    url_names = {
        "list": "duty:team-list",
        "detail": "duty:team",
        "add": "duty:team-add",
        "edit": "duty:team-edit",
        "delete": "duty:team-delete",
    }
    api_basename = "volunteerteam"

    def make(self, tree, people):
        return make_team(tree.village)

    def form_data(self, tree, people):
        return {"area": tree.village.pk, "name": "桃园志愿队", "leader_name": "孙队长", "signup_open": "on"}

    def api_payload(self, tree, people):
        return {**self.form_data(tree, people), "area": tree.village.code, "signup_open": True}


class TestVolunteers(HoldingTests):
    model = Volunteer
    url_names = {
        "list": "duty:volunteer-list",
        "detail": "duty:volunteer",
        "add": "duty:volunteer-add",
        "edit": "duty:volunteer-edit",
        "delete": "duty:volunteer-delete",
    }
    api_basename = "volunteer"

    def make(self, tree, people):
        return make_volunteer(make_team(tree.village))

    def form_data(self, tree, people):
        team = VolunteerTeam.objects.filter(area=tree.village).first() or make_team(tree.village)
        return {"team": team.pk, "name": "周志愿", "phone": "13700000002", "skills": "驾驶", "status": "approved"}

    def api_payload(self, tree, people):
        return self.form_data(tree, people)


class TestShifts(HoldingTests):
    model = VolunteerShift
    url_names = {
        "list": "duty:shift-list",
        "detail": "duty:shift",
        "add": "duty:shift-add",
        "edit": "duty:shift-edit",
        "delete": "duty:shift-delete",
    }
    api_basename = "volunteershift"
    changed_field = "place"
    export_header, export_attribute = "Place", "place"

    def make(self, tree, people):
        team = make_team(tree.village)
        return make_shift(team, [make_volunteer(team)])

    def form_data(self, tree, people):
        team = VolunteerTeam.objects.filter(area=tree.village).first() or make_team(tree.village)
        start = timezone.localtime() + datetime.timedelta(days=1)
        return {
            "team": team.pk,
            "kind": "delivery",
            "place": "桃园村三组",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "description": "送菜上门",
        }

    def api_payload(self, tree, people):
        start = timezone.now() + datetime.timedelta(days=1)
        data = self.form_data(tree, people)
        return {**data, "starts_at": start.isoformat(), "ends_at": (start + datetime.timedelta(hours=2)).isoformat()}
