"""The supplies ledger: stock is the sum of moves; issuing more than is held is refused."""

import random

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from fangkong.supplies import services
from fangkong.supplies.models import AllocationLine, MoveKind, Stock, StockMove, Store
from fangkong.supplies.tests.factories import item, make_store, move


@pytest.fixture
def county_store(tree):
    return make_store(tree.county, "丹凤县防疫物资仓库", Store.Kind.WAREHOUSE)


def test_stock_is_the_sum_of_the_moves(county_store):
    move(county_store, MoveKind.PURCHASE, 500, supplier="西安医疗器械公司", unit_price="2.50")
    move(county_store, MoveKind.USED, 120)
    move(county_store, MoveKind.WRITTEN_OFF, 30)
    assert services.stock_of(county_store, item()) == 350


def test_it_refuses_to_issue_more_than_the_store_holds_naming_store_item_and_stock(county_store):
    move(county_store, MoveKind.PURCHASE, 100)
    with pytest.raises(ValidationError) as error:
        move(county_store, MoveKind.USED, 101)
    message = error.value.message_dict["quantity"][0]
    assert "丹凤县防疫物资仓库" in message and "N95 口罩" in message and "100" in message
    assert services.stock_of(county_store, item()) == 100


def test_a_resent_move_is_saved_once_and_a_reused_key_with_other_content_is_refused(county_store):
    first = move(county_store, MoveKind.PURCHASE, 100, key="phone-1")
    again = StockMove(
        store=county_store, item=item(), kind=MoveKind.PURCHASE, quantity=100, moved_on=first.moved_on, key="phone-1"
    )
    assert services.record_move(again, None) == (first, False)
    other = StockMove(
        store=county_store, item=item(), kind=MoveKind.PURCHASE, quantity=99, moved_on=first.moved_on, key="phone-1"
    )
    with pytest.raises(services.KeyReused):
        services.record_move(other, None)
    assert StockMove.objects.count() == 1


def test_issuing_to_a_lower_store_makes_its_pending_receipt_and_a_difference_shows(tree, county_store):
    town_store = make_store(tree.town, "竹林关镇物资站", Store.Kind.TOWN)
    move(county_store, MoveKind.PURCHASE, 1000)
    move(county_store, MoveKind.ISSUED_STORE, 400, to_store=town_store)
    line = AllocationLine.objects.get(to_store=town_store)
    assert line.received_quantity is None
    assert services.stock_of(town_store, item()) == 0
    services.confirm_receipt(line, 390, None, note="10 只破损")
    line.refresh_from_db()
    assert line.difference == -10
    assert services.stock_of(town_store, item()) == 390
    assert services.stock_of(county_store, item()) == 600
    with pytest.raises(ValidationError):
        services.confirm_receipt(line, 390, None)


def test_it_refuses_to_issue_to_a_store_that_is_not_below(tree, county_store):
    other = make_store(tree.other_town)
    move(county_store, MoveKind.PURCHASE, 10)
    with pytest.raises(ValidationError) as error:
        move(county_store, MoveKind.ISSUED_STORE, 5, to_store=other)
    assert "to_store" in error.value.message_dict


def test_an_allocation_is_prefilled_in_proportion_to_people_under_observation(tree):
    from fangkong.health.tests.factories import make_episode

    town_store = make_store(tree.town, kind=Store.Kind.TOWN)
    first, second = make_store(tree.village), make_store(tree.village2)
    for _ in range(3):
        make_episode(area=tree.grid)
    make_episode(area=tree.grid2)
    stores = services.child_stores(town_store)
    assert [(store.pk, store.observed) for store in stores] == [(first.pk, 4), (second.pk, 0)]
    assert services.proportional(10, [3, 1]) == [8, 2]
    assert services.proportional(10, [0, 0, 0]) == [4, 3, 3]


def levels():
    return {stock.item.code: stock for stock in Stock.objects.with_levels().select_related("item")}


def test_a_store_below_its_safety_level_or_short_of_days_is_flagged(tree, county_store):
    move(county_store, MoveKind.PURCHASE, 100)
    move(county_store, MoveKind.PURCHASE, 100, item_code="gloves")
    move(county_store, MoveKind.USED, 70, item_code="gloves", days_ago=1)  # 10 a day: 3 days left
    Stock.objects.filter(item=item()).update(safety_level=200)
    assert levels()["mask-n95"].low and levels()["mask-n95"].quantity == 100
    assert levels()["gloves"].days_left() == 3 and not levels()["gloves"].low
    move(county_store, MoveKind.USED, 1, item_code="gloves")
    assert levels()["gloves"].low


def test_use_older_than_a_week_does_not_count_towards_days_left(county_store):
    move(county_store, MoveKind.PURCHASE, 100, item_code="gloves", days_ago=10)
    move(county_store, MoveKind.USED, 90, item_code="gloves", days_ago=7)
    assert levels()["gloves"].days_left() is None and not levels()["gloves"].low


def test_stock_equals_a_direct_sum_of_the_ledger_after_random_moves(tree, county_store):
    rng = random.Random(12)
    stores = [county_store, make_store(tree.town, kind=Store.Kind.TOWN), make_store(tree.village)]
    codes = ["mask-n95", "gloves", "suit"]
    held = {(store.pk, code): 0 for store in stores for code in codes}
    for _ in range(300):
        store, code = rng.choice(stores), rng.choice(codes)
        kind = rng.choice([MoveKind.PURCHASE, MoveKind.USED, MoveKind.WRITTEN_OFF, MoveKind.ISSUED_PERSON])
        quantity = rng.randint(1, 60)
        try:
            move(store, kind, quantity, item_code=code)
        except ValidationError:
            assert kind != MoveKind.PURCHASE and held[store.pk, code] < quantity
            continue
        held[store.pk, code] += quantity if kind == MoveKind.PURCHASE else -quantity
    stocks = list(Stock.objects.with_levels().select_related("item"))
    assert {(stock.store_id, stock.item.code) for stock in stocks} == {
        pair for pair in held if StockMove.objects.filter(store=pair[0], item__code=pair[1]).exists()
    }
    for stock in stocks:
        direct = StockMove.objects.filter(store=stock.store_id, item=stock.item_id).aggregate(total=Sum("delta"))
        assert stock.quantity == direct["total"] == held[stock.store_id, stock.item.code] >= 0


def test_every_move_and_receipt_is_in_the_change_log(tree, county_store):
    from fangkong.core.models import ChangeLogEntry

    town_store = make_store(tree.town, kind=Store.Kind.TOWN)
    move(county_store, MoveKind.PURCHASE, 10)
    move(county_store, MoveKind.ISSUED_STORE, 4, to_store=town_store)
    services.confirm_receipt(AllocationLine.objects.get(), 4, None)
    logged = ChangeLogEntry.objects.filter(content_type__app_label="supplies")
    assert logged.filter(content_type__model="stockmove", kind="create").count() == 3
    assert logged.filter(content_type__model="allocationline", kind="update").exists()
