from .help import AskForm, AssignForm, DeliverForm, NeedForm
from .publicity import NoticeForm, QuestionForm, RelayForm, RumourForm

__all__ = ["AskForm", "AssignForm", "DeliverForm", "NeedForm", "NoticeForm", "QuestionForm", "RelayForm", "RumourForm"]
