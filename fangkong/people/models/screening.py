"""Door-to-door screening: rounds over an area and the visits to its households."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.figures import percent
from fangkong.core.models import AreaRecord, PathField, RestrictedQuerySet
from fangkong.core.roles import REGISTER_READERS, Action, Role, writable_by

from .register import Household, Person


class ScreeningRoundQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """Rounds in the user's areas and, to view, also rounds over an area that contains them: a
        grid worker sees the village's round (and records visits in their grid's part of it)."""
        if action != Action.VIEW:
            return super().restrict(user, action)
        paths = scope.scope_paths(user, self.model.roles_by_action.get(action, ()))
        if paths is None:
            return self
        if not paths:
            return self.none()
        ancestors = {ancestor for path in paths for ancestor in Area.ancestor_paths(path)}
        return self.filter(models.Q(area_path__in=ancestors) | scope.paths_q("area_path", paths))

    def with_status(self, today=None):
        """``overdue``: open and past the deadline, derived from the dates (never stored)."""
        today = today or datetime.date.today()
        return self.annotate(
            overdue=models.Case(
                models.When(closed_on__isnull=True, deadline__lt=today, then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )

    def with_coverage(self, user):
        """``households`` in each round's area that the user may see, and how many were ``visited``."""
        from django.db.models.functions import Coalesce, Concat

        def count(queryset):
            number = models.Func(models.F("pk"), function="COUNT", output_field=models.IntegerField())
            return Coalesce(models.Subquery(queryset.order_by().annotate(n=number).values("n")[:1]), 0)

        in_area = {
            "area_path__gte": models.OuterRef("area_path"),
            "area_path__lt": Concat(models.OuterRef("area_path"), models.Value("/"), output_field=PathField()),
        }
        households = Household.objects.restrict(user).filter(**in_area)
        visited = households.filter(visits__round=models.OuterRef("pk"))
        return self.annotate(households=count(households), visited=count(visited))


class ScreeningRound(AreaRecord):
    """A door-to-door round (全覆盖排查) over every household of an area, with a deadline."""

    objects = ScreeningRoundQuerySet.as_manager()

    title = models.CharField(_("title"), max_length=100)
    opened_on = models.DateField(_("opened on"), default=datetime.date.today)
    deadline = models.DateField(_("deadline"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("screening round")
        verbose_name_plural = _("screening rounds")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("people:round", args=[self.pk])

    def households_in_scope(self, user):
        """The households of the round's area that the user may see (a grid worker: their grid's)."""
        return scope.within(Household.objects.restrict(user), self.area_path)

    def visited_q(self):
        """A condition on households: visited in this round."""
        return models.Exists(ScreeningVisit.objects.filter(round=self, household=models.OuterRef("pk")))

    def coverage(self, user):
        """Households and visited ones, overall and by grid, in two aggregate queries."""
        households = self.households_in_scope(user).order_by()
        counts = {"households": models.Count("pk"), "visited": models.Count("pk", filter=self.visited_q())}
        overall = households.aggregate(**counts)
        by_area = list(
            households.values("area__code", "area__name", "area__parent__name", "area__level", "area_path")
            .annotate(**counts)
            .order_by("area_path")
        )
        for row in [overall, *by_area]:
            row["percent"] = percent(row["visited"], row["households"])
        return overall, by_area

    @property
    def is_overdue(self):
        return self.closed_on is None and self.deadline < datetime.date.today()


class ScreeningVisit(AreaRecord):
    """One household visited in a round; the area is the household's, so grid workers see their own."""

    round = models.ForeignKey(ScreeningRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="visits")
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField(_("visited on"), default=datetime.date.today)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    members_home = models.PositiveSmallIntegerField(_("people at home"), default=0)
    arrivals_found = models.BooleanField(_("someone arrived from elsewhere"), default=False)
    symptoms_found = models.BooleanField(_("someone has fever or symptoms"), default=False)
    # Who had a fever at the visit: a fever reported to the register, until ruled out (core.person_status).
    fever_members = models.ManyToManyField(
        Person, verbose_name=_("members with fever"), blank=True, related_name="fever_visits"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    # Grid workers and doctors do the visiting; managers correct records.
    roles_by_action = writable_by(Role.GRID_WORKER, Role.DOCTOR, readers=REGISTER_READERS)

    class Meta:
        ordering = ["-visited_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["round", "household"], name="one_visit_per_household")]
        verbose_name = _("screening visit")
        verbose_name_plural = _("screening visits")

    def __str__(self):
        return f"{self.household} {self.visited_on}"
