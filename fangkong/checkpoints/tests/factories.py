import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from fangkong.areas.models import Division
from fangkong.people.tests.factories import id_number

from .. import services
from ..models import Checkpoint, Passage, Traveller

_keys = itertools.count(1)
_plates = itertools.count(10000)


def make_checkpoint(area, name="华阳收费站", **extra):
    checkpoint = Checkpoint(area=area, name=name, kind=Checkpoint.Kind.TOLL_STATION, road="G40 沪陕高速", **extra)
    checkpoint.save()
    return checkpoint


def wuhan():
    return Division.objects.get(code="420102")


def make_traveller(name="张三", number=None, destination=None, temperature=Decimal("36.5"), **extra):
    traveller = Traveller(
        name=name,
        origin=extra.pop("origin", None) or wuhan(),
        destination=destination,
        temperature=temperature,
        **extra,
    )
    traveller.id_number = id_number() if number is None else number
    return traveller


def make_passage(checkpoint, travellers, user=None, plate=None, passed_at=None, key=None):
    """A passage saved through the service, as the form and the API save one."""
    passage = Passage(
        key=key or f"test-{next(_keys)}",
        checkpoint=checkpoint,
        plate=plate or f"陕H{next(_plates)}",
        origin=wuhan(),
        passed_at=passed_at or timezone.now() - datetime.timedelta(minutes=5),
    )
    passage, _created = services.record_passage(passage, travellers, user)
    return passage


def make_handover(checkpoint, village, **extra):
    passage = make_passage(checkpoint, [make_traveller(destination=village)], **extra)
    return passage.travellers.get().handover
