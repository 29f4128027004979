"""Markets, supermarkets and pharmacies (市场保供) and their inspections (巡查): the prices of a basket
of goods, stock, the wildlife-trade ban, disinfection, staff temperatures and problems to rectify.

``supplies.models`` imports this module at its end, so these models belong to the supplies app."""

import decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from fangkong.core.models import AreaRecord, ChangeLoggedMixin, RestrictedQuerySet
from fangkong.core.roles import REFERENCE_DATA_ROLES

# A price above this (yuan per unit) is a typing error whatever the item.
HIGHEST_PRICE = decimal.Decimal("100000")
DEFAULT_JUMP_PERCENT = 20
# The price "a week earlier": the latest recorded in the area between these many days before.
WEEK_EARLIER_DAYS = (7, 13)


class Adequacy(models.TextChoices):
    ADEQUATE = "adequate", gettext_lazy("adequate")
    TIGHT = "tight", gettext_lazy("tight")
    SHORT = "short", gettext_lazy("short")


class BasketItem(ChangeLoggedMixin, models.Model):
    """A good whose price inspectors record (reference data: commanders configure the basket)."""

    code = models.SlugField(gettext_lazy("code"), max_length=32, unique=True)
    name = models.CharField(gettext_lazy("name"), max_length=50)
    name_en = models.CharField(gettext_lazy("English name"), max_length=50, blank=True)
    unit = models.CharField(
        gettext_lazy("unit"), max_length=10, help_text=gettext_lazy("The unit priced, e.g. 斤, 只.")
    )
    position = models.PositiveSmallIntegerField(gettext_lazy("position"), default=0)
    jump_percent = models.PositiveSmallIntegerField(
        gettext_lazy("price jump (%)"),
        default=DEFAULT_JUMP_PERCENT,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=gettext_lazy("A price up more than this on the same area's a week earlier is flagged."),
    )
    highest_price = models.DecimalField(
        gettext_lazy("highest plausible price (yuan)"),
        max_digits=10,
        decimal_places=2,
        default=decimal.Decimal("1000"),
        validators=[MinValueValidator(decimal.Decimal("0.01")), MaxValueValidator(HIGHEST_PRICE)],
        help_text=gettext_lazy("A price above it is refused as a typing error."),
    )
    active = models.BooleanField(gettext_lazy("in use"), default=True)

    objects = RestrictedQuerySet.as_manager()
    scope_lookup = None
    scope_spans_many = False
    scope_form_field = "code"
    roles_by_action = REFERENCE_DATA_ROLES

    class Meta:
        ordering = ["position", "code"]
        verbose_name = gettext_lazy("basket item")
        verbose_name_plural = gettext_lazy("basket items")

    def __str__(self):
        return f"{self.label}（{self.unit}）"

    def get_absolute_url(self):
        return reverse("supplies:basket-edit", args=[self.pk])

    @property
    def label(self):
        """The name in the reader's language."""
        return self.name_en if self.name_en and not (get_language() or "").startswith("zh") else self.name


def check_price(item, price, row=None):
    """The one rule of a recorded price: above zero and not above the item's plausible highest. The
    message names the item (and the row of the form or the request, counted from 1)."""
    if price is None:
        return
    where = {"item": item.label, "row": row}
    if price <= 0:
        message = (
            _("Row %(row)s, %(item)s: a price must be above zero.")
            if row
            else _("%(item)s: a price must be above zero.")
        )
        raise ValidationError({"price": message % where}, code="price_not_positive")
    if price > item.highest_price:
        where["highest"] = item.highest_price
        message = (
            _("Row %(row)s, %(item)s: %(price)s yuan is above the highest plausible price (%(highest)s yuan).")
            if row
            else _("%(item)s: %(price)s yuan is above the highest plausible price (%(highest)s yuan).")
        )
        raise ValidationError({"price": message % {**where, "price": price}}, code="price_absurd")


class Market(AreaRecord):
    """A market, supermarket or pharmacy, filed under the village or town it is in."""

    class Kind(models.TextChoices):
        MARKET = "market", gettext_lazy("farmers' market")
        SUPERMARKET = "supermarket", gettext_lazy("supermarket")
        PHARMACY = "pharmacy", gettext_lazy("pharmacy")
        SHOP = "shop", gettext_lazy("shop")

    name = models.CharField(gettext_lazy("name"), max_length=100)
    kind = models.CharField(gettext_lazy("kind"), max_length=12, choices=Kind.choices, default=Kind.MARKET)
    address = models.CharField(gettext_lazy("address"), max_length=200)
    contact = models.CharField(gettext_lazy("contact person"), max_length=50, blank=True)
    phone = models.CharField(gettext_lazy("phone"), max_length=20, blank=True)
    active = models.BooleanField(gettext_lazy("in use"), default=True)

    class Meta:
        ordering = ["area_path", "name"]
        indexes = [models.Index(fields=["area_path", "name"], name="market_area")]
        verbose_name = gettext_lazy("market")
        verbose_name_plural = gettext_lazy("markets")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("supplies:market", args=[self.pk])


