"""Generic tests for a record type: a few lines of data per model, the same checks for every one.

An app's tests declare a class that mixes in the operations the record type offers and says what
the tests need to know::

    class TestHouseholds(RecordTypeTests, ListTests, DetailTests, AddTests, EditTests, ExportTests,
                         APIListTests, APIRetrieveTests, APICreateTests, APIUpdateTests):
        model = Household
        url_names = {"list": "people:household-list", "detail": "people:household", ...}
        api_basename = "household"
        writer, read_only = "grid_worker", "doctor"
        changed_field = "address"

        def make(self, tree, people):
            return make_household(tree.grid, "竹林关村一组 9 号")

        def form_data(self, tree, people):
            return {"area": tree.grid.code, "address": "竹林关村一组 12 号"}

Every operation is checked for a user who may do it and for one who may not: a user in scope whose
role may not write gets 403 and nothing changes; a user outside the record's area (the outsider from
商南县 of ``make_people``) gets 404 on the record and does not find it in lists, exports or the API.
Reference data, the same everywhere (``scoped = False``), is found by the outsider too.

Users are named as attributes of ``People`` ("grid_worker"), or as a role ("cdc"): a user holding
that role over 竹林关村 is made for the test. See docs/adding-a-record-type.md.
"""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from fangkong.core.roles import Role
from fangkong.core.testing import ScopedAPIClient, make_user


class RecordTypeTests:
    """The data of one record type. Subclasses set the attributes below and define the methods
    that the operations they test call:

    - ``make(tree, people)``: a record inside 竹林关村 (its first grid, or the village); every operation.
    - ``form_data(tree, people)``: a valid POST of the add form, for a record inside 竹林关村; the edit
      form posts it too, with ``changed_field`` changed (AddTests, EditTests).
    - ``api_payload(tree, people)``: a valid API create body, for a record inside 竹林关村
      (APICreateTests, APIUpdateTests).
    """

    model = None
    # Operation -> URL name, for the operations the record type has on the web.
    url_names = {}
    # The API router's basename ("household": household-list, household-detail).
    api_basename = None
    # The URL argument naming one record, and the attribute of the record giving its value.
    lookup = "pk"
    # The same for the API, when it names records otherwise (by code): its lookup field and the
    # attribute giving its value, which list rows carry under that name ("id" for "pk").
    api_lookup = None
    # Who may do what; see the module docstring for how users are named.
    reader = "grid_worker"
    writer = "grid_worker"
    deleter = "village_officer"
    read_only = "doctor"
    outsider = "outsider"
    # False for reference data: one list for everyone, the outsider included.
    scoped = True
    # A text field that the edit form and the API update change: it shows the change was saved.
    changed_field = None
    # A column header of the export (English), and the record attribute shown in that column.
    export_header = None
    export_attribute = None
    # Query strings of the lists, where the default filter would hide the record.
    list_query = {}
    api_list_query = {}

    def add_url_kwargs(self, tree):
        return {}

    # --- helpers ---

    @pytest.fixture
    def record(self, tree, people):
        return self.make(tree, people)

    @pytest.fixture
    def client(self, client):
        """Headers and messages in English, whatever catalogue is installed."""
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    @pytest.fixture
    def api(self):
        client = ScopedAPIClient()
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    def user(self, tree, people, who):
        if hasattr(people, who):
            return getattr(people, who)
        return make_user(f"{who}_of_village", Role(who), tree.village)

    def login(self, client, tree, people, who):
        user = self.user(tree, people, who)
        if isinstance(client, ScopedAPIClient):
            client.force_authenticate(user)
        else:
            client.force_login(user)
        return client

    def listed(self, response):
        """The records on the list page's table."""
        return [row.record for row in response.context["table"].paginated_rows]

    def key(self, record):
        return getattr(record, self.lookup)

    def url(self, operation, record=None, tree=None):
        if record is None:
            return reverse(self.url_names[operation], kwargs=self.add_url_kwargs(tree) if tree else {})
        return reverse(self.url_names[operation], kwargs={self.lookup: self.key(record)})

    def api_key(self, record):
        return getattr(record, self.api_lookup or self.lookup)

    def api_url(self, record=None):
        if record is None:
            return reverse(f"{self.api_basename}-list")
        return reverse(f"{self.api_basename}-detail", kwargs={self.api_lookup or self.lookup: self.api_key(record)})

    def count(self):
        return self.model._base_manager.count()

    def changed_data(self, data):
        return {**data, self.changed_field: f"{data[self.changed_field]} (changed)"}

    def expected_status_of_the_outsider(self, found):
        """The status the outsider gets for a record: 404 when the record is not theirs to find."""
        return found if not self.scoped else 404


