"""The register's record types through the generic tests of fangkong.core.testing_cases."""

import datetime

from fangkong.areas.models import Division, RiskArea
from fangkong.core import testing_cases as cases
from fangkong.core.roles import Role
from fangkong.people.models import Arrival, Household, KeyPersonTag, Person, ScreeningRound
from fangkong.people.tests.factories import id_number, make_household, make_person

YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)
TOMORROW = datetime.date.today() + datetime.timedelta(days=1)


class TestHouseholds(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.DetailTests,
    cases.AddTests,
    cases.EditTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
    cases.APIUpdateTests,
):
    model = Household
    url_names = {
        "list": "people:household-list",
        "detail": "people:household",
        "add": "people:household-add",
        "edit": "people:household-edit",
    }
    api_basename = "household"
    writer, read_only = "grid_worker", "doctor"
    changed_field = "address"
    export_header, export_attribute = "Address", "address"

    def make(self, tree, people):
        return make_household(tree.grid, "竹林关村一组 9 号")

    def form_data(self, tree, people):
        return {"area": tree.grid.code, "address": "竹林关村一组 12 号"}

    def api_payload(self, tree, people):
        return {"area": tree.grid.code, "address": "竹林关村一组 12 号"}


class TestPersons(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.DetailTests,
    cases.AddTests,
    cases.EditTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
    cases.APIUpdateTests,
):
    model = Person
    url_names = {
        "list": "people:person-list",
        "detail": "people:person",
        "add": "people:person-add",
        "edit": "people:person-edit",
    }
    api_basename = "person"
    # Grid workers and doctors register people: a role that reads but never writes them is the CDC's.
    writer, read_only = "grid_worker", Role.CDC
    changed_field = "address"
    export_header, export_attribute = "Name", "name"

    def make(self, tree, people):
        return make_person(tree.grid, "王五", number=id_number(), address="竹林关村一组 9 号")

    def form_data(self, tree, people):
        return {"name": "李四", "sex": "unknown", "area": tree.grid.pk, "residency": "resident", "address": "一组"}

    def api_payload(self, tree, people):
        return {"name": "李四", "area": tree.grid.code}


class TestArrivals(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.DetailTests,
    cases.AddTests,
    cases.EditTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
    cases.APIUpdateTests,
):
    model = Arrival
    url_names = {
        "list": "people:arrival-list",
        "detail": "people:arrival",
        "add": "people:arrival-add",
        "edit": "people:arrival-edit",
    }
    api_basename = "arrival"
    writer, read_only = "grid_worker", "doctor"
    changed_field = "trip_number"
    export_header, export_attribute = "Train, flight or plate number", "trip_number"

    def make(self, tree, people):
        person = make_person(tree.grid, "王五", number=id_number())
        arrival = Arrival(person=person, area=tree.grid, origin=Division.objects.get(code="610102"))
        arrival.arrived_on, arrival.trip_number = YESTERDAY, "K1234"
        arrival.save()
        return arrival

    def form_data(self, tree, people):
        return {
            "name": "李四",
            "id_number": id_number(),
            "kind": Arrival.Kind.RETURNEE,
            "origin": "610102",
            "arrived_on": YESTERDAY.isoformat(),
            "transport": Arrival.Transport.TRAIN,
            "trip_number": "K5678",
            "area": tree.grid.code,
        }

    def api_payload(self, tree, people):
        data = self.form_data(tree, people)
        return {key: data[key] for key in ("name", "id_number", "origin", "arrived_on", "transport", "area")}


class TestRiskAreas(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.AddTests,
    cases.EditTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
    cases.APIUpdateTests,
):
    model = RiskArea
    url_names = {"list": "people:riskarea-list", "add": "people:riskarea-add", "edit": "people:riskarea-edit"}
    api_basename = "riskarea"
    scoped = False  # one national list: everyone reads it, commanders write it
    writer, read_only = "city_commander", "village_officer"
    changed_field = "note"
    export_header, export_attribute = "Note", "note"

    def make(self, tree, people):
        division = Division.objects.get(code="4201")
        return RiskArea.objects.create(division=division, valid_from=datetime.date(2020, 1, 23), note="武汉市")

    def form_data(self, tree, people):
        return {"division": "4202", "level": RiskArea.Level.HIGH, "valid_from": "2020-01-24", "note": "黄石市"}

    def api_payload(self, tree, people):
        return self.form_data(tree, people)


class TestScreeningRounds(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.DetailTests,
    cases.AddTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
):
    model = ScreeningRound
    url_names = {"list": "people:round-list", "detail": "people:round", "add": "people:round-add"}
    api_basename = "screeninground"
    # Officers open rounds over their village; its grid worker works through them.
    writer, read_only = "village_officer", "grid_worker"
    export_header, export_attribute = "Title", "title"

    def make(self, tree, people):
        screening_round = ScreeningRound(area=tree.village, title="第一轮排查", deadline=TOMORROW)
        screening_round.save()
        return screening_round

    def form_data(self, tree, people):
        return {"area": tree.village.pk, "title": "第二轮排查", "deadline": TOMORROW.isoformat()}

    def api_payload(self, tree, people):
        return {"area": tree.village.code, "title": "第二轮排查", "deadline": TOMORROW.isoformat()}


class TestKeyPersonCategories(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.AddTests,
    cases.EditTests,
    cases.DeleteTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
):
    model = KeyPersonTag
    url_names = {
        "list": "people:tag-list",
        "add": "people:tag-add",
        "edit": "people:tag-edit",
        "delete": "people:tag-delete",
    }
    api_basename, api_lookup = "tag", "code"
    scoped = False  # the same categories everywhere: commanders add their own
    writer = deleter = "city_commander"
    read_only = "village_officer"
    changed_field = "name"

    def make(self, tree, people):
        return KeyPersonTag.objects.create(code="left_wuhan", name="离汉人员", name_en="Left Wuhan")

    def form_data(self, tree, people):
        return {"code": "left_hubei", "name": "离鄂人员", "name_en": "Left Hubei"}
