from .help import HelpHouseholdTable, NeedTable
from .publicity import NoticeRelayTable, NoticeTable, QuestionTable, RumourTable

__all__ = ["HelpHouseholdTable", "NeedTable", "NoticeRelayTable", "NoticeTable", "QuestionTable", "RumourTable"]
