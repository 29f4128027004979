"""The one register of people, by topic: the register itself (households, persons, key-person tags,
moves, ID number reveals), arrivals, door-to-door screening, and the households figures' tallies."""

from .arrivals import ARRIVAL_FIELDS, Arrival
from .register import (
    REVEALING_ROLES,
    Household,
    IdNumberReveal,
    KeyPersonTag,
    MoveRequest,
    Person,
    PersonQuerySet,
    exact_id_number,
    looks_like_id_number,
)
from .screening import ScreeningRound, ScreeningRoundQuerySet, ScreeningVisit
from .tallies import HouseholdLedger, HouseholdTally

__all__ = [
    "ARRIVAL_FIELDS",
    "REVEALING_ROLES",
    "Arrival",
    "Household",
    "HouseholdLedger",
    "HouseholdTally",
    "IdNumberReveal",
    "KeyPersonTag",
    "MoveRequest",
    "Person",
    "PersonQuerySet",
    "ScreeningRound",
    "ScreeningRoundQuerySet",
    "ScreeningVisit",
    "exact_id_number",
    "looks_like_id_number",
]
