"""Arrivals into the city (returnees and floating population), as on the arrival register."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import AreaRecord
from fangkong.core.roles import REGISTER_READERS, Role, writable_by

from .register import Person

ARRIVAL_FIELDS = [
    "kind",
    "origin",
    "route",
    "arrived_on",
    "transport",
    "trip_number",
    "reason",
    "area",
    "address",
    "fever",
    "symptoms",
    "contact_with_cases",
    "registered_on",
    "registrar",
]


class Arrival(AreaRecord):
    """A person arriving (back) into the city, as on the arrival register (返乡人员登记表)."""

    class Kind(models.TextChoices):
        RETURNEE = "returnee", _("returnee")
        FLOATING = "floating", _("floating population")

    class Transport(models.TextChoices):
        TRAIN = "train", _("train")
        PLANE = "plane", _("plane")
        COACH = "coach", _("coach")
        CAR = "car", _("own car")
        OTHER = "other", _("other")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="arrivals")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RETURNEE)
    origin = models.ForeignKey(
        "areas.Division", verbose_name=_("coming from"), on_delete=models.PROTECT, related_name="+"
    )
    route = models.CharField(_("route"), max_length=200, blank=True, help_text=_("Places passed through."))
    arrived_on = models.DateField(_("arrival date"))
    transport = models.CharField(_("transport"), max_length=8, choices=Transport.choices, default=Transport.OTHER)
    trip_number = models.CharField(_("train, flight or plate number"), max_length=30, blank=True)
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    address = models.CharField(_("staying at"), max_length=200, blank=True)
    fever = models.BooleanField(_("fever at arrival"), default=False)
    symptoms = models.BooleanField(_("cough or other symptoms at arrival"), default=False)
    contact_with_cases = models.BooleanField(_("contact with cases within 14 days"), default=False)
    risk_area = models.ForeignKey(
        "areas.RiskArea",
        verbose_name=_("risk area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text=_("The risk area in force on the arrival date that the origin lies in."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # The register's own 登记时间 and 登记人: a paper form is often entered days later, by someone else.
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    registrar = models.CharField(_("registered by"), max_length=50, blank=True)

    # Officers register arrivals, and so do grid workers going door to door; managers correct them.
    roles_by_action = writable_by(Role.GRID_WORKER, readers=REGISTER_READERS)

    class Meta:
        ordering = ["-arrived_on", "-id"]
        indexes = [
            models.Index(fields=["area_path", "arrived_on"]),
            models.Index(fields=["arrived_on"]),
            # The derived status asks per person for a fever at arrival: few rows, one small index.
            models.Index(fields=["person", "arrived_on"], condition=models.Q(fever=True), name="arrival_fever_person"),
        ]
        verbose_name = _("arrival")
        verbose_name_plural = _("arrivals")

    def __str__(self):
        return f"{self.person} {self.arrived_on}"

    @property
    def risk(self):
        return self.risk_area_id is not None
