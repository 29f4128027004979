"""Observation of key persons to the end: the protocol in force, observation episodes and their checks."""

import datetime
from decimal import Decimal
from itertools import pairwise
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import AreaRecord, ChangeLoggedMixin, RestrictedQuerySet
from fangkong.core.roles import REFERENCE_DATA_ROLES, Role, writable_by
from fangkong.people.models import Person

LOWEST_TEMPERATURE = Decimal("34.0")
HIGHEST_TEMPERATURE = Decimal("43.0")
# A temperature as a thermometer shows it; a second decimal or a fourth digit is told in these words,
# by the forms and the API alike (their own say "at most 3 digits in total").
TEMPERATURE_FORMAT = _("Enter the temperature with at most one decimal, such as 37.3.")
TEMPERATURE_ERRORS = {code: TEMPERATURE_FORMAT for code in ("max_digits", "max_decimal_places", "max_whole_digits")}


class Reason(models.TextChoices):
    RISK_AREA_ARRIVAL = "risk_area_arrival", _("arrival from a risk area")
    CLOSE_CONTACT = "close_contact", _("close contact")
    FEVER_EXCLUDED = "fever_excluded", _("fever, infection excluded")
    OTHER = "other", _("other")


def validate_symptoms(value):
    """A list of {"code", "name", "name_en", "respiratory"}: codes unique, names given."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("List the symptoms, one object per symptom."), code="invalid")
    codes = set()
    for item in value:
        if not isinstance(item, dict) or not all(
            isinstance(item.get(key), str) and item[key] for key in ("code", "name", "name_en")
        ):
            raise ValidationError(_("Every symptom needs a code, a Chinese and an English name."), code="invalid")
        if not isinstance(item.get("respiratory", False), bool):
            raise ValidationError(_("A symptom's respiratory flag is true or false."), code="invalid")
        if item["code"] in codes:
            raise ValidationError(_("The symptom code %(code)s is listed twice."), params={"code": item["code"]})
        codes.add(item["code"])


def validate_test_days(value):
    """The days of an episode on which a nucleic-acid sample is due: whole numbers from 1 (the
    episode's first day), in increasing order, each once."""
    if not isinstance(value, list) or not all(isinstance(day, int) and not isinstance(day, bool) for day in value):
        raise ValidationError(_("List the test days as whole numbers, e.g. 1, 7, 13."), code="invalid")
    if any(day < 1 for day in value):
        raise ValidationError(_("Test days count from 1, the first day of the observation."), code="min_value")
    if any(later <= earlier for earlier, later in pairwise(value)):
        raise ValidationError(_("List the test days in increasing order, each once."), code="order")


# What a commander sets in an edition: the page's form and the API list the same fields.
PROTOCOL_FIELDS = [
    "name",
    "effective_from",
    "days_risk_area_arrival",
    "days_close_contact",
    "days_fever_excluded",
    "days_other",
    "morning_from",
    "morning_until",
    "evening_from",
    "evening_until",
    "fever_threshold",
    "symptoms",
    "test_days",
    "backfill_days",
    "acknowledge_within",
]


class Protocol(ChangeLoggedMixin, models.Model):
    """An edition of the observation protocol (观察方案). An episode keeps the edition it was opened
    under: a new edition changes only episodes opened from its date on."""

    name = models.CharField(_("name"), max_length=100)
    effective_from = models.DateField(_("in force from"), unique=True)
    days_risk_area_arrival = models.PositiveSmallIntegerField(_("days for an arrival from a risk area"), default=14)
    days_close_contact = models.PositiveSmallIntegerField(_("days for a close contact"), default=14)
    days_fever_excluded = models.PositiveSmallIntegerField(_("days after fever, infection excluded"), default=14)
    days_other = models.PositiveSmallIntegerField(_("days for other reasons"), default=14)
    morning_from = models.TimeField(_("morning check from"), default=datetime.time(6))
    morning_until = models.TimeField(_("morning check until"), default=datetime.time(12))
    evening_from = models.TimeField(_("evening check from"), default=datetime.time(16))
    evening_until = models.TimeField(_("evening check until"), default=datetime.time(22))
    fever_threshold = models.DecimalField(
        _("fever threshold (°C)"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("36.0")), MaxValueValidator(Decimal("39.0"))],
        help_text=_("A temperature at or above it is a fever."),
    )
    symptoms = models.JSONField(
        _("symptoms"),
        validators=[validate_symptoms],
        help_text=_('A list of {"code", "name", "name_en", "respiratory"}; a respiratory symptom counts as a fever.'),
    )
    test_days = models.JSONField(
        _("test days"),
        default=list,
        blank=True,
        validators=[validate_test_days],
        help_text=_("The days of an observation on which a nucleic-acid sample is due; day 1 is its start."),
    )
    backfill_days = models.PositiveSmallIntegerField(
        _("back-fill window (days)"), default=2, help_text=_("How many days back a missed check may still be entered.")
    )
    acknowledge_within = models.DurationField(
        _("acknowledge alerts within"),
        default=datetime.timedelta(hours=2),
        help_text=_("An alert nobody acknowledges within this time goes up a level (HH:MM:SS)."),
    )

    objects = RestrictedQuerySet.as_manager()
    scope_lookup = None  # the same protocol everywhere
    roles_by_action = REFERENCE_DATA_ROLES
    CHECKS_PER_DAY = 2  # the morning and the evening window

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("observation protocol")
        verbose_name_plural = _("observation protocols")

    def __str__(self):
        return f"{self.name} ({self.effective_from:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("health:protocol-edit", args=[self.pk])

    def clean(self):
        if self.morning_from and self.morning_until and self.morning_from >= self.morning_until:
            raise ValidationError({"morning_until": _("The morning window must end after it starts.")})
        if self.evening_from and self.evening_until and self.evening_from >= self.evening_until:
            raise ValidationError({"evening_until": _("The evening window must end after it starts.")})
        if self.morning_until and self.evening_from and self.morning_until > self.evening_from:
            raise ValidationError({"evening_from": _("The evening window must start after the morning one ends.")})

    @classmethod
    def in_force(cls, on_date):
        """The edition in force on the date (the latest one effective by then), or None."""
        return cls.objects.filter(effective_from__lte=on_date).order_by("-effective_from").first()

    def days_for(self, reason):
        return getattr(self, f"days_{reason}")

    def symptom_choices(self):
        english = (get_language() or "").startswith("en")
        return [(item["code"], item["name_en"] if english else item["name"]) for item in self.symptoms]

    def symptom_names(self, codes):
        names = dict(self.symptom_choices())
        return [names.get(code, code) for code in codes]

    def is_fever(self, temperature, symptoms):
        respiratory = {item["code"] for item in self.symptoms if item.get("respiratory")}
        return Decimal(str(temperature)) >= self.fever_threshold or bool(respiratory & set(symptoms))

    def window_of(self, moment):
        """``morning``, ``evening`` or "" (outside both windows), for a local time of day."""
        if self.morning_from <= moment < self.morning_until:
            return Check.Window.MORNING
        if self.evening_from <= moment < self.evening_until:
            return Check.Window.EVENING
        return ""


