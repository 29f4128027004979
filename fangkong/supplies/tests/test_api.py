"""The supplies API: idempotent moves, derived stock, allocation and receipt, donations."""

import pytest
from django.urls import reverse

from fangkong.core.testing import ScopedAPIClient
from fangkong.supplies.models import AllocationLine, MoveKind, Store
from fangkong.supplies.tests.factories import make_store, move


@pytest.fixture
def api():
    return ScopedAPIClient()


def test_a_move_sent_twice_is_saved_once_and_a_reused_key_is_409(api, tree, people):
    store = make_store(tree.village)
    api.login_as(people.village_officer)
    body = {
        "key": "p-1",
        "store": store.pk,
        "item": "gloves",
        "kind": "purchase",
        "quantity": 50,
        "moved_on": "2020-02-02",
    }
    assert api.post(reverse("stockmove-list"), body, format="json").status_code == 201
    again = api.post(reverse("stockmove-list"), body, format="json")
    assert again.status_code == 200 and again.json()["quantity"] == 50
    other = api.post(reverse("stockmove-list"), {**body, "quantity": 51}, format="json")
    assert other.status_code == 409 and "key" in other.json()


def test_issuing_more_than_held_is_400_naming_the_stock(api, tree, people):
    store = make_store(tree.village, "竹林关村物资室")
    move(store, MoveKind.PURCHASE, 5, item_code="gloves")
    api.login_as(people.village_officer)
    body = {"key": "u-1", "store": store.pk, "item": "gloves", "kind": "used", "quantity": 6, "moved_on": "2020-02-02"}
    response = api.post(reverse("stockmove-list"), body, format="json")
    assert response.status_code == 400 and "竹林关村物资室" in response.json()["quantity"][0]


def test_the_stock_endpoint_lists_low_stock_in_scope(api, tree, people):
    store = make_store(tree.village)
    move(store, MoveKind.PURCHASE, 5, item_code="gloves")
    store.stocks.update(safety_level=10)
    move(make_store(tree.other_village), MoveKind.PURCHASE, 5, item_code="gloves")
    rows = api.login_as(people.city_commander).get(reverse("stock-list"), {"low": "true"}).json()["results"]
    assert [(row["store"], row["quantity"], row["low"]) for row in rows] == [(store.pk, 5, True)]
    rows = api.login_as(people.village_officer).get(reverse("stock-list")).json()["results"]
    assert [row["store"] for row in rows] == [store.pk]


def test_an_allocation_is_confirmed_by_the_receiving_village(api, tree, people):
    town = make_store(tree.town, kind=Store.Kind.TOWN)
    village = make_store(tree.village)
    move(town, MoveKind.PURCHASE, 100)
    api.login_as(people.town_officer)
    body = {
        "from_store": town.pk,
        "item": "mask-n95",
        "allocated_on": "2020-02-02",
        "lines": [{"to_store": village.pk, "quantity": 60}],
    }
    created = api.post(reverse("allocation-list"), body, format="json")
    assert created.status_code == 201, created.json()
    line = AllocationLine.objects.get()
    api.login_as(people.village_officer)
    url = reverse("allocation-confirm", args=[created.json()["id"]])
    confirmed = api.post(url, {"line": line.pk, "received_quantity": 58}, format="json")
    assert confirmed.status_code == 200
    assert confirmed.json()["lines"][0]["difference"] == -2
    assert api.post(url, {"line": line.pk, "received_quantity": 58}, format="json").status_code == 400


def test_allocating_beyond_stock_saves_nothing(api, tree, people):
    town = make_store(tree.town, kind=Store.Kind.TOWN)
    move(town, MoveKind.PURCHASE, 10)
    api.login_as(people.town_officer)
    body = {
        "from_store": town.pk,
        "item": "mask-n95",
        "allocated_on": "2020-02-02",
        "lines": [
            {"to_store": make_store(tree.village).pk, "quantity": 6},
            {"to_store": make_store(tree.village2).pk, "quantity": 6},
        ],
    }
    assert api.post(reverse("allocation-list"), body, format="json").status_code == 400
    assert not AllocationLine.objects.exists()


def test_a_reused_receipt_number_is_400(api, tree, people):
    api.login_as(people.village_officer)
    body = {
        "donor_name": "王奶奶",
        "kind": "money",
        "amount": "100",
        "receipt_number": "X1",
        "area": tree.village.code,
        "received_by": "李干部",
        "received_on": "2020-02-02",
    }
    assert api.post(reverse("donation-list"), body, format="json").status_code == 201
    response = api.post(reverse("donation-list"), body, format="json")
    assert response.status_code == 400 and "receipt_number" in response.json()
