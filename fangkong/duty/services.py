"""Writes of the duty app, each one transaction; the rules they check are written once here and called by
the web forms, the API and the roster importer alike."""

import datetime
import logging
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.areas.models import Area
from fangkong.core import changelog, jobs, ratelimit
from fangkong.core.context import Source, change_context
from fangkong.core.models import ChangeLogEntry
from fangkong.core.roles import MANAGERS
from fangkong.core.validators import normalise_phone

from .models import (
    DUTY_LEVELS,
    Assignment,
    DutyLogEntry,
    DutyRoster,
    MissingRoster,
    Volunteer,
    duty_day_start,
    duty_night_start,
)

logger = logging.getLogger(__name__)

NOT_A_DUTY_AREA = gettext_lazy("Duty rosters and logs are kept by towns, counties and the city.")
# Staff names and phones are written one after another in a cell: 张三、李四 / 138…, 139…; a phone may
# hold spaces (139 0000 0001), a name does not.
NAME_SEPARATORS = re.compile(r"[、,，;；/\s]+")
PHONE_SEPARATORS = re.compile(r"[、,，;；/\n]+")

# --- the roster ---------------------------------------------------------------------------------


def split_list(text, separators=NAME_SEPARATORS):
    return [item.strip() for item in separators.split(text or "") if item.strip()]


def parse_staff(names, phones):
    """The staff on duty from two texts as offices write them (names 张三、李四; phones in the same order),
    phones normalised. A ValidationError names ``staff`` or ``staff_phones``."""
    names, phones = split_list(names), split_list(phones, PHONE_SEPARATORS)
    if len(names) != len(phones):
        raise ValidationError(
            {
                "staff_phones": _(
                    "%(names)d staff names but %(phones)d phones: give one phone per name, in the same order."
                )
                % {"names": len(names), "phones": len(phones)}
            }
        )
    staff = []
    for name, phone in zip(names, phones, strict=True):
        try:
            staff.append({"name": name, "phone": normalise_phone(phone)})
        except ValidationError as error:
            raise ValidationError({"staff_phones": [f"{name}: {message}" for message in error.messages]}) from error
    return staff


def check_roster(roster):
    """The rules of a roster shift: a town or higher area, a leader with a phone (a day without one is an
    empty day), one leader per shift, and a day either whole or split into day and night."""
    if roster.area_id and roster.area.level not in DUTY_LEVELS:
        raise ValidationError({"area": NOT_A_DUTY_AREA})
    if not (roster.leader_name or "").strip():
        raise ValidationError(
            {"leader_name": _("An empty day: %(date)s has no leader on duty.") % {"date": roster.date}}
        )
    if not roster.leader_phone:
        raise ValidationError({"leader_phone": _("The leader on duty needs a phone number.")})
    same_day = DutyRoster.objects.filter(area=roster.area, date=roster.date).exclude(pk=roster.pk)
    taken = same_day.filter(shift=roster.shift).first()
    if taken is not None:
        raise ValidationError(
            {
                "leader_name": _(
                    "Two leaders on one shift: %(area)s already has %(leader)s on duty on %(date)s (%(shift)s)."
                )
                % {
                    "area": roster.area,
                    "leader": taken.leader_name,
                    "date": roster.date,
                    "shift": taken.get_shift_display(),
                }
            }
        )
    whole = DutyRoster.Shift.FULL_DAY
    if same_day.filter(shift=whole).exists() if roster.shift != whole else same_day.exists():
        raise ValidationError(
            {
                "shift": _("%(date)s is kept either as one 24-hour shift or as a day and a night shift, not both.")
                % {"date": roster.date}
            }
        )


def save_roster(roster):
    """Check and save a roster shift (web, API and import)."""
    check_roster(roster)
    try:
        with transaction.atomic():
            roster.save()
    except IntegrityError as error:  # the same shift saved at the same moment by someone else
        raise ValidationError({"leader_name": _("Two leaders on one shift: this shift was just taken.")}) from error
    return roster


