"""Isolation sites through the generic tests of fangkong.core.testing_cases."""

from fangkong.core import testing_cases as cases
from fangkong.health.sites.models import Site
from fangkong.health.sites.tests.factories import make_site


class TestSites(
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
    model = Site
    url_names = {
        "list": "health:site-list",
        "detail": "health:site",
        "add": "health:site-add",
        "edit": "health:site-edit",
    }
    api_basename = "site"
    # The site is the town's: the grid worker under it reads it, the town's officer writes it.
    reader, writer, read_only = "grid_worker", "town_officer", "doctor"
    changed_field = "name"
    export_header, export_attribute = "Name", "name"

    def make(self, tree, people):
        return make_site(tree.town)

    def site_fields(self, tree):
        return {
            "name": "竹林关中学隔离点",
            "kind": "designated",
            "address": "竹林关镇中学路 1 号",
            "contact": "王老师",
            "phone": "13991400002",
            "active": "on",
        }

    def form_data(self, tree, people):
        return {
            **self.site_fields(tree),
            "area": tree.town.pk,
            "rooms-TOTAL_FORMS": "2",
            "rooms-INITIAL_FORMS": "0",
            "rooms-0-label": "201",
            "rooms-0-capacity": "3",
        }

    def api_payload(self, tree, people):
        return {
            **self.site_fields(tree),
            "active": True,
            "area": tree.town.code,
            "rooms": [{"label": "201", "floor": 2, "capacity": 3}],
        }
