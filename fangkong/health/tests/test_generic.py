"""Observation record types through the generic tests of fangkong.core.testing_cases."""

import datetime
import json
from decimal import Decimal

from django.utils import timezone

from fangkong.core import testing_cases as cases
from fangkong.health.models import Alert, Check, Episode, Protocol
from fangkong.health.sites.tests.factories import make_site
from fangkong.health.tests.factories import make_check, make_episode
from fangkong.people.tests.factories import id_number, make_person

SYMPTOMS = [{"code": "fever", "name": "发热", "name_en": "fever", "respiratory": True}]


class TestProtocols(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.AddTests,
    cases.EditTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
):
    model = Protocol
    url_names = {"list": "health:protocol-list", "add": "health:protocol-add", "edit": "health:protocol-edit"}
    api_basename = "protocol"
    scoped = False
    reader, writer, read_only = "grid_worker", "city_commander", "county_officer"
    changed_field = "name"
    export_header, export_attribute = "Name", "name"

    def make(self, tree, people):
        return Protocol.objects.create(
            name="2021 第二版",
            effective_from=datetime.date(2021, 1, 1),
            fever_threshold=Decimal("37.5"),
            symptoms=SYMPTOMS,
        )

    def form_data(self, tree, people):
        return {
            "name": "2022 第三版",
            "effective_from": "2022-02-02",
            "days_risk_area_arrival": 14,
            "days_close_contact": 14,
            "days_fever_excluded": 14,
            "days_other": 14,
            "morning_from": "06:00",
            "morning_until": "12:00",
            "evening_from": "16:00",
            "evening_until": "22:00",
            "fever_threshold": "37.3",
            "symptoms": json.dumps(SYMPTOMS),
            "backfill_days": 2,
            "acknowledge_within": "02:00:00",
        }


class TestEpisodes(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.DetailTests,
    cases.AddTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
):
    model = Episode
    url_names = {"list": "health:episode-list", "detail": "health:episode", "add": "health:episode-add"}
    api_basename = "episode"
    writer, read_only = "village_officer", "grid_worker"
    export_header, export_attribute = "Name", "person"

    def make(self, tree, people):
        return make_episode(area=tree.grid)

    def add_url_kwargs(self, tree):
        return {"person": make_person(tree.grid, number=id_number()).pk}

    def form_data(self, tree, people):
        start = timezone.localdate() - datetime.timedelta(days=2)
        return {"kind": "home", "reason": "close_contact", "start_on": start.isoformat()}

    def api_payload(self, tree, people):
        site = make_site(tree.town)
        return {"person": make_person(tree.grid, number=id_number()).pk, "kind": "centralised", "site": site.pk}


class TestChecks(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
):
    model = Check
    url_names = {"list": "health:check-list"}
    api_basename = "check"
    writer, read_only = "grid_worker", "cdc"
    export_header, export_attribute = "Temperature (°C)", "temperature"

    def make(self, tree, people):
        return make_check(make_episode(area=tree.grid), temperature=Decimal("36.6"))

    def api_payload(self, tree, people):
        person = make_episode(area=tree.grid).person
        return {
            "key": "phone-1-0001",
            "person": person.pk,
            "taken_at": timezone.now().isoformat(),
            "temperature": "36.4",
        }


class TestAlerts(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.DetailTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
):
    model = Alert
    url_names = {"list": "health:alert-list", "detail": "health:alert"}
    api_basename = "alert"
    reader, writer, read_only = "grid_worker", "doctor", "grid_worker"
    export_header, export_attribute = "Kind", "kind"

    def make(self, tree, people):
        return make_check(make_episode(area=tree.grid), temperature=Decimal("38.4")).alerts.get()
