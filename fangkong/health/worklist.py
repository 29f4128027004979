"""Today's work (今日工作): who still needs this morning's or this evening's check, in a constant number of queries."""

from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from fangkong.core.roles import Action

from .models import Check, Episode

# What a row of today's work shows (health/today.html, the API's WorkItemSerializer) and needs to be scoped.
ROW_FIELDS = [
    "area",
    "area_path",
    "person__name",
    "person__address",
    "start_on",
    "planned_end_on",
    "ended_on",
    "protocol",
]


def worklist(user, now=None):
    """The open episodes in the user's scope whose person still needs a check in a window that has
    opened today (and was not taken in it), ordered by area and address. Each episode carries
    ``needs``: the windows still to check, ``day``: its 第N天, ``address``: the person's or their household's.
    The episode and its person carry only ``ROW_FIELDS``: read others and each row costs a query."""
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
        .annotate(**done_in, household_address=F("person__household__address"))
        .select_related("person")
        .only(*ROW_FIELDS)
        .prefetch_related("area__parent", "protocol")
        .order_by("area_path", "person__address", "person__name", "pk")
    )
    rows = []
    for episode in episodes:
        protocol, moment = episode.protocol, now.time()
        episode.needs = [
            window
            for window, opens in (
                (Check.Window.MORNING, protocol.morning_from),
                (Check.Window.EVENING, protocol.evening_from),
            )
            if moment >= opens and not getattr(episode, f"{window}_done")
        ]
        if episode.needs:
            episode.day = episode.day_number(today)
            episode.address = episode.person.address or episode.household_address or ""
            rows.append(episode)
    return rows
