"""Donations: goods enter the ledger; receipt numbers are unique per county; the public page names
only donors who agreed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fangkong.core.testing import ScopedAPIClient
from fangkong.supplies import services
from fangkong.supplies.models import AllocationLine, MoveKind, Store
from fangkong.supplies.tests.factories import item, make_donation, make_store, move


@pytest.fixture
def warehouse(tree):
    return make_store(tree.county, "丹凤县防疫物资仓库", Store.Kind.WAREHOUSE)


def test_donated_goods_enter_the_receiving_stores_ledger(tree, warehouse):
    donation = make_donation(tree.county, "秦岭制药有限公司", named=True, store=warehouse, goods=[("mask-n95", 5000)])
    assert services.stock_of(warehouse, item()) == 5000
    assert donation.moves.get().kind == MoveKind.DONATION


def test_a_receipt_number_used_twice_in_a_county_is_refused_but_another_county_may_use_it(tree, people):
    make_donation(tree.village, number="DF-0001")
    with pytest.raises(ValidationError) as error:
        make_donation(tree.town, number="DF-0001", donor="李四")
    assert "DF-0001" in error.value.message_dict["receipt_number"][0]
    make_donation(tree.other_village, number="DF-0001")


def test_a_gift_of_goods_without_a_store_saves_nothing(tree):
    with pytest.raises(ValidationError):
        make_donation(tree.county, goods=[("mask-n95", 10)])
    from fangkong.supplies.models import Donation, StockMove

    assert not Donation.objects.exists() and not StockMove.objects.exists()


def test_the_public_page_names_only_donors_who_agreed(client, tree, warehouse):
    make_donation(tree.village, donor="张秘密", named=False, amount=1000, number="A1")
    make_donation(
        tree.county, donor="秦岭制药有限公司", named=True, store=warehouse, goods=[("mask-n95", 5000)], number="A2"
    )
    make_donation(tree.other_village, donor="外县好人", named=True, number="A3")
    html = client.get(reverse("public-donations", args=[tree.county.code])).content.decode()
    assert "张秘密" not in html and "爱心人士" in html
    assert "秦岭制药有限公司" in html and "5000" in html and "1000" in html
    assert "外县好人" not in html


def test_the_public_page_shows_where_donated_goods_went(client, tree, warehouse):
    donation = make_donation(tree.county, donor="不愿具名", store=warehouse, goods=[("mask-n95", 5000)], number="A9")
    town = make_store(tree.town, "竹林关镇物资站", Store.Kind.TOWN)
    from fangkong.supplies.models import Allocation

    allocation = Allocation(from_store=warehouse, item=item(), allocated_on=donation.received_on, donation=donation)
    services.allocate(allocation, [(town, 3000)], None)
    services.confirm_receipt(AllocationLine.objects.get(), 2990, None)
    html = client.get(reverse("public-donations", args=[tree.county.code])).content.decode()
    assert "竹林关镇物资站" in html and "3000" in html and "2990" in html
    assert "不愿具名" not in html


def test_the_public_page_of_anything_but_a_county_is_404(client, tree):
    assert client.get(reverse("public-donations", args=[tree.town.code])).status_code == 404


def test_a_non_consenting_donors_name_appears_in_no_public_response(client, tree):
    make_donation(tree.village, donor="张秘密", named=False, number="B1")
    for url in (reverse("public-donations", args=[tree.county.code]), reverse("api-schema")):
        response = client.get(url)
        assert "张秘密" not in response.content.decode(errors="ignore")
    assert ScopedAPIClient().get(reverse("donation-list")).status_code in (401, 403)


def test_the_receipt_prints_on_an_a5_page(client, tree, people):
    donation = make_donation(tree.village, donor="王奶奶", number="R-7")
    client.force_login(people.village_officer)
    html = client.get(reverse("supplies:donation-receipt", args=[donation.pk])).content.decode()
    assert "R-7" in html and "王奶奶" in html and "supplies/receipt.css" in html


def test_a_donation_with_goods_is_added_on_the_web(client, tree, people, warehouse):
    client.force_login(people.county_officer)
    response = client.post(
        reverse("supplies:donation-add"),
        {
            "donor_name": "秦岭制药有限公司",
            "donor_kind": "organisation",
            "named_publicly": "on",
            "kind": "goods",
            "use": "supplies",
            "receipt_number": "DF-9",
            "area": tree.county.pk,
            "received_by": "县红十字会",
            "received_on": "2020-02-03",
            "store": warehouse.pk,
            "goods-TOTAL_FORMS": "3",
            "goods-INITIAL_FORMS": "0",
            "goods-0-item": item().pk,
            "goods-0-quantity": "5000",
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert services.stock_of(warehouse, item()) == 5000


def test_issuing_donated_goods_beyond_stock_is_refused_on_the_web_with_the_stock_named(client, tree, people, warehouse):
    move(warehouse, MoveKind.PURCHASE, 10)
    client.force_login(people.county_officer)
    response = client.post(
        reverse("supplies:move-add"),
        {
            "store": warehouse.pk,
            "item": item().pk,
            "kind": "used",
            "quantity": 11,
            "moved_on": "2020-02-02",
            "key": "k1",
        },
    )
    assert response.status_code == 200
    assert "10" in str(response.context["form"].errors["quantity"])
