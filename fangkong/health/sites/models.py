"""Centralised isolation sites (集中隔离点) and their rooms; who occupies a bed is derived from the
open episodes placed there, never stored, so an episode that ends frees its bed at once."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.models import AreaRecord, ChangeLoggedMixin, RestrictedQuerySet
from fangkong.core.roles import ALL_ROLES, DEFAULT_ROLES_BY_ACTION, Action


def _count(queryset, field):
    """A correlated subquery counting ``queryset``'s rows per ``field`` (0 when there are none)."""
    rows = queryset.filter(**{field: models.OuterRef("pk")}).order_by().values(field)
    return Coalesce(models.Subquery(rows.annotate(n=models.Count("pk")).values("n")), 0)


def _open_episodes():
    from ..models import Episode  # health.models imports this module at its end

    return Episode.objects.filter(ended_on__isnull=True)


class SiteQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """A site serves the whole of its area: everyone working under that area sees it (a village
        officer places people in the town's or the county's site); writing it is for managers over
        the site's own area."""
        restricted = super().restrict(user, action)
        if action != Action.VIEW:
            return restricted
        paths = scope.scope_paths(user, ALL_ROLES)
        if paths is None:
            return restricted
        above = {ancestor for path in paths for ancestor in Area.ancestor_paths(path)}
        return self.filter(models.Q(pk__in=restricted.values("pk")) | models.Q(area_path__in=above))

    def with_occupancy(self):
        """``capacity`` (the rooms' beds), ``occupied`` (open episodes placed here), ``free_beds`` and
        ``rooms_count``: subqueries, so a list costs one query."""
        beds = Room.objects.filter(site=models.OuterRef("pk")).order_by().values("site")
        capacity = Coalesce(models.Subquery(beds.annotate(n=models.Sum("capacity")).values("n")), 0)
        return self.annotate(
            capacity=capacity,
            occupied=_count(_open_episodes(), "site"),
            rooms_count=_count(Room.objects.all(), "site"),
        ).annotate(free_beds=models.F("capacity") - models.F("occupied"))


class Site(AreaRecord):
    """A centralised isolation site (集中隔离点) run by an area, with rooms of so many beds each."""

    class Kind(models.TextChoices):
        HOTEL = "hotel", _("hotel")
        DESIGNATED = "designated", _("designated site")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.HOTEL)
    address = models.CharField(_("address"), max_length=200)
    contact = models.CharField(_("contact person"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    active = models.BooleanField(
        _("in use"), default=True, help_text=_("A site out of use takes nobody new; its occupants stay.")
    )

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["area_path", "name"]
        verbose_name = _("isolation site")
        verbose_name_plural = _("isolation sites")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("health:site", args=[self.pk])


class RoomQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """The rooms of the sites the user may act on."""
        return self.filter(site__in=Site.objects.restrict(user, action).values("pk"))

    def with_occupancy(self):
        return self.annotate(occupied=_count(_open_episodes(), "room"))


class Room(ChangeLoggedMixin, models.Model):
    """A room of an isolation site; its beds count towards the site's capacity."""

    site = models.ForeignKey(Site, verbose_name=_("isolation site"), on_delete=models.CASCADE, related_name="rooms")
    label = models.CharField(_("room"), max_length=20, help_text=_("Its number or name, e.g. 101."))
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(_("beds"), validators=[MinValueValidator(1)])

    objects = RoomQuerySet.as_manager()
    scope_lookup = "site__area_path"
    scope_spans_many = False
    scope_form_field = "site"
    roles_by_action = DEFAULT_ROLES_BY_ACTION

    class Meta:
        # Rooms without a floor first, on every database (PostgreSQL sorts NULL last by default).
        ordering = ["site_id", models.F("floor").asc(nulls_first=True), "label"]
        constraints = [models.UniqueConstraint(fields=["site", "label"], name="unique_room_label_per_site")]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def __str__(self):
        return f"{self.site} {self.label}"

    def get_scope_path(self):
        return self.site.area_path
