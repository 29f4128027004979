"""Stores, moves and donations for tests, in the areas of fangkong.core.testing.make_tree()."""

import datetime
import itertools

from django.utils import timezone

from fangkong.supplies import services
from fangkong.supplies.models import Donation, Item, MoveKind, StockMove, Store

_keys = itertools.count(1)


def item(code="mask-n95"):
    return Item.objects.get(code=code)


def make_store(area, name=None, kind=Store.Kind.VILLAGE):
    store = Store(area=area, name=name or f"{area.name}物资库", kind=kind)
    store.save()
    return store


def move(store, kind, quantity, item_code="mask-n95", days_ago=0, user=None, **extra):
    """A move recorded through the ledger's service (refused like a user's would be)."""
    if kind in (MoveKind.ISSUED_PERSON, MoveKind.ISSUED_CHECKPOINT, MoveKind.ISSUED_SITE):
        extra.setdefault("recipient", "王医生")
    entry = StockMove(
        store=store,
        item=item(item_code),
        kind=kind,
        quantity=quantity,
        moved_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        key=extra.pop("key", f"test-{next(_keys)}"),
        **extra,
    )
    return services.record_move(entry, user)[0]


def make_donation(area, donor="张大爷", named=False, amount=1000, number="JZ-001", store=None, goods=(), **extra):
    """A donation of money (or, with a store and goods as (item code, quantity) pairs, of goods)."""
    donation = Donation(
        area=area,
        donor_name=donor,
        named_publicly=named,
        kind=Donation.Kind.GOODS if goods else Donation.Kind.MONEY,
        amount=None if goods else amount,
        receipt_number=number,
        received_by="李干部",
        received_on=timezone.localdate(),
        store=store,
        **extra,
    )
    return services.receive_donation(donation, [(item(code), quantity) for code, quantity in goods], None)
