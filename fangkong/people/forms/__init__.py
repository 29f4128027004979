"""Forms of the register, one module per topic; import them from here."""

from .arrivals import ArrivalEditForm, ArrivalForm
from .common import default_area
from .households import AddMemberForm, AssignForm, HouseholdForm
from .moves import MoveDecisionForm
from .persons import PersonForm
from .screening import RoundForm, VisitForm
from .tags import KeyPersonTagForm

__all__ = [
    "AddMemberForm",
    "ArrivalEditForm",
    "ArrivalForm",
    "AssignForm",
    "HouseholdForm",
    "KeyPersonTagForm",
    "MoveDecisionForm",
    "PersonForm",
    "RoundForm",
    "VisitForm",
    "default_area",
]
