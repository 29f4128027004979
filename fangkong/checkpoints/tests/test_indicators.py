"""Checkpoint figures in the daily report: each equals a direct count of its records, for today and
past days, and its link lists exactly those records."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from fangkong.core import indicators
from fangkong.reports import figures

from .. import services
from ..models import HandOver, Passage, Traveller
from .factories import make_passage, make_traveller

CODES = [
    "checkpoint_vehicles",
    "checkpoint_people",
    "checkpoint_fevers",
    "checkpoint_turned_back",
    "handovers_pending",
    "handovers_overdue",
]


def at(days_ago, hour):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def bounds(days_ago):
    start = at(days_ago, 0)
    return start, start + datetime.timedelta(days=1)


@pytest.fixture
def scattered(tree, people, checkpoint):
    """Cars on three days (one before midnight of two days ago), fevers, someone turned back; hand-overs
    accepted, not arrived, overdue and sent up, pending, some saved days ago."""
    for days_ago, hour in ((0, 0), (0, 0), (2, 9), (2, 23), (3, 10)):
        passed_at = min(at(days_ago, hour), timezone.now() - datetime.timedelta(minutes=1))
        make_passage(
            checkpoint,
            [
                make_traveller("张三", destination=tree.village),
                make_traveller("李四", destination=tree.village2, temperature=Decimal("38.4")),
                make_traveller("王五", decision=Traveller.Decision.TURNED_BACK, reason="发热"),
                make_traveller("赵六", destination_text="西安市"),
            ],
            passed_at=passed_at,
        )
    # The hand-overs of past cars were saved when they passed.
    for handover in HandOver.objects.select_related("traveller__passage"):
        HandOver.objects.filter(pk=handover.pk).update(created=handover.traveller.passage.passed_at)
    old = list(HandOver.objects.filter(created__lt=at(1, 0)).order_by("pk"))
    services.accept(old[0], people.village_officer, now=at(1, 8))
    HandOver.objects.filter(pk=old[1].pk).update(
        status="not_arrived", decided_at=at(2, 23) + datetime.timedelta(minutes=30)
    )
    services.escalate_overdue(now=at(1, 12))  # the rest of the old ones go up to the town yesterday
    return tree


def direct(code, day_index):
    """The figure counted plainly in Python, from every row."""
    start, end = bounds(day_index)
    travellers = [t for t in Traveller.objects.select_related("passage") if start <= t.passage.passed_at < end]
    undecided = [h for h in HandOver.objects.all() if h.created < end and (h.decided_at is None or h.decided_at >= end)]
    return {
        "checkpoint_vehicles": sum(1 for p in Passage.objects.all() if start <= p.passed_at < end),
        "checkpoint_people": len(travellers),
        "checkpoint_fevers": sum(1 for t in travellers if t.fever),
        "checkpoint_turned_back": sum(1 for t in travellers if t.decision == "turned_back"),
        "handovers_pending": sum(1 for h in undecided if h.escalated_at is None or h.escalated_at >= end),
        "handovers_overdue": sum(1 for h in undecided if h.escalated_at is not None and h.escalated_at < end),
    }[code]


def test_the_checkpoint_figures_are_in_the_registry():
    for code in CODES:
        assert indicators.get(code).group_en == "Checkpoints"


def test_each_figure_equals_a_direct_count_and_its_link_lists_the_same_records(client, scattered, people):
    client.force_login(people.county_officer)
    seen = set()
    for days_ago in (0, 1, 2, 3):
        day = timezone.localdate() - datetime.timedelta(days=days_ago)
        report = figures.report(scattered.county, day, people.county_officer)
        for code in CODES:
            expected = direct(code, days_ago)
            assert report.figures[code] == expected, (code, days_ago)
            indicator = indicators.get(code)
            counted = set(indicator.records(scattered.county, day, people.county_officer).values_list("pk", flat=True))
            page = client.get(report.link(code))
            assert page.status_code == 200, code
            listed = {row.record.pk for row in page.context["table"].rows}
            assert listed == counted and len(listed) == expected, (code, days_ago)
            seen.add((code, bool(expected)))
    # The data makes every figure non-zero on some day.
    assert {code for code, nonzero in seen if nonzero} == set(CODES)


def test_the_town_report_rows_the_figures_by_village_and_the_checkpoints_own(scattered, people):
    report = figures.report(scattered.town, timezone.localdate(), people.town_officer)
    by_area = {row.area.code: row.values for row in report.rows}
    assert by_area[scattered.village.code]["handovers_pending"] == 2  # today's two cars
    assert by_area[scattered.village2.code]["handovers_pending"] == 2
    assert report.figures["checkpoint_vehicles"] == 2  # filed on the town itself: its own row