def duty_moment(now=None):
    """(duty date, shifts on duty) at ``now``: before DUTY_DAY_STARTS it is still the previous day's duty."""
    local = timezone.localtime(now or timezone.now())
    day_start, night_start = duty_day_start(), duty_night_start()
    date = local.date() if local.time() >= day_start else local.date() - datetime.timedelta(days=1)
    night = local.time() >= night_start or local.time() < day_start
    return date, [DutyRoster.Shift.FULL_DAY, DutyRoster.Shift.NIGHT if night else DutyRoster.Shift.DAY]


def on_duty_now(rosters, now=None):
    """The shifts on duty at ``now`` among ``rosters`` (a DutyRoster queryset)."""
    date, shifts = duty_moment(now)
    return rosters.filter(date=date, shift__in=shifts)


def shift_now(area, now=None):
    return on_duty_now(DutyRoster.objects.filter(area=area), now).first()


def duty_areas(areas):
    """The areas of ``areas`` (an Area queryset) that keep a duty roster."""
    return areas.filter(level__in=DUTY_LEVELS, retired_on__isnull=True, is_special=False)


# --- tomorrow's roster missing at the deadline --------------------------------------------------


def missing_rosters(date):
    """Areas below the city that keep a roster and have none for ``date`` and no flag for it yet."""
    return (
        Area.objects.filter(level__in=[Area.Level.COUNTY, Area.Level.TOWN], retired_on__isnull=True, is_special=False)
        .exclude(pk__in=DutyRoster.objects.filter(date=date).values("area"))
        .exclude(pk__in=MissingRoster.objects.filter(date=date).values("area"))
        .select_related("parent")
    )


def managers_of(area):
    return (
        get_user_model()
        .objects.filter(memberships__area=area, memberships__role__in=MANAGERS, is_active=True)
        .distinct()
    )


@jobs.sweeper
def flag_missing_rosters(now=None):
    """Once the deadline has passed, flag every area whose roster for tomorrow is missing, once, and tell
    the managers of the level above. Returns the flags raised."""
    local = timezone.localtime(now or timezone.now())
    if local.time() < datetime.time.fromisoformat(settings.DUTY_ROSTER_DEADLINE):
        return []
    tomorrow = local.date() + datetime.timedelta(days=1)
    raised = []
    with change_context(Source.JOB):
        for area in missing_rosters(tomorrow):
            try:
                with transaction.atomic():
                    flag = MissingRoster(area=area, date=tomorrow)
                    flag.save()
                    title = _("Tomorrow's duty roster of %(area)s is missing (%(date)s).") % {
                        "area": area,
                        "date": tomorrow,
                    }
                    link = reverse("duty:area", args=[area.code])
                    for user in managers_of(area.parent):
                        jobs.notify(user, "duty_roster_missing", title, link)
            except IntegrityError:
                continue  # another sweep flagged it meanwhile
            raised.append(flag)
    return raised


# --- the duty log -------------------------------------------------------------------------------


def user_phone(user):
    try:
        return normalise_phone(user.phone) if user.phone else ""
    except ValidationError:
        return ""


def write_log_entry(entry, user, now=None):
    """An entry of the duty log, by the user, filed under the shift on duty when it was written."""
    if entry.area.level not in DUTY_LEVELS:
        raise ValidationError({"area": NOT_A_DUTY_AREA})
    if entry.pk is None:
        entry.author = user
        entry.roster = shift_now(entry.area, entry.time or now)
    entry.save()
    return entry


def shifts_of(user, now=None):
    """The shifts on duty now that name the user (by the phone of their account)."""
    phone = user_phone(user)
    if not phone:
        return []
    rosters = on_duty_now(DutyRoster.objects.select_related("area"), now)
    return [roster for roster in rosters if phone in roster.phones()]


