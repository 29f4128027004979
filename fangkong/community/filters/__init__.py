from .help import HelpHouseholdFilterSet, NeedFilterSet

__all__ = ["HelpHouseholdFilterSet", "NeedFilterSet"]
