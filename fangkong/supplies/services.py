"""Writing the supplies ledger and donations: one transaction each.

Every move locks the store's ``Stock`` row of its item first (``select_for_update``), checks an issue
against the balance kept on that row, saves the move and adds its ``delta`` to the row in the same
transaction: two issues at the same moment are serialised, the second sees what the first took, so
a store never goes below zero, and the kept balance is the sum of the ledger.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.roles import Role
from fangkong.core.services import ConcurrentEdit

from .models import CONSUMED, RECEIVED, Allocation, AllocationLine, Donation, MoveKind, Stock, StockMove, Store

KEY_REUSED = gettext_lazy("A different move was already saved under this key; it is not overwritten.")
MOVE_FIELDS = ("store_id", "item_id", "kind", "quantity", "to_store_id", "recipient", "supplier", "unit_price")


class KeyReused(ConcurrentEdit):
    """The key names a move with other content: the API answers 409 naming ``key``."""

    field = "key"


def stock_of(store, item):
    """The store's stock of the item: the balance kept with its ledger (0 without a row)."""
    return Stock.objects.filter(store=store, item=item).values_list("quantity", flat=True).first() or 0


def _check_move(move):
    if move.kind == MoveKind.ISSUED_STORE:
        if move.to_store is None:
            raise ValidationError({"to_store": _("Name the store the supplies go to.")})
        lower = scope.is_within(move.to_store.area_path, move.store.area_path) and move.to_store.pk != move.store.pk
        if not lower:
            raise ValidationError({"to_store": _("Supplies are issued down the tree: pick a store below this one.")})
    elif move.to_store is not None:
        raise ValidationError({"to_store": _("Only an issue to a lower store names one.")})
    if move.kind in (MoveKind.ISSUED_PERSON, MoveKind.ISSUED_CHECKPOINT, MoveKind.ISSUED_SITE) and not move.recipient:
        raise ValidationError({"recipient": _("Say who received the supplies.")})
    if move.kind != MoveKind.PURCHASE and (move.supplier or move.unit_price is not None):
        raise ValidationError({"supplier": _("Only a purchase has a supplier and a price.")})


def _take(move):
    """Save a move within the caller's transaction, with the store's row of the item locked: refused when it takes more
    than the store holds."""
    store = move.store
    stock, _created = Stock.objects.get_or_create(store=store, item=move.item, defaults={"area": store.area})
    stock = Stock.objects.select_for_update().filter(pk=stock.pk).get()  # held until the caller's transaction ends
    move.area = store.area
    if move.kind not in RECEIVED:
        held = stock.quantity
        if held < move.quantity:
            raise ValidationError(
                {
                    "quantity": _("%(store)s holds only %(held)d %(unit)s of %(item)s: %(quantity)d cannot be issued.")
                    % {
                        "store": store,
                        "held": held,
                        "unit": move.item.unit,
                        "item": move.item.name,
                        "quantity": move.quantity,
                    }
                }
            )
    was_low = move.kind not in RECEIVED and _is_low(stock)
    move.save()
    kept = {"quantity": F("quantity") + move.delta}
    if move.kind in CONSUMED:
        kept["last_used_on"] = Greatest(Coalesce("last_used_on", Value(move.moved_on)), Value(move.moved_on))
    Stock.objects.filter(pk=stock.pk).update(**kept)
    if move.kind not in RECEIVED and not was_low and _is_low(stock):
        transaction.on_commit(lambda: tell_low(stock.pk))
    return move


def _is_low(stock):
    return Stock.objects.filter(pk=stock.pk).with_levels().values_list("low", flat=True).get()


def tell_low(stock_pk):
    """A store that just went low (below its safety level, or fewer than LOW_DAYS days of use left) is
    flagged up the tree: a notice to the officers and commanders of the area above the store's."""
    from fangkong.core import jobs
    from fangkong.health.alerts.services import members_at

    stock = Stock.objects.with_levels().select_related("store__area__parent", "item").get(pk=stock_pk)
    parent = stock.store.area.parent
    if parent is None:
        return
    values = {"store": stock.store, "item": stock.item.name, "quantity": stock.quantity, "unit": stock.item.unit}

    def title():
        days = stock.days_left()
        if days is not None and (stock.safety_level is None or stock.quantity >= stock.safety_level):
            return _("%(store)s is low on %(item)s: %(quantity)d %(unit)s left, %(days)s days of use") % {
                **values,
                "days": days,
            }
        return _("%(store)s is low on %(item)s: %(quantity)d %(unit)s left, below its safety level") % values

    link = f"{reverse('supplies:stock-list')}?low=true&store={stock.store_id}"
    for user in members_at(parent.path, [Role.OFFICER, Role.COMMANDER]):
        jobs.notify(user, "stock_low", title, link=link)


