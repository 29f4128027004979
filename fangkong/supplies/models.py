"""Protective supplies (防疫物资) and donations (捐赠).

Stock is never typed: every movement is one ``StockMove`` carrying its signed ``delta``, and the stock
of a store in an item is the sum of its moves, kept on its ``Stock`` row with each move. Issuing is
checked against it with that row locked (``services.record_move``).
"""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.models import AreaRecord, ChangeLoggedMixin, PathField, RestrictedQuerySet
from fangkong.core.roles import ALL_ROLES, REFERENCE_DATA_ROLES, Action

# A single move of more than this is a typing error, not a delivery.
MAX_QUANTITY = 10_000_000
MAX_PRICE = 1_000_000
MAX_AMOUNT = 1_000_000_000
# A store with fewer days of stock than this, at the rate of use of the last CONSUMPTION_DAYS, is low.
LOW_DAYS = 3
CONSUMPTION_DAYS = 7


class Item(ChangeLoggedMixin, models.Model):
    """A kind of supply in the catalogue (reference data, the same everywhere: commanders edit it)."""

    class Category(models.TextChoices):
        MASK = "mask", _("mask")
        CLOTHING = "clothing", _("protective clothing")
        DISINFECTANT = "disinfectant", _("disinfectant")
        INSTRUMENT = "instrument", _("instrument")
        OTHER = "other", _("other")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.OTHER)
    unit = models.CharField(_("unit"), max_length=10, help_text=_("The unit counted, e.g. 只, 套, 瓶."))
    active = models.BooleanField(_("in use"), default=True)

    objects = RestrictedQuerySet.as_manager()
    scope_lookup = None
    scope_spans_many = False
    scope_form_field = "code"
    roles_by_action = REFERENCE_DATA_ROLES

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self):
        return f"{self.name}（{self.unit}）"

    def get_absolute_url(self):
        return reverse("supplies:item-edit", args=[self.pk])


class Store(AreaRecord):
    """A place where supplies are kept, run by an area of any level."""

    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", _("warehouse")
        TOWN = "town", _("town store")
        VILLAGE = "village", _("village store")
        SITE = "site", _("isolation site")
        CHECKPOINT = "checkpoint", _("checkpoint")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.VILLAGE)
    keeper = models.CharField(_("keeper"), max_length=50, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["area_path", "name"]
        verbose_name = _("store")
        verbose_name_plural = _("stores")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("supplies:store", args=[self.pk])


def _sum_of_moves(moves, field="delta"):
    rows = moves.filter(store=models.OuterRef("store"), item=models.OuterRef("item")).order_by().values("store")
    return Coalesce(models.Subquery(rows.annotate(total=models.Sum(field)).values("total")), 0)


class StockQuerySet(RestrictedQuerySet):
    def with_levels(self, today=None):
        """``used_week`` (given out to be used over the last CONSUMPTION_DAYS days) and ``low`` (below
        the safety level, or fewer than LOW_DAYS days of that use left) next to the kept ``quantity``.
        The week's use is a subquery over the ledger's (store, item, moved_on) index, run only for the
        rows used within the week (``last_used_on``): a list of any size is one query."""
        today = today or timezone.localdate()
        since = today - datetime.timedelta(days=CONSUMPTION_DAYS - 1)
        used = StockMove.objects.filter(kind__in=CONSUMED, moved_on__gte=since)
        return (
            self.annotate(
                used_week=models.Case(
                    models.When(last_used_on__gte=since, then=-_sum_of_moves(used)),
                    default=models.Value(0),
                    output_field=models.BigIntegerField(),
                )
            )
            # days left = quantity / (used_week / CONSUMPTION_DAYS) < LOW_DAYS, compared without division
            .annotate(_stock_days=models.F("quantity") * CONSUMPTION_DAYS, _low_days=models.F("used_week") * LOW_DAYS)
            .annotate(
                low=models.Case(
                    models.When(safety_level__gt=models.F("quantity"), then=True),
                    models.When(used_week__gt=0, _stock_days__lt=models.F("_low_days"), then=True),
                    default=False,
                    output_field=models.BooleanField(),
                )
            )
        )

    def with_ledger_sum(self):
        """``ledger_quantity``: the sum of the ledger itself, to check the kept ``quantity`` against."""
        return self.annotate(ledger_quantity=_sum_of_moves(StockMove.objects.all()))


class Stock(AreaRecord):
    """A store's holding of one item: the row the ledger locks to issue, the safety level, and the
    balance kept with the ledger. ``quantity`` (the sum of the store's moves of the item) and
    ``last_used_on`` (the day of its latest consumption) are never typed: ``services._take`` updates
    them in the transaction of each move, with this row locked."""

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="stocks")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    safety_level = models.PositiveIntegerField(
        _("safety level"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_QUANTITY)],
        help_text=_("Below it the store is flagged as low."),
    )
    quantity = models.BigIntegerField(_("stock"), default=0, editable=False)
    last_used_on = models.DateField(_("last used on"), null=True, blank=True, editable=False)

    objects = StockQuerySet.as_manager()

    class Meta:
        ordering = ["area_path", "store_id", "item_id"]
        constraints = [models.UniqueConstraint(fields=["store", "item"], name="unique_stock_per_store_item")]
        indexes = [models.Index(fields=["area_path", "store", "item"], name="stock_area")]
        verbose_name = _("stock")
        verbose_name_plural = _("stock")

    def __str__(self):
        return f"{self.store} {self.item}"

    def get_absolute_url(self):
        return reverse("supplies:stock-edit", args=[self.pk])

    def days_left(self):
        """Days of stock at last week's rate of use (None without use), on rows ``with_levels``."""
        if not self.used_week:
            return None
        return round(self.quantity * CONSUMPTION_DAYS / self.used_week, 1)


