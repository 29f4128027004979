"""Writes of publicity: a notice marked relayed in a grid (idempotent), and the coverage of a notice
rolled up by area like the daily report."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.areas.models import Area
from fangkong.core import scope
from fangkong.core.figures import percent
from fangkong.core.roles import Action

from ..models import NoticeRelay, RelayMethod


def save_notice(notice, user):
    """A notice as published: who published it is kept once, on the first save."""
    if notice.pk is None and user is not None and user.is_authenticated:
        notice.published_by = user
    notice.save()
    return notice


def relay_grids(notice, user):
    """The grids where the user may mark the notice relayed: active grids of their areas below it
    (every grid below it for a command or a job, without a user)."""
    grids = (
        Area.objects.filter(level=Area.Level.GRID)
        if user is None
        else scope.areas_for(user, NoticeRelay.roles_by_action[Action.ADD], [Area.Level.GRID])
    )
    return grids.active().filter(scope.subtree_q("path", notice.area_path)).order_by("path")


def mark_relayed(notice, grid, user, methods, note="", relayed_at=None):
    """Marks the notice relayed in the grid by the methods; returns (relay, created).

    Marking again is idempotent: the same mark changes nothing; new methods are added to the grid's
    mark, and a new note is added to its note. A grid the user may not mark (outside their areas, or
    not below the notice's area) is refused naming ``grid``; no method, naming ``methods``.
    """
    methods = {str(method) for method in methods or ()}
    errors = {}
    if grid is None or not relay_grids(notice, user).filter(pk=grid.pk).exists():
        errors["grid"] = [_("Not a grid of your areas that this notice reaches.")]
    if not methods:
        errors["methods"] = [_("Choose how the notice was relayed: door to door, loudspeaker or WeChat group.")]
    elif methods - set(RelayMethod.values):
        errors["methods"] = [
            _("Unknown method: %(methods)s. Choose from %(choices)s.")
            % {
                "methods": ", ".join(sorted(methods - set(RelayMethod.values))),
                "choices": ", ".join(RelayMethod.values),
            }
        ]
    now = timezone.now()
    if relayed_at is not None and relayed_at > now + datetime.timedelta(minutes=5):
        errors["relayed_at"] = [_("The time relayed is in the future.")]
    if errors:
        raise ValidationError(errors)
    note = (note or "").strip()
    with transaction.atomic():
        relay = NoticeRelay.objects.select_for_update().filter(notice=notice, area=grid).first()
        if relay is None:
            relay = NoticeRelay(
                notice=notice, area=grid, note=note, relayed_at=relayed_at or now, relayed_by=user, **_flags(methods)
            )
            try:
                with transaction.atomic():
                    relay.save()
                return relay, True
            except IntegrityError:  # marked at the same moment by someone else: add to theirs
                relay = NoticeRelay.objects.select_for_update().get(notice=notice, area=grid)
        changed = False
        for method in methods:
            if not getattr(relay, method):
                setattr(relay, method, True)
                changed = True
        if note and note not in relay.note:
            relay.note = f"{relay.note}\n{note}".strip()[:500]
            changed = True
        if changed:
            relay.save()
        return relay, False


def _flags(methods):
    return {method: method in methods for method in RelayMethod.values}


def coverage_area(notice, user, code=None):
    """The area whose coverage of the notice the user looks at: the one named by ``code``, else the
    notice's own (or the top of the user's scope below it). None when not theirs to see."""
    areas = Area.objects.restrict(user).filter(scope.subtree_q("path", notice.area_path))
    if code:
        return areas.filter(code=code).first()
    return areas.order_by("path").first()


def coverage(notice, area):
    """The notice's coverage below ``area``, one row per child area: grids relayed of the active grids,
    and the percent (rounded down); for a village, one row per grid with its mark. Two queries.

    Returns (rows, total); each row is a dict: area, grids, relayed, percent, relay (grids only)."""
    children = list(area.children.active().order_by("code")) if area.level != Area.Level.GRID else [area]
    if not children:
        return [], {"grids": 0, "relayed": 0, "percent": None}
    width = len(children[0].path)
    below = scope.subtree_q("path", area.path)
    grids = dict(
        Area.objects.active()
        .filter(below, level=Area.Level.GRID)
        .annotate(child=Substr("path", 1, width))
        .order_by()
        .values_list("child")
        .annotate(n=models.Count("pk"))
    )
    relays = NoticeRelay.objects.filter(scope.subtree_q("area_path", area.path), notice=notice, area__retired_on=None)
    by_grid = area.level in (Area.Level.VILLAGE, Area.Level.GRID)
    marks = {relay.area_id: relay for relay in relays.select_related("relayed_by")} if by_grid else {}
    relayed = dict(
        relays.annotate(child=Substr("area_path", 1, width))
        .order_by()
        .values_list("child")
        .annotate(n=models.Count("pk"))
    )
    rows = []
    for child in children:
        total = grids.get(child.path, 0)
        done = relayed.get(child.path, 0)
        rows.append(
            {
                "area": child,
                "grids": total,
                "relayed": done,
                "percent": percent(done, total),
                "relay": marks.get(child.pk),
                "is_grid": child.level == Area.Level.GRID,
            }
        )
    total = sum(row["grids"] for row in rows)
    done = sum(row["relayed"] for row in rows)
    return rows, {"grids": total, "relayed": done, "percent": percent(done, total)}


__all__ = ["coverage", "coverage_area", "mark_relayed", "relay_grids", "save_notice"]
