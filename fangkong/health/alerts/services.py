"""Raising, telling, escalating, acknowledging and resolving alerts; delivering them outside the app.

Every change of an alert is one conditional UPDATE (``_change_if``) in the same transaction as the
notices it sends: two sweeps at once, or a sweep again after a restart, find the alert changed
already and send nothing; a crash before the commit leaves neither the change nor its notices.
"""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.areas.models import Area
from fangkong.core import changelog, jobs
from fangkong.core.models import ChangeLogEntry
from fangkong.core.roles import Role
from fangkong.core.rows import DecidedRows

from ..models import Check, Episode, Protocol
from . import channels
from .models import Alert, AlertDelivery, AlertPreference

logger = logging.getLogger(__name__)
Level = Alert.Level
NEXT_LEVEL = {Level.VILLAGE: Level.TOWN, Level.TOWN: Level.COUNTY}
# Who is told at each level above the village: the officers and commanders of that area.
LEVEL_AREA = {Level.TOWN: Area.Level.TOWN, Level.COUNTY: Area.Level.COUNTY}
# A delivery that failed waits RETRY_SECONDS, doubled after each attempt; one being sent is given
# SENDING_LEASE to finish before a sweep takes it as lost.
RETRY_SECONDS = 60
SENDING_LEASE = datetime.timedelta(minutes=5)


class AlertClosed(Exception):
    """The alert was acknowledged or resolved meanwhile (the message says so)."""


# --- who is told -------------------------------------------------------------------------------


def members_at(path, roles):
    """The active users holding one of the roles on the area at ``path`` itself."""
    return list(
        User.objects.filter(is_active=True, memberships__area__path=path, memberships__role__in=roles)
        .distinct()
        .order_by("pk")
    )


def recipients(alert, level):
    """The users told of the alert at the level, without repeats.

    A fever or a symptom: the person's doctor (without one, the village's doctors) and the officers of
    the person's village, then the officers and commanders of the town, then of the county. A missed check: the person's
    responsible cadre, else the grid workers of the person's grid.
    """
    person = alert.person
    if person is None and level == Level.VILLAGE:  # seen elsewhere, bound for a village
        village = Area.path_at_level(alert.area_path, Area.Level.VILLAGE)
        return members_at(village, [Role.DOCTOR, Role.OFFICER])
    if alert.kind == Alert.Kind.MISSED_CHECK:
        if person.responsible_id and person.responsible.is_active:
            return [person.responsible]
        return members_at(Area.path_at_level(alert.area_path, Area.Level.GRID), [Role.GRID_WORKER])
    if level == Level.VILLAGE:
        village = Area.path_at_level(alert.area_path, Area.Level.VILLAGE)
        assigned = person.doctor_id and person.doctor.is_active
        # Nobody assigned yet (a new arrival): no fever waits for an assignment.
        users = [person.doctor] if assigned else members_at(village, [Role.DOCTOR])
        users += members_at(village, [Role.OFFICER])
    else:
        users = members_at(Area.path_at_level(alert.area_path, LEVEL_AREA[level]), [Role.OFFICER, Role.COMMANDER])
    return list({user.pk: user for user in users}.values())


def describe(alert):
    """The alert in one line, as the inbox and the outside channels show it."""
    values = {"name": alert.subject, "area": alert.area.label()}
    check = alert.source_check
    if check is None and alert.place:
        text = _("Fever at %(place)s: %(name)s, %(temperature)s °C") % {
            **values,
            "place": alert.place,
            "temperature": alert.temperature,
        }
    elif alert.kind == Alert.Kind.FEVER:
        text = _("Fever: %(name)s, %(temperature)s °C (%(area)s)") % {**values, "temperature": check.temperature}
    elif alert.kind == Alert.Kind.SYMPTOM:
        names = "、".join(alert.episode.protocol.symptom_names(check.symptoms))
        text = _("Symptoms: %(name)s, %(symptoms)s (%(area)s)") % {**values, "symptoms": names}
    else:
        text = _("Missed check: %(name)s (%(area)s)") % values
    if alert.level != alert.first_level:
        text = _("Not acknowledged, now with the %(level)s: %(alert)s") % {
            "level": alert.get_level_display(),
            "alert": text,
        }
    return text


def tell(alert, level):
    """An inbox notice to everyone told at the level, each in their own language, and a delivery
    through every channel in use for those who want this kind outside the app; the deliveries go once
    the transaction commits."""
    link = alert.get_absolute_url()
    names = channels.enabled()
    deliveries = []
    for user in recipients(alert, level):
        jobs.notify(user, "alert", lambda: describe(alert), link=link)
        if AlertPreference.wants(user, alert.kind):
            deliveries += [AlertDelivery(alert=alert, level=level, channel=name, recipient=user) for name in names]
    AlertDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    pending = AlertDelivery.objects.filter(alert=alert, level=level, status=AlertDelivery.Status.PENDING)
    ids = list(pending.values_list("pk", flat=True))
    if ids:
        transaction.on_commit(lambda: dispatch(ids))


