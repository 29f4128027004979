"""Help for households in difficulty: raising a need (by a cadre, for a volunteer, or by the household
through its QR page), assigning it within the assigner's area, delivering, the household's
confirmation, the sweep of overdue needs, and the village's list of households with their last visit."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.areas.models import Area
from fangkong.core import changelog, jobs, scope
from fangkong.core.models import ChangeLogEntry, snapshot
from fangkong.core.roles import Action, Role
from fangkong.duty.models import Volunteer
from fangkong.health.alerts.services import members_at
from fangkong.people import difficulties
from fangkong.people.models import Household, ScreeningVisit

from ..models import Need


class NeedClosed(ValidationError):
    """The need was delivered or confirmed meanwhile."""


def due_at_for(urgent, now=None):
    hours = settings.HELP_URGENT_HOURS if urgent else settings.HELP_DELIVER_HOURS
    return (now or timezone.now()) + datetime.timedelta(hours=hours)


# --- raising ------------------------------------------------------------------------------------


@transaction.atomic
def raise_need(need, user=None, via=Need.RaisedVia.CADRE, now=None):
    """Save a new need with its time limit; a need the household raised tells the village's cadres."""
    need.area = need.household.area
    need.raised_via = Need.RaisedVia.VOLUNTEER if via == Need.RaisedVia.CADRE and need.volunteer_id else via
    if getattr(user, "is_authenticated", False):
        need.raised_by = user
    need.due_at = due_at_for(need.urgent, now)
    need.save()
    if via == Need.RaisedVia.HOUSEHOLD:
        tell_village(need)
    return need


@transaction.atomic
def save_need(need):
    """Save a correction of a need; marking it urgent (or not) moves its limit, counted from when it
    was raised, as long as it is not delivered."""
    if need.pending and need.created:
        need.due_at = due_at_for(need.urgent, need.created)
    need.save()
    return need


def village_path(need):
    return Area.path_at_level(need.area_path, Area.Level.VILLAGE) or need.area_path


def tell_village(need):
    """A household asked through its QR page: the village's officers (and the household's responsible
    cadre) read it in their inbox, each in their own language."""
    recipients = {user.pk: user for user in members_at(village_path(need), [Role.OFFICER])}
    responsible = need.household.responsible
    if responsible is not None and responsible.is_active:
        recipients[responsible.pk] = responsible
    address, kind = need.household.address, need.kind

    def title():
        return _("%(address)s asks for help: %(need)s") % {
            "address": address,
            "need": Need.Kind(kind).label,
        }

    for user in recipients.values():
        jobs.notify(user, "help_need", title, link=need.get_absolute_url())


# --- assigning ----------------------------------------------------------------------------------


def assignable_users(user):
    """Active accounts working in the assigner's area: a membership inside one of the subtrees where the
    assigner may change needs (the village's cadres for a grid worker too)."""
    paths = scope.scope_paths(user, Need.roles_by_action[Action.CHANGE])
    users = User.objects.filter(is_active=True)
    if paths is None:
        return users.filter(memberships__isnull=False).distinct()
    if not paths:
        return users.none()
    villages = {Area.path_at_level(path, Area.Level.VILLAGE) for path in paths} - {None}
    condition = scope.paths_q("memberships__area__path", paths)
    if villages:
        condition |= models.Q(memberships__area__path__in=villages)
    return users.filter(pk__in=User.objects.filter(condition).values("pk"))


def assignable_volunteers(user):
    """Approved volunteers of teams in the assigner's area."""
    paths = scope.scope_paths(user, Need.roles_by_action[Action.CHANGE])
    volunteers = Volunteer.objects.filter(status=Volunteer.Status.APPROVED)
    if paths is None:
        return volunteers
    villages = {Area.path_at_level(path, Area.Level.VILLAGE) for path in paths} - {None}
    condition = scope.paths_q("area_path", paths)
    if villages:
        condition |= models.Q(area_path__in=villages)
    return volunteers.filter(condition)


def check_assignee(user, assigned_user, volunteer):
    """One assignee, in the assigner's area; refused naming the field that chose them."""
    if (assigned_user is None) == (volunteer is None):
        raise ValidationError({"assigned_user": _("Choose a cadre or a volunteer (one of them).")})
    if assigned_user is not None and not assignable_users(user).filter(pk=assigned_user.pk).exists():
        raise ValidationError(
            {
                "assigned_user": _("%(person)s does not work in your area: choose a cadre of your area.")
                % {"person": assigned_user}
            }
        )
    if volunteer is not None and not assignable_volunteers(user).filter(pk=volunteer.pk).exists():
        raise ValidationError(
            {
                "assigned_volunteer": _(
                    "%(person)s is not an approved volunteer of your area: choose a volunteer of your area."
                )
                % {"person": volunteer}
            }
        )


def _locked(need, statuses, message):
    locked = Need.objects.select_for_update().select_related("household").filter(pk=need.pk).first()
    if locked is None or locked.status not in statuses:
        raise NeedClosed(message)
    return locked


