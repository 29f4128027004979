"""Opening, moving and ending observation episodes, and recording checks: one transaction each."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.services import ConcurrentEdit, bump_version
from fangkong.people.models import KeyPersonTag, Person

from .alerts import services as alerts
from .models import Check, Episode, Protocol, Reason
from .sites import services as sites

STALE_EPISODE = gettext_lazy("This episode was changed by someone else meanwhile: read it again before saving.")
KEY_REUSED = gettext_lazy("A different check was already saved under this key; it is not overwritten.")
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = datetime.timedelta(minutes=5)


def suggested_reason(person):
    """The reason an episode would be opened for, from the person's key-person categories and status."""
    codes = person.tag_codes()
    if KeyPersonTag.CLOSE_CONTACT in codes:
        return Reason.CLOSE_CONTACT
    if KeyPersonTag.FROM_RISK_AREA in codes:
        return Reason.RISK_AREA_ARRIVAL
    if person.status.fever:
        return Reason.FEVER_EXCLUDED
    return Reason.OTHER


def suggested_start(person):
    """The person's last arrival date, or today."""
    arrival = person.arrivals.order_by("-arrived_on").first()
    return arrival.arrived_on if arrival else timezone.localdate()


def open_episode(episode, user):
    """Open an observation: the protocol in force at the start sets the planned end (the person is
    under observation while it is open, core.person_status). A person has one open episode at a time.
    A centralised one takes a bed in its site (and room), refused when it is full."""
    person = episode.person
    protocol = Protocol.in_force(episode.start_on)
    if protocol is None:
        raise ValidationError({"start_on": _("No observation protocol is in force on this date.")})
    if episode.start_on > timezone.localdate():
        raise ValidationError({"start_on": _("An observation cannot start in the future.")})
    if Episode.objects.open().filter(person=person).exists():
        raise ValidationError(
            {"person": _("%(name)s is already under observation: end that episode first.") % {"name": person}}
        )
    sites.check_placement(episode.kind, episode.site, episode.room)
    episode.protocol = protocol
    episode.planned_end_on = episode.start_on + datetime.timedelta(days=protocol.days_for(episode.reason))
    episode.area = person.area
    episode.opened_by = user if user and user.is_authenticated else None
    try:
        with transaction.atomic():
            if episode.site is not None:
                sites.take_bed(episode.site, episode.room)  # the site stays locked until the episode is saved
            episode.save()
    except IntegrityError as error:  # opened by someone else a moment ago
        raise ValidationError(
            {"person": _("%(name)s is already under observation: end that episode first.") % {"name": person}}
        ) from error
    return episode


def last_check(episode):
    return episode.checks.order_by("-taken_at", "-id").first()


@transaction.atomic
def release(episode, expected_version=None, today=None):
    """End the observation on or after its planned end, unless the last check was a fever."""
    today = today or timezone.localdate()
    bump_version(episode, expected_version, STALE_EPISODE)  # first: a refusal below rolls it back
    if episode.ended_on:
        raise ValidationError(_("This observation has ended already."))
    if today < episode.planned_end_on:
        raise ValidationError(
            _("This observation cannot be released before its planned end (%(date)s).")
            % {"date": episode.planned_end_on.isoformat()}
        )
    last = last_check(episode)
    if last is not None and last.is_fever:
        raise ValidationError(_("The last check was a fever: this observation cannot be released."))
    episode.ended_on, episode.outcome = today, Episode.Outcome.RELEASED
    episode.save()
    return episode


@transaction.atomic
def move_end(episode, planned_end_on, reason, expected_version=None):
    """Extend or shorten an open observation, saying why (the change log keeps the reason)."""
    bump_version(episode, expected_version, STALE_EPISODE)  # first: a refusal below rolls it back
    if episode.ended_on:
        raise ValidationError(_("This observation has ended already."))
    if not reason.strip():
        raise ValidationError({"end_change_reason": _("Say why the end is moved.")})
    if planned_end_on <= episode.start_on:
        raise ValidationError({"planned_end_on": _("The end must come after the start.")})
    episode.planned_end_on, episode.end_change_reason = planned_end_on, reason.strip()
    episode.save()
    return episode


class _PersonWithEpisodes:
    """The statement behind ``person_with_episodes``, written once from the models' fields (with the
    converters the ORM would apply to each column): the ORM's query building (select_related over
    four tables) was the largest piece of a check's own time (docs/benchmarks.md, "Check submission
    over HTTP")."""

    def __init__(self):
        from fangkong.areas.models import Area

        quote = connection.ops.quote_name
        self.models, columns = [], []
        for model, alias in [(Episode, "e"), (Person, "p"), (Area, "a"), (Protocol, "r")]:
            fields = model._meta.concrete_fields
            converters = []  # (the column's converters, the column): as the ORM's compiler calls them
            for field in fields:
                column = field.get_col(model._meta.db_table)
                functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                converters.append((functions, column))
            self.models.append((model, [field.attname for field in fields], converters))
            columns += [f"{alias}.{quote(field.column)}" for field in fields]
        table = {model: quote(model._meta.db_table) for model, _names, _converters in self.models}
        self.sql = (
            f"SELECT {', '.join(columns)} FROM {table[Episode]} e"
            f" JOIN {table[Person]} p ON p.id = e.person_id JOIN {table[Area]} a ON a.id = p.area_id"
            f" JOIN {table[Protocol]} r ON r.id = e.protocol_id"
            " WHERE e.person_id = %s ORDER BY e.start_on DESC, e.id DESC"
        )

    def read(self, person_id):
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [person_id])
            rows = cursor.fetchall()
        episodes, person = [], None
        for row in rows:
            objects, start = [], 0
            for model, names, converters in self.models:
                converted = []
                for (functions, column), value in zip(converters, row[start : start + len(names)], strict=True):
                    for function in functions:
                        value = function(value, column, connection)
                    converted.append(value)
                objects.append(model.from_db(connection.alias, names, converted))
                start += len(names)
            episode, row_person, area, protocol = objects
            if person is None:
                person = row_person
                person.area = area
            episode.person, episode.protocol = person, protocol
            episodes.append(episode)
        if person is not None:
            person.episodes_read = episodes
        return person