class ListTests:
    def test_the_list_shows_the_record_in_scope_only(self, client, tree, people, record):
        url = self.url("list")
        self.login(client, tree, people, self.reader)
        response = client.get(url, self.list_query)
        assert response.status_code == 200
        assert record in self.listed(response)

        self.login(client, tree, people, self.outsider)
        response = client.get(url, self.list_query)
        assert response.status_code == 200
        assert (record in self.listed(response)) is not self.scoped


class DetailTests:
    def test_the_detail_opens_in_scope_and_is_404_outside(self, client, tree, people, record):
        url = self.url("detail", record)
        assert self.login(client, tree, people, self.reader).get(url).status_code == 200
        outsider = self.login(client, tree, people, self.outsider).get(url)
        assert outsider.status_code == self.expected_status_of_the_outsider(200)


class AddTests:
    def test_a_writer_adds_a_record(self, client, tree, people):
        before = self.count()
        self.login(client, tree, people, self.writer)
        response = client.post(self.url("add", tree=tree), self.form_data(tree, people))
        assert response.status_code == 302, response.context and response.context["form"].errors
        assert self.count() == before + 1

    def test_a_role_that_may_not_write_gets_403_on_add(self, client, tree, people):
        before = self.count()
        self.login(client, tree, people, self.read_only)
        url = self.url("add", tree=tree)
        assert client.get(url).status_code == 403
        assert client.post(url, self.form_data(tree, people)).status_code == 403
        assert self.count() == before

    def test_a_record_outside_the_users_area_is_not_added(self, client, tree, people):
        before = self.count()
        self.login(client, tree, people, self.outsider)
        response = client.post(self.url("add", tree=tree), self.form_data(tree, people))
        if self.scoped:
            # The form names the area out of scope (200), or the parent in the URL is not found (404).
            assert response.status_code in (200, 404)
            assert self.count() == before
        else:
            assert response.status_code == 403  # the outsider may read reference data, not change it


class EditTests:
    def test_a_writer_edits_the_record(self, client, tree, people, record):
        data = self.changed_data(self.form_data(tree, people))
        self.login(client, tree, people, self.writer)
        response = client.post(self.url("edit", record), data)
        assert response.status_code == 302, response.context and response.context["form"].errors
        record.refresh_from_db()
        assert getattr(record, self.changed_field) == data[self.changed_field]

    def test_editing_is_403_for_a_role_that_may_not_write_and_404_outside(self, client, tree, people, record):
        url = self.url("edit", record)
        data = self.changed_data(self.form_data(tree, people))
        self.login(client, tree, people, self.read_only)
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
        self.login(client, tree, people, self.outsider)
        assert client.post(url, data).status_code == self.expected_status_of_the_outsider(403)
        record.refresh_from_db()
        assert getattr(record, self.changed_field) != data[self.changed_field]


class DeleteTests:
    def test_a_deleter_deletes_the_record(self, client, tree, people, record):
        self.login(client, tree, people, self.deleter)
        assert client.post(self.url("delete", record)).status_code == 302
        assert not self.model._base_manager.filter(pk=record.pk).exists()

    def test_deleting_is_403_for_a_role_that_may_not_and_404_outside(self, client, tree, people, record):
        url = self.url("delete", record)
        self.login(client, tree, people, self.read_only)
        assert client.post(url).status_code == 403
        self.login(client, tree, people, self.outsider)
        assert client.post(url).status_code == self.expected_status_of_the_outsider(403)
        assert self.model._base_manager.filter(pk=record.pk).exists()


