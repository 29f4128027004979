"""The generic record-type tests (core.testing_cases) for the checkpoints app."""

import datetime
import uuid

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.core import testing_cases as cases
from fangkong.core.roles import Role
from fangkong.core.testing import make_user

from ..models import Checkpoint, CheckpointShift, HandOver, Passage, Traveller
from .factories import make_checkpoint, make_handover, make_passage, make_traveller

# Users of 竹林关镇 made for these tests: the town's checkpoint staff, and a CDC user who reads only.
TOWN_USERS = {"checkpoint_staff": Role.CHECKPOINT, "town_cdc": Role.CDC}


class TownUsers:
    def user(self, tree, people, who):
        if who in TOWN_USERS:
            return User.objects.filter(username=who).first() or make_user(who, TOWN_USERS[who], tree.town)
        return super().user(tree, people, who)


class TestCheckpoints(
    TownUsers,
    cases.RecordTypeTests,
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
    model = Checkpoint
    url_names = {
        "list": "checkpoints:checkpoint-list",
        "detail": "checkpoints:checkpoint",
        "add": "checkpoints:checkpoint-add",
        "edit": "checkpoints:checkpoint-edit",
        "delete": "checkpoints:checkpoint-delete",
    }
    api_basename = "checkpoint"
    reader = writer = deleter = "town_officer"
    read_only = "checkpoint_staff"
    changed_field = "name"
    export_header, export_attribute = "Name", "name"

    def make(self, tree, people):
        return make_checkpoint(tree.town)

    def form_data(self, tree, people):
        return {"area": tree.town.pk, "name": "竹林关检测点", "kind": "road", "road": "G345", "active": "on"}

    def api_payload(self, tree, people):
        return {**self.form_data(tree, people), "area": tree.town.code, "active": True}


def _shift_times():
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    return start, start + datetime.timedelta(hours=8)


class TestShifts(
    TownUsers,
    cases.RecordTypeTests,
    cases.ListTests,
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
    model = CheckpointShift
    url_names = {
        "list": "checkpoints:shift-list",
        "add": "checkpoints:shift-add",
        "edit": "checkpoints:shift-edit",
        "delete": "checkpoints:shift-delete",
    }
    api_basename = "checkpoint-shift"
    reader = writer = deleter = "town_officer"
    read_only = "checkpoint_staff"
    changed_field = "note"
    export_header, export_attribute = "Note", "note"

    def checkpoint(self, tree):
        return Checkpoint.objects.filter(area=tree.town).first() or make_checkpoint(tree.town)

    def make(self, tree, people):
        start, end = _shift_times()
        shift = CheckpointShift(checkpoint=self.checkpoint(tree), starts_at=start, ends_at=end, note="早班")
        shift.save()
        shift.staff.add(self.user(tree, people, "checkpoint_staff"))
        return shift

    def form_data(self, tree, people):
        start, end = _shift_times()
        return {
            "checkpoint": self.checkpoint(tree).pk,
            "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{end:%Y-%m-%dT%H:%M}",
            "staff": [self.user(tree, people, "checkpoint_staff").pk],
            "note": "早班",
        }

    def api_payload(self, tree, people):
        start, end = _shift_times()
        return {**self.form_data(tree, people), "starts_at": start.isoformat(), "ends_at": end.isoformat()}


class TestPassages(
    TownUsers,
    cases.RecordTypeTests,
    cases.ListTests,
    cases.DetailTests,
    cases.AddTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
):
    model = Passage
    url_names = {
        "list": "checkpoints:passage-list",
        "detail": "checkpoints:passage",
        "add": "checkpoints:passage-add",
    }
    api_basename = "passage"
    reader = writer = "checkpoint_staff"
    read_only = "town_cdc"
    export_header, export_attribute = "Plate", "plate"

    def checkpoint(self, tree):
        return Checkpoint.objects.filter(area=tree.town).first() or make_checkpoint(tree.town)

    def make(self, tree, people):
        return make_passage(self.checkpoint(tree), [make_traveller(destination=tree.village)], plate="陕H12345")

    def form_data(self, tree, people):
        return {
            "checkpoint": self.checkpoint(tree).pk,
            "key": uuid.uuid4().hex,
            "plate": "陕H54321",
            "vehicle_kind": "car",
            "origin": "420102",
            "people-TOTAL_FORMS": "1",
            "people-INITIAL_FORMS": "0",
            "people-MIN_NUM_FORMS": "1",
            "people-MAX_NUM_FORMS": "60",
            "people-0-name": "李四",
            "people-0-phone": "13800001111",
            "people-0-destination": tree.village.code,
            "people-0-temperature": "36.6",
            "people-0-decision": "let_through",
        }

    def api_payload(self, tree, people):
        return {
            "key": uuid.uuid4().hex,
            "checkpoint": self.checkpoint(tree).pk,
            "plate": "陕H54321",
            "origin": "420102",
            "travellers": [{"name": "李四", "phone": "13800001111", "destination": tree.village.code}],
        }


class TestTravellers(TownUsers, cases.RecordTypeTests, cases.ListTests, cases.ExportTests):
    model = Traveller
    url_names = {"list": "checkpoints:traveller-list"}
    reader = "checkpoint_staff"
    export_header, export_attribute = "Name", "name"

    def make(self, tree, people):
        passage = make_passage(make_checkpoint(tree.town), [make_traveller("王五", destination=tree.village)])
        return passage.travellers.get()


class TestHandOvers(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.DetailTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
):
    model = HandOver
    url_names = {"list": "checkpoints:handover-list", "detail": "checkpoints:handover"}
    api_basename = "handover"
    reader = "grid_worker"
    export_header, export_attribute = "Name", "traveller"

    def make(self, tree, people):
        return make_handover(make_checkpoint(tree.town), tree.village)
