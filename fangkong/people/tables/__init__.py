"""Tables of the register's list pages and exports, one module per topic; import them from here."""

from .arrivals import ArrivalTable, NeedsObservationTable
from .households import HouseholdTable
from .persons import IdNumberRevealTable, PersonTable
from .screening import ScreeningRoundTable
from .tags import KeyPersonTagTable

__all__ = [
    "ArrivalTable",
    "HouseholdTable",
    "IdNumberRevealTable",
    "KeyPersonTagTable",
    "NeedsObservationTable",
    "PersonTable",
    "ScreeningRoundTable",
]
