"""Grids through the generic tests of fangkong.core.testing_cases: village officers add and rename them."""

from fangkong.areas.models import Area
from fangkong.core import testing_cases as cases


class TestGrids(
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
    model = Area
    url_names = {"list": "areas:list", "detail": "areas:area", "add": "areas:grid-add", "edit": "areas:grid-edit"}
    api_basename = "area"
    lookup = "code"
    # The village's doctor sees its grids; only officers and commanders add and rename them.
    writer, read_only = "village_officer", "doctor"
    changed_field = "name"
    export_header, export_attribute = "Code", "code"

    def make(self, tree, people):
        return tree.grid

    def add_url_kwargs(self, tree):
        return {"village": tree.village.code}

    def form_data(self, tree, people):
        return {"name": "第三网格"}

    def api_payload(self, tree, people):
        return {"parent": tree.village.code, "name": "第三网格"}
