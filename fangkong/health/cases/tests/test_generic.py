"""Facilities, transfers, cases and contacts through the generic tests of fangkong.core.testing_cases."""

import datetime

from django.utils import timezone

from fangkong.core import testing_cases as cases
from fangkong.health.cases.models import Case, Contact, Disinfection, Facility, Sample, Transfer
from fangkong.health.cases.tests.factories import (
    make_case,
    make_contact,
    make_disinfection,
    make_facility,
    make_sample,
    make_transfer,
)
from fangkong.health.tests.factories import make_episode
from fangkong.people.tests.factories import id_number, make_person


class TestFacilities(
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
    model = Facility
    url_names = {"list": "health:facility-list", "add": "health:facility-add", "edit": "health:facility-edit"}
    api_basename = "facility"
    writer, read_only = "county_officer", "doctor"
    changed_field = "address"
    export_header, export_attribute = "Name", "name"

    def make(self, tree, people):
        return make_facility(tree.county)

    def form_data(self, tree, people):
        return {"name": "丹凤县人民医院", "kind": "hospital", "area": tree.county.pk, "address": "丹凤县城关镇 1 号"}

    def api_payload(self, tree, people):
        return {"name": "丹凤县发热门诊", "kind": "fever_clinic", "area": tree.county.code, "address": "城关镇 2 号"}


class TestTransfers(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.DetailTests,
    cases.AddTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
):
    model = Transfer
    url_names = {"list": "health:transfer-list", "detail": "health:transfer", "add": "health:transfer-add"}
    api_basename = "transfer"
    writer, read_only = "doctor", "grid_worker"
    export_header, export_attribute = "Vehicle", "vehicle"

    def make(self, tree, people):
        return make_transfer(make_person(tree.grid, number=id_number()), make_facility(tree.county))

    def add_url_kwargs(self, tree):
        return {"person": make_person(tree.grid, number=id_number()).pk}

    def form_data(self, tree, people):
        return {
            "facility": make_facility(tree.county).pk,
            "transferred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "vehicle": "陕H 120",
            "escort": "李医生",
        }

    def api_payload(self, tree, people):
        return {
            "person": make_person(tree.grid, number=id_number()).pk,
            "facility": make_facility(tree.county).pk,
            "transferred_at": timezone.now().isoformat(),
            "vehicle": "陕H 120",
            "escort": "李医生",
        }


class TestCases(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.DetailTests,
    cases.AddTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
):
    model = Case
    url_names = {"list": "health:case-list", "detail": "health:case", "add": "health:case-add"}
    api_basename = "case"
    writer, read_only = "cdc", "grid_worker"
    export_header, export_attribute = "Name", "person"

    def make(self, tree, people):
        return make_case(area=tree.grid)

    def add_url_kwargs(self, tree):
        return {"person": make_person(tree.grid, number=id_number()).pk}

    def form_data(self, tree, people):
        now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        return {"classification": "suspected", "diagnosed_at": now, "reported_at": now}

    def api_payload(self, tree, people):
        now = timezone.now().isoformat()
        person = make_person(tree.grid, number=id_number())
        return {"person": person.pk, "classification": "confirmed", "diagnosed_at": now, "reported_at": now}


class TestContacts(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.DetailTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
):
    model = Contact
    url_names = {"list": "health:contact-list", "detail": "health:contact"}
    api_basename = "contact"
    writer, read_only = "cdc", "grid_worker"
    export_header, export_attribute = "Name", "person"

    def make(self, tree, people):
        return make_contact(make_person(tree.grid, number=id_number()), source_case=make_case(area=tree.grid))

    def api_payload(self, tree, people):
        return {
            "person": make_person(tree.grid, number=id_number()).pk,
            "source_case": make_case(area=tree.grid).pk,
            "setting": "transport",
            "last_contact_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        }


class TestSamples(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.AddTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
):
    model = Sample
    url_names = {"list": "health:sample-list", "add": "health:sample-add"}
    api_basename = "sample"
    # Grid workers, doctors and CDC in scope take samples; checkpoint staff are the role that may not
    # (they do not read the register either, so the add page does not find the person: 404).
    writer, read_only = "grid_worker", "checkpoint"
    export_header, export_attribute = "Name", "person"

    def test_a_role_that_may_not_write_gets_403_on_add(self, client, tree, people):
        before = self.count()
        self.login(client, tree, people, self.read_only)
        url = self.url("add", tree=tree)
        assert client.get(url).status_code == 404
        assert client.post(url, self.form_data(tree, people)).status_code == 404
        assert self.count() == before

    def make(self, tree, people):
        return make_sample(make_person(tree.grid, number=id_number()))

    def add_url_kwargs(self, tree):
        return {"person": make_person(tree.grid, number=id_number()).pk}

    def form_data(self, tree, people):
        return {"taken_on": timezone.localdate().isoformat(), "result": "pending"}

    def api_payload(self, tree, people):
        person = make_person(tree.grid, number=id_number())
        return {"person": person.pk, "taken_on": timezone.localdate().isoformat()}


class TestDisinfections(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.AddTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
):
    model = Disinfection
    url_names = {"list": "health:disinfection-list", "add": "health:disinfection-add"}
    api_basename = "disinfection"
    writer, read_only = "grid_worker", "cdc"
    export_header, export_attribute = "Done by", "done_by"

    def make(self, tree, people):
        return make_disinfection(make_episode(area=tree.grid))

    def add_url_kwargs(self, tree):
        return {"episode": make_episode(area=tree.grid).pk}

    def form_data(self, tree, people):
        return {"done_on": timezone.localdate().isoformat(), "done_by": "消杀队"}

    def api_payload(self, tree, people):
        episode = make_episode(area=tree.grid)
        return {"episode": episode.pk, "done_on": timezone.localdate().isoformat(), "done_by": "消杀队"}
