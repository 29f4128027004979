"""The households figures' tallies (kept by fangkong.people.tallies in the transaction of every change)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import PathField, RestrictedQuerySet

from .register import Household


class HouseholdTally(models.Model):
    """The register's two figures for the daily reports, kept as changes per area and day so that a
    city's figure is a sum over a few thousand rows instead of a count over every household
    (``people.tallies`` keeps them, in the transaction of every change that moves them).

    ``households``: households registered on the day (a deletion or a move takes one back);
    ``screened``: the change, from that day on, in households screened. A figure of a day is the sum
    of the changes of the days up to it."""

    area_path = PathField(_("area path"), max_length=255)
    day = models.DateField(_("day"))
    households = models.IntegerField(default=0)
    screened = models.IntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_lookup = "area_path"
    scope_spans_many = False
    roles_by_action = Household.roles_by_action  # whoever may count the households may count these

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area_path", "day"], name="household_tally_day")]
        verbose_name = _("household tally")
        verbose_name_plural = _("household tallies")

    def __str__(self):
        return f"{self.area_path} {self.day}: {self.households:+d} / {self.screened:+d}"


class HouseholdLedger(models.Model):
    """What a household adds to the tallies now: its area, the day it was registered and the days it
    counts as screened. Kept so that a change takes back exactly what was added before; a plain id,
    not a foreign key, as the row outlives its household until the deletion is taken back."""

    household_id = models.BigIntegerField(primary_key=True)
    area_path = PathField(max_length=255)
    registered_on = models.DateField()
    # [[first day, last day or None], ...]: the union of its visits' spans in their rounds.
    screened = models.JSONField(default=list)

    def __str__(self):
        return f"household {self.household_id}"
