from .help import HelpHouseholdFilterSet, NeedFilterSet
from .publicity import NoticeFilterSet, NoticeRelayFilterSet, QuestionFilterSet, RumourFilterSet, relayed_on

__all__ = [
    "HelpHouseholdFilterSet",
    "NeedFilterSet",
    "NoticeFilterSet",
    "NoticeRelayFilterSet",
    "QuestionFilterSet",
    "RumourFilterSet",
    "relayed_on",
]
