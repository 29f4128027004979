"""Forms of the register, one module per topic; import them from here."""

from .arrivals import ArrivalEditForm, ArrivalForm
from .common import (
    AREA_SELECT_LIMIT,
    DATE_WIDGET,
    SELECT_LIMIT,
    GridChoiceField,
    UserChoiceField,
    check_identity,
    default_area,
    limit_choices,
)
from .households import AddMemberForm, AssignForm, HouseholdForm
from .moves import MoveDecisionForm
from .persons import PersonForm
from .screening import RoundForm, VisitForm
from .tags import KeyPersonTagForm

__all__ = [
    "AREA_SELECT_LIMIT",
    "AddMemberForm",
    "ArrivalEditForm",
    "ArrivalForm",
    "AssignForm",
    "DATE_WIDGET",
    "GridChoiceField",
    "HouseholdForm",
    "KeyPersonTagForm",
    "MoveDecisionForm",
    "PersonForm",
    "RoundForm",
    "SELECT_LIMIT",
    "UserChoiceField",
    "VisitForm",
    "check_identity",
    "default_area",
    "limit_choices",
]
