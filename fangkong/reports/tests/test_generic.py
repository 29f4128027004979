"""Report forms through the generic tests of fangkong.core.testing_cases."""

from fangkong.core import testing_cases as cases
from fangkong.core.roles import Role
from fangkong.core.testing import make_user
from fangkong.reports.models import ReportForm


class TestReportForms(cases.RecordTypeTests, cases.ListTests, cases.AddTests, cases.EditTests, cases.ExportTests):
    model = ReportForm
    url_names = {"list": "reports:form-list", "add": "reports:form-add", "edit": "reports:form-edit"}
    reader, writer, read_only = "town_officer", "city_commander", "town_officer"
    # A commander of the neighbouring county: may shape forms, not those of 竹林关镇.
    outsider = "outside_commander"
    changed_field = "name"
    export_header, export_attribute = "Name", "name"

    def user(self, tree, people, who):
        if who == self.outsider:
            return make_user("outside_commander", Role.COMMANDER, tree.other_county)
        return super().user(tree, people, who)

    def make(self, tree, people):
        return ReportForm.objects.create(area=tree.town, name="竹林关镇疫情防控日报表")

    def form_data(self, tree, people):
        return {"area": tree.town.pk, "name": "竹林关镇日报", "indicators": "fever_today\narrivals_new", "hidden": ""}