def observation_day(start_on, date):
    """The day of an observation started on ``start_on`` that ``date`` is: the start is day 1."""
    return (date - start_on).days + 1


class EpisodeQuerySet(RestrictedQuerySet):
    def with_status(self, today=None):
        """``status`` derived from the dates and the outcome (never stored): active, due (the planned
        end is today), overdue (past it, not ended), released, transferred or cancelled."""
        today = today or timezone.localdate()
        When = models.When
        return self.annotate(
            status=models.Case(
                When(ended_on__isnull=False, then=models.F("outcome")),
                When(planned_end_on__lt=today, then=models.Value(Episode.Status.OVERDUE)),
                When(planned_end_on=today, then=models.Value(Episode.Status.DUE)),
                default=models.Value(Episode.Status.ACTIVE),
                output_field=models.CharField(),
            )
        )

    def open(self):
        return self.filter(ended_on__isnull=True)

    def with_check_counts(self):
        """``checks_done``: the episode's checks; ``windows_done``: the distinct (day, window) pairs
        they cover (for the missed ones, see ``Episode.windows_missed``). Two subqueries, no N+1."""
        checks = Check.objects.filter(episode=models.OuterRef("pk")).order_by().values("episode")
        pair = Concat(Cast("taken_on", models.CharField()), "window")
        return self.annotate(
            checks_done=Coalesce(models.Subquery(checks.annotate(n=models.Count("pk")).values("n")), 0),
            windows_done=Coalesce(
                models.Subquery(checks.exclude(window="").annotate(n=models.Count(pair, distinct=True)).values("n")),
                0,
            ),
        )


