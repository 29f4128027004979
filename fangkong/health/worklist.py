"""Today's work (今日工作), in a constant number of queries: who still needs this morning's or this
evening's check, whose nucleic-acid sample is due today, and which home observation's dwelling still
needs today's disinfection."""

from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from fangkong.core.roles import Action
from fangkong.core.rows import DecidedRows

from .models import Check, Disinfection, Episode, Protocol, Sample, observation_day

# What a row of today's work shows (health/today.html, the API's WorkItemSerializer) and needs to be scoped.
ROW_FIELDS = [
    "area",
    "area_path",
    "kind",
    "person__name",
    "person__address",
    "person__household",
    "start_on",
    "planned_end_on",
    "ended_on",
    "protocol",
]


def worklist(user, now=None):
    """The open episodes in the user's scope with something left to do today, ordered by area and
    address. Each carries ``needs``: the check windows opened today and not yet checked;
    ``sample_due``: today is one of its protocol's test days and the person has no sample taken
    today; ``disinfection_due``: a home observation whose dwelling has no disinfection today (a
    household with two people under observation is listed once, at the first of them); ``day``: its
    第N天; ``address``: the person's or their household's. The episode and its person carry only
    ``ROW_FIELDS``: read others and each row costs a query.

    A ``DecidedRows`` (core/rows.py): which rows, and what they need, is decided from plain values of
    every candidate (one query, and one for their protocols); a page of it reads its 50 episodes
    (one query), so a town's 5,000 cost no more to show than a village's."""
    now = timezone.localtime(now or timezone.now())
    today, moment = now.date(), now.time()
    done_in = {
        f"{window}_done": Exists(Check.objects.filter(episode=OuterRef("pk"), taken_on=today, window=window))
        for window in Check.Window.values
    }
    # The person's address, or their household's: what the worker walks by.
    address = Coalesce(NullIf("person__address", Value("")), "person__household__address", Value(""))
    candidates = (
        Episode.objects.restrict(user, Action.VIEW)
        .open()
        .filter(start_on__lte=today)
        .annotate(
            **done_in,
            sampled_today=Exists(Sample.objects.filter(person=OuterRef("person"), taken_on=today)),
            disinfected_today=Exists(
                Disinfection.objects.filter(done_on=today).filter(
                    Q(episode=OuterRef("pk")) | Q(household=OuterRef("person__household"))
                )
            ),
            address=address,
        )
        .order_by("area_path", "address", "person__name", "pk")
        .values_list(
            "pk",
            "kind",
            "person_id",
            "person__household_id",
            "start_on",
            "protocol_id",
            "morning_done",
            "evening_done",
            "sampled_today",
            "disinfected_today",
        )
    )
    candidates = list(candidates)
    protocols = Protocol.objects.in_bulk({row[5] for row in candidates})
    decided, dwellings = [], set()
    for pk, kind, person, household, start_on, protocol_id, morning, evening, sampled, disinfected in candidates:
        protocol = protocols[protocol_id]
        needs = [
            window
            for window, opens, done in (
                (Check.Window.MORNING, protocol.morning_from, morning),
                (Check.Window.EVENING, protocol.evening_from, evening),
            )
            if moment >= opens and not done
        ]
        sample_due = observation_day(start_on, today) in protocol.test_days and not sampled
        dwelling = household or f"person:{person}"
        disinfection_due = kind == Episode.Kind.HOME and not disinfected and dwelling not in dwellings
        if disinfection_due:
            dwellings.add(dwelling)
        if needs or sample_due or disinfection_due:
            decided.append((pk, (protocol, needs, sample_due, disinfection_due)))

    def read(pks):
        return (
            Episode.objects.filter(pk__in=pks)
            .order_by()  # DecidedRows puts them in the list's order
            .annotate(address=address)
            .select_related("person", "area__parent")
            .only(*ROW_FIELDS)
        )

    def build(episode, payload):
        episode.protocol, episode.needs, episode.sample_due, episode.disinfection_due = payload
        episode.day = episode.day_number(today)
        return episode

    return DecidedRows(decided, read, build)
