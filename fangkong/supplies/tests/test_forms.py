"""The forms' prefilled values, and a donation's goods passed on down the tree."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.supplies import services
from fangkong.supplies.forms import AllocationForm
from fangkong.supplies.models import Allocation, AllocationLine, Store
from fangkong.supplies.tests.factories import item, make_donation, make_store


def field_value(page, name):
    """The value attribute of the named input, as rendered."""
    start = page.index(f'name="{name}"')
    tag = page[page.rindex("<", 0, start) : page.index(">", start)]
    return tag.split('value="')[1].split('"')[0] if 'value="' in tag else ""


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("supplies:donation-add", "received_on"),
        ("supplies:allocation-add", "allocated_on"),
        ("supplies:move-add", "moved_on"),
    ],
)
def test_a_new_records_date_is_prefilled_with_today(client, people, url, name):
    """ModelForm's initial holds the new instance's None: setdefault never filled these in, and the
    required date came back empty."""
    client.force_login(people.county_officer)
    page = client.get(reverse(url)).content.decode()
    assert field_value(page, name) == timezone.localdate().isoformat()


def test_the_move_forms_hidden_key_is_filled(client, people):
    client.force_login(people.county_officer)
    page = client.get(reverse("supplies:move-add")).content.decode()
    assert len(field_value(page, "key")) == 32


def test_the_receipt_form_offers_the_quantity_sent(client, tree, people):
    county = make_store(tree.county, "丹凤县仓库", Store.Kind.WAREHOUSE)
    town = make_store(tree.town, "竹林关镇物资站", Store.Kind.TOWN)
    make_donation(tree.county, store=county, goods=[("mask-n95", 300)])
    services.allocate(
        Allocation(from_store=county, item=item(), allocated_on=timezone.localdate()), [(town, 120)], None
    )
    client.force_login(people.town_officer)
    line = AllocationLine.objects.get()
    page = client.get(reverse("supplies:receipt-confirm", args=[line.pk])).content.decode()
    assert field_value(page, "received_quantity") == "120"


def test_a_town_passes_the_countys_donation_on_to_its_villages(tree, people):
    county = make_store(tree.county, "丹凤县仓库", Store.Kind.WAREHOUSE)
    town = make_store(tree.town, "竹林关镇物资站", Store.Kind.TOWN)
    village = make_store(tree.village)
    donation = make_donation(tree.county, store=county, goods=[("mask-n95", 500)])
    assert list(AllocationForm(user=people.town_officer).fields["donation"].queryset) == []
    today = timezone.localdate()
    services.allocate(
        Allocation(from_store=county, item=item(), allocated_on=today, donation=donation), [(town, 500)], None
    )
    # The town's store received the county's donated goods: the town may name that donation.
    assert list(AllocationForm(user=people.town_officer).fields["donation"].queryset) == [donation]
    services.confirm_receipt(AllocationLine.objects.get(to_store=town), 500, None)
    onward = Allocation(from_store=town, item=item(), allocated_on=today, donation=donation)
    services.allocate(onward, [(village, 200)], None)
    assert set(donation.allocations.values_list("from_store", flat=True)) == {county.pk, town.pk}


def test_naming_a_donation_whose_goods_did_not_come_to_the_store_is_refused(tree):
    county = make_store(tree.county, "丹凤县仓库", Store.Kind.WAREHOUSE)
    town = make_store(tree.town, "竹林关镇物资站", Store.Kind.TOWN)
    village = make_store(tree.village)
    donation = make_donation(tree.county, store=county, goods=[("mask-n95", 500)])
    make_donation(tree.county, number="JZ-002", store=town, goods=[("mask-n95", 50)])
    allocation = Allocation(from_store=town, item=item(), allocated_on=timezone.localdate(), donation=donation)
    with pytest.raises(ValidationError) as error:
        services.allocate(allocation, [(village, 10)], None)
    assert "donation" in error.value.message_dict
