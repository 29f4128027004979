"""Memberships through the generic tests of fangkong.core.testing_cases: managers grant and revoke roles."""

from fangkong.accounts.models import Membership
from fangkong.core import testing_cases as cases
from fangkong.core.roles import Role
from fangkong.core.testing import make_user


class TestMemberships(
    cases.RecordTypeTests,
    cases.AddTests,
    cases.DeleteTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
    cases.APIDeleteTests,
):
    model = Membership
    url_names = {"add": "accounts:membership-add", "delete": "accounts:membership-delete"}
    api_basename = "membership"
    # Everyone in the grid sees who works there; the village's doctor may not grant or revoke roles.
    writer = deleter = "village_officer"
    read_only = "doctor"

    def make(self, tree, people):
        return make_user("second_worker", Role.GRID_WORKER, tree.grid).memberships.get()

    def form_data(self, tree, people):
        return {"user": people.grid_worker.pk, "area": tree.grid.code, "role": Role.DOCTOR}

    def api_payload(self, tree, people):
        return self.form_data(tree, people)
