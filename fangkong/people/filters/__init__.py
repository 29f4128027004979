"""One filterset per model: list page, export and API; one module per topic, imported from here."""

from .arrivals import DATE_INPUT, YES_NO, ArrivalFilterSet, NeedsObservationFilterSet
from .households import NOBODY, RESPONSIBLE_SELECT_LIMIT, HouseholdFilterSet
from .persons import ExactIdLookupMixin, IdNumberRevealFilterSet, PersonFilterSet
from .screening import ScreeningRoundFilterSet
from .tags import KeyPersonTagFilterSet

__all__ = [
    "ArrivalFilterSet",
    "DATE_INPUT",
    "ExactIdLookupMixin",
    "HouseholdFilterSet",
    "IdNumberRevealFilterSet",
    "KeyPersonTagFilterSet",
    "NOBODY",
    "NeedsObservationFilterSet",
    "PersonFilterSet",
    "RESPONSIBLE_SELECT_LIMIT",
    "ScreeningRoundFilterSet",
    "YES_NO",
]