# --- raising -----------------------------------------------------------------------------------


def raise_alert(key, kind, person, episode=None, check=None, now=None):
    """The alert under ``key``, raised and told at the village level; None if it was raised before."""
    alert = Alert(
        key=key,
        kind=kind,
        person=person,
        episode=episode,
        source_check=check,
        area=person.area,
        raised_at=now or timezone.now(),
    )
    return _raise(alert)


def raise_at_place(key, kind, area, name, place, link="", temperature=None, protocol=None, now=None):
    """An alert on someone not in the register (a traveller at a checkpoint), filed under the area
    where they were seen and told from that area's level: a town's officers and commanders, then,
    unacknowledged within the ``protocol``'s limit, the county's. None if raised before."""
    alert = Alert(
        key=key,
        kind=kind,
        area=area,
        name=name[:50],
        place=place[:200],
        link=link[:200],
        temperature=temperature,
        protocol=protocol,
        raised_at=now or timezone.now(),
    )
    alert.level = alert.first_level
    return _raise(alert)


def _raise(alert):
    if Alert.objects.filter(key=alert.key).exists():
        return None
    try:
        with transaction.atomic():
            alert.save()
            tell(alert, alert.level)
    except IntegrityError:  # raised by another process a moment ago
        return None
    return alert


def raise_for_check(check):
    """A check with a fever or a listed symptom raises an alert at once (call inside its transaction)."""
    if check.is_fever:
        kind = Alert.Kind.FEVER
    elif check.symptoms:
        kind = Alert.Kind.SYMPTOM
    else:
        return None
    return raise_alert(f"check:{check.pk}", kind, check.person, check.episode, check)


# --- acting on an alert ------------------------------------------------------------------------


def _change_if(alert, condition, **values):
    """Change the alert if it is still as ``condition`` says (one UPDATE), logged; True if it was."""
    before = alert.loaded_snapshot()
    if not Alert.objects.filter(pk=alert.pk).filter(condition).update(**values, last_updated=timezone.now()):
        return False
    for name, value in values.items():
        setattr(alert, name, value)
    changelog.record(alert, ChangeLogEntry.Kind.UPDATE, before)
    return True


@transaction.atomic
def acknowledge(alert, user, note=""):
    """被确认: someone in charge has seen it; it goes no higher."""
    values = {"status": Alert.Status.ACKNOWLEDGED, "acknowledged_by": user, "acknowledged_at": timezone.now()}
    if note.strip():
        values["note"] = note.strip()
    if not _change_if(alert, models.Q(status=Alert.Status.OPEN), **values):
        raise AlertClosed(_("This alert was acknowledged or resolved already."))
    return alert


@transaction.atomic
def resolve(alert, user, note=""):
    """Resolved, open or acknowledged, with what was done."""
    values = {"status": Alert.Status.RESOLVED, "resolved_by": user, "resolved_at": timezone.now()}
    if note.strip():
        values["note"] = note.strip()
    if not _change_if(alert, ~models.Q(status=Alert.Status.RESOLVED), **values):
        raise AlertClosed(_("This alert was resolved already."))
    return alert


# --- the sweep: escalation and missed checks ---------------------------------------------------


def due_for_escalation(now=None):
    """Open fever and symptom alerts below the county whose level was not acknowledged within the
    protocol's limit, counted from when they reached it."""
    now = now or timezone.now()
    since = Coalesce("escalated_at", "raised_at")
    within = Coalesce("episode__protocol__acknowledge_within", "protocol__acknowledge_within")
    deadline = models.ExpressionWrapper(since + within, output_field=models.DateTimeField())
    return (
        Alert.objects.filter(
            models.Q(episode__isnull=False) | models.Q(protocol__isnull=False),
            status=Alert.Status.OPEN,
            level__in=list(NEXT_LEVEL),
            kind__in=[Alert.Kind.FEVER, Alert.Kind.SYMPTOM],
        )
        .annotate(deadline=deadline)
        .filter(deadline__lte=now)
        .select_related("person", "area", "episode__protocol", "source_check")
    )


def escalate(alert, now=None):
    """Raise the alert one level and tell that level, in one transaction; False if someone else did,
    or it was acknowledged, meanwhile."""
    now = now or timezone.now()
    with transaction.atomic():
        level = NEXT_LEVEL[alert.level]
        condition = models.Q(status=Alert.Status.OPEN, level=alert.level)
        if not _change_if(alert, condition, level=level, escalated_at=now):
            return False
        tell(alert, level)
    return True


