from .help import HelpHouseholdTable, NeedTable

__all__ = ["HelpHouseholdTable", "NeedTable"]