@transaction.atomic
def assign(need, user, assigned_user=None, volunteer=None, now=None):
    """Give the need to a cadre or a volunteer of the assigner's area (again, to change hands)."""
    check_assignee(user, assigned_user, volunteer)
    locked = _locked(need, (Need.Status.OPEN, Need.Status.ASSIGNED), _("This need was delivered already."))
    locked.assigned_user, locked.assigned_volunteer = assigned_user, volunteer
    locked.assigned_by, locked.assigned_at = user, now or timezone.now()
    locked.status = Need.Status.ASSIGNED
    locked.save()
    if assigned_user is not None and assigned_user.pk != user.pk:
        address, kind = locked.household.address, locked.kind

        def title():
            return _("Deliver to %(address)s: %(need)s") % {"address": address, "need": Need.Kind(kind).label}

        jobs.notify(assigned_user, "help_assigned", title, link=locked.get_absolute_url())
    return locked


@transaction.atomic
def deliver(need, user, note, now=None):
    """Delivered (by the assignee, or a cadre for a volunteer), with a note of what was brought."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was delivered, and to whom.")})
    locked = _locked(need, (Need.Status.OPEN, Need.Status.ASSIGNED), _("This need was delivered already."))
    locked.status = Need.Status.DELIVERED
    locked.delivered_at, locked.delivered_by, locked.delivery_note = now or timezone.now(), user, note[:200]
    locked.save()
    return locked


@transaction.atomic
def confirm(need, user=None, via=Need.ConfirmedVia.CADRE, now=None):
    """The household got it: through its QR page, or a cadre confirms on their behalf."""
    locked = _locked(need, (Need.Status.DELIVERED,), _("Only a delivered need can be confirmed."))
    locked.status = Need.Status.CONFIRMED
    locked.confirmed_at, locked.confirmed_via = now or timezone.now(), via
    locked.confirmed_by = user if getattr(user, "is_authenticated", False) else None
    locked.save()
    return locked


# --- the sweep ----------------------------------------------------------------------------------


def escalate_overdue(now=None):
    """Send every need not delivered by its time up to the town, once (a conditional UPDATE per need,
    logged), with one notice per town to its officers and commanders. Returns the ids escalated."""
    now = now or timezone.now()
    escalated, by_town = [], {}
    candidates = Need.objects.overdue(now).filter(escalated_at__isnull=True)
    for need in candidates.order_by("pk").iterator(chunk_size=500):
        with transaction.atomic():
            before = snapshot(need)
            if not Need.objects.filter(pk=need.pk, escalated_at__isnull=True).update(
                escalated_at=now, last_updated=now
            ):
                continue
            need.escalated_at = now
            changelog.record(need, ChangeLogEntry.Kind.UPDATE, before)
        escalated.append(need.pk)
        town = Area.path_at_level(need.area_path, Area.Level.TOWN)
        if town:
            by_town[town] = by_town.get(town, 0) + 1
    for town, count in by_town.items():
        tell_town(town, count)
    return escalated


def tell_town(town_path, count):
    code = town_path.rsplit(".", 1)[-1]
    link = f"{reverse('community:need-list')}?status=overdue&area={code}"

    def title():
        return _("%(count)s needs of households in difficulty not delivered in time") % {"count": count}

    for user in members_at(town_path, [Role.OFFICER, Role.COMMANDER]):
        jobs.notify(user, "help_overdue", title, link=link)


@jobs.sweeper
def sweep_needs(now=None):
    """Overdue needs go up to the town."""
    return {"needs_escalated": escalate_overdue(now)}


# --- households in difficulty -------------------------------------------------------------------


def households_in_difficulty(queryset=None):
    """Households in any difficulty (stored or under observation), with ``last_visit``: the later of the
    last delivered need and the last door-to-door screening visit (dates), read in the same query."""
    queryset = Household.objects.all() if queryset is None else queryset
    delivered = (
        Need.objects.filter(household=models.OuterRef("pk"), delivered_at__isnull=False)
        .order_by("-delivered_at")
        .annotate(day=TruncDate("delivered_at"))
        .values("day")[:1]
    )
    screened = (
        ScreeningVisit.objects.filter(household=models.OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    )
    last_delivery = models.Subquery(delivered, output_field=models.DateField())
    last_screening = models.Subquery(screened, output_field=models.DateField())
    return (
        difficulties.annotate(queryset)
        .filter(difficulties.condition(difficulties.ANY))
        .annotate(last_delivery=last_delivery, last_screening=last_screening)
        .annotate(
            last_visit=Greatest(
                Coalesce("last_delivery", "last_screening"),
                Coalesce("last_screening", "last_delivery"),
                output_field=models.DateField(),
            ),
            open_need=models.Exists(Need.objects.pending().filter(household=models.OuterRef("pk"))),
        )
    )
