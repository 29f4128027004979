"""Daily reports: the form a commander sets, and each area's confirmations of its day's figures.

The figures themselves are not stored: they are counted from the records (``reports.figures``); a
confirmation keeps the figures as they were when confirmed (frozen), each correction a new version.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core import indicators
from fangkong.core.models import AreaRecord
from fangkong.core.roles import ALL_ROLES, MANAGERS, Action, Role


def validate_codes(codes):
    """A list of registered indicator codes; an unknown one is named."""
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise ValidationError(_("List indicator codes."), code="invalid")
    unknown = indicators.unknown(codes)
    if unknown:
        raise ValidationError(_("Unknown indicators: %(codes)s."), code="unknown", params={"codes": ", ".join(unknown)})


class ReportForm(AreaRecord):
    """The daily report's form for an area and everything below it: named after the table the superiors
    expect, its figures in order, some hidden. An area without one uses its nearest ancestor's."""

    name = models.CharField(_("name"), max_length=200)
    indicators = models.JSONField(
        _("indicators in order"),
        default=list,
        blank=True,
        validators=[validate_codes],
        help_text=_("Indicator codes in the order of the table; indicators not listed follow in their own order."),
    )
    hidden = models.JSONField(_("hidden indicators"), default=list, blank=True, validators=[validate_codes])
    unit = models.CharField(_("reporting unit"), max_length=100, blank=True, help_text=_("Empty: the area's name."))
    signer = models.CharField(
        _("signed by"), max_length=100, blank=True, help_text=_("Who signs at the foot of the table.")
    )

    # Commanders name and shape the tables of their area.
    roles_by_action = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: frozenset({Role.COMMANDER}),
        Action.CHANGE: frozenset({Role.COMMANDER}),
        Action.DELETE: frozenset({Role.COMMANDER}),
    }

    class Meta:
        ordering = ["area_path"]
        constraints = [models.UniqueConstraint(fields=["area"], name="one_report_form_per_area")]
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reports:form-edit", args=[self.pk])

    def shown_codes(self):
        """The codes of the table, in order: those listed, then the others, without the hidden ones."""
        listed = [code for code in self.indicators if code in indicators.REGISTRY]
        ordered = listed + [code for code in indicators.codes() if code not in listed]
        return [code for code in ordered if code not in self.hidden]

    @classmethod
    def for_area(cls, area):
        """The form of the area, else of its nearest ancestor, else the default one (unsaved)."""
        paths = [*area.ancestor_paths(area.path), area.path]
        form = cls.objects.filter(area_path__in=paths).order_by("-area_path").first()
        return form or cls(name=str(_("Daily report")))


class Confirmation(AreaRecord):
    """An area's responsible person confirming the day's report, with the figures frozen as they were.
    A correction confirmed later is a new version; the first version says whether it came in time."""

    day = models.DateField(_("date"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    level = models.CharField(_("level"), max_length=8, editable=False)
    figures = models.JSONField(_("figures"), default=dict)
    remarks = models.TextField(_("remarks"), blank=True)
    zero_report = models.BooleanField(_("zero report"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))
    on_time = models.BooleanField(_("on time"))

    # Everyone in scope reads; an area's officers and commanders confirm (services.may_confirm);
    # a confirmation is never changed or deleted: a correction is a new version.
    roles_by_action = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: MANAGERS,
        Action.CHANGE: frozenset(),
        Action.DELETE: frozenset(),
    }

    class Meta:
        ordering = ["area_path", "day", "version"]
        constraints = [models.UniqueConstraint(fields=["area", "day", "version"], name="one_confirmation_version")]
        indexes = [models.Index(fields=["area_path", "day"]), models.Index(fields=["day", "level"])]
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")

    def __str__(self):
        return f"{self.area} {self.day:%Y-%m-%d} v{self.version}"

    def save(self, *args, **kwargs):
        self.level = self.area.level
        super().save(*args, **kwargs)


class Reminder(models.Model):
    """The officers of an area were told that reports below it were missing at the deadline: once a day."""

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "day"], name="one_report_reminder_a_day")]

    def __str__(self):
        return f"{self.area} {self.day:%Y-%m-%d}"
