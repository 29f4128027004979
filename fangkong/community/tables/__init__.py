from .publicity import NoticeRelayTable, NoticeTable, QuestionTable, RumourTable

__all__ = ["NoticeRelayTable", "NoticeTable", "QuestionTable", "RumourTable"]
