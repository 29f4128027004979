"""Confirming a day's report, and telling an area's officers which reports below it are missing."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.areas.models import Area
from fangkong.core import indicators, jobs
from fangkong.core.roles import Role

from .figures import check_day, confirmable_codes, deadline, figures
from .models import Confirmation, Reminder

# Who answers for an area's report: its own officers and commanders (a membership on the area itself).
RESPONSIBLE = frozenset({Role.OFFICER, Role.COMMANDER})


def confirms_reports(area):
    """Whether areas of this level confirm their reports (a deadline is set for the level)."""
    return area.level in settings.REPORT_DEADLINES


def may_confirm(user, area):
    """Only the area's responsible people confirm its report: a town's officer does not confirm for a
    village of the town (the village's officer answers for it)."""
    if not confirms_reports(area):
        return False
    if user.is_superuser:
        return True
    return any(role in RESPONSIBLE and path == area.path for role, path in user.memberships_cached())


@transaction.atomic
def confirm(area, day, user, remarks="", zero_report=False, now=None):
    """Confirm the area's report of the day with its figures as they are now; returns (confirmation,
    created). Confirming again what was confirmed changes nothing; after a correction of the records
    (or of the remarks) it is a new version, and the earlier ones stay. Late is allowed, and marked."""
    now = now or timezone.now()
    check_day(day, timezone.localdate(now))
    if not confirms_reports(area):
        raise ValidationError({"area": _("Reports are confirmed by villages and the areas above them, not by grids.")})
    Area.objects.select_for_update().filter(pk=area.pk).first()  # two confirmations at once: one after the other
    frozen = figures(area, day, confirmable_codes())
    if zero_report:
        nonzero = [indicators.get(code).name for code, value in frozen.items() if value]
        if nonzero:
            raise ValidationError(
                {"zero_report": _("Not a zero report: %(figures)s are not zero.") % {"figures": "、".join(nonzero)}}
            )
    remarks = remarks.strip()
    latest = Confirmation.objects.filter(area=area, day=day).order_by("-version").first()
    if latest and (latest.figures, latest.remarks, latest.zero_report) == (frozen, remarks, zero_report):
        return latest, False
    confirmation = Confirmation(
        area=area,
        day=day,
        version=latest.version + 1 if latest else 1,
        figures=frozen,
        remarks=remarks,
        zero_report=zero_report,
        confirmed_by=user if user and user.is_authenticated else None,
        confirmed_at=now,
        on_time=now <= deadline(day, area.level),
    )
    confirmation.save()
    return confirmation, True


def differences(earlier, later):
    """(indicator name, before, after) for each figure a later version changed, and the remarks."""
    changes = [
        (indicators.get(code).name, earlier.figures.get(code), value)
        for code, value in later.figures.items()
        if code in indicators.REGISTRY and earlier.figures.get(code) != value
    ]
    if earlier.remarks != later.remarks:
        changes.append((_("Remarks"), earlier.remarks, later.remarks))
    return changes


def versions(area, day):
    """The day's confirmations of the area, newest first, each with what it changed from the one before."""
    found = list(Confirmation.objects.filter(area=area, day=day).select_related("confirmed_by").order_by("version"))
    for earlier, later in zip(found, found[1:], strict=False):
        later.changes = differences(earlier, later)
    if found:
        found[0].changes = []
    return found[::-1]


# --- missing reports at the deadline -----------------------------------------------------------


def _officers(area):
    return User.objects.filter(is_active=True, memberships__area=area, memberships__role=Role.OFFICER).distinct()


@jobs.sweeper
def remind_missing(now=None):
    """Past a level's deadline, tell the officers of each area above the missing reports, once a day.
    Returns the ids of the areas whose officers were told."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    told = []
    for level in settings.REPORT_DEADLINES:
        due = deadline(today, level)
        if now < due:
            continue
        missing = (
            Area.objects.filter(level=level, retired_on__isnull=True, parent__isnull=False)
            .exclude(pk__in=Confirmation.objects.filter(day=today).values("area"))
            .exclude(parent__in=Reminder.objects.filter(day=today).values("area"))
            .select_related("parent")
            .order_by("path")
        )
        by_parent = {}
        for area in missing:
            by_parent.setdefault(area.parent, []).append(area)
        for parent, areas in by_parent.items():
            try:
                with transaction.atomic():
                    Reminder.objects.create(area=parent, day=today)
                    _tell(parent, areas, today)
            except IntegrityError:  # another sweep told them a moment ago
                continue
            told.append(parent.pk)
    return told


def _tell(parent, areas, day):
    with translation.override(settings.LANGUAGE_CODE):
        names = "、".join(area.short_name for area in areas[:5]) + ("…" if len(areas) > 5 else "")
        title = _("Daily report of %(day)s missing at the deadline: %(count)s under %(area)s (%(names)s)") % {
            "day": day.isoformat(),
            "count": len(areas),
            "area": parent.short_name,
            "names": names,
        }
    link = f"{reverse('reports:daily')}?{urlencode({'area': parent.code, 'date': day.isoformat()})}"
    for user in _officers(parent):
        jobs.notify(user, "report", title, link=link)
