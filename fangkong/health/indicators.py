"""Observation's and cases' figures for the daily reports (see ``fangkong.core.indicators``).

Every figure is counted from dated records (start and end dates, the classification timeline, the
times an alert was raised, acknowledged and resolved), so the figure of a past day is counted again
as it stood at the end of that day. The list filters that the figures link to call the same functions.
"""

from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL

from fangkong.core.indicators import Count, by_end_of, day_end, not_by_end_of, on_day, register

OBSERVATION = {"group_zh": "医学观察", "group_en": "Observation"}
CASES = {"group_zh": "四类人员", "group_en": "Four categories"}
ALERTS = {"group_zh": "预警", "group_en": "Alerts"}


def observing(day, lookup=""):
    """Observation started by the day and not ended by its end (``lookup`` reaches the episode)."""
    return Q(**{f"{lookup}start_on__lte": day}) & (
        Q(**{f"{lookup}ended_on__isnull": True}) | Q(**{f"{lookup}ended_on__gt": day})
    )


def observed_on(episodes, day, lookup=""):
    return episodes.filter(observing(day, lookup))


def classified_then(day, classification):
    """Cases whose classification at the end of the day was ``classification``, from the timeline: the
    last of their events by then (the latest ``at``, then the highest id) moved them to it.

    A condition, so that the two classifications are counted together, on every day of a trend. The
    set of such cases is one subquery that does not depend on the case (``id IN (…)``): the database
    reads the timeline once per day and classification and looks each case up in it, where a
    subquery per case and day ran 18,000 times for a city's 30-day trend. Written in SQL: the ORM's
    nested ``Exists`` took a hundred times longer to build than to run."""
    from .cases.models import Case, CaseEvent

    case, event = Case._meta.db_table, CaseEvent._meta.db_table
    end = day_end(day)
    last = RawSQL(
        f'{case}.id IN (SELECT e.case_id FROM {event} e WHERE e."at" < %s AND e.to_classification = %s '  # noqa: S608
        f'AND NOT EXISTS (SELECT 1 FROM {event} l WHERE l.case_id = e.case_id AND l."at" < %s '
        'AND (l."at" > e."at" OR (l."at" = e."at" AND l.id > e.id))))',
        (end, classification, end),
        output_field=BooleanField(),
    )
    return Q(last)


def classified_on(cases, day, classification=None):
    """Cases reported by the end of the day (with a timeline event by then); only those whose
    classification then was ``classification`` when given."""
    from .cases.models import CaseEvent

    if classification:
        return cases.filter(classified_then(day, classification))
    return cases.filter(Exists(CaseEvent.objects.filter(case=OuterRef("pk"), at__lt=day_end(day))))


def pending(day):
    """People transferred by the end of the day whose result had not come by then (fever not ruled out)."""
    return by_end_of("transferred_at", day) & not_by_end_of("result_at", day)


def pending_on(transfers, day):
    return transfers.filter(pending(day))


def open_then(day):
    """Alerts raised by the end of the day that nobody had acknowledged or resolved by then."""
    return by_end_of("raised_at", day) & not_by_end_of("acknowledged_at", day) & not_by_end_of("resolved_at", day)


def open_on(alerts, day):
    return alerts.filter(open_then(day))


def overdue_then(day):
    """Open alerts that had gone up a level by the end of the day: not acknowledged in time."""
    return open_then(day) & by_end_of("escalated_at", day)


def overdue_on(alerts, day):
    return alerts.filter(overdue_then(day))


def _day(day):
    return day.isoformat()


def _episodes(kind, kind_zh, kind_en):
    return [
        Count(
            f"{kind}_new",
            f"新增{kind_zh}",
            f"New in {kind_en}",
            **OBSERVATION,
            model="health.Episode",
            where=lambda day: Q(kind=kind, start_on=day),
            url_name="health:episode-list",
            params=lambda day: {"kind": kind, "started": _day(day)},
        ),
        Count(
            f"{kind}_current",
            f"现有{kind_zh}",
            f"In {kind_en} now",
            **OBSERVATION,
            model="health.Episode",
            where=lambda day: Q(kind=kind) & observing(day),
            url_name="health:episode-list",
            params=lambda day: {"kind": kind, "observed_on": _day(day)},
        ),
        Count(
            f"{kind}_released",
            f"{kind_zh}解除",
            f"Released from {kind_en}",
            **OBSERVATION,
            model="health.Episode",
            where=lambda day: Q(kind=kind, outcome="released", ended_on=day),
            url_name="health:episode-list",
            params=lambda day: {"kind": kind, "status": "released", "ended": _day(day)},
        ),
    ]


def _cases(classification, name_zh, name_en):
    return Count(
        f"cases_{classification}",
        name_zh,
        name_en,
        **CASES,
        model="health.Case",
        where=lambda day: classified_then(day, classification),
        url_name="health:case-list",
        params=lambda day: {"classification": classification, "on": _day(day)},
    )


register(
    *_episodes("home", "居家观察", "home observation"),
    *_episodes("centralised", "集中观察", "centralised observation"),
    Count(
        "fever_today",
        "今日发热",
        "Fever today",
        **OBSERVATION,
        model="health.Check",
        where=lambda day: Q(taken_on=day, is_fever=True),
        url_name="health:check-list",
        params=lambda day: {"date": _day(day), "fever": "true"},
        distinct="person",
    ),
    Count(
        "transferred",
        "今日转运",
        "Transferred today",
        **OBSERVATION,
        model="health.Transfer",
        where=lambda day: on_day("transferred_at", day),
        url_name="health:transfer-list",
        params=lambda day: {"date": _day(day)},
        distinct="person",
    ),
    _cases("confirmed", "确诊病例", "Confirmed cases"),
    _cases("suspected", "疑似病例", "Suspected cases"),
    Count(
        "fever_pending",
        "发热未排除",
        "Fever not ruled out",
        **CASES,
        model="health.Transfer",
        where=pending,
        url_name="health:transfer-list",
        params=lambda day: {"pending_on": _day(day)},
        distinct="person",
    ),
    Count(
        "contacts_current",
        "密切接触者",
        "Close contacts",
        **CASES,
        model="health.Contact",
        where=lambda day: observing(day, "episode__"),
        url_name="health:contact-list",
        params=lambda day: {"observed_on": _day(day)},
        distinct="person",
    ),
    Count(
        "contacts_traced",
        "今日追踪密接",
        "Contacts traced today",
        **CASES,
        model="health.Contact",
        where=lambda day: on_day("created", day),
        url_name="health:contact-list",
        params=lambda day: {"recorded_on": _day(day)},
    ),
    Count(
        "alerts_open",
        "未处置预警",
        "Alerts open",
        **ALERTS,
        model="health.Alert",
        where=open_then,
        url_name="health:alert-list",
        params=lambda day: {"open_on": _day(day)},
    ),
    Count(
        "alerts_overdue",
        "超时预警",
        "Alerts overdue",
        **ALERTS,
        model="health.Alert",
        where=overdue_then,
        url_name="health:alert-list",
        params=lambda day: {"overdue_on": _day(day)},
    ),
)
