"""Saving sites with their rooms, and placing episodes in them: one transaction each.

A bed is taken by saving an open episode with the site (and room); the count of those is checked
with the site's row locked (``select_for_update``), so two officers placing people at the same
moment cannot both take the last bed: the second waits for the first and then finds the site full.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from fangkong.areas.models import Area
from fangkong.core.services import bump_version

from .. import services as observation
from ..models import Episode
from .models import Room, Site

SITE_LEVELS = (Area.Level.CITY, Area.Level.COUNTY, Area.Level.TOWN, Area.Level.VILLAGE)


def _occupied(episodes, exclude=None):
    episodes = episodes.filter(ended_on__isnull=True)
    return (episodes.exclude(pk=exclude.pk) if exclude is not None and exclude.pk else episodes).count()


@transaction.atomic
def save_site(site, rooms=None):
    """Save a site and, when ``rooms`` is given (dicts of ``id`` (None for a new room), ``label``,
    ``floor``, ``capacity``), make its rooms exactly those. A room keeps at least as many beds as it
    has occupants; a room that ever held anyone stays in the records and cannot be removed. Every
    refusal comes before anything is written."""
    if site.area_id and site.area.level not in SITE_LEVELS:
        raise ValidationError({"area": _("An isolation site is run by a city, county, town or village: not a grid.")})
    if rooms is None:
        site.save()
        return site
    rooms = [{**item, "label": str(item["label"]).strip()} for item in rooms]
    existing = {}
    if site.pk:
        Site.objects.select_for_update().filter(pk=site.pk).get()  # no placement while the beds change
        existing = {room.pk: room for room in Room.objects.filter(site=site).with_occupancy()}
    check_rooms(rooms, existing)
    site.save()
    kept = {item["id"] for item in rooms if item.get("id")}
    Room.objects.filter(site=site).exclude(pk__in=kept).delete()
    try:
        with transaction.atomic():
            for item in rooms:
                room = existing.get(item.get("id")) or Room(site=site)
                room.label, room.floor, room.capacity = item["label"], item.get("floor"), item["capacity"]
                room.save()
    except IntegrityError as error:  # two rooms trading numbers: each number is unique within the site
        raise ValidationError(
            {"rooms": _("Two rooms cannot trade numbers in one save: rename one at a time.")}
        ) from error
    return site


def check_rooms(rooms, existing):
    """Refuse a list of rooms that repeats a number, names another site's room, removes a room that
    has held anyone or leaves a room fewer beds than occupants. ``existing``: the site's rooms by id,
    ``with_occupancy``."""
    labels = [item["label"] for item in rooms]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise ValidationError({"rooms": _("Room %(label)s is listed twice.") % {"label": repeated[0]}})
    kept = {item["id"] for item in rooms if item.get("id")}
    unknown = kept - set(existing)
    if unknown:
        raise ValidationError({"rooms": _("Room id %(id)s is not a room of this site.") % {"id": min(unknown)}})
    for pk, room in existing.items():
        if pk not in kept and room.episodes.exists():
            message = _("Room %(label)s has held people under observation: it cannot be removed.")
            raise ValidationError({"rooms": message % {"label": room.label}})
    for item in rooms:
        room = existing.get(item.get("id"))
        if room is not None and item["capacity"] < room.occupied:
            message = _("Room %(label)s has %(occupied)d occupants: it needs at least as many beds.")
            raise ValidationError({"rooms": message % {"label": room.label, "occupied": room.occupied}})


def check_placement(kind, site, room):
    """A centralised observation names its site (and may name a room of it); a home one names none."""
    if kind != Episode.Kind.CENTRALISED:
        if site is not None or room is not None:
            raise ValidationError({"site": _("A home observation is not held in an isolation site.")})
        return
    if site is None:
        raise ValidationError({"site": _("Pick the isolation site of a centralised observation.")})
    if room is not None and room.site_id != site.pk:
        raise ValidationError({"room": _("Room %(room)s is not in %(site)s.") % {"room": room.label, "site": site}})


def take_bed(site, room, episode=None):
    """Refuse a full site or room, with the site's row locked until the caller's transaction ends;
    ``episode``, when it is already placed there, does not count against itself. Call inside a
    transaction that then saves the episode."""
    site = Site.objects.select_for_update().get(pk=site.pk)
    if not site.active:
        raise ValidationError({"site": _("%(site)s is out of use: it takes nobody new.") % {"site": site}})
    capacity = site.rooms.aggregate(beds=Sum("capacity"))["beds"] or 0
    occupied = _occupied(site.episodes.all(), episode)
    if occupied >= capacity:
        raise ValidationError(
            {
                "site": _("%(site)s is full (%(occupied)d/%(capacity)d).")
                % {"site": site, "occupied": occupied, "capacity": capacity}
            }
        )
    if room is not None:
        occupied = _occupied(room.episodes.all(), episode)
        if occupied >= room.capacity:
            raise ValidationError(
                {
                    "room": _("Room %(room)s of %(site)s is full (%(occupied)d/%(capacity)d).")
                    % {"room": room.label, "site": site, "occupied": occupied, "capacity": room.capacity}
                }
            )


@transaction.atomic
def move(episode, site, room, reason, expected_version=None):
    """Move an open centralised observation to another site or room, saying why (the change log
    keeps every move); the bed it leaves is free at once."""
    bump_version(episode, expected_version, observation.STALE_EPISODE)  # first: a refusal rolls it back
    if episode.ended_on:
        raise ValidationError(_("This observation has ended already."))
    if episode.kind != Episode.Kind.CENTRALISED:
        raise ValidationError({"site": _("Only a centralised observation moves between isolation sites.")})
    if not reason.strip():
        raise ValidationError({"place_change_reason": _("Say why the person is moved.")})
    check_placement(episode.kind, site, room)
    # As saved: a model form has already put the new choice on the instance it was given.
    placed = Episode.objects.filter(pk=episode.pk).values_list("site_id", "room_id").get()
    if placed == (site.pk, room.pk if room else None):
        raise ValidationError({"room": _("The person is already there.")})
    take_bed(site, room, episode)
    episode.site, episode.room, episode.place_change_reason = site, room, reason.strip()
    episode.save()
    return episode
