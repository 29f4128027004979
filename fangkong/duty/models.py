"""The organisation of work: 24-hour duty rosters and logs, pioneer posts, responsibility zones, volunteers."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area
from fangkong.core.crypto import mask_phone
from fangkong.core.models import AreaRecord
from fangkong.core.roles import MANAGERS, Action
from fangkong.people.models import Household, Person

# Areas that keep a 24-hour duty roster (领导干部24小时带值班): the town and every level above it.
DUTY_LEVELS = (Area.Level.CITY, Area.Level.COUNTY, Area.Level.TOWN)


def duty_day_start():
    return datetime.time.fromisoformat(settings.DUTY_DAY_STARTS)


def duty_night_start():
    return datetime.time.fromisoformat(settings.DUTY_NIGHT_STARTS)


class DutyRoster(AreaRecord):
    """One shift of an area's duty roster: the leader on duty and the staff, with their phones.

    An office that does not split the day keeps one full-day shift per date (from DUTY_DAY_STARTS to
    the same time the next day); one that does keeps a day and a night shift (split at
    DUTY_NIGHT_STARTS). A shift has one leader: a second roster for the same shift is refused."""

    class Shift(models.TextChoices):
        FULL_DAY = "full_day", _("24 hours")
        DAY = "day", _("day shift")
        NIGHT = "night", _("night shift")

    date = models.DateField(_("date"))
    shift = models.CharField(_("shift"), max_length=10, choices=Shift.choices, default=Shift.FULL_DAY)
    leader_name = models.CharField(_("leader on duty"), max_length=50)
    leader_phone = models.CharField(_("leader's phone"), max_length=20)
    # [{"name": ..., "phone": ...}]: the staff on duty with the leader, phones normalised.
    staff = models.JSONField(_("staff on duty"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "area_path", "shift"]
        constraints = [
            models.UniqueConstraint(fields=["area", "date", "shift"], name="one_leader_per_shift"),
        ]
        indexes = [models.Index(fields=["area_path", "date"])]
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")

    def __str__(self):
        return f"{self.area} {self.date:%Y-%m-%d} {self.get_shift_display()} {self.leader_name}"

    def get_absolute_url(self):
        return reverse("duty:roster", args=[self.pk])

    def validate_constraints(self, exclude=None):
        # One leader per shift is checked by services.check_roster, whose message names the leader on it.
        super().validate_constraints(exclude={*(exclude or ()), "shift"})

    @property
    def staff_names(self):
        return "、".join(member["name"] for member in self.staff)

    @property
    def staff_phones(self):
        return ", ".join(member["phone"] for member in self.staff)

    def phones(self):
        return {self.leader_phone, *(member["phone"] for member in self.staff)} - {""}

    @property
    def starts_at(self):
        start = duty_night_start() if self.shift == self.Shift.NIGHT else duty_day_start()
        return timezone.make_aware(datetime.datetime.combine(self.date, start))

    @property
    def ends_at(self):
        if self.shift == self.Shift.DAY:
            return timezone.make_aware(datetime.datetime.combine(self.date, duty_night_start()))
        following = self.date + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(following, duty_day_start()))


class MissingRoster(AreaRecord):
    """Tomorrow's roster of an area was still missing at the deadline (DUTY_ROSTER_DEADLINE): the sweep
    records it once and tells the managers of the level above."""

    date = models.DateField(_("date"))
    flagged_at = models.DateTimeField(_("flagged at"), default=timezone.now)

    roles_by_action = {Action.VIEW: MANAGERS}

    class Meta:
        ordering = ["-date", "area_path"]
        constraints = [models.UniqueConstraint(fields=["area", "date"], name="one_missing_roster_flag_per_day")]
        verbose_name = _("missing duty roster")
        verbose_name_plural = _("missing duty rosters")

    def __str__(self):
        return f"{self.area} {self.date:%Y-%m-%d}"


class DutyLogEntry(AreaRecord):
    """An entry of the duty log (值班日志) by the person on duty. A hand-over note waits for the next
    shift to acknowledge it."""

    class Kind(models.TextChoices):
        EVENT = "event", _("event")
        CALL = "call", _("call")
        INSTRUCTION_RECEIVED = "instruction_received", _("instruction received")
        INSTRUCTION_PASSED = "instruction_passed", _("instruction passed on")
        HANDOVER = "handover", _("hand-over note")

    time = models.DateTimeField(_("time"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.EVENT)
    counterpart = models.CharField(
        _("from or to"), max_length=100, blank=True, help_text=_("Who called, gave or received the instruction.")
    )
    text = models.TextField(_("text"), max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    roster = models.ForeignKey(
        DutyRoster,
        verbose_name=_("shift"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="log_entries",
        editable=False,
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["area_path", "time"])]
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log")

    def __str__(self):
        return f"{self.get_kind_display()} {timezone.localtime(self.time):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("duty:log-entry", args=[self.pk])

    @property
    def is_pending_handover(self):
        return self.kind == self.Kind.HANDOVER and self.acknowledged_at is None


class PostKind(models.TextChoices):
    CHECKPOINT = "checkpoint", _("checkpoint")
    SITE = "site", _("site")
    MARKET = "market", _("market")
    TASK = "task", _("task")


class PioneerPost(AreaRecord):
    """A pioneer post (先锋岗) declared by a party organisation, held by party members."""

    organisation = models.CharField(_("party organisation"), max_length=100, help_text=_("e.g. 竹林关村党支部"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=PostKind.choices, default=PostKind.SITE)
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("The checkpoint, site or market."))
    holders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("party members (users)"), blank=True, related_name="pioneer_posts"
    )
    person_holders = models.ManyToManyField(
        Person, verbose_name=_("party members (register)"), blank=True, related_name="pioneer_posts"
    )

    class Meta:
        ordering = ["area_path", "name"]
        indexes = [models.Index(fields=["area_path"])]
        verbose_name = _("pioneer post")
        verbose_name_plural = _("pioneer posts")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("duty:post", args=[self.pk])


class ResponsibilityZone(AreaRecord):
    """A responsibility zone (责任区): grids or households a party organisation gives its members."""

    organisation = models.CharField(_("party organisation"), max_length=100, help_text=_("e.g. 竹林关村党支部"))
    name = models.CharField(_("name"), max_length=100)
    grids = models.ManyToManyField(Area, verbose_name=_("grids"), blank=True, related_name="+")
    households = models.ManyToManyField(Household, verbose_name=_("households"), blank=True, related_name="+")
    holders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("party members (users)"),
        blank=True,
        related_name="responsibility_zones",
    )
    person_holders = models.ManyToManyField(
        Person, verbose_name=_("party members (register)"), blank=True, related_name="responsibility_zones"
    )

    class Meta:
        ordering = ["area_path", "name"]
        indexes = [models.Index(fields=["area_path"])]
        verbose_name = _("responsibility zone")
        verbose_name_plural = _("responsibility zones")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("duty:zone", args=[self.pk])


def new_signup_token():
    return secrets.token_urlsafe(12)


class VolunteerTeam(AreaRecord):
    """A volunteer team (志愿服务队) of an area; people sign up through its public link."""

    name = models.CharField(_("name"), max_length=100)
    leader_name = models.CharField(_("team leader"), max_length=50, blank=True)
    leader_phone = models.CharField(_("team leader's phone"), max_length=20, blank=True)
    signup_token = models.CharField(max_length=32, unique=True, default=new_signup_token, editable=False)
    signup_open = models.BooleanField(_("sign-up open"), default=True)

    changelog_fingerprint = frozenset({"signup_token"})

    class Meta:
        ordering = ["area_path", "name"]
        indexes = [models.Index(fields=["area_path"])]
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("duty:team", args=[self.pk])

    def get_signup_url(self):
        return reverse("volunteer-signup", args=[self.signup_token])


class Volunteer(AreaRecord):
    """A volunteer of a team; one who signed up by the public link waits for an officer's approval."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    team = models.ForeignKey(VolunteerTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="volunteers")
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    skills = models.CharField(_("skills"), max_length=200, blank=True, help_text=_("e.g. driving, first aid"))
    availability = models.CharField(_("availability"), max_length=200, blank=True, help_text=_("e.g. weekday evenings"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    signed_up_online = models.BooleanField(_("signed up by the link"), default=False, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["area_path", "name"]
        constraints = [models.UniqueConstraint(fields=["team", "phone"], name="one_signup_per_phone_and_team")]
        indexes = [models.Index(fields=["area_path"])]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("duty:volunteer", args=[self.pk])

    def validate_constraints(self, exclude=None):
        # One phone per team is checked by services.save_volunteer, whose message names the volunteer.
        super().validate_constraints(exclude={*(exclude or ()), "phone"})

    @property
    def masked_phone(self):
        return mask_phone(self.phone)


class VolunteerShift(AreaRecord):
    """A shift or task given to volunteers of a team. Its place is text for now (a checkpoint, an address)."""

    class Kind(models.TextChoices):
        CHECKPOINT = "checkpoint", _("checkpoint shift")
        DELIVERY = "delivery", _("delivery")
        DISINFECTION = "disinfection", _("disinfection")
        PUBLICITY = "publicity", _("publicity")
        OTHER = "other", _("other")

    team = models.ForeignKey(VolunteerTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="shifts")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CHECKPOINT)
    place = models.CharField(_("place"), max_length=200, help_text=_("The checkpoint, address or area."))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    description = models.CharField(_("task"), max_length=200, blank=True)
    volunteers = models.ManyToManyField(
        Volunteer, verbose_name=_("volunteers"), through="Assignment", blank=True, related_name="shifts"
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["area_path", "starts_at"])]
        verbose_name = _("volunteer shift")
        verbose_name_plural = _("volunteer shifts")

    def __str__(self):
        return f"{self.get_kind_display()} {self.place} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("duty:shift", args=[self.pk])


class Assignment(AreaRecord):
    """A volunteer on a shift, with the check-in and check-out; ``minutes`` is worked out at the check-out."""

    shift = models.ForeignKey(
        VolunteerShift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="assignments"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="assignments"
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"), default=0)

    class Meta:
        ordering = ["shift", "volunteer__name"]
        constraints = [models.UniqueConstraint(fields=["shift", "volunteer"], name="one_assignment_per_shift")]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self):
        return f"{self.volunteer} {self.shift}"