class ExportTests:
    def exported_rows(self, client, fmt):
        response = client.get(self.url("list"), {**self.list_query, "export": fmt})
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
            rows = [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        header, *body = rows
        column = header.index(self.export_header)
        return [row[column] for row in body]

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_the_export_has_the_record_in_scope_only(self, client, tree, people, record, fmt):
        shown = str(getattr(record, self.export_attribute))
        self.login(client, tree, people, self.reader)
        assert shown in self.exported_rows(client, fmt)
        self.login(client, tree, people, self.outsider)
        assert (shown in self.exported_rows(client, fmt)) is not self.scoped


class APIListTests:
    def keys(self, api):
        response = api.get(self.api_url(), self.api_list_query)
        assert response.status_code == 200
        field = {None: "id", "pk": "id"}.get(self.api_lookup or self.lookup, self.api_lookup or self.lookup)
        rows = response.json()
        return [row[field] for row in (rows["results"] if isinstance(rows, dict) else rows)]  # paged or not

    def test_the_api_lists_the_record_in_scope_only(self, api, tree, people, record):
        key = self.api_key(record)
        assert key in self.keys(self.login(api, tree, people, self.reader))
        assert (key in self.keys(self.login(api, tree, people, self.outsider))) is not self.scoped


class APIRetrieveTests:
    def test_the_api_finds_the_record_in_scope_and_404_outside(self, api, tree, people, record):
        url = self.api_url(record)
        assert self.login(api, tree, people, self.reader).get(url).status_code == 200
        outsider = self.login(api, tree, people, self.outsider).get(url)
        assert outsider.status_code == self.expected_status_of_the_outsider(200)


class APICreateTests:
    def test_a_writer_creates_a_record_through_the_api(self, api, tree, people):
        before = self.count()
        response = self.login(api, tree, people, self.writer).post(
            self.api_url(), self.api_payload(tree, people), format="json"
        )
        assert response.status_code == 201, response.json()
        assert self.count() == before + 1

    def test_api_create_is_403_for_a_role_that_may_not_write_and_400_outside(self, api, tree, people):
        before = self.count()
        payload = self.api_payload(tree, people)
        refused = self.login(api, tree, people, self.read_only).post(self.api_url(), payload, format="json")
        assert refused.status_code == 403
        outside = self.login(api, tree, people, self.outsider).post(self.api_url(), payload, format="json")
        # In scope: the area named is not the outsider's (400). Reference data: not theirs to change.
        assert outside.status_code == (400 if self.scoped else 403)
        assert self.count() == before


class APIUpdateTests:
    def test_a_writer_updates_the_record_through_the_api(self, api, tree, people, record):
        value = f"{getattr(record, self.changed_field)} (changed)"
        response = self.login(api, tree, people, self.writer).patch(
            self.api_url(record), {self.changed_field: value}, format="json"
        )
        assert response.status_code == 200, response.json()
        record.refresh_from_db()
        assert getattr(record, self.changed_field) == value

    def test_api_update_is_403_for_a_role_that_may_not_write_and_404_outside(self, api, tree, people, record):
        before = getattr(record, self.changed_field)
        body = {self.changed_field: f"{before} (changed)"}
        url = self.api_url(record)
        assert self.login(api, tree, people, self.read_only).patch(url, body, format="json").status_code == 403
        outsider = self.login(api, tree, people, self.outsider).patch(url, body, format="json")
        assert outsider.status_code == self.expected_status_of_the_outsider(403)
        record.refresh_from_db()
        assert getattr(record, self.changed_field) == before


class APIDeleteTests:
    def test_a_deleter_deletes_the_record_through_the_api(self, api, tree, people, record):
        assert self.login(api, tree, people, self.deleter).delete(self.api_url(record)).status_code == 204
        assert not self.model._base_manager.filter(pk=record.pk).exists()

    def test_api_delete_is_403_for_a_role_that_may_not_and_404_outside(self, api, tree, people, record):
        url = self.api_url(record)
        assert self.login(api, tree, people, self.read_only).delete(url).status_code == 403
        outsider = self.login(api, tree, people, self.outsider).delete(url)
        assert outsider.status_code == self.expected_status_of_the_outsider(403)
        assert self.model._base_manager.filter(pk=record.pk).exists()