def record_move(move, user):
    """Save a move once: a resent one (same key, same content) returns the saved move and False; the
    same key with other content is refused (KeyReused). An issue to a lower store becomes an
    allocation of one line: the receiving store's pending receipt."""
    existing = StockMove.objects.filter(key=move.key).first()
    if existing is None:
        _check_move(move)
        move.recorded_by = user if user and user.is_authenticated else None
        try:
            with transaction.atomic():
                if move.kind == MoveKind.ISSUED_STORE:
                    allocation = Allocation(
                        from_store=move.store, item=move.item, allocated_on=move.moved_on, note=move.note
                    )
                    allocate(allocation, [(move.to_store, move.quantity)], user, keys=[move.key])
                    return allocation.lines.get().moves.get(), True
                _take(move)
            return move, True
        except IntegrityError:  # the same key saved a moment ago by another request
            existing = StockMove.objects.filter(key=move.key).first()
            if existing is None:
                raise
    if not all(getattr(move, name) == getattr(existing, name) for name in MOVE_FIELDS):
        raise KeyReused(KEY_REUSED, code="key_reused")
    return existing, False


def child_stores(store):
    """The stores of the areas right below the store's area, with the count of open observations in
    each area (``observed``), to prefill an allocation in proportion."""
    from fangkong.health.models import Episode

    children = list(Area.objects.filter(parent_id=store.area_id).order_by("code"))
    stores = list(
        Store.objects.filter(area__in=children, active=True).select_related("area").order_by("area_path", "name")
    )
    counts = {}
    for child in children:
        counts[child.pk] = Episode.objects.filter(ended_on__isnull=True).within(child).count()
    for row in stores:
        row.observed = counts.get(row.area_id, 0)
    return stores


