"""The one derivation of a person's status from the records (registered in ``core.person_status``).

Red, with the first reason that holds:
  1. an open case: suspected, confirmed or asymptomatic (not excluded, recovered or died);
  2. a fever check not ruled out: taken in the open episode, or in one that ended by a transfer,
     with no transfer recorded "infection excluded" and no case recorded or reclassified since;
  3. a fever reported to the register (at arrival, or by a screening visit) not ruled out: no check
     taken since (the observation measured them), no transfer excluded, no case since.
Yellow: 4. under observation (an open episode); 5. flagged from a risk area or as a close contact,
with no episode started on or after their last arrival (awaiting observation).
Green otherwise.

Every part is an EXISTS (filters) or a one-row subquery (the reason on a list's page) on an indexed
column (the person's foreign key first), so filtering two million persons by colour is a semi-join.
"""

import datetime

from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from fangkong.core.person_status import Status
from fangkong.people.models import Arrival, KeyPersonTag, Person, ScreeningVisit

from .cases.models import Case, Classification, Transfer
from .models import Check, Episode

OPEN_CLASSIFICATIONS = (Classification.SUSPECTED, Classification.CONFIRMED, Classification.ASYMPTOMATIC)
FLAGS = (KeyPersonTag.FROM_RISK_AREA, KeyPersonTag.CLOSE_CONTACT)
# The person of the row two levels up: the subqueries below sit inside one on a person's records.
PERSON = OuterRef(OuterRef("pk"))

REASONS = {
    "case": _("Open case: %(what)s"),
    "fever_check": _("Fever at the check of %(date)s, not ruled out"),
    "fever_reported": _("Fever reported on %(date)s (arrival or screening), not checked since"),
    "under_observation": _("Under observation until %(date)s"),
    "awaiting_observation": _("From a risk area or a close contact, not under observation yet"),
    "green": _("No open case, fever or observation"),
}


def _ruled_out(moment, dated, checked_since=False):
    """A fever at the outer row's ``moment`` is ruled out by a later transfer found "excluded" or a
    case recorded or reclassified since (its classification decides from then); a reported one also
    by a check taken since."""
    since = "__date__gte" if dated else "__gte"
    excluded = Transfer.objects.filter(
        person=PERSON, result=Transfer.Result.EXCLUDED, **{f"transferred_at{since}": OuterRef(moment)}
    )
    cases = Case.objects.filter(person=PERSON, **{f"last_updated{since}": OuterRef(moment)})
    ruled_out = Exists(excluded) | Exists(cases)
    if checked_since:
        ruled_out |= Exists(Check.objects.filter(person=PERSON, taken_on__gte=OuterRef(moment)))
    return ruled_out


def open_cases():
    return Case.objects.filter(person=OuterRef("pk"), classification__in=OPEN_CLASSIFICATIONS)


def fever_checks():
    in_episode = Q(episode__ended_on__isnull=True) | Q(episode__outcome=Episode.Outcome.TRANSFERRED)
    return Check.objects.filter(in_episode, person=OuterRef("pk"), is_fever=True).exclude(
        _ruled_out("taken_at", dated=False)
    )


def arrival_fevers():
    return Arrival.objects.filter(person=OuterRef("pk"), fever=True).exclude(
        _ruled_out("arrived_on", dated=True, checked_since=True)
    )


def visit_fevers():
    return ScreeningVisit.objects.filter(fever_members=OuterRef("pk")).exclude(
        _ruled_out("visited_on", dated=True, checked_since=True)
    )


def open_episodes():
    return Episode.objects.filter(person=OuterRef("pk"), ended_on__isnull=True)


def awaiting_observation():
    """Flagged from a risk area or as a close contact, and no episode started on or after the last
    arrival (any episode, for someone who never arrived). The flag carries no date: someone flagged
    again after an observation ended is observed again by opening a new one."""
    flagged = Person.tags.through.objects.filter(person=OuterRef("pk"), keypersontag__code__in=FLAGS)
    last_arrival = Arrival.objects.filter(person=PERSON).order_by("-arrived_on").values("arrived_on")[:1]
    observed = Episode.objects.filter(
        person=OuterRef("pk"), start_on__gte=Coalesce(Subquery(last_arrival), Value(datetime.date.min))
    )
    return Exists(flagged) & ~Exists(observed)


def _first(queryset, field, order):
    return Subquery(queryset.order_by(order).values(field)[:1])


class HealthStatus:
    """The provider ``core.person_status`` calls."""

    fields = (
        "status_case",
        "status_fever_check_on",
        "status_arrival_fever_on",
        "status_visit_fever_on",
        "status_observed_until",
        "status_awaiting",
    )

    def annotate(self, queryset):
        return queryset.annotate(
            status_case=_first(open_cases(), "classification", "-reported_at"),
            status_fever_check_on=_first(fever_checks(), "taken_on", "-taken_at"),
            status_arrival_fever_on=_first(arrival_fevers(), "arrived_on", "-arrived_on"),
            status_visit_fever_on=_first(visit_fevers(), "visited_on", "-visited_on"),
            status_observed_until=_first(open_episodes(), "planned_end_on", "-start_on"),
            status_awaiting=awaiting_observation(),
        )

    def from_row(self, person):
        if not hasattr(person, "status_awaiting"):
            return None
        reported = max(filter(None, [person.status_arrival_fever_on, person.status_visit_fever_on]), default=None)
        fever = bool(person.status_fever_check_on or reported)
        observed = person.status_observed_until is not None
        flags = {"under_observation": observed, "fever": fever}
        if person.status_case:
            what = Classification(person.status_case).label
            return Status("red", REASONS["case"], what=what, **flags)
        if person.status_fever_check_on:
            return Status("red", REASONS["fever_check"], person.status_fever_check_on, **flags)
        if reported:
            return Status("red", REASONS["fever_reported"], reported, **flags)
        if observed:
            return Status("yellow", REASONS["under_observation"], person.status_observed_until, **flags)
        if person.status_awaiting:
            return Status("yellow", REASONS["awaiting_observation"], **flags)
        return Status("green", REASONS["green"], **flags)

    def condition(self, name):
        fever = Exists(fever_checks()) | Exists(arrival_fevers()) | Exists(visit_fevers())
        red = Exists(open_cases()) | fever
        observed, awaiting = Exists(open_episodes()), awaiting_observation()
        return {
            "fever": fever,
            "under_observation": observed,
            "awaiting_observation": awaiting,
            "red": red,
            "yellow": ~red & (observed | awaiting),
            "green": ~red & ~observed & ~awaiting,
        }[name]
