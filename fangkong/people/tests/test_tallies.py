"""The households figures are summed from tallies (people.tallies): they must equal a direct count of
the households after any change made through the application, for every area and past day."""

import datetime
import random
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.utils import timezone

from fangkong.core import indicators
from fangkong.core.scope import subtree_q
from fangkong.people import tallies
from fangkong.people.indicators import registered_by, screened_by
from fangkong.people.models import Household, HouseholdTally, ScreeningRound, ScreeningVisit
from fangkong.people.services import close_round, record_visit, save_household
from fangkong.people.tests.factories import make_household

DAYS = 8


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def registered_days_ago(area, days, hour=9):
    """A household registered (``created``) on a past day, through the ordinary save."""
    moment = timezone.make_aware(datetime.datetime.combine(days_ago(days), datetime.time(hour)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return make_household(area, f"{area.name} {random.random():.6f} 号")


def open_round(area, days):
    screening_round = ScreeningRound(area=area, title="排查", opened_on=days_ago(days), deadline=timezone.localdate())
    screening_round.save()
    return screening_round


def direct(area, day):
    households = Household.objects.filter(subtree_q("area_path", area.path))
    return registered_by(households, day).count(), screened_by(households, day).count()


def summed(area, day):
    return tuple(indicators.get(code).count(area, day) for code in ("households", "households_screened"))


def assert_tallies_match(tree):
    for area in (tree.city, tree.town, tree.village, tree.village2, tree.grid, tree.grid2, tree.other_county):
        for days in range(DAYS + 1):
            day = days_ago(days)
            assert summed(area, day) == direct(area, day), (area.code, day)
    assert tallies.tallies_match()


def test_the_tallies_equal_a_direct_count_after_random_changes(tree, people):
    rng = random.Random(20200123)
    places = [tree.grid, tree.grid2, tree.village, tree.village2, tree.other_grid]
    town_round, village_round = open_round(tree.town, 6), open_round(tree.village, 3)  # overlapping
    other_round = open_round(tree.other_village, 5)
    rounds = [town_round, village_round, other_round]
    households = []
    for step in range(60):
        action = rng.random()
        if action < 0.3 or not households:
            households.append(registered_days_ago(rng.choice(places), rng.randrange(DAYS)))
        elif action < 0.6:
            household = rng.choice(households)
            fitting = [
                item for item in rounds if item.closed_on is None and household.area_path.startswith(item.area_path)
            ]
            if fitting:
                values = {"visited_on": days_ago(rng.randrange(DAYS)), "members_home": rng.randrange(5)}
                record_visit(people.city_commander, rng.choice(fitting), household, values)
        elif action < 0.7:
            household = households.pop(rng.randrange(len(households)))
            household.delete()
        elif action < 0.8:
            household = rng.choice(households)
            household.area = rng.choice(places)
            save_household(household)
        elif action < 0.87:
            visit = ScreeningVisit.objects.order_by("?").first()
            if visit:
                visit.delete()
        elif action < 0.93:
            screening_round = rng.choice(rounds)
            if screening_round.closed_on is None:
                close_round(screening_round, people.city_commander)
            else:  # a round ended earlier than recorded: its date corrected
                screening_round.closed_on -= datetime.timedelta(days=rng.randrange(3))
                screening_round.save()
        else:
            rounds.append(open_round(rng.choice([tree.town, tree.village, tree.village2]), rng.randrange(DAYS)))
        if step % 15 == 14:
            assert_tallies_match(tree)
    assert_tallies_match(tree)
    assert HouseholdTally.objects.exists()


def test_a_household_visited_in_two_open_rounds_is_screened_once(tree, people):
    household = registered_days_ago(tree.grid, 5)
    for screening_round in (open_round(tree.town, 4), open_round(tree.village, 2)):
        record_visit(people.town_officer, screening_round, household, {"visited_on": days_ago(1)})
    assert summed(tree.city, timezone.localdate()) == (1, 1)
    assert summed(tree.city, days_ago(2)) == (1, 0)


def test_a_visit_before_the_household_was_registered_counts_from_its_registration(tree, people):
    household = registered_days_ago(tree.grid, 2)
    record_visit(people.town_officer, open_round(tree.town, 5), household, {"visited_on": days_ago(4)})
    assert [summed(tree.town, days_ago(days)) for days in (3, 2, 0)] == [(0, 0), (1, 1), (1, 1)]


def test_a_closed_round_stops_counting_the_day_after_it_closed(tree, people):
    household = registered_days_ago(tree.grid, 5)
    screening_round = open_round(tree.town, 4)
    record_visit(people.town_officer, screening_round, household, {"visited_on": days_ago(3)})
    screening_round.closed_on = days_ago(1)
    screening_round.save()
    assert [summed(tree.town, days_ago(days))[1] for days in (4, 3, 1, 0)] == [0, 1, 1, 0]


def test_the_command_rebuilds_the_tallies_after_a_load_without_signals(tree):
    loaded = [Household(area=tree.grid, area_path=tree.grid.path, address=f"{number} 号") for number in range(3)]
    Household.objects.bulk_create(loaded)
    assert summed(tree.town, timezone.localdate()) == (0, 0)  # bulk_create sends no signals
    output = StringIO()
    call_command("rebuild_tallies", stdout=output)
    assert summed(tree.town, timezone.localdate()) == (3, 0)
    assert "1 tally rows" in output.getvalue()