class TestDay(NamedTuple):
    """A test day of an episode: its 第N天, its date, and ``state``: done (a sample of the person was
    taken that day: ``sample``), due (today), upcoming or missed."""

    day: int
    date: datetime.date
    state: str
    sample: object = None


class Episode(AreaRecord):
    """One observation (医学观察) of a person, from its start to its release, under one protocol edition."""

    class Kind(models.TextChoices):
        HOME = "home", _("home observation")
        CENTRALISED = "centralised", _("centralised observation")

    class Outcome(models.TextChoices):
        RELEASED = "released", _("released")
        TRANSFERRED = "transferred", _("transferred")
        CANCELLED = "cancelled", _("cancelled")

    class Status(models.TextChoices):
        ACTIVE = "active", _("under observation")
        DUE = "due", _("due for release today")
        OVERDUE = "overdue", _("overdue for release")
        RELEASED = "released", _("released")
        TRANSFERRED = "transferred", _("transferred")
        CANCELLED = "cancelled", _("cancelled")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="episodes")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.HOME)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    start_on = models.DateField(_("start"))
    planned_end_on = models.DateField(_("planned end"))
    protocol = models.ForeignKey(Protocol, verbose_name=_("protocol"), on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    # Why the planned end was last moved: the change log keeps every one with its new date.
    end_change_reason = models.CharField(_("reason for the changed end"), max_length=200, blank=True)
    # Where a centralised observation is held (a home one has no site); the open episodes placed in a
    # site are its occupancy.
    site = models.ForeignKey(
        "health.Site",
        verbose_name=_("isolation site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="episodes",
    )
    room = models.ForeignKey(
        "health.Room", verbose_name=_("room"), null=True, blank=True, on_delete=models.PROTECT, related_name="episodes"
    )
    # Why the person was last moved to another site or room: the change log keeps every move.
    place_change_reason = models.CharField(_("reason for the move"), max_length=200, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-start_on", "-id"]
        indexes = [models.Index(fields=["area_path", "planned_end_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(ended_on__isnull=True), name="one_open_episode_per_person"
            )
        ]
        verbose_name = _("observation episode")
        verbose_name_plural = _("observation episodes")

    def __str__(self):
        return f"{self.person} {self.start_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("health:episode", args=[self.pk])

    @property
    def total_days(self):
        return (self.planned_end_on - self.start_on).days

    def day_number(self, today=None):
        """第N天 of ``total_days``: the start is day 1. The one home of the day counter (pages, the work
        list and the API show it): it never passes the total, so the release day (the planned end),
        an overdue release or an episode ended late show the last day, never 第15天/共14天."""
        today = min(today or timezone.localdate(), self.ended_on or datetime.date.max)
        return max(1, min(observation_day(self.start_on, today), self.total_days))

    def is_test_day(self, date):
        """A nucleic-acid sample is due on the date: its day since the start (not capped like
        ``day_number``: the release day is not the last day again) is one of the protocol's test days."""
        return observation_day(self.start_on, date) in self.protocol.test_days

    def current_status(self, today=None):
        today = today or timezone.localdate()
        if self.ended_on:
            return self.outcome
        if self.planned_end_on < today:
            return self.Status.OVERDUE
        return self.Status.DUE if self.planned_end_on == today else self.Status.ACTIVE

    def windows_due(self, now=None):
        """How many check windows have closed since the start (up to the end, once ended)."""
        now = timezone.localtime(now or timezone.now())
        last = min(self.ended_on or now.date(), now.date())
        if last < self.start_on:
            return 0
        due = (last - self.start_on).days * Protocol.CHECKS_PER_DAY
        for until in (self.protocol.morning_until, self.protocol.evening_until):
            if last < now.date() or now.time() >= until:
                due += 1
        return due

    def windows_missed(self, now=None):
        """Closed windows without a check; needs ``with_check_counts``."""
        return max(0, self.windows_due(now) - self.windows_done)

    def test_days(self, samples, today=None):
        """The protocol's test days that fall within the episode (up to its end, or its planned end
        while open), each matched with the person's sample taken on that date among ``samples``."""
        today = today or timezone.localdate()
        last = self.ended_on or self.planned_end_on
        taken = {}
        for sample in samples:
            taken.setdefault(sample.taken_on, sample)
        days = []
        for day in self.protocol.test_days:
            date = self.start_on + datetime.timedelta(days=day - 1)
            if date > last:
                break
            if date in taken:
                state = "done"
            elif date == today and not self.ended_on:
                state = "due"
            else:
                state = "upcoming" if date > today else "missed"
            days.append(TestDay(day, date, state, taken.get(date)))
        return days

    @property
    def status_label(self):
        return self.Status(self.current_status()).label


class Check(AreaRecord):
    """A temperature and symptom check of a person under observation, idempotent by the client's key."""

    class Source(models.TextChoices):
        WORKER = "worker", _("grid worker")
        DOCTOR = "doctor", _("doctor")
        SELF = "self", _("self-report")
        OTHER = "other", _("other")

    class Window(models.TextChoices):
        MORNING = "morning", _("morning")
        EVENING = "evening", _("evening")

    key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="checks")
    episode = models.ForeignKey(Episode, verbose_name=_("episode"), on_delete=models.CASCADE, related_name="checks")
    taken_at = models.DateTimeField(_("taken at"))
    taken_on = models.DateField(_("date"), editable=False)
    window = models.CharField(_("window"), max_length=8, choices=Window.choices, blank=True, editable=False)
    temperature = models.DecimalField(
        _("temperature (°C)"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(LOWEST_TEMPERATURE), MaxValueValidator(HIGHEST_TEMPERATURE)],
    )
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.WORKER)
    is_fever = models.BooleanField(_("fever"), default=False, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    # Grid workers and doctors take the checks; managers correct them.
    roles_by_action = writable_by(Role.GRID_WORKER, Role.DOCTOR)

    class Meta:
        ordering = ["-taken_at", "-id"]
        indexes = [
            models.Index(fields=["area_path", "taken_on"]),
            models.Index(fields=["episode", "taken_on", "window"]),
            # The derived status asks per person for fever checks: few rows, one small index.
            models.Index(fields=["person", "taken_at"], condition=models.Q(is_fever=True), name="check_fever_person"),
            # The daily report's "fever today" reads one day's fever checks of a subtree: the day first,
            # so the index range is that day's few fever checks, not every check of the subtree.
            models.Index(fields=["taken_on", "area_path"], condition=models.Q(is_fever=True), name="check_fever_day"),
        ]
        verbose_name = _("check")
        verbose_name_plural = _("checks")

    def __str__(self):
        return f"{self.person} {timezone.localtime(self.taken_at):%Y-%m-%d %H:%M} {self.temperature}"


from .alerts.models import Alert, AlertDelivery, AlertPreference  # noqa: E402,F401
from .cases.models import Case, CaseEvent, Contact, Disinfection, Facility, Sample, Transfer  # noqa: E402,F401
from .selfreport.models import HouseholdLink  # noqa: E402,F401
from .sites.models import Room, Site  # noqa: E402,F401
