"""Writes of the community app, one module per topic; each write with more than one effect is one transaction."""

from .help import (
    NeedClosed,
    assign,
    assignable_users,
    assignable_volunteers,
    confirm,
    deliver,
    due_at_for,
    escalate_overdue,
    households_in_difficulty,
    raise_need,
    save_need,
    sweep_needs,
)

__all__ = [
    "NeedClosed",
    "assign",
    "assignable_users",
    "assignable_volunteers",
    "confirm",
    "deliver",
    "due_at_for",
    "escalate_overdue",
    "households_in_difficulty",
    "raise_need",
    "save_need",
    "sweep_needs",
]
