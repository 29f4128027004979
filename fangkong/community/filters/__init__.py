from .publicity import NoticeFilterSet, NoticeRelayFilterSet, QuestionFilterSet, RumourFilterSet, relayed_on

__all__ = ["NoticeFilterSet", "NoticeRelayFilterSet", "QuestionFilterSet", "RumourFilterSet", "relayed_on"]
