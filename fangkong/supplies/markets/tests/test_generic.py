"""Markets, the basket, inspections and prices through the generic tests of fangkong.core.testing_cases."""

from fangkong.core import testing_cases as cases
from fangkong.supplies.markets.models import BasketItem, Inspection, Market, Price
from fangkong.supplies.markets.tests.factories import inspect, make_market

# The records are the village's: its officer writes them, its doctor reads them.
VILLAGE = {"reader": "doctor", "writer": "village_officer", "read_only": "doctor"}


class TestBasketItems(
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
    model = BasketItem
    url_names = {"list": "supplies:basket-list", "add": "supplies:basket-add", "edit": "supplies:basket-edit"}
    api_basename = "basketitem"
    scoped = False
    reader, writer, read_only = "grid_worker", "city_commander", "county_officer"
    changed_field = "name"
    export_header, export_attribute = "Name", "name"

    def make(self, tree, people):
        return BasketItem.objects.create(code="mutton", name="羊肉", unit="斤")

    def form_data(self, tree, people):
        return {
            "code": "beef",
            "name": "牛肉",
            "name_en": "beef",
            "unit": "斤",
            "position": "15",
            "jump_percent": "20",
            "highest_price": "500",
            "active": "on",
        }

    def api_payload(self, tree, people):
        return {**self.form_data(tree, people), "position": 15, "jump_percent": 20, "active": True}


class TestMarkets(
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
    model = Market
    url_names = {
        "list": "supplies:market-list",
        "detail": "supplies:market",
        "add": "supplies:market-add",
        "edit": "supplies:market-edit",
    }
    api_basename = "market"
    reader, writer, read_only = VILLAGE["reader"], VILLAGE["writer"], VILLAGE["read_only"]
    changed_field = "name"
    export_header, export_attribute = "Name", "name"

    def make(self, tree, people):
        return make_market(tree.village, "竹林关村便民超市", Market.Kind.SUPERMARKET)

    def form_data(self, tree, people):
        return {
            "name": "竹林关村药店",
            "kind": "pharmacy",
            "area": tree.village.pk,
            "address": "竹林关村街道 8 号",
            "contact": "李药师",
            "phone": "13900000000",
            "active": "on",
        }

    def api_payload(self, tree, people):
        return {**self.form_data(tree, people), "area": tree.village.code, "active": True}


class TestInspections(
    cases.RecordTypeTests,
    cases.ListTests,
    cases.DetailTests,
    cases.AddTests,
    cases.ExportTests,
    cases.APIListTests,
    cases.APIRetrieveTests,
    cases.APICreateTests,
):
    model = Inspection
    url_names = {"list": "supplies:inspection-list", "detail": "supplies:inspection", "add": "supplies:market-inspect"}
    api_basename = "inspection"
    reader, writer, read_only = VILLAGE["reader"], VILLAGE["writer"], VILLAGE["read_only"]
    export_header, export_attribute = "Market", "market"

    def add_url_kwargs(self, tree):
        market = Market.objects.filter(area=tree.village).first() or make_market(tree.village)
        return {"market": market.pk}

    def make(self, tree, people):
        return inspect(make_market(tree.village), [("pork", "18.50"), ("rice", "2.60")])

    def form_data(self, tree, people):
        return {
            "key": "form-1",
            "inspected_on": "2020-02-02",
            "price_pork": "19.80",
            "stock_pork": "adequate",
            "price_eggs": "5.50",
            "stock": "tight",
            "wildlife_ban_observed": "on",
            "disinfected": "on",
            "staff_checked": "6",
            "staff_fever": "0",
            "problem_1": "未张贴明码标价",
            "deadline_1": "2020-02-04",
        }

    def api_payload(self, tree, people):
        market = Market.objects.filter(area=tree.village).first() or make_market(tree.village)
        return {
            "key": "api-1",
            "market": market.pk,
            "inspected_on": "2020-02-02",
            "stock": "adequate",
            "staff_checked": 4,
            "prices": [{"item": "pork", "price": "19.80", "stock": "adequate"}, {"item": "eggs", "price": "5.5"}],
            "problems": [{"description": "未张贴明码标价", "rectify_by": "2020-02-04"}],
        }


class TestPrices(cases.RecordTypeTests, cases.ListTests, cases.ExportTests, cases.APIListTests, cases.APIRetrieveTests):
    model = Price
    url_names = {"list": "supplies:price-list"}
    api_basename = "price"
    reader = VILLAGE["reader"]
    export_header, export_attribute = "Price (yuan)", "price"

    def make(self, tree, people):
        return inspect(make_market(tree.village), [("pork", "18.50")]).prices.get()
