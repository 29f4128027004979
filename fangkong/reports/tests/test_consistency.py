"""The live figures equal a direct count of the records, at every level and for past days, after random
changes; the roll-up is the sum of its rows; every figure's link lists exactly the records counted."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from fangkong.areas.models import Division, RiskArea
from fangkong.community.tests.factories_publicity import make_notice, relay
from fangkong.core import indicators
from fangkong.health.cases import services as case_services
from fangkong.health.cases.models import Classification
from fangkong.health.cases.tests.factories import make_case, make_contact, make_facility, make_transfer
from fangkong.health.models import Alert, Check, Episode
from fangkong.health.sites.models import Site
from fangkong.health.sites.tests.factories import make_site
from fangkong.health.tests.factories import make_check, make_episode
from fangkong.people.models import Arrival, ScreeningRound, ScreeningVisit
from fangkong.people.tests.factories import make_household
from fangkong.reports import dashboard, figures, services

from .factories import days_ago, make_arrival

DAYS = 6
CHECKED_DAYS = (0, 1, 3, 5)


def moment(days, hour):
    day = days_ago(days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def isolation_site(tree):
    return Site.objects.filter(area=tree.town).first() or make_site(tree.town, rooms=((101, 500),))


def scatter(rng, tree, facility, round_):
    """Records of every kind, on random days of the last week, in random areas (a village itself too)."""
    places = [tree.grid, tree.grid2, tree.village, tree.village2, tree.other_grid]
    risk_area = RiskArea.objects.create(division=Division.objects.get(code="420106"), valid_from=days_ago(30))
    for _ in range(4):
        arrival = make_arrival(rng.choice(places), day=days_ago(rng.randrange(DAYS)))
        if rng.random() < 0.5:
            Arrival.objects.filter(pk=arrival.pk).update(risk_area=risk_area)
        village = rng.choice([tree.village, tree.village2, tree.other_village])
        now = moment(rng.randrange(DAYS), rng.choice([9, 17]))
        services.confirm(village, timezone.localdate(now), None, now=now)
        household = make_household(rng.choice(places))
        if rng.random() < 0.6:
            ScreeningVisit(
                round=round_, household=household, area=household.area, visited_on=days_ago(rng.randrange(4))
            ).save()
        kind = rng.choice(Episode.Kind.values)
        site = isolation_site(tree) if kind == Episode.Kind.CENTRALISED else None
        episode = make_episode(area=rng.choice(places), days_ago=rng.randrange(DAYS), kind=kind, site=site)
        check = make_check(episode, temperature=Decimal(rng.choice(["36.5", "38.2", "38.9"])))
        if rng.random() < 0.4:
            ended = min(timezone.localdate(), episode.start_on + datetime.timedelta(days=rng.randrange(3)))
            Episode.objects.filter(pk=episode.pk).update(ended_on=ended, outcome=Episode.Outcome.RELEASED)
        taken = moment(rng.randrange(DAYS), 9)
        Check.objects.filter(pk=check.pk).update(taken_at=taken, taken_on=timezone.localtime(taken).date())
        for alert in Alert.objects.filter(source_check=check):
            changes = {"raised_at": moment(rng.randrange(DAYS), 10)}
            if rng.random() < 0.5:
                changes["escalated_at"] = moment(rng.randrange(DAYS), 13)
            if rng.random() < 0.4:
                changes["acknowledged_at"] = moment(rng.randrange(DAYS), 15)
            Alert.objects.filter(pk=alert.pk).update(**changes)
        if rng.random() < 0.5:
            transfer = make_transfer(episode.person, facility)
            changes = {"transferred_at": moment(rng.randrange(DAYS), 11)}
            if rng.random() < 0.5:
                changes.update(result="excluded", result_at=moment(rng.randrange(DAYS), 18))
            type(transfer).objects.filter(pk=transfer.pk).update(**changes)
        case = make_case(area=rng.choice(places), classification=Classification.SUSPECTED)
        case.events.update(at=moment(rng.randrange(DAYS), 8))
        if rng.random() < 0.5:
            case_services.classify(case, Classification.CONFIRMED, None, at=moment(rng.randrange(3), 20))
        notice = make_notice(tree.city)
        for grid in rng.sample([tree.grid, tree.grid2, tree.other_grid], 2):
            at = min(moment(rng.randrange(DAYS), rng.choice([0, 12, 23])), timezone.now())  # never ahead of now
            relay(notice, grid, None, relayed_at=at)
        if rng.random() < 0.5:
            contact = make_contact(make_episode(area=case.area, days_ago=rng.randrange(DAYS)).person, source_case=case)
            type(contact).objects.filter(pk=contact.pk).update(created=moment(rng.randrange(DAYS), 12))


def assert_consistent(tree, user=None):
    counts = [item for item in indicators.REGISTRY.values() if not item.is_rate]
    for days in CHECKED_DAYS:
        day = days_ago(days)
        for area in (tree.city, tree.county, tree.town, tree.village, tree.grid, tree.other_county):
            report = figures.report(area, day, user)
            for indicator in counts:
                direct = indicator.count(area, day, user)
                assert report.figures[indicator.code] == direct, (indicator.code, area.code, day)
                assert sum(row.values[indicator.code] for row in report.rows) == direct, (indicator.code, area.code)
            for rate in (item for item in indicators.REGISTRY.values() if item.is_rate):
                assert report.figures[rate.code] == rate.value(report.figures)


def test_figures_equal_a_direct_count_after_random_changes(tree, people):
    rng = random.Random(20200123)
    facility = make_facility(tree.county)
    round_ = ScreeningRound(area=tree.town, title="全覆盖排查", opened_on=days_ago(4), deadline=timezone.localdate())
    round_.save()
    scatter(rng, tree, facility, round_)
    assert_consistent(tree)
    # Corrections after the fact: more records, released observations, results, acknowledged alerts.
    scatter(rng, tree, facility, round_)
    Episode.objects.filter(pk__in=list(Episode.objects.open().values_list("pk", flat=True))[:3]).update(
        ended_on=timezone.localdate(), outcome=Episode.Outcome.RELEASED
    )
    Alert.objects.filter(acknowledged_at__isnull=True).update(resolved_at=moment(1, 16))
    assert_consistent(tree)
    assert_consistent(tree, people.county_officer)


def test_every_link_lists_the_records_counted(client, tree, people):
    rng = random.Random(7)
    facility = make_facility(tree.county)
    round_ = ScreeningRound(area=tree.town, title="全覆盖排查", opened_on=days_ago(4), deadline=timezone.localdate())
    round_.save()
    scatter(rng, tree, facility, round_)
    client.force_login(people.county_officer)
    for days in (0, 2):
        day = days_ago(days)
        report = figures.report(tree.town, day, people.county_officer)
        for indicator in report.shown:
            if indicator.is_rate or indicator.model.startswith("reports") or indicator.model == "areas.Area":
                continue
            page = client.get(report.link(indicator.code))
            assert page.status_code == 200, indicator.code
            records = [row.record for row in page.context["table"].rows]
            listed = (
                len({getattr(record, f"{indicator.distinct}_id") for record in records})
                if indicator.distinct
                else len(records)
            )
            assert listed == report.figures[indicator.code], (indicator.code, day)


def test_each_trend_point_equals_the_days_figure_after_random_changes(tree, people):
    """The dashboard's trends count every day of the span in one query per table (a condition per
    figure and day): every point must be the figure of its day as the daily report counts it."""
    rng = random.Random(11)
    facility = make_facility(tree.county)
    round_ = ScreeningRound(area=tree.town, title="全覆盖排查", opened_on=days_ago(4), deadline=timezone.localdate())
    round_.save()
    scatter(rng, tree, facility, round_)
    scatter(rng, tree, facility, round_)
    codes = list(dashboard.KEY_CODES)
    span = [days_ago(days) for days in range(DAYS - 1, -1, -1)]
    for user in (None, people.county_officer):
        for area in (tree.city, tree.county, tree.town, tree.village):
            trends, days = dashboard.trends(area, codes, timezone.localdate(), days=DAYS, user=user)
            assert days == span
            for code in codes:
                expected = [value for _day, value in figures.series(area, code, DAYS, user=user)]
                assert trends[code] == expected, (code, area.code, user)
