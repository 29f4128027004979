"""Supplies and donations through the generic tests of fangkong.core.testing_cases."""

from fangkong.core import testing_cases as cases
from fangkong.supplies.models import Allocation, Donation, Item, MoveKind, Stock, StockMove, Store
from fangkong.supplies.tests.factories import make_donation, make_store, move

# The records are the village's: its officer writes them, its doctor reads them.
VILLAGE = {"reader": "doctor", "writer": "village_officer", "read_only": "doctor"}


class TestItems(
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
    model = Item
    url_names = {"list": "supplies:item-list", "add": "supplies:item-add", "edit": "supplies:item-edit"}
    api_basename = "item"
    scoped = False
    reader, writer, read_only = "grid_worker", "city_commander", "county_officer"
    changed_field = "name"
    export_header, export_attribute = "Name", "name"

    def make(self, tree, people):
        return Item.objects.create(code="coverall", name="隔离衣", unit="件")

    def form_data(self, tree, people):
        return {
            "code": "apron",
            "name": "防水围裙",
            "name_en": "apron",
            "category": "clothing",
            "unit": "件",
            "active": "on",
        }

    def api_payload(self, tree, people):
        return {**self.form_data(tree, people), "active": True}


class TestStores(
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
    model = Store
    url_names = {
        "list": "supplies:store-list",
        "detail": "supplies:store",
        "add": "supplies:store-add",
        "edit": "supplies:store-edit",
    }
    api_basename = "store"
    reader, writer, read_only = VILLAGE["reader"], VILLAGE["writer"], VILLAGE["read_only"]
    changed_field = "name"
    export_header, export_attribute = "Name", "name"

    def make(self, tree, people):
        return make_store(tree.village, "竹林关村物资室")

    def form_data(self, tree, people):
        return {
            "name": "竹林关村卡点物资",
            "kind": "checkpoint",
            "area": tree.village.pk,
            "keeper": "王会计",
            "active": "on",
        }

    def api_payload(self, tree, people):
        return {**self.form_data(tree, people), "area": tree.village.code, "active": True}


class TestStock(cases.RecordTypeTests, cases.ListTests, cases.ExportTests, cases.APIListTests, cases.APIRetrieveTests):
    model = Stock
    url_names = {"list": "supplies:stock-list"}
    api_basename = "stock"
    reader = VILLAGE["reader"]
    export_header, export_attribute = "Store", "store"

    def make(self, tree, people):
        return move(make_store(tree.village), MoveKind.PURCHASE, 10).store.stocks.get()


class TestStockMoves(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.AddTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
):
    model = StockMove
    url_names = {"list": "supplies:move-list", "add": "supplies:move-add"}
    api_basename = "stockmove"
    reader, writer, read_only = VILLAGE["reader"], VILLAGE["writer"], VILLAGE["read_only"]
    export_header, export_attribute = "Store", "store"

    def make(self, tree, people):
        return move(make_store(tree.village), MoveKind.PURCHASE, 10)

    def form_data(self, tree, people):
        store = Store.objects.filter(area=tree.village).first() or make_store(tree.village)
        return {
            "store": store.pk,
            "item": Item.objects.get(code="gloves").pk,
            "kind": "purchase",
            "quantity": 200,
            "moved_on": "2020-02-02",
            "supplier": "丹凤县医药公司",
            "unit_price": "0.80",
            "key": "form-1",
        }

    def api_payload(self, tree, people):
        return {**self.form_data(tree, people), "item": "gloves", "key": "api-1"}


class TestAllocations(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.DetailTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
):
    model = Allocation
    url_names = {"list": "supplies:allocation-list", "detail": "supplies:allocation"}
    api_basename = "allocation"
    reader = VILLAGE["reader"]
    export_header, export_attribute = "From store", "from_store"

    def make(self, tree, people):
        town = make_store(tree.town, kind=Store.Kind.TOWN)
        move(town, MoveKind.PURCHASE, 10)
        return move(town, MoveKind.ISSUED_STORE, 4, to_store=make_store(tree.village)).line.allocation


class TestDonations(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.DetailTests,
    cases.AddTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
):
    model = Donation
    url_names = {"list": "supplies:donation-list", "detail": "supplies:donation", "add": "supplies:donation-add"}
    api_basename = "donation"
    reader, writer, read_only = VILLAGE["reader"], VILLAGE["writer"], VILLAGE["read_only"]
    export_header, export_attribute = "Receipt number", "receipt_number"

    def make(self, tree, people):
        return make_donation(tree.village)

    def form_data(self, tree, people):
        return {
            "donor_name": "王奶奶",
            "donor_kind": "person",
            "kind": "money",
            "amount": "1000",
            "use": "front_line",
            "receipt_number": "JZ-100",
            "area": tree.village.pk,
            "received_by": "李干部",
            "received_on": "2020-02-03",
            "goods-TOTAL_FORMS": "3",
            "goods-INITIAL_FORMS": "0",
        }

    def api_payload(self, tree, people):
        data = {key: value for key, value in self.form_data(tree, people).items() if not key.startswith("goods-")}
        return {**data, "area": tree.village.code, "named_publicly": False}
