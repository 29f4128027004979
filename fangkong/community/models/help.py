"""Help for households in difficulty (困难群众帮扶): a need raised for a household, assigned to a cadre or
a volunteer, delivered and confirmed by the household. Filed under the household's area."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import AreaRecord, RestrictedQuerySet
from fangkong.core.roles import REGISTER_READERS, Role, writable_by


class NeedQuerySet(RestrictedQuerySet):
    def pending(self):
        """Not delivered yet: raised, or assigned."""
        return self.filter(status__in=[Need.Status.OPEN, Need.Status.ASSIGNED])

    def overdue(self, now=None):
        """Not delivered by its time: derived from ``due_at``, never stored."""
        return self.pending().filter(due_at__lte=now or timezone.now())


class Need(AreaRecord):
    class Kind(models.TextChoices):
        FOOD = "food", _("food and groceries")
        MEDICINE = "medicine", _("medicine")
        HOSPITAL = "hospital", _("trip to hospital")
        HEATING = "heating", _("heating")
        CARE = "care", _("care")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("need", "waiting")
        ASSIGNED = "assigned", pgettext_lazy("need", "assigned")
        DELIVERED = "delivered", pgettext_lazy("need", "delivered")
        CONFIRMED = "confirmed", pgettext_lazy("need", "confirmed")

    class RaisedVia(models.TextChoices):
        CADRE = "cadre", _("by a cadre")
        VOLUNTEER = "volunteer", _("by a volunteer")
        HOUSEHOLD = "household", _("by the household (QR page)")

    class ConfirmedVia(models.TextChoices):
        HOUSEHOLD = "household", _("by the household (QR page)")
        CADRE = "cadre", _("by a cadre on their behalf")

    household = models.ForeignKey(
        "people.Household", verbose_name=_("household"), on_delete=models.CASCADE, related_name="needs"
    )
    kind = models.CharField(_("need"), max_length=12, choices=Kind.choices, default=Kind.FOOD)
    urgent = models.BooleanField(_("urgent"), default=False)
    description = models.CharField(_("details"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, editable=False)
    raised_via = models.CharField(
        _("raised how"), max_length=10, choices=RaisedVia.choices, default=RaisedVia.CADRE, editable=False
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    volunteer = models.ForeignKey(
        "duty.Volunteer",
        verbose_name=_("reported by volunteer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs_reported",
        help_text=_("The volunteer who told you of the need, if one did."),
    )
    due_at = models.DateTimeField(_("deliver by"), editable=False)
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned cadre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs_assigned",
        editable=False,
    )
    assigned_volunteer = models.ForeignKey(
        "duty.Volunteer",
        verbose_name=_("assigned volunteer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs_assigned",
        editable=False,
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True, editable=False)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    delivery_note = models.CharField(_("delivery note"), max_length=200, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    confirmed_via = models.CharField(
        _("confirmed how"), max_length=10, choices=ConfirmedVia.choices, blank=True, editable=False
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    escalated_at = models.DateTimeField(_("sent up to the town at"), null=True, blank=True, editable=False)

    objects = NeedQuerySet.as_manager()

    # Grid workers and officers raise, assign and deliver; managers delete; the register's readers read.
    roles_by_action = writable_by(Role.GRID_WORKER, readers=REGISTER_READERS)
    scope_form_field = "household"

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["area_path", "status", "due_at"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["household", "delivered_at"]),
        ]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self):
        household = self.household.address if self.household_id else ""
        return f"{self.get_kind_display()} · {household}"

    def get_absolute_url(self):
        return reverse("community:need", args=[self.pk])

    def save(self, *args, **kwargs):
        self.area = self.household.area
        super().save(*args, **kwargs)

    @property
    def pending(self):
        return self.status in (self.Status.OPEN, self.Status.ASSIGNED)

    def is_overdue(self, now=None):
        return self.pending and self.due_at is not None and self.due_at <= (now or timezone.now())

    @property
    def status_label(self):
        return pgettext_lazy("need", "overdue") if self.is_overdue() else self.get_status_display()

    @property
    def assignee(self):
        return self.assigned_user or self.assigned_volunteer
