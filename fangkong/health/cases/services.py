"""Transfers, cases and their classification, close contacts and their observation: one transaction each."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import Membership
from fangkong.areas.models import Area
from fangkong.core import jobs, scope
from fangkong.core.roles import Action, Role
from fangkong.core.validators import id_number_facts
from fangkong.people import services as people
from fangkong.people.models import KeyPersonTag, Person
from fangkong.people.services.identity import find_by_id_number, registered_elsewhere, registered_to

from .. import services as observation
from ..models import Episode, Protocol, Reason
from .models import INITIAL_CLASSIFICATIONS, Case, CaseEvent, Classification, Contact, Disinfection, Sample, Transfer


def _actor(user):
    return user if user and user.is_authenticated else None


@transaction.atomic
def transfer(record, user):
    """Take a person to a facility: their open observation ends, transferred, on the day of the transfer."""
    if record.transferred_at > timezone.now() + observation.CLOCK_SKEW:
        raise ValidationError({"transferred_at": _("A transfer cannot be in the future.")})
    person = record.person
    record.area = person.area
    record.transferred_by = _actor(user)
    episode = Episode.objects.open().filter(person=person).first()
    if episode is not None:
        episode.ended_on = max(timezone.localtime(record.transferred_at).date(), episode.start_on)
        episode.outcome = Episode.Outcome.TRANSFERRED
        episode.save()
        record.episode = episode
    record.save()
    return record


@transaction.atomic
def record_result(record, result, user):
    """The facility's finding on a transferred person."""
    if result not in Transfer.Result.values:
        raise ValidationError({"result": _("Pick a result.")})
    record.result, record.result_at, record.result_by = result, timezone.now(), _actor(user)
    record.save()
    return record


@transaction.atomic
def report_case(case, user):
    """Report a case; its first classification opens the timeline."""
    if case.classification not in INITIAL_CLASSIFICATIONS:
        raise ValidationError(
            {"classification": _("A case is reported as suspected, confirmed or an asymptomatic infection.")}
        )
    now = timezone.now() + observation.CLOCK_SKEW
    if case.reported_at > now or case.diagnosed_at > now:
        raise ValidationError({"reported_at": _("A case cannot be reported or diagnosed in the future.")})
    if case.reported_at < case.diagnosed_at:
        raise ValidationError({"reported_at": _("A case is reported after it is diagnosed.")})
    if case.onset_on and case.onset_on > timezone.localtime(case.diagnosed_at).date():
        raise ValidationError({"onset_on": _("The onset comes before the diagnosis.")})
    case.area = case.person.area
    case.reported_by = _actor(user)
    if case.classification == Classification.CONFIRMED:
        case.confirmed_at = case.diagnosed_at
    case.save()
    CaseEvent.objects.create(case=case, to_classification=case.classification, at=case.reported_at, by=_actor(user))
    return case


@transaction.atomic
def classify(case, classification, user, at=None):
    """Change a case's classification, only along the allowed steps; each step joins the timeline."""
    at = at or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    allowed = case.next_classifications()
    if classification not in allowed:
        labels = "、".join(str(Classification(value).label) for value in allowed)
        message = (
            _("A %(from)s cannot become %(to)s; it may become: %(allowed)s.")
            if allowed
            else _("A %(from)s cannot become %(to)s: this classification is final.")
        )
        raise ValidationError(
            {
                "classification": message
                % {
                    "from": case.get_classification_display(),
                    "to": Classification(classification).label if classification in Classification.values else "?",
                    "allowed": labels,
                }
            }
        )
    CaseEvent.objects.create(
        case=case, from_classification=case.classification, to_classification=classification, at=at, by=_actor(user)
    )
    case.classification = classification
    if classification == Classification.CONFIRMED:
        case.confirmed_at = at
    case.save()
    return case


def village_of(area):
    return area.parent if area.level == Area.Level.GRID else area


@transaction.atomic
def record_contact(contact, user, today=None):
    """Record a close contact and observe them in their own village: the observation runs from the
    last contact to the protocol's close-contact days after it. A person already under observation
    keeps their episode (and its start); a later end moves its planned end. The village's officers
    are told in their inbox."""
    today = today or timezone.localdate()
    if contact.last_contact_on > today:
        raise ValidationError({"last_contact_on": _("The last contact cannot be in the future.")})
    if contact.source_case_id and contact.source_case.person_id == contact.person_id:
        raise ValidationError({"person": _("A case is not their own contact.")})
    if contact.source_person_id == contact.person_id:
        raise ValidationError({"person": _("A person is not their own contact.")})
    protocol = Protocol.in_force(contact.last_contact_on)
    if protocol is None:
        raise ValidationError({"last_contact_on": _("No observation protocol is in force on this date.")})
    person = contact.person
    end = contact.last_contact_on + datetime.timedelta(days=protocol.days_close_contact)
    episode = Episode.objects.open().filter(person=person).first()
    if episode is None:
        episode = observation.open_episode(
            Episode(person=person, reason=Reason.CLOSE_CONTACT, start_on=contact.last_contact_on), user
        )
    elif end > episode.planned_end_on:
        observation.move_end(
            episode,
            end,
            _("close contact on %(date)s") % {"date": contact.last_contact_on.isoformat()},
        )
    people.add_tags(person, KeyPersonTag.CLOSE_CONTACT)
    contact.episode = episode
    contact.area = person.area
    contact.recorded_by = _actor(user)
    contact.save()
    tell_village(contact)
    return contact