def pending_handovers(user, now=None):
    """Hand-over notes of earlier shifts, not yet acknowledged, for the areas where the user is on duty now."""
    condition = models.Q(pk__in=[])
    for roster in shifts_of(user, now):
        earlier = models.Q(roster__isnull=True) | ~models.Q(roster=roster)
        condition |= models.Q(area=roster.area) & earlier
    return DutyLogEntry.objects.filter(
        condition, kind=DutyLogEntry.Kind.HANDOVER, acknowledged_at__isnull=True
    ).select_related("area", "author")


@transaction.atomic
def acknowledge(entry, user, now=None):
    """The next shift takes over: only someone on duty now in the note's area, on a later shift, acknowledges."""
    if not entry.is_pending_handover:
        raise ValidationError(_("This hand-over note was acknowledged already, or is not a hand-over note."))
    if not pending_handovers(user, now).filter(pk=entry.pk).exists():
        raise ValidationError(_("Only the next shift on duty here acknowledges a hand-over note."))
    entry.acknowledged_by = user
    entry.acknowledged_at = now or timezone.now()
    entry.save()
    return entry


# --- pioneer posts and responsibility zones -----------------------------------------------------


def check_holders(holders=(), person_holders=()):
    """Posts and zones are held by party members only."""
    for field, members in (("holders", holders), ("person_holders", person_holders)):
        outsiders = [str(member) for member in members if not member.party_member]
        if outsiders:
            raise ValidationError(
                {field: _("Not marked as party members: %(names)s.") % {"names": "、".join(outsiders)}}
            )


def check_zone(area, grids=(), households=()):
    """A zone's grids and households lie within the area of the organisation that declares it."""
    for field, items, path in (
        ("grids", grids, lambda grid: grid.path),
        ("households", households, lambda household: household.area_path),
    ):
        outside = [str(item) for item in items if not (path(item) + ".").startswith(area.path + ".")]
        if outside:
            raise ValidationError(
                {field: _("Not within %(area)s: %(names)s.") % {"area": area, "names": "、".join(outside)}}
            )
    not_grids = [str(grid) for grid in grids if grid.level != Area.Level.GRID]
    if not_grids:
        raise ValidationError({"grids": _("Not grids: %(names)s.") % {"names": "、".join(not_grids)}})


def save_holding(record, **related):
    """Save a pioneer post or a responsibility zone and set its members (and a zone's grids and households).
    Saving a row logs its own fields; who holds it changes only its links, logged here as one more entry."""
    check_holders(related.get("holders", ()), related.get("person_holders", ()))
    if "grids" in related or "households" in related:
        check_zone(record.area, related.get("grids", ()), related.get("households", ()))
    with transaction.atomic():
        before = {name: [] if record.pk is None else linked_ids(record, name) for name in related}
        record.save()
        for name, values in related.items():
            getattr(record, name).set(values)
        after = {name: sorted(value.pk for value in values) for name, values in related.items()}
        if after != before:
            changelog.insert_entries(ChangeLogEntry.Kind.UPDATE, [(record, before, after)])
    return record


def linked_ids(record, name):
    return sorted(getattr(record, name).values_list("pk", flat=True))


# --- volunteers ---------------------------------------------------------------------------------

# Sign-ups a team's link, and an address, may make in an hour.
SIGNUPS_PER_LINK = 60
SIGNUPS_PER_ADDRESS = 10
SIGNUP_WINDOW = 3600


def allow_signup(token, address):
    counters = ((f"volunteer:link:{token}", SIGNUPS_PER_LINK), (f"volunteer:addr:{address}", SIGNUPS_PER_ADDRESS))
    return ratelimit.allow(counters, SIGNUP_WINDOW)


def sign_up(team, name, phone, skills="", availability=""):
    """A sign-up through the team's public link, waiting for approval. Returns (volunteer, created): one phone
    signs up once per team, a second sign-up finds the first."""
    existing = Volunteer.objects.filter(team=team, phone=phone).first()
    if existing is not None:
        return existing, False
    volunteer = Volunteer(
        team=team,
        area=team.area,
        name=name,
        phone=phone,
        skills=skills,
        availability=availability,
        signed_up_online=True,
    )
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError:
        return Volunteer.objects.get(team=team, phone=phone), False
    return volunteer, True