def missed_checks(episodes, now=None):
    """(episode, window) for each person under observation whose check window closed today without a
    check, by area, name and episode. ``episodes`` is an Episode queryset (the caller's scope).

    A ``DecidedRows`` (core/rows.py): the missed windows are decided from plain values of every open
    episode (one query, and one for their protocols); a page reads only its own episodes, each with
    its whole person (the sweep's alerts need the person's cadre and doctor) and area."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    done = Check.objects.filter(episode=models.OuterRef("pk"), taken_on=today)
    candidates = list(
        episodes.open()
        .filter(start_on__lte=today)
        .annotate(
            morning_done=models.Exists(done.filter(window=Check.Window.MORNING)),
            evening_done=models.Exists(done.filter(window=Check.Window.EVENING)),
        )
        .order_by("area_path", "person__name", "pk")
        .values_list("pk", "protocol_id", "morning_done", "evening_done")
    )
    protocols = Protocol.objects.in_bulk({protocol for _pk, protocol, _m, _e in candidates})
    decided = []
    for pk, protocol_id, morning_done, evening_done in candidates:
        protocol = protocols[protocol_id]
        for window, until, checked in (
            (Check.Window.MORNING, protocol.morning_until, morning_done),
            (Check.Window.EVENING, protocol.evening_until, evening_done),
        ):
            if now.time() >= until and not checked:
                decided.append((pk, (protocol, window)))

    def read(pks):
        return Episode.objects.filter(pk__in=pks).order_by().select_related("person", "area__parent")

    def build(episode, payload):
        episode.protocol, window = payload
        return episode, window

    return DecidedRows(decided, read, build)


def raise_missed_checks(now=None):
    """A soft alert for every window missed today, once per window. Returns the alerts raised."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    raised = []
    for episode, window in missed_checks(Episode.objects.all(), now):
        key = f"missed:{episode.pk}:{today.isoformat()}:{window}"
        alert = raise_alert(key, Alert.Kind.MISSED_CHECK, episode.person, episode, now=now)
        if alert:
            raised.append(alert)
    return raised


@jobs.sweeper
def sweep(now=None):
    """Escalate what is due, raise today's missed checks, and retry deliveries that are due."""
    now = now or timezone.now()
    escalated = [alert.pk for alert in due_for_escalation(now) if escalate(alert, now)]
    raised = raise_missed_checks(now)
    retried = retry_deliveries(now)
    return {"escalated": escalated, "missed": [alert.pk for alert in raised], "retried": retried}


# --- delivery outside the app ------------------------------------------------------------------


def dispatch(ids):
    """Hand the deliveries to the background: a Celery task each with REDIS_URL, else a thread."""
    if settings.JOBS_BACKEND == "celery":
        from .tasks import deliver_alert

        for pk in ids:
            deliver_alert.delay(pk)
        return
    for pk in ids:
        jobs.threads.call(deliver, pk)


def _due(now):
    waiting = models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now)
    return models.Q(status__in=[AlertDelivery.Status.PENDING, AlertDelivery.Status.SENDING]) & waiting


def retry_deliveries(now=None):
    """Hand on the deliveries whose retry time came, or whose sender was lost. Returns their ids."""
    ids = list(AlertDelivery.objects.filter(_due(now or timezone.now())).values_list("pk", flat=True))
    if ids:
        dispatch(ids)
    return ids


def deliver(delivery_id, now=None):
    """Send one delivery if it is due and nobody else is sending it; a failure is retried later, up
    to ALERTS_DELIVERY_ATTEMPTS. A sent delivery is never sent again. Returns its status."""
    now = now or timezone.now()
    claimed = AlertDelivery.objects.filter(_due(now), pk=delivery_id).update(
        status=AlertDelivery.Status.SENDING, attempts=models.F("attempts") + 1, next_attempt_at=now + SENDING_LEASE
    )
    delivery = AlertDelivery.objects.select_related(
        "recipient", "alert__person", "alert__area", "alert__episode__protocol", "alert__source_check"
    ).get(pk=delivery_id)
    if not claimed:
        return delivery.status
    alert = delivery.alert
    alert.level = delivery.level
    with jobs.in_language_of(delivery.recipient):  # the recipient's, not the sender's
        text = describe(alert)
    try:
        channels.CHANNELS[delivery.channel](delivery.recipient, text)
    except Exception as error:  # any failure of the channel is recorded and retried
        logger.warning("alert delivery %s through %s failed: %s", delivery.pk, delivery.channel, error)
        delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
        if delivery.attempts >= settings.ALERTS_DELIVERY_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = AlertDelivery.Status.FAILED, None
        else:
            delivery.status = AlertDelivery.Status.PENDING
            delivery.next_attempt_at = now + datetime.timedelta(seconds=RETRY_SECONDS * 2 ** (delivery.attempts - 1))
    else:
        delivery.status, delivery.sent_at, delivery.next_attempt_at = AlertDelivery.Status.SENT, now, None
    delivery.save(update_fields=["status", "last_error", "next_attempt_at", "sent_at"])
    return delivery.status
