"""One filterset per model: list page, export and API; one module per topic, imported from here."""

from .arrivals import ArrivalFilterSet, NeedsObservationFilterSet
from .households import HouseholdFilterSet
from .persons import IdNumberRevealFilterSet, PersonFilterSet
from .screening import ScreeningRoundFilterSet
from .tags import KeyPersonTagFilterSet

__all__ = [
    "ArrivalFilterSet",
    "HouseholdFilterSet",
    "IdNumberRevealFilterSet",
    "KeyPersonTagFilterSet",
    "NeedsObservationFilterSet",
    "PersonFilterSet",
    "ScreeningRoundFilterSet",
]