class Inspection(AreaRecord):
    """One visit to a market (巡查), filed under the market's area; its prices and problems are saved
    with it (``markets.services.record_inspection``), once per client key."""

    market = models.ForeignKey(
        Market, verbose_name=gettext_lazy("market"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspected_on = models.DateField(gettext_lazy("date"))
    stock = models.CharField(gettext_lazy("stock overall"), max_length=10, choices=Adequacy.choices, blank=True)
    wildlife_ban_observed = models.BooleanField(gettext_lazy("wildlife-trade ban observed"), default=True)
    disinfected = models.BooleanField(gettext_lazy("disinfection done"), default=True)
    staff_checked = models.PositiveIntegerField(
        gettext_lazy("staff temperatures checked"), default=0, validators=[MaxValueValidator(10000)]
    )
    staff_fever = models.PositiveIntegerField(
        gettext_lazy("staff with fever"),
        default=0,
        validators=[MaxValueValidator(10000)],
        help_text=gettext_lazy("At or above the fever threshold of the protocol in force."),
    )
    note = models.CharField(gettext_lazy("note"), max_length=300, blank=True)
    jumps = models.PositiveSmallIntegerField(gettext_lazy("price jumps"), default=0, editable=False)
    key = models.CharField(gettext_lazy("idempotency key"), max_length=64, unique=True)
    inspected_by = models.ForeignKey(
        "accounts.User",
        verbose_name=gettext_lazy("inspected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_form_field = "market"

    class Meta:
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["area_path", "inspected_on"], name="inspection_area_date")]
        verbose_name = gettext_lazy("market inspection")
        verbose_name_plural = gettext_lazy("market inspections")

    def __str__(self):
        return f"{self.market} {self.inspected_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("supplies:inspection", args=[self.pk])


class Price(AreaRecord):
    """The price of one basket item at one inspection, with the same area's price a week earlier and
    whether it jumped (set by ``markets.services`` when the inspection is saved)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=gettext_lazy("inspection"), on_delete=models.CASCADE, related_name="prices"
    )
    item = models.ForeignKey(BasketItem, verbose_name=gettext_lazy("item"), on_delete=models.PROTECT, related_name="+")
    priced_on = models.DateField(gettext_lazy("date"), editable=False)
    price = models.DecimalField(gettext_lazy("price (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    stock = models.CharField(gettext_lazy("stock"), max_length=10, choices=Adequacy.choices, blank=True)
    week_earlier = models.DecimalField(
        gettext_lazy("a week earlier (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True, editable=False
    )
    change_percent = models.DecimalField(
        gettext_lazy("change (%)"), max_digits=8, decimal_places=1, null=True, blank=True, editable=False
    )
    jumped = models.BooleanField(gettext_lazy("price jump"), default=False, editable=False)

    scope_form_field = "inspection"

    class Meta:
        ordering = ["-priced_on", "inspection_id", "item__position"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="unique_price_per_inspection")]
        indexes = [
            # The same area's price of an item on earlier days, and the chart's series.
            models.Index(fields=["item", "area_path", "priced_on"], name="price_item_area_date"),
            models.Index(fields=["area_path", "priced_on"], name="price_area_date"),
        ]
        verbose_name = gettext_lazy("price")
        verbose_name_plural = gettext_lazy("prices")

    def __str__(self):
        return f"{self.item.label} {self.price} {self.priced_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("supplies:inspection", args=[self.inspection_id])


class Problem(AreaRecord):
    """A problem found at an inspection, to be rectified by a deadline; a later inspection of the same
    market closes it."""

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("open")
        RECTIFIED = "rectified", gettext_lazy("rectified")

    market = models.ForeignKey(
        Market, verbose_name=gettext_lazy("market"), on_delete=models.PROTECT, related_name="problems"
    )
    found_at = models.ForeignKey(
        Inspection, verbose_name=gettext_lazy("found at"), on_delete=models.CASCADE, related_name="problems"
    )
    description = models.CharField(gettext_lazy("problem"), max_length=200)
    rectify_by = models.DateField(gettext_lazy("rectify by"))
    status = models.CharField(gettext_lazy("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.ForeignKey(
        Inspection,
        verbose_name=gettext_lazy("closed at"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="closed_problems",
    )

    scope_form_field = "market"

    class Meta:
        ordering = ["status", "rectify_by", "id"]
        indexes = [models.Index(fields=["area_path", "status", "rectify_by"], name="problem_area_status")]
        verbose_name = gettext_lazy("problem")
        verbose_name_plural = gettext_lazy("problems")

    def __str__(self):
        return self.description

    def get_absolute_url(self):
        return reverse("supplies:inspection", args=[self.found_at_id])
