"""Move requests: a person moving into another area, decided by that area."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import scope
from fangkong.core.roles import Action

from ..models import MoveRequest, Person
from .persons import save_person


@transaction.atomic
def request_move(person, to_area, user, reason=""):
    """Ask the person's area to move them into ``to_area``. Asking again while one's own request for
    the same place is pending returns it; another area's request is never shown to the asker."""
    if not scope.can(user, Action.ADD, Person, to_area.path):
        raise ValidationError({"to_area": _("You can only move people into your own area.")})
    pending = pending_move(person, to_area, user)
    if pending:
        return pending
    return MoveRequest.objects.create(
        person=person, area=person.area, to_area=to_area, reason=reason, requested_by=user
    )


def pending_move(person, to_area, user):
    return MoveRequest.objects.filter(
        person=person, to_area=to_area, requested_by=user, status=MoveRequest.Status.PENDING
    ).first()


@transaction.atomic
def decide_move(move, user, accept):
    """The managers of the person's current area decide; accepted, the person (and their history)
    moves, and the other pending requests for them are declined: they no longer apply."""
    move = MoveRequest.objects.select_for_update().get(pk=move.pk)
    if move.status != MoveRequest.Status.PENDING:
        raise ValidationError(_("This request was already decided."))
    person = move.person
    if not Person.objects.restrict(user, Action.CHANGE).filter(pk=person.pk).exists():
        raise ValidationError(_("Only the person's current area decides."))
    if not MoveRequest.objects.restrict(user, Action.CHANGE).filter(pk=move.pk).exists():
        raise ValidationError(_("Only the person's current area decides."))
    _decide(move, user, accept)
    if accept:
        for other in MoveRequest.objects.filter(person=person, status=MoveRequest.Status.PENDING).exclude(pk=move.pk):
            _decide(other, user, accept=False)
        person.area = move.to_area
        person.household = None
        person.responsible = None
        save_person(person)
        # The person's history moves with them: the new area's officers follow their arrivals.
        for arrival in person.arrivals.all():
            arrival.area = move.to_area
            arrival.save()
    return move


def _decide(move, user, accept):
    move.status = MoveRequest.Status.ACCEPTED if accept else MoveRequest.Status.DECLINED
    move.decided_by = user
    move.decided_at = timezone.now()
    move.save()