_person_with_episodes = None


def person_with_episodes(person_id):
    """The person (with their area) and ``person.episodes_read``: all their episodes, newest first,
    each with its protocol, in one statement; None for someone with no episode (or no such person).
    Not scoped: the caller asks the scope of the person's path."""
    global _person_with_episodes
    if _person_with_episodes is None:
        _person_with_episodes = _PersonWithEpisodes()
    return _person_with_episodes.read(person_id)


def episode_for_check(person, taken_on, today=None):
    """The episode a check of the person on that date belongs to; refused when there is none, or it
    ended more than the back-fill window ago. Taken from ``person.episodes_read`` (all of theirs,
    newest first, with their protocols) when the person was read with them (the API's check), else
    read here."""
    today = today or timezone.localdate()
    episodes = getattr(person, "episodes_read", None)
    if episodes is not None:
        episode = next((episode for episode in episodes if episode.start_on <= taken_on), None)
    else:
        episode = (
            Episode.objects.filter(person=person, start_on__lte=taken_on)
            .select_related("protocol")
            .order_by("-start_on", "-id")
            .first()
        )
    if episode is None:
        raise ValidationError({"person": _("%(name)s is not under observation.") % {"name": person}})
    if episode.ended_on and episode.ended_on < today - datetime.timedelta(days=episode.protocol.backfill_days):
        raise ValidationError(
            {
                "person": _("The observation of %(name)s ended on %(date)s: too long ago to add a check.")
                % {"name": person, "date": episode.ended_on.isoformat()}
            }
        )
    return episode


def prepare_check(check, now=None):
    """Fill in the check's episode, area, date, window and fever flag; refuse a time in the future
    or older than the protocol's back-fill window."""
    now = now or timezone.now()
    if check.taken_at > now + CLOCK_SKEW:
        raise ValidationError({"taken_at": _("A check cannot be taken in the future.")})
    local = timezone.localtime(check.taken_at)
    check.taken_on = local.date()
    check.episode = episode_for_check(check.person, check.taken_on, timezone.localdate(now))
    protocol = check.episode.protocol
    if check.taken_on < timezone.localdate(now) - datetime.timedelta(days=protocol.backfill_days):
        raise ValidationError(
            {
                "taken_at": _("This check is older than the back-fill window (%(days)d days).")
                % {"days": protocol.backfill_days}
            }
        )
    known = {code for code, _name in protocol.symptom_choices()}
    unknown = sorted(set(check.symptoms) - known)
    if unknown:
        raise ValidationError({"symptoms": _("Unknown symptom: %(codes)s.") % {"codes": ", ".join(unknown)}})
    check.symptoms = sorted(set(check.symptoms))
    check.window = protocol.window_of(local.time())
    check.is_fever = protocol.is_fever(check.temperature, check.symptoms)
    check.area = check.person.area
    return check


def same_content(check, other):
    fields = ("person_id", "taken_at", "temperature", "symptoms", "source")
    return all(getattr(check, name) == getattr(other, name) for name in fields)


class KeyReused(ConcurrentEdit):
    """The key names a check with other content: the API answers 409 naming ``key``; nothing is overwritten."""

    field = "key"


def record_check(check, user):
    """Save a check once: a resent one (same key, same content) returns the saved check and False;
    the same key with other content is refused. A fever makes the person red until ruled out
    (core.person_status); a fever or a symptom raises an alert in the same transaction.

    A new key is the common case (a resend is a phone that lost an answer), so the check is prepared
    and inserted straight away, and the key is looked up only when that fails: a refusal of a key
    saved before still answers with the saved check, as the unique key's violation does."""
    try:
        prepare_check(check)
    except ValidationError:
        existing = Check.objects.filter(key=check.key).first()
        if existing is None:
            raise
        return resent(check, existing)
    check.recorded_by = user if user and user.is_authenticated else None
    try:
        with transaction.atomic():
            check.save()
            alerts.raise_for_check(check)
    except IntegrityError:
        existing = Check.objects.filter(key=check.key).first()
        if existing is None:  # not the key: nothing to answer with
            raise
        return resent(check, existing)
    return check, True


def resent(check, existing):
    """The saved check and False if ``check`` is the same one sent again; refused if its content differs."""
    check.symptoms = sorted(set(check.symptoms))
    if not same_content(check, existing):
        raise KeyReused(KEY_REUSED, code="key_reused")
    return existing, False
