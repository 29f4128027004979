"""Checkpoints' figures for the daily reports (see ``fangkong.core.indicators``).

Vehicles and people are counted by the time they passed, under the checkpoint's area; hand-overs under
the destination village (its inbox), as they stood at the end of the day: saved by then and not
decided by then, in time (not yet sent up to the town) or overdue (sent up by the sweep). Every figure
is counted from times, so a past day's is counted again as it stood. The lists the figures link to
filter with the same functions.
"""

from django.db.models import Q

from fangkong.core.indicators import Count, by_end_of, not_by_end_of, on_day, register

CHECKPOINTS = {"group_zh": "卡口", "group_en": "Checkpoints"}


def passed_on(day, lookup=""):
    """Passages (``lookup`` reaches the passage from a traveller) at a checkpoint during the day."""
    return on_day(f"{lookup}passed_at", day)


def handover_pending(day):
    """Hand-overs saved by the end of the day, neither accepted nor marked not arrived by then, and not
    yet sent up to the town as overdue."""
    return by_end_of("created", day) & not_by_end_of("decided_at", day) & not_by_end_of("escalated_at", day)


def handover_overdue(day):
    """Hand-overs still undecided at the end of the day that the sweep had sent up to the town by then."""
    return by_end_of("created", day) & not_by_end_of("decided_at", day) & by_end_of("escalated_at", day)


def _day(day):
    return day.isoformat()


def _travellers(code, name_zh, name_en, condition, params):
    return Count(
        code,
        name_zh,
        name_en,
        **CHECKPOINTS,
        model="checkpoints.Traveller",
        where=lambda day: passed_on(day, "passage__") & condition,
        url_name="checkpoints:traveller-list",
        params=lambda day: {"day": _day(day), **params},
    )


register(
    Count(
        "checkpoint_vehicles",
        "卡口检查车辆",
        "Vehicles checked",
        **CHECKPOINTS,
        model="checkpoints.Passage",
        where=passed_on,
        url_name="checkpoints:passage-list",
        params=lambda day: {"day": _day(day)},
    ),
    _travellers("checkpoint_people", "卡口检查人员", "People checked", Q(), {}),
    _travellers("checkpoint_fevers", "卡口发热人员", "Fevers at checkpoints", Q(fever=True), {"fever": "true"}),
    _travellers(
        "checkpoint_turned_back",
        "卡口劝返",
        "Turned back",
        Q(decision="turned_back"),
        {"decision": "turned_back"},
    ),
    Count(
        "handovers_pending",
        "待接收交接",
        "Hand-overs pending",
        **CHECKPOINTS,
        model="checkpoints.HandOver",
        where=handover_pending,
        url_name="checkpoints:handover-list",
        params=lambda day: {"pending_on": _day(day)},
    ),
    Count(
        "handovers_overdue",
        "超时未接收交接",
        "Hand-overs overdue",
        **CHECKPOINTS,
        model="checkpoints.HandOver",
        where=handover_overdue,
        url_name="checkpoints:handover-list",
        params=lambda day: {"overdue_on": _day(day)},
    ),
)
