from .publicity import PUBLISHING_LEVELS, Notice, NoticeRelay, Question, RelayMethod, Rumour, check_publishing_area

__all__ = ["PUBLISHING_LEVELS", "Notice", "NoticeRelay", "Question", "RelayMethod", "Rumour", "check_publishing_area"]
