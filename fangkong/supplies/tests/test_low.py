"""Low stock is flagged up the tree: the officers of the area above the store are told once, when
the store goes low; and the stock and consumption lists export to xlsx with formula-like text neutralised."""

import io

import openpyxl
from django.urls import reverse

from fangkong.core.models import Notification
from fangkong.supplies.models import MoveKind, Stock, Store
from fangkong.supplies.tests.factories import make_store, move


def notices(user):
    return list(Notification.objects.filter(user=user, kind="stock_low").values_list("title", "link"))


def test_a_village_store_below_its_safety_level_is_flagged_to_the_towns_officers(
    tree, people, django_capture_on_commit_callbacks
):
    store = make_store(tree.village, "竹林关村物资室")
    move(store, MoveKind.PURCHASE, 150)
    Stock.objects.filter(store=store).update(safety_level=100)
    with django_capture_on_commit_callbacks(execute=True):
        move(store, MoveKind.USED, 20)  # 130: not low
    assert not Notification.objects.filter(kind="stock_low").exists()
    with django_capture_on_commit_callbacks(execute=True):
        move(store, MoveKind.USED, 60)  # 70: below 100
    with django_capture_on_commit_callbacks(execute=True):
        move(store, MoveKind.USED, 10)  # still low: not told again
    [(title, link)] = notices(people.town_officer)  # in the officer's language (Chinese)
    assert "竹林关村物资室" in title and "N95 口罩" in title and "70" in title
    assert link == f"{reverse('supplies:stock-list')}?low=true&store={store.pk}"
    assert notices(people.village_officer) == []  # the officer above is told, not the store's own
    assert notices(people.county_officer) == []


def test_a_town_store_with_fewer_than_three_days_of_use_left_is_flagged_to_the_county(
    tree, people, django_capture_on_commit_callbacks
):
    store = make_store(tree.town, "竹林关镇物资站", Store.Kind.TOWN)
    move(store, MoveKind.PURCHASE, 1000)
    with django_capture_on_commit_callbacks(execute=True):
        move(store, MoveKind.ISSUED_PERSON, 500)  # 500 left at 500 a week: 7 days
    assert notices(people.county_officer) == []
    with django_capture_on_commit_callbacks(execute=True):
        move(store, MoveKind.USED, 400)  # 100 left at 900 a week: under a day
    [(title, _link)] = notices(people.county_officer)
    assert "竹林关镇物资站" in title and "N95" in title


def workbook(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_stock_and_consumption_export_to_xlsx_with_formulas_neutralised(client, tree, people):
    store = make_store(tree.village, '=HYPERLINK("http://evil.example","库")')
    move(store, MoveKind.PURCHASE, 300, item_code="gloves")
    move(store, MoveKind.ISSUED_PERSON, 40, item_code="gloves", recipient="王医生")
    client.force_login(people.town_officer)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    stock = workbook(client.get(reverse("supplies:stock-list"), {"export": "xlsx"}, **english))
    used = workbook(client.get(reverse("supplies:move-list"), {"export": "xlsx", "kind": "issued_person"}, **english))
    rows = [[cell.value for cell in row] for row in stock.iter_rows()]
    header, [row] = rows[0], rows[1:]
    assert "Stock" in header, header
    assert row[header.index("Stock")] == 260 and row[header.index("Used in the last 7 days")] == 40
    name_cell = next(cell for cell in stock[2] if cell.value == store.name)
    assert name_cell.data_type == "s"  # text, not a formula Excel would run
    rows = [[cell.value for cell in row] for row in used.iter_rows()]
    assert len(rows) == 2 and -40 in rows[1] and rows[1][rows[0].index("Kind")] == "issued to a person"
    assert next(cell for cell in used[2] if cell.value == store.name).data_type == "s"
