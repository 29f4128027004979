"""Today's work (今日工作), in a constant number of queries: who still needs this morning's or this
evening's check, whose nucleic-acid sample is due today, and which home observation's dwelling still
needs today's disinfection."""

from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from fangkong.core.roles import Action

from .models import Check, Disinfection, Episode, Sample

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
    ``ROW_FIELDS``: read others and each row costs a query."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    done_in = {
        f"{window}_done": Exists(Check.objects.filter(episode=OuterRef("pk"), taken_on=today, window=window))
        for window in Check.Window.values
    }
    # A town has thousands of rows: each is an episode and its person, read with the few fields the
    # list shows; their areas and protocols are a few shared rows, read once (a query each).
    episodes = (
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
            # The person's address, or their household's: what the worker walks by.
            address=Coalesce(NullIf("person__address", Value("")), "person__household__address", Value("")),
        )
        .select_related("person")
        .only(*ROW_FIELDS)
        .prefetch_related("area__parent", "protocol")
        .order_by("area_path", "address", "person__name", "pk")
    )
    rows, dwellings = [], set()
    for episode in episodes:
        protocol, moment, person = episode.protocol, now.time(), episode.person
        episode.needs = [
            window
            for window, opens in (
                (Check.Window.MORNING, protocol.morning_from),
                (Check.Window.EVENING, protocol.evening_from),
            )
            if moment >= opens and not getattr(episode, f"{window}_done")
        ]
        episode.day = episode.day_number(today)
        episode.sample_due = episode.is_test_day(today) and not episode.sampled_today
        dwelling = person.household_id or f"person:{person.pk}"
        episode.disinfection_due = (
            episode.kind == Episode.Kind.HOME and not episode.disinfected_today and dwelling not in dwellings
        )
        if episode.disinfection_due:
            dwellings.add(dwelling)
        if episode.needs or episode.sample_due or episode.disinfection_due:
            rows.append(episode)
    return rows
