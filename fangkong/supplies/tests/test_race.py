"""Two issues of the last stock at the same moment: the store's row of the item is locked, so only
one goes through."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.utils import translation

from fangkong.core.testing import reload_reference_data
from fangkong.supplies import services
from fangkong.supplies.models import MoveKind, StockMove
from fangkong.supplies.tests.factories import item, make_store, move


@pytest.mark.django_db(transaction=True)
def test_two_issues_of_the_last_stock_at_once_take_it_once(tree):
    """The first issue holds the (store, item) row locked until it commits; the second waits and then
    finds too little. (SQLite's single writer may refuse the second outright.)"""
    reload_reference_data()  # an earlier transactional test may have emptied the catalogue
    store = make_store(tree.village, "竹林关村物资室")
    move(store, MoveKind.PURCHASE, 100)
    first_issued, second_started = threading.Event(), threading.Event()
    refused = []

    @translation.override("en")
    def first():
        try:
            with transaction.atomic():
                move(store, MoveKind.USED, 60)
                first_issued.set()
                second_started.wait(5)
                time.sleep(0.5)  # the second issue is now waiting for the row
        finally:
            connection.close()

    @translation.override("en")
    def second():
        first_issued.wait(5)
        second_started.set()
        try:
            move(store, MoveKind.USED, 60)
        except ValidationError as error:
            refused.append(error.message_dict["quantity"][0])
        except OperationalError:  # SQLite: the database is locked by the first issue
            refused.append("locked")
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert services.stock_of(store, item()) == 40
    assert StockMove.objects.filter(kind=MoveKind.USED).count() == 1
    if connection.vendor == "postgresql":
        assert refused == ["竹林关村物资室 holds only 40 只 of N95 口罩: 60 cannot be issued."]
    else:
        assert len(refused) == 1