class MoveKind(models.TextChoices):
    PURCHASE = "purchase", _("received: purchase")
    DONATION = "donation", _("received: donation")
    ALLOCATION = "allocation", _("received: allocation from above")
    ISSUED_STORE = "issued_store", _("issued to a lower store")
    ISSUED_CHECKPOINT = "issued_checkpoint", _("issued to a checkpoint")
    ISSUED_SITE = "issued_site", _("issued to an isolation site")
    ISSUED_PERSON = "issued_person", _("issued to a person")
    USED = "used", _("used")
    WRITTEN_OFF = "written_off", _("written off")


RECEIVED = frozenset({MoveKind.PURCHASE, MoveKind.DONATION, MoveKind.ALLOCATION})
# What a store gives out to be used up: the consumption that sets how many days of stock are left.
CONSUMED = frozenset({MoveKind.ISSUED_CHECKPOINT, MoveKind.ISSUED_SITE, MoveKind.ISSUED_PERSON, MoveKind.USED})
# Kinds a user records directly; donations and allocation receipts come from their own forms.
DIRECT_KINDS = [kind for kind in MoveKind if kind not in (MoveKind.DONATION, MoveKind.ALLOCATION)]


class StockMove(AreaRecord):
    """One movement of one item in or out of one store; filed under the store's area. ``delta`` is
    the signed quantity (received positive), set from ``kind`` on save."""

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="moves")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    delta = models.BigIntegerField(_("change in stock"), editable=False)
    moved_on = models.DateField(_("date"))
    supplier = models.CharField(_("supplier"), max_length=100, blank=True)
    unit_price = models.DecimalField(
        _("unit price (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_PRICE)],
    )
    recipient = models.CharField(_("recipient"), max_length=100, blank=True)
    to_store = models.ForeignKey(
        Store, verbose_name=_("to store"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    line = models.ForeignKey(
        "AllocationLine",
        verbose_name=_("allocation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moves",
    )
    donation = models.ForeignKey(
        "Donation", verbose_name=_("donation"), null=True, blank=True, on_delete=models.PROTECT, related_name="moves"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-moved_on", "-id"]
        indexes = [
            # The stock of a store: the sum of its moves per item, read from the index alone.
            models.Index(fields=["store", "item", "delta"], name="stockmove_store_item"),
            models.Index(fields=["store", "item", "moved_on"], name="stockmove_store_item_date"),
            models.Index(fields=["area_path", "moved_on"], name="stockmove_area_date"),
        ]
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")

    def __str__(self):
        return f"{self.store} {self.get_kind_display()} {self.item.name} {self.quantity}"

    def get_absolute_url(self):
        return reverse("supplies:store", args=[self.store_id])

    def save(self, *args, **kwargs):
        self.delta = self.quantity if self.kind in RECEIVED else -self.quantity
        super().save(*args, **kwargs)


class AllocationQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """The allocating side's; a receiving store's side reads the allocations it has a line of."""
        restricted = super().restrict(user, action)
        if action != Action.VIEW:
            return restricted
        received = AllocationLine._base_manager.filter(scope.user_q(user, ALL_ROLES, "area_path"))
        return self.filter(models.Q(pk__in=restricted.values("pk")) | models.Q(pk__in=received.values("allocation")))


class Allocation(AreaRecord):
    """Supplies handed down from a store to stores below it in one go (调拨), filed under the
    allocating store's area; each receiving store confirms its line."""

    from_store = models.ForeignKey(Store, verbose_name=_("from store"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    allocated_on = models.DateField(_("date"))
    donation = models.ForeignKey(
        "Donation",
        verbose_name=_("donated goods from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("allocated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["-allocated_on", "-id"]
        indexes = [models.Index(fields=["area_path", "allocated_on"])]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")

    def __str__(self):
        return f"{self.from_store} {self.item.name} {self.allocated_on}"

    def get_absolute_url(self):
        return reverse("supplies:allocation", args=[self.pk])


class AllocationLineQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """A line is the receiving store's (it confirms it); the allocating side reads it too."""
        restricted = super().restrict(user, action)
        if action != Action.VIEW:
            return restricted
        sender = scope.user_q(user, ALL_ROLES, "allocation__area_path")
        return self.filter(models.Q(pk__in=restricted.values("pk")) | sender)


class AllocationLine(AreaRecord):
    """What one receiving store gets of an allocation; filed under the receiving store's area. Until
    it is confirmed, it is that store's pending receipt."""

    allocation = models.ForeignKey(
        Allocation, verbose_name=_("allocation"), on_delete=models.CASCADE, related_name="lines"
    )
    to_store = models.ForeignKey(Store, verbose_name=_("to store"), on_delete=models.PROTECT, related_name="receipts")
    quantity = models.PositiveIntegerField(
        _("quantity sent"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    received_quantity = models.PositiveIntegerField(_("quantity received"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    received_note = models.CharField(_("note on receipt"), max_length=200, blank=True)

    objects = AllocationLineQuerySet.as_manager()

    class Meta:
        ordering = ["allocation_id", "id"]
        indexes = [models.Index(fields=["area_path", "received_on"])]
        verbose_name = _("allocation line")
        verbose_name_plural = _("receipts")

    def __str__(self):
        return f"{self.allocation} → {self.to_store}"

    def get_absolute_url(self):
        return reverse("supplies:allocation", args=[self.allocation_id])

    @property
    def difference(self):
        """Received less sent once confirmed (negative: some went missing), else None."""
        return None if self.received_quantity is None else self.received_quantity - self.quantity


class Donation(AreaRecord):
    """Money or goods given for the epidemic work, filed under the receiving area; its receipt number
    is unique within the county."""

    class DonorKind(models.TextChoices):
        PERSON = "person", _("person")
        ORGANISATION = "organisation", _("organisation")

    class Kind(models.TextChoices):
        MONEY = "money", _("money")
        GOODS = "goods", _("goods")

    class Use(models.TextChoices):
        GENERAL = "general", _("epidemic prevention in general")
        SUPPLIES = "supplies", _("protective supplies")
        FRONT_LINE = "front_line", _("front-line workers")
        HOUSEHOLDS = "households", _("households in difficulty")
        ISOLATION = "isolation", _("isolation sites")

    donor_name = models.CharField(_("donor"), max_length=100)
    donor_kind = models.CharField(_("donor is a"), max_length=12, choices=DonorKind.choices, default=DonorKind.PERSON)
    named_publicly = models.BooleanField(
        _("may be named publicly"), default=False, help_text=_("Otherwise the public page says 爱心人士.")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.MONEY)
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )
    use = models.CharField(_("designated use"), max_length=12, choices=Use.choices, default=Use.GENERAL)
    receipt_number = models.CharField(_("receipt number"), max_length=30)
    county_path = PathField(_("county"), max_length=255, editable=False)
    received_by = models.CharField(_("received by"), max_length=50)
    received_on = models.DateField(_("received on"))
    store = models.ForeignKey(
        Store,
        verbose_name=_("into store"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where donated goods are kept."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["county_path", "receipt_number"], name="unique_receipt_per_county")
        ]
        indexes = [models.Index(fields=["area_path", "received_on"])]
        verbose_name = _("donation")
        verbose_name_plural = _("donations")

    def __str__(self):
        return f"{self.receipt_number} {self.donor_name}"

    def get_absolute_url(self):
        return reverse("supplies:donation", args=[self.pk])

    def save(self, *args, **kwargs):
        self.county_path = Area.path_at_level(self.area.path, Area.Level.COUNTY)
        super().save(*args, **kwargs)

    @property
    def public_name(self):
        """The donor's name where they agreed to be named, otherwise 爱心人士 (a caring person)."""
        return self.donor_name if self.named_publicly else "爱心人士"


# Markets and their inspections (市场保供与巡查) are a topic of their own: fangkong/supplies/markets/.
from .markets.models import Adequacy, BasketItem, Inspection, Market, Price, Problem  # noqa: E402,F401
