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
from .publicity import coverage, coverage_area, mark_relayed, relay_grids, save_notice

__all__ = [
    "NeedClosed",
    "assign",
    "assignable_users",
    "assignable_volunteers",
    "confirm",
    "coverage",
    "coverage_area",
    "deliver",
    "due_at_for",
    "escalate_overdue",
    "households_in_difficulty",
    "mark_relayed",
    "raise_need",
    "relay_grids",
    "save_need",
    "save_notice",
    "sweep_needs",
]
