from .help import AskForm, AssignForm, DeliverForm, NeedForm

__all__ = ["AskForm", "AssignForm", "DeliverForm", "NeedForm"]
