"""Designated facilities, transfers to them, cases (CDC) with their classification timeline, and close contacts."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.models import AreaRecord, ChangeLoggedMixin, RestrictedQuerySet
from fangkong.core.roles import ALL_ROLES, MANAGERS, Action, Role, writable_by
from fangkong.people.models import Person

# A case is reported within two hours of becoming known (传染病信息报告: 2小时内网络直报).
REPORTING_LIMIT = datetime.timedelta(hours=2)


class FacilityQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """Everyone in a county sees its facilities (a village doctor picks the one to transfer to);
        writing them is for managers over the county."""
        restricted = super().restrict(user, action)
        if action != Action.VIEW:
            return restricted
        paths = scope.scope_paths(user, ALL_ROLES)
        if paths is None:
            return restricted
        counties = {Area.path_at_level(path, Area.Level.COUNTY) for path in paths}
        return self.filter(models.Q(pk__in=restricted.values("pk")) | models.Q(area_path__in=counties))


class Facility(AreaRecord):
    """A designated hospital or fever clinic of a county, where people are transferred."""

    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("designated hospital")
        FEVER_CLINIC = "fever_clinic", _("fever clinic")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        ordering = ["area_path", "name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("health:facility-edit", args=[self.pk])

    def clean(self):
        if self.area_id and self.area.level != Area.Level.COUNTY:
            raise ValidationError({"area": _("A facility belongs to a county: pick a county.")})


class Transfer(AreaRecord):
    """A person taken to a facility (转运), filed under the person's area; CDC records the facility's result."""

    class Result(models.TextChoices):
        EXCLUDED = "excluded", _("infection excluded")
        SUSPECTED = "suspected", _("suspected case")
        CONFIRMED = "confirmed", _("confirmed case")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="transfers")
    episode = models.ForeignKey(
        "health.Episode",
        verbose_name=_("episode"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfers",
        editable=False,
    )
    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="+")
    transferred_at = models.DateTimeField(_("transferred at"))
    vehicle = models.CharField(_("vehicle"), max_length=50)
    escort = models.CharField(_("escort"), max_length=100)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    result_at = models.DateTimeField(_("result recorded at"), null=True, blank=True, editable=False)
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    result_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    # Doctors and officers transfer; CDC (and managers) record the facility's result, a change.
    roles_by_action = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: MANAGERS | {Role.DOCTOR},
        Action.CHANGE: MANAGERS | {Role.CDC},
        Action.DELETE: MANAGERS,
    }
    scope_form_field = "person"

    class Meta:
        ordering = ["-transferred_at", "-id"]
        # The daily reports count a subtree's transfers (today's, and those still awaiting a result).
        indexes = [models.Index(fields=["area_path", "transferred_at"])]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self):
        return f"{self.person} → {self.facility}"

    def get_absolute_url(self):
        return reverse("health:transfer", args=[self.pk])


class Classification(models.TextChoices):
    SUSPECTED = "suspected", _("suspected case")
    CONFIRMED = "confirmed", _("confirmed case")
    ASYMPTOMATIC = "asymptomatic", _("asymptomatic infection")
    EXCLUDED = "excluded", _("excluded")
    RECOVERED = "recovered", _("recovered")
    DIED = "died", _("died")


# The only classification changes allowed; the last three classifications are final.
TRANSITIONS = {
    Classification.SUSPECTED: (Classification.CONFIRMED, Classification.EXCLUDED),
    Classification.CONFIRMED: (Classification.RECOVERED, Classification.DIED),
    Classification.ASYMPTOMATIC: (Classification.CONFIRMED,),
}
# What a case may be reported as at first.
INITIAL_CLASSIFICATIONS = (Classification.SUSPECTED, Classification.CONFIRMED, Classification.ASYMPTOMATIC)


class CaseQuerySet(RestrictedQuerySet):
    def late(self):
        """Reported more than two hours after the case became known."""
        return self.filter(reported_at__gt=models.F("diagnosed_at") + REPORTING_LIMIT)


class Case(AreaRecord):
    """A suspected or confirmed case or an asymptomatic infection (病例), filed under the person's area."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="cases")
    classification = models.CharField(_("classification"), max_length=12, choices=Classification.choices)
    onset_on = models.DateField(_("onset"), null=True, blank=True)
    diagnosed_at = models.DateTimeField(_("diagnosed at"), help_text=_("When the case became known."))
    reported_at = models.DateTimeField(_("reported at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = CaseQuerySet.as_manager()
    # CDC reports and classifies cases; managers may too.
    roles_by_action = writable_by(Role.CDC)
    scope_form_field = "person"

    class Meta:
        ordering = ["-reported_at", "-id"]
        # The daily reports count a subtree's cases by their classification on the day.
        indexes = [models.Index(fields=["area_path", "reported_at"])]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self):
        return f"{self.person} ({self.get_classification_display()})"

    def get_absolute_url(self):
        return reverse("health:case", args=[self.pk])

    @property
    def report_delay(self):
        return self.reported_at - self.diagnosed_at

    @property
    def is_late(self):
        return self.report_delay > REPORTING_LIMIT

    def next_classifications(self):
        return TRANSITIONS.get(self.classification, ())


class CaseEvent(ChangeLoggedMixin, models.Model):
    """One step of a case's classification timeline: who changed it, when, from what to what."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    from_classification = models.CharField(
        _("from"), max_length=12, choices=Classification.choices, blank=True, help_text=_("Empty: first reported.")
    )
    to_classification = models.CharField(_("to"), max_length=12, choices=Classification.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["at", "id"]
        # A case's classification on a day is its last event by the day's end (health.indicators).
        indexes = [models.Index(fields=["case", "at", "id"], name="caseevent_timeline")]
        verbose_name = _("classification change")
        verbose_name_plural = _("classification changes")

    def __str__(self):
        return f"{self.case.person}: {self.get_to_classification_display()}"

    def get_scope_path(self):
        return self.case.area_path


class Contact(AreaRecord):
    """A close contact (密切接触者) of a case, or of another contact (a contact of a contact), filed
    under the contact's own area; their observation episode runs from the last contact."""

    class Setting(models.TextChoices):
        HOUSEHOLD = "household", _("household")
        WORK = "work", _("work")
        TRANSPORT = "transport", _("transport")
        MEDICAL = "medical", _("medical")
        OTHER = "other", _("other")

    person = models.ForeignKey(Person, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="contacts")
    source_case = models.ForeignKey(
        Case, verbose_name=_("source case"), null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    source_person = models.ForeignKey(
        Person,
        verbose_name=_("source person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts_made",
        help_text=_("For a contact of a contact: the contact they met."),
    )
    setting = models.CharField(_("setting"), max_length=10, choices=Setting.choices)
    last_contact_on = models.DateField(_("last contact"))
    episode = models.ForeignKey(
        "health.Episode",
        verbose_name=_("episode"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    roles_by_action = writable_by(Role.CDC)
    scope_form_field = "person"

    class Meta:
        ordering = ["-last_contact_on", "-id"]
        # The daily reports count a subtree's contacts (under observation, traced on the day).
        indexes = [models.Index(fields=["area_path", "created"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source_case__isnull=False, source_person__isnull=True)
                | models.Q(source_case__isnull=True, source_person__isnull=False),
                name="contact_has_one_source",
            )
        ]
        verbose_name = _("close contact")
        verbose_name_plural = _("close contacts")

    def __str__(self):
        return f"{self.person} ← {self.source_case.person if self.source_case_id else self.source_person}"

    def get_absolute_url(self):
        return reverse("health:contact", args=[self.pk])


class Sample(AreaRecord):
    """A nucleic-acid test (核酸检测) of a person, filed under the person's area; its result comes later."""

    class Result(models.TextChoices):
        PENDING = "pending", _("pending")
        NEGATIVE = "negative", _("negative")
        POSITIVE = "positive", _("positive")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="samples")
    episode = models.ForeignKey(
        "health.Episode",
        verbose_name=_("episode"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="samples",
        editable=False,
    )
    taken_on = models.DateField(_("sampled on"))
    result = models.CharField(_("result"), max_length=8, choices=Result.choices, default=Result.PENDING)
    result_on = models.DateField(_("result on"), null=True, blank=True)

    # Grid workers (in their grid, as they take the checks) and doctors take samples; CDC and doctors
    # enter the results.
    roles_by_action = {
        **writable_by(Role.DOCTOR, Role.CDC),
        Action.ADD: writable_by(Role.GRID_WORKER, Role.DOCTOR, Role.CDC)[Action.ADD],
    }
    scope_form_field = "person"

    class Meta:
        ordering = ["-taken_on", "-id"]
        verbose_name = _("nucleic-acid test")
        verbose_name_plural = _("nucleic-acid tests")

    def __str__(self):
        return f"{self.person} {self.taken_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("health:sample-edit", args=[self.pk])


class Disinfection(AreaRecord):
    """Disinfection (消杀) of the dwelling of a person under home observation."""

    episode = models.ForeignKey(
        "health.Episode", verbose_name=_("episode"), on_delete=models.CASCADE, related_name="disinfections"
    )
    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    done_on = models.DateField(_("done on"))
    done_by = models.CharField(_("done by"), max_length=100)

    roles_by_action = writable_by(Role.GRID_WORKER, Role.DOCTOR)
    scope_form_field = "episode"

    class Meta:
        ordering = ["-done_on", "-id"]
        constraints = [
            # The dwelling is disinfected daily: a second tap or a resend finds the day's record made.
            models.UniqueConstraint(fields=["episode", "done_on"], name="one_disinfection_per_episode_per_day")
        ]
        verbose_name = _("disinfection")
        verbose_name_plural = _("disinfections")

    def __str__(self):
        return f"{self.episode.person} {self.done_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("health:episode", args=[self.episode_id])
