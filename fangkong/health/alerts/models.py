"""Alerts (预警): a fever or a symptom in a check, or a missed check, told to the people who must act,
and escalated village > town > county while nobody acknowledges it."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.areas.models import Area
from fangkong.core.models import AreaRecord
from fangkong.core.roles import ALL_ROLES, MANAGERS, Action, Role
from fangkong.people.models import Person

from ..models import Check, Episode, Protocol
from . import channels


class Alert(AreaRecord):
    class Kind(models.TextChoices):
        FEVER = "fever", _("fever")
        SYMPTOM = "symptom", _("symptom")
        MISSED_CHECK = "missed_check", _("missed check")

    class Level(models.TextChoices):
        VILLAGE = "village", _("village")
        TOWN = "town", _("town")
        COUNTY = "county", _("county")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("alert", "open")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        RESOLVED = "resolved", _("resolved")

    # What makes the alert unique ("check:12", "missed:7:2026-05-01:morning"): raising it again is a no-op.
    key = models.CharField(_("key"), max_length=80, unique=True, editable=False)
    # The person in the register; none for someone seen elsewhere (a traveller at a checkpoint), who
    # is named by ``name``, ``place`` and ``link`` instead.
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    episode = models.ForeignKey(
        Episode, verbose_name=_("episode"), null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    # Not named "check": a model's ``check`` is Django's system-check class method.
    source_check = models.ForeignKey(
        Check, verbose_name=_("check"), null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("Who, when not in the register."))
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Where and when it was seen, when not in a check.")
    )
    link = models.CharField(_("link"), max_length=200, blank=True, editable=False)
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True)
    # The protocol's edition whose limit to acknowledge applies, for an alert without an episode.
    protocol = models.ForeignKey(
        Protocol, verbose_name=_("protocol"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices, default=Level.VILLAGE)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField(_("raised at"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    # Everyone in scope reads; the system raises alerts; doctors and managers acknowledge and resolve them.
    roles_by_action = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: frozenset(),
        Action.CHANGE: MANAGERS | {Role.DOCTOR},
        Action.DELETE: frozenset(),
    }

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["area_path", "raised_at"]),
            models.Index(fields=["status", "level"]),
        ]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.subject}"

    @property
    def first_level(self):
        """The level it was raised at: the village for a person in the register, else that of the area
        where it was seen (a town's checkpoint: the town)."""
        if self.person_id:
            return self.Level.VILLAGE
        return {Area.Level.TOWN: self.Level.TOWN, Area.Level.COUNTY: self.Level.COUNTY}.get(
            self.area.level, self.Level.VILLAGE
        )

    @property
    def subject(self):
        """Who the alert is about: the person in the register, or the name as told at the place."""
        return str(self.person) if self.person_id else self.name

    def get_absolute_url(self):
        return reverse("health:alert", args=[self.pk])


class AlertDelivery(models.Model):
    """One alert told to one user through one outside channel at one level: sent once, retried until then."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("delivery", "pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    alert = models.ForeignKey(Alert, verbose_name=_("alert"), on_delete=models.CASCADE, related_name="deliveries")
    level = models.CharField(_("level"), max_length=8, choices=Alert.Level.choices)
    channel = models.CharField(_("channel"), max_length=16)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(pgettext_lazy("delivery", "attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(fields=["alert", "level", "channel", "recipient"], name="one_delivery_per_channel")
        ]
        verbose_name = _("alert delivery")
        verbose_name_plural = _("alert deliveries")

    def __str__(self):
        return f"{self.alert} → {self.recipient} ({self.channel})"

    @property
    def channel_label(self):
        return channels.label(self.channel)


class AlertPreference(models.Model):
    """Which kinds of alert reach a user outside the app (the inbox gets every one)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preference", primary_key=True
    )
    fever = models.BooleanField(_("fevers"), default=True)
    symptom = models.BooleanField(_("symptoms"), default=True)
    missed_check = models.BooleanField(_("missed checks"), default=False)

    class Meta:
        verbose_name = _("alert preference")
        verbose_name_plural = _("alert preferences")

    def __str__(self):
        return str(self.user)

    @classmethod
    def wants(cls, user, kind):
        """Whether the kind of alert reaches the user outside the app (the defaults when never chosen)."""
        preference = cls.objects.filter(user=user).first() or cls(user=user)
        return getattr(preference, kind)
