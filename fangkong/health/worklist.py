"""Today's work (今日工作): who still needs this morning's or this evening's check, in a constant number of queries."""

from django.db.models import Exists, OuterRef
from django.utils import timezone

from fangkong.core.roles import Action

from .models import Check, Episode


def worklist(user, now=None):
    """The open episodes in the user's scope whose person still needs a check in a window that has
    opened today (and was not taken in it), ordered by area and address. Each episode carries
    ``needs``: the windows still to check, ``day``: its 第N天, ``address``: the person's or their household's."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    done_in = {
        f"{window}_done": Exists(Check.objects.filter(episode=OuterRef("pk"), taken_on=today, window=window))
        for window in Check.Window.values
    }
    episodes = (
        Episode.objects.restrict(user, Action.VIEW)
        .open()
        .filter(start_on__lte=today)
        .annotate(**done_in)
        .select_related("person__household", "area__parent", "protocol")
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
            person = episode.person
            episode.address = person.address or (person.household.address if person.household else "")
            rows.append(episode)
    return rows
