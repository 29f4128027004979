"""Scope cases of checkpoints (see fangkong/tests/test_scope.py): a checkpoint of 竹林关镇, and a
hand-over to 竹林关村."""

from fangkong.core.testing import ScopeCase

_MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")
_TOWN = ("city_commander", "county_officer", "town_officer")
_VILLAGE = (*_MANAGERS, "grid_worker", "doctor")
_EVERYONE = (*_VILLAGE, "outsider")
_ACCEPTING = (*_MANAGERS, "grid_worker")


def _checkpoint(tree, people):
    from fangkong.checkpoints.tests.factories import make_checkpoint

    return {"pk": make_checkpoint(tree.town).pk}


def _shift(tree, people):
    import datetime

    from django.utils import timezone

    from fangkong.checkpoints.models import CheckpointShift
    from fangkong.checkpoints.tests.factories import make_checkpoint

    start = timezone.now()
    shift = CheckpointShift(
        checkpoint=make_checkpoint(tree.town), starts_at=start, ends_at=start + datetime.timedelta(hours=8)
    )
    shift.save()
    return {"pk": shift.pk}


def _passage(tree, people):
    from fangkong.checkpoints.tests.factories import make_checkpoint, make_passage, make_traveller

    return {"pk": make_passage(make_checkpoint(tree.town), [make_traveller(destination=tree.village)]).pk}


def _handover(tree, people):
    from fangkong.checkpoints.tests.factories import make_checkpoint, make_handover

    return {"pk": make_handover(make_checkpoint(tree.town), tree.village).pk}


CASES = [
    ScopeCase("checkpoints:checkpoint-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("checkpoints:checkpoint-add", allowed=(*_MANAGERS, "outsider"), record_lookup=False),
    # Filed under the town: the village's users do not find it.
    ScopeCase("checkpoints:checkpoint", _checkpoint, allowed=_TOWN),
    ScopeCase("checkpoints:checkpoint-edit", _checkpoint, allowed=_TOWN),
    ScopeCase("checkpoints:checkpoint-delete", _checkpoint, allowed=_TOWN),
    ScopeCase("checkpoints:shift-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("checkpoints:shift-add", allowed=(*_MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("checkpoints:shift-edit", _shift, allowed=_TOWN),
    ScopeCase("checkpoints:shift-delete", _shift, allowed=_TOWN),
    ScopeCase("checkpoints:passage-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("checkpoints:passage-add", allowed=(*_MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("checkpoints:passage", _passage, allowed=_TOWN),
    ScopeCase("checkpoints:destination-search", allowed=(*_MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("checkpoints:traveller-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("checkpoints:handover-list", allowed=_EVERYONE, record_lookup=False),
    # Filed under the village: its officers, grid workers and doctor see it; officers and grid workers act.
    ScopeCase("checkpoints:handover", _handover, allowed=_VILLAGE),
    ScopeCase("checkpoints:handover-accept", _handover, allowed=_ACCEPTING, denied=("doctor",)),
    ScopeCase("checkpoints:handover-not-arrived", _handover, allowed=_ACCEPTING, denied=("doctor",)),
    ScopeCase("checkpoint-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("checkpoint-detail", _checkpoint, allowed=_TOWN),
    ScopeCase("checkpoint-shift-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("checkpoint-shift-detail", _shift, allowed=_TOWN),
    ScopeCase("passage-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("passage-detail", _passage, allowed=_TOWN),
    ScopeCase("handover-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("handover-detail", _handover, allowed=_VILLAGE),
    ScopeCase("handover-accept", _handover, allowed=_ACCEPTING, denied=("doctor",)),
    ScopeCase("handover-not-arrived", _handover, allowed=_ACCEPTING, denied=("doctor",)),
]
