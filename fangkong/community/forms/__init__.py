from .publicity import NoticeForm, QuestionForm, RelayForm, RumourForm

__all__ = ["NoticeForm", "QuestionForm", "RelayForm", "RumourForm"]
