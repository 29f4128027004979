"""The generic record-type tests (core.testing_cases) for needs of households in difficulty."""

from fangkong.core import testing_cases as cases
from fangkong.people.tests.factories import make_household

from ..models import Need
from .factories_help import make_need


class TestNeeds(
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
    model = Need
    url_names = {
        "list": "community:need-list",
        "detail": "community:need",
        "add": "community:need-add",
        "edit": "community:need-edit",
        "delete": "community:need-delete",
    }
    api_basename = "need"
    writer, read_only, deleter = "grid_worker", "doctor", "village_officer"
    changed_field = "description"
    export_header, export_attribute = "Household", "household"

    def make(self, tree, people):
        return make_need(area=tree.grid, description="米面油")

    def form_data(self, tree, people):
        household = make_household(tree.grid, address="竹林关村一组 3 号")
        return {"household": household.pk, "kind": "medicine", "description": "降压药"}

    def api_payload(self, tree, people):
        return self.form_data(tree, people)