def tell_village(contact):
    village = village_of(contact.person.area)

    def title():  # in each officer's language
        return _("Close contact to observe: %(name)s, last contact %(date)s, observed until %(end)s") % {
            "name": contact.person,
            "date": contact.last_contact_on.isoformat(),
            "end": contact.episode.planned_end_on.isoformat(),
        }

    link = reverse("health:episode", args=[contact.episode_id])
    officers = Membership.objects.filter(role=Role.OFFICER, area=village, user__is_active=True).select_related("user")
    for user in {membership.user for membership in officers}:
        jobs.notify(user, "close-contact", title, link)


@transaction.atomic
def person_for_contact(user, name, area, id_number="", phone=""):
    """The contact to record when they are not picked from the register: the person registered under
    the ID number if the user may see them, else a new person in the given village or grid.

    Whoever may record a contact there registers the new person with it: the county's CDC, who
    registers nobody otherwise, traces contacts that are in no register yet."""
    if id_number:
        existing = find_by_id_number(id_number, user, field="id_number")
        if existing is not None:
            if not existing.visible:
                raise ValidationError({"id_number": registered_elsewhere(existing.person)})
            if name and existing.person.name != name:
                raise ValidationError({"name": registered_to(existing.person, name)})
            return existing.person
    if not scope.can(user, Action.ADD, Contact, area.path):
        raise ValidationError({"area": _("You cannot register people in this area.")})
    person = Person(area=area, name=name, phone=phone)
    if id_number:
        person.id_number = id_number
        person.sex, person.birth_date = id_number_facts(id_number)
    person.save()
    return person


def _not_after_today(value, field, today=None):
    if value > (today or timezone.localdate()):
        raise ValidationError({field: _("This date cannot be in the future.")})


@transaction.atomic
def may_enter_results(user, person):
    """Whether the user enters test results of the person: doctors and CDC (and managers) do; grid
    workers record only that a sample was taken."""
    return scope.can(user, Action.CHANGE, Sample, person.area_path)


def check_result_entry(user, sample):
    """Refuses a result from someone who may only record the sampling (a grid worker's new test)."""
    if sample.result != Sample.Result.PENDING and not may_enter_results(user, sample.person):
        raise ValidationError(
            {"result": _("You record that the sample was taken; the village doctor or the CDC enters its result.")}
        )


def save_sample(sample):
    """A nucleic-acid test, linked to the person's open observation when there is one; a result
    other than pending needs its date, on or after the sampling."""
    _not_after_today(sample.taken_on, "taken_on")
    if sample.result == Sample.Result.PENDING:
        sample.result_on = None
    elif sample.result_on is None:
        raise ValidationError({"result_on": _("Give the date of the result.")})
    elif sample.result_on < sample.taken_on:
        raise ValidationError({"result_on": _("The result comes on or after the sampling.")})
    else:
        _not_after_today(sample.result_on, "result_on")
    if sample.pk is None:
        sample.episode = Episode.objects.open().filter(person=sample.person).first()
    sample.area = sample.person.area
    sample.save()
    return sample


@transaction.atomic
def record_disinfection(disinfection):
    """Disinfection of a home observation's dwelling: the person's household, filed where the episode is.
    One record per episode and day: when the day's is recorded already (a second tap, a resend), that
    one is returned unchanged."""
    episode = disinfection.episode
    if episode.kind != Episode.Kind.HOME:
        raise ValidationError({"episode": _("Only a home observation's dwelling is disinfected here.")})
    _not_after_today(disinfection.done_on, "done_on")
    if disinfection.done_on < episode.start_on:
        raise ValidationError({"done_on": _("The disinfection comes after the observation starts.")})
    recorded = Disinfection.objects.filter(episode=episode, done_on=disinfection.done_on).first()
    if recorded is not None:
        return recorded
    disinfection.household = episode.person.household
    disinfection.area = episode.area
    try:
        with transaction.atomic():
            disinfection.save()
    except IntegrityError:  # recorded by another request a moment ago
        return Disinfection.objects.get(episode=episode, done_on=disinfection.done_on)
    return disinfection


def _still_open(episode):
    if episode.ended_on:
        raise ValidationError({"episode": _("This observation has ended.")})


def disinfect_today(episode, user, today=None):
    """Today's disinfection of the dwelling, in one tap from today's work, done by the user: (the day's
    record, whether this call made it)."""
    _still_open(episode)
    candidate = Disinfection(episode=episode, done_on=today or timezone.localdate(), done_by=str(user)[:100])
    record = record_disinfection(candidate)
    return record, record is candidate


@transaction.atomic
def sample_today(episode, today=None):
    """A nucleic-acid sample of the person taken today, in one tap from today's work: (the sample,
    whether this call recorded it). A sample of the person taken today already is returned as it is."""
    today = today or timezone.localdate()
    # Two taps at once wait for each other here, so that the second finds the first one's sample.
    episode = Episode.objects.select_for_update().select_related("person").get(pk=episode.pk)
    _still_open(episode)
    taken = Sample.objects.filter(person=episode.person_id, taken_on=today).order_by("pk").first()
    if taken is not None:
        return taken, False
    return save_sample(Sample(person=episode.person, taken_on=today)), True
