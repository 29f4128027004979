"""The allocation form, a receipt confirmed on the web, and the store's page."""

from django.urls import reverse

from fangkong.health.tests.factories import make_episode
from fangkong.supplies import services
from fangkong.supplies.models import AllocationLine, MoveKind, Store
from fangkong.supplies.tests.factories import item, make_store, move


def test_a_town_allocates_to_its_villages_in_one_form_prefilled_by_people_under_observation(client, tree, people):
    town = make_store(tree.town, "竹林关镇物资站", Store.Kind.TOWN)
    first, second = make_store(tree.village, "竹林关村物资室"), make_store(tree.village2, "桃园村物资室")
    move(town, MoveKind.PURCHASE, 1000)
    for _ in range(3):
        make_episode(area=tree.grid)
    client.force_login(people.town_officer)
    url = reverse("supplies:allocation-add")
    step = client.get(url, {"from_store": town.pk, "item": item().pk, "allocated_on": "2020-02-02", "total": "100"})
    rows = {row.pk: row.value for row in step.context["rows"]}
    assert rows == {first.pk: 100, second.pk: 0}
    response = client.post(
        url,
        {
            "from_store": town.pk,
            "item": item().pk,
            "allocated_on": "2020-02-02",
            "total": "100",
            f"qty-{first.pk}": "70",
            f"qty-{second.pk}": "30",
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert services.stock_of(town, item()) == 900
    line = AllocationLine.objects.get(to_store=first)
    client.force_login(people.village_officer)
    page = client.get(reverse("supplies:store", args=[first.pk])).content.decode()
    assert "竹林关镇物资站" in page  # the pending receipt
    confirmed = client.post(reverse("supplies:receipt-confirm", args=[line.pk]), {"received_quantity": "68"})
    assert confirmed.status_code == 302
    line.refresh_from_db()
    assert line.difference == -2 and services.stock_of(first, item()) == 68
    client.force_login(people.town_officer)
    detail = client.get(reverse("supplies:allocation", args=[line.allocation_id])).content.decode()
    assert "-2" in detail


def test_the_low_stock_list_shows_only_low_stores(client, tree, people):
    low, fine = make_store(tree.village, "竹林关村物资室"), make_store(tree.village2, "桃园村物资室")
    move(low, MoveKind.PURCHASE, 5)
    move(fine, MoveKind.PURCHASE, 500)
    low.stocks.update(safety_level=100)
    client.force_login(people.city_commander)
    response = client.get(reverse("supplies:stock-list"), {"low": "true"})
    assert [row.record.store for row in response.context["table"].paginated_rows] == [low]