def proportional(total, weights):
    """Split ``total`` in proportion to ``weights`` (equally when all are 0), whole units, the
    remainder to the largest shares first."""
    if not weights:
        return []
    weights = list(weights) if any(weights) else [1] * len(weights)
    whole = sum(weights)
    shares = [total * weight // whole for weight in weights]
    order = sorted(range(len(weights)), key=lambda i: -(total * weights[i] % whole))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


@transaction.atomic
def allocate(allocation, lines, user, keys=None):
    """Hand supplies down from ``allocation.from_store`` to lower stores: ``lines`` are (store,
    quantity) pairs (quantity 0 is left out). One issue move per line, each checked against the
    stock (the store locked), and each line a pending receipt of its store."""
    lines = [(store, quantity) for store, quantity in lines if quantity]
    if not lines:
        raise ValidationError(_("Give at least one store a quantity."))
    from_store = allocation.from_store
    stores = [store for store, _quantity in lines]
    if len(set(stores)) != len(stores):
        raise ValidationError(_("A store is listed twice."))
    for store in stores:
        if store.pk == from_store.pk or not scope.is_within(store.area_path, from_store.area_path):
            raise ValidationError(
                {"to_store": _("%(store)s is not below %(from)s.") % {"store": store, "from": from_store}}
            )
    donation = allocation.donation
    if donation is not None:
        reached = (
            donation.store_id == from_store.pk
            or AllocationLine.objects.filter(allocation__donation=donation, to_store=from_store).exists()
        )
        if not reached:
            raise ValidationError(
                {
                    "donation": _("The goods of donation %(number)s did not come to %(store)s.")
                    % {"number": donation.receipt_number, "store": from_store}
                }
            )
    allocation.area = from_store.area
    allocation.created_by = user if user and user.is_authenticated else None
    allocation.save()
    for index, (store, quantity) in enumerate(lines):
        line = AllocationLine(allocation=allocation, to_store=store, area=store.area, quantity=quantity)
        line.save()
        key = keys[index] if keys else f"allocation-{allocation.pk}-{line.pk}"
        move = StockMove(
            store=from_store,
            item=allocation.item,
            kind=MoveKind.ISSUED_STORE,
            quantity=quantity,
            to_store=store,
            line=line,
            moved_on=allocation.allocated_on,
            note=allocation.note,
            key=key,
            recorded_by=allocation.created_by,
        )
        _take(move)
    return allocation


@transaction.atomic
def confirm_receipt(line, received_quantity, user, note="", received_on=None):
    """The receiving store confirms a line: what arrived enters its ledger; a difference from what
    was sent stays visible on both sides. A line is confirmed once."""
    line = AllocationLine.objects.select_for_update().select_related("allocation__item").get(pk=line.pk)
    if line.received_quantity is not None:
        raise ValidationError(_("This receipt was confirmed already."))
    if received_quantity < 0 or received_quantity > line.quantity * 10:
        raise ValidationError({"received_quantity": _("Give the quantity that arrived.")})
    line.received_quantity = received_quantity
    line.received_on = received_on or timezone.localdate()
    line.received_note = note
    line.save()
    if received_quantity:
        move = StockMove(
            store=line.to_store,
            item=line.allocation.item,
            kind=MoveKind.ALLOCATION,
            quantity=received_quantity,
            line=line,
            moved_on=line.received_on,
            note=note,
            key=f"receipt-{line.pk}",
            recorded_by=user if user and user.is_authenticated else None,
        )
        _take(move)
    return line


@transaction.atomic
def receive_donation(donation, goods, user):
    """Save a donation; its goods (``goods``: (item, quantity) pairs) enter the ledger of its store
    as received donations in the same transaction. A receipt number used before in the county is
    refused."""
    if donation.kind == Donation.Kind.MONEY:
        if not donation.amount:
            raise ValidationError({"amount": _("Give the amount of money donated.")})
        if goods:
            raise ValidationError({"items": _("A gift of money lists no goods.")})
    else:
        if not goods:
            raise ValidationError({"items": _("List the goods donated.")})
        if donation.store is None:
            raise ValidationError({"store": _("Pick the store the goods go into.")})
    county_path = Area.path_at_level(donation.area.path, Area.Level.COUNTY)
    reused = Donation.objects.filter(county_path=county_path, receipt_number=donation.receipt_number)
    if reused.exclude(pk=donation.pk).exists():
        raise ValidationError(
            {
                "receipt_number": _("Receipt number %(number)s is used already in this county.")
                % {"number": donation.receipt_number}
            }
        )
    try:
        with transaction.atomic():
            donation.save()
    except IntegrityError as error:  # saved a moment ago by someone else
        raise ValidationError(
            {
                "receipt_number": _("Receipt number %(number)s is used already in this county.")
                % {"number": donation.receipt_number}
            }
        ) from error
    for index, (item, quantity) in enumerate(goods):
        move = StockMove(
            store=donation.store,
            item=item,
            kind=MoveKind.DONATION,
            quantity=quantity,
            donation=donation,
            moved_on=donation.received_on,
            note=donation.donor_name if donation.named_publicly else "",
            key=f"donation-{donation.pk}-{index}",
            recorded_by=user if user and user.is_authenticated else None,
        )
        _take(move)
    return donation


def pending_counts(stores):
    """Unconfirmed receipts per store."""
    rows = AllocationLine.objects.filter(to_store__in=stores, received_quantity__isnull=True).values("to_store")
    return {row["to_store"]: row["n"] for row in rows.annotate(n=Count("pk"))}


def donation_totals(donations):
    """Money in all and by use, and goods by item, of the donations."""
    money = donations.filter(kind=Donation.Kind.MONEY)
    by_use = money.order_by().values("use").annotate(total=Sum("amount"), n=Count("pk")).order_by("use")
    goods = (
        StockMove.objects.filter(donation__in=donations)
        .order_by()
        .values("item__name", "item__unit")
        .annotate(total=Sum("quantity"))
        .order_by("item__name")
    )
    return {
        "money": money.aggregate(total=Sum("amount"))["total"] or 0,
        "count": donations.count(),
        "by_use": [{**row, "label": Donation.Use(row["use"]).label} for row in by_use],
        "goods": list(goods),
        "donors": donations.filter(~Q(donor_name="")).count(),
    }