def save_volunteer(volunteer, user=None):
    """A volunteer added or corrected by an officer; one phone appears once per team. A status set here
    is the officer's decision, recorded as ``decide`` records it."""
    volunteer.area = volunteer.team.area
    same = Volunteer.objects.filter(team=volunteer.team, phone=volunteer.phone).exclude(pk=volunteer.pk).first()
    if same is not None:
        raise ValidationError(
            {"phone": _("This phone has signed up for the team already: %(name)s.") % {"name": same.name}}
        )
    loaded = volunteer.loaded_snapshot() if volunteer.pk else None
    decided = volunteer.status != Volunteer.Status.PENDING and (loaded or {}).get("status") != volunteer.status
    if decided and user is not None:
        volunteer.decided_by, volunteer.decided_at = user, timezone.now()
    volunteer.save()
    return volunteer


@transaction.atomic
def decide(volunteer, user, status):
    """An officer approves or declines a volunteer."""
    volunteer.status = status
    return save_volunteer(volunteer, user)


def save_shift(shift, volunteers=None):
    """A shift or task of a team with its volunteers (approved ones of the team). Someone already checked
    in stays on the shift."""
    if shift.starts_at and shift.ends_at and shift.ends_at <= shift.starts_at:
        raise ValidationError({"ends_at": _("A shift ends after it starts.")})
    shift.area = shift.team.area
    with transaction.atomic():
        shift.save()
        if volunteers is not None:
            set_volunteers(shift, volunteers)
    return shift


def set_volunteers(shift, volunteers):
    wrong = [str(v) for v in volunteers if v.team_id != shift.team_id or v.status != Volunteer.Status.APPROVED]
    if wrong:
        raise ValidationError(
            {"volunteers": _("Only approved volunteers of the team: %(names)s.") % {"names": "、".join(wrong)}}
        )
    chosen = {volunteer.pk for volunteer in volunteers}
    for assignment in shift.assignments.exclude(volunteer__in=chosen).select_related("volunteer"):
        if assignment.checked_in_at:
            raise ValidationError(
                {"volunteers": _("%(name)s has checked in: they stay on the shift.") % {"name": assignment.volunteer}}
            )
        assignment.delete()
    present = set(shift.assignments.values_list("volunteer", flat=True))
    for volunteer in volunteers:
        if volunteer.pk not in present:
            Assignment(shift=shift, volunteer=volunteer, area=shift.area).save()


@transaction.atomic
def check_in(assignment, now=None):
    if assignment.checked_in_at:
        raise ValidationError(_("%(name)s has checked in already.") % {"name": assignment.volunteer})
    assignment.checked_in_at = now or timezone.now()
    assignment.save()
    return assignment


@transaction.atomic
def check_out(assignment, now=None):
    """The check-out counts the minutes worked into the volunteer's and the team's hours."""
    if not assignment.checked_in_at:
        raise ValidationError(_("%(name)s has not checked in.") % {"name": assignment.volunteer})
    if assignment.checked_out_at:
        raise ValidationError(_("%(name)s has checked out already.") % {"name": assignment.volunteer})
    now = now or timezone.now()
    assignment.checked_out_at = now
    assignment.minutes = max(0, int((now - assignment.checked_in_at).total_seconds() // 60))
    assignment.save()
    return assignment


def with_hours(queryset, lookup):
    """Volunteers or teams annotated with ``minutes``: every checked-out assignment under ``lookup``."""
    return queryset.annotate(minutes=Coalesce(models.Sum(f"{lookup}minutes"), 0))


def shifts_with_counts(queryset):
    return queryset.annotate(volunteer_count=models.Count("assignments"))


def assignment_of(shift, volunteer_id):
    return Assignment.objects.select_related("volunteer").get(shift=shift, volunteer_id=volunteer_id)
