"""Role codes and which roles may do what by default (docs/architecture.md, "The scope gate")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMANDER = "commander", _("Commander")
    OFFICER = "officer", _("Officer")
    GRID_WORKER = "grid_worker", _("Grid worker")
    DOCTOR = "doctor", _("Doctor")
    CHECKPOINT = "checkpoint", _("Checkpoint staff")
    CDC = "cdc", _("CDC")


ALL_ROLES = frozenset(Role.values)
MANAGERS = frozenset({Role.COMMANDER, Role.OFFICER})


class Action(models.TextChoices):
    VIEW = "view", _("view")
    ADD = "add", _("add")
    CHANGE = "change", _("change")
    DELETE = "delete", _("delete")


# What a model allows unless it says otherwise: everyone in scope reads, commanders and officers write.
DEFAULT_ROLES_BY_ACTION = {
    Action.VIEW: ALL_ROLES,
    Action.ADD: MANAGERS,
    Action.CHANGE: MANAGERS,
    Action.DELETE: MANAGERS,
}


# Lists that are the same everywhere (risk areas, key-person categories): everyone reads, commanders write.
REFERENCE_DATA_ROLES = {
    Action.VIEW: ALL_ROLES,
    Action.ADD: frozenset({Role.COMMANDER}),
    Action.CHANGE: frozenset({Role.COMMANDER}),
    Action.DELETE: frozenset({Role.COMMANDER}),
}


# Who reads the register (households, people, arrivals, visits): checkpoint staff work on the road,
# register passers-by and follow their hand-overs, but never read the villages' register (docs/privacy.md).
REGISTER_READERS = ALL_ROLES - {Role.CHECKPOINT}


def writable_by(*extra_roles, readers=ALL_ROLES):
    """The readers in scope (everyone by default) read; managers and the given field roles add and
    change; managers delete."""
    writers = MANAGERS | frozenset(extra_roles)
    return {Action.VIEW: readers, Action.ADD: writers, Action.CHANGE: writers, Action.DELETE: MANAGERS}
